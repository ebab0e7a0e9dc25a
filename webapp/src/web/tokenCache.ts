/**
 * Per-user MSAL token caches in the shared store, following MSAL Node's distributed cache pattern: a
 * `DistributedCachePlugin` over an `ICacheClient` (this store, values sealed with a key derived from SESSION_SECRET)
 * and an `IPartitionManager` keyed by the account's homeAccountId
 * (https://github.com/AzureAD/microsoft-authentication-library-for-js/blob/dev/lib/msal-node/docs/caching.md).
 * Each request builds its client over one partition, so a client's in-memory cache only ever holds one user's tokens;
 * a partition manager that meets another account than the one it was made for refuses to write.
 */
import { createHash } from "node:crypto";
import type { ICacheClient, IPartitionManager } from "@azure/msal-node";
import type { Sealer } from "./seal";
import type { KeyValueStore } from "./store/types";

/** The store key of a user's token cache (a hash: the store holds no account ids in clear). */
export function tokenCacheKey(homeAccountId: string): string {
    return `tc:${createHash("sha256").update(homeAccountId).digest("base64url")}`;
}

export class TokenCaches {
    constructor(private readonly store: KeyValueStore, private readonly sealer: Sealer, private readonly ttlMs: number) {}

    /** The ICacheClient MSAL's DistributedCachePlugin reads and writes partitions through. */
    readonly cacheClient: ICacheClient = {
        get: async (partition: string): Promise<string> => {
            if (partition === "") return "";
            const key = tokenCacheKey(partition);
            const sealed = await this.store.get(key);
            if (sealed === undefined) return "";
            return (await this.sealer.open<string>("token-cache", key, sealed)) ?? "";
        },
        set: async (partition: string, value: string): Promise<string> => {
            if (partition === "") throw new Error("refusing to store a token cache without an account");
            const key = tokenCacheKey(partition);
            await this.store.set(key, await this.sealer.seal("token-cache", key, value), this.ttlMs);
            return "OK";
        },
    };

    /**
     * The partition of `homeAccountId`; for a sign-in being completed (account not known yet) pass undefined: it
     * reads nothing and writes to the partition of the account the tenant returned.
     */
    partition(homeAccountId: string | undefined): IPartitionManager {
        return {
            getKey: async () => homeAccountId ?? "",
            extractKey: async (account) => {
                const found = account.homeAccountId;
                if (homeAccountId !== undefined && found !== homeAccountId) throw new Error("a token cache held another account than its partition's");
                return found;
            },
        };
    }

    delete(homeAccountId: string): Promise<void> {
        return this.store.delete(tokenCacheKey(homeAccountId));
    }
}
