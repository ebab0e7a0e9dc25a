/**
 * The shared store: Redis through node-redis (`redis`), for any number of web instances.
 *
 * - Fails fast instead of waiting: the offline queue is off (a command while disconnected is refused at once) and
 *   every command has a deadline (see `run`), so an outage becomes a "try again" page within seconds, never a hung
 *   request.
 *   The client reconnects by itself (backoff up to 2 s); sessions are there again when Redis is.
 * - `auth: "entra"`: Microsoft Entra authentication with the site's system-assigned managed identity through the
 *   official `@redis/entraid` credentials provider, which refreshes the token before it expires and re-sends AUTH on
 *   every connection (Azure Managed Redis requires that; TLS only):
 *   https://learn.microsoft.com/azure/redis/entra-for-authentication
 * - node-redis and @redis/entraid are loaded only when this store is used: a site without REDIS_URL starts as fast as
 *   before (cold start).
 */
import type { Logger } from "../../shared/log";
import { StoreUnavailableError, type KeyValueStore } from "./types";

export interface RedisStoreOptions {
    /** `redis://` or `rediss://host:port` (locally it may carry a password). */
    readonly url: string;
    /** `entra`: token from the managed identity; `url`: whatever the URL carries (nothing, or a password). */
    readonly auth: "url" | "entra";
    readonly log: Logger;
    /** Per-command timeout. Default 2000 ms. */
    readonly commandTimeoutMs?: number;
    /** Prefix of every key (several apps may share one Redis). Default `web:`. */
    readonly prefix?: string;
}

type RedisModule = typeof import("redis");
type Client = ReturnType<RedisModule["createClient"]>;

function credentialsProvider(log: Logger) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EntraIdCredentialsProviderFactory } = require("@redis/entraid") as typeof import("@redis/entraid");
    return EntraIdCredentialsProviderFactory.createForSystemAssignedManagedIdentity({
        // Not used for a system-assigned identity (MSAL's ManagedIdentityApplication asks App Service's endpoint).
        clientId: "system-assigned-managed-identity",
        tokenManagerConfig: {
            expirationRefreshRatio: 0.8,
            retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5000, backoffMultiplier: 2, isRetryable: () => true },
        },
        onReAuthenticationError: (e) => log.error("redis: re-authentication with a new Entra token failed", { error: e }),
        onRetryableError: (e) => log.warn("redis: getting an Entra token failed; retrying", { error: String(e) }),
    });
}

export class RedisStore implements KeyValueStore {
    readonly kind = "redis" as const;
    private readonly client: Client;
    private readonly prefix: string;
    private readonly timeout: number;
    private lastErrorLog = 0;
    private closed = false;

    constructor(options: RedisStoreOptions) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createClient } = require("redis") as RedisModule;
        this.prefix = options.prefix ?? "web:";
        this.timeout = options.commandTimeoutMs ?? 2000;
        const log = options.log;
        this.client = createClient({
            url: options.url,
            ...(options.auth === "entra" ? { credentialsProvider: credentialsProvider(log) } : {}),
            disableOfflineQueue: true,
            // Azure closes idle connections after 10 minutes; a PING a minute keeps this one open.
            pingInterval: 60_000,
            socket: {
                connectTimeout: 5000,
                reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000),
            },
        });
        this.client.on("error", (e: Error) => {
            const now = Date.now();
            if (now - this.lastErrorLog < 10_000) return;
            this.lastErrorLog = now;
            log.warn("redis: connection problem; retrying", { error: e.message });
        });
        this.client.on("ready", () => log.info("redis: connected", { url: redactUrl(options.url), auth: options.auth }));
        // Connect in the background: the site listens at once and answers 503 on /healthz until Redis is ready.
        this.client.connect().catch((e: Error) => log.error("redis: cannot connect", { error: e.message }));
    }

    /**
     * Runs a command with a deadline of its own: node-redis's command timeout covers only the wait to be written,
     * not the wait for the reply, so a Redis that accepts connections but does not answer would hold requests forever.
     */
    private async run<T>(what: string, f: () => Promise<T>): Promise<T> {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${this.timeout} ms`)), this.timeout);
        });
        try {
            return await Promise.race([f(), deadline]);
        } catch (e) {
            throw new StoreUnavailableError(`redis ${what} failed: ${(e as Error).message}`, { cause: e });
        } finally {
            clearTimeout(timer);
        }
    }

    get(key: string): Promise<string | undefined> {
        return this.run("GET", async () => (await this.client.get(this.prefix + key)) ?? undefined);
    }

    getAndTouch(key: string, ttlMs: number): Promise<string | undefined> {
        return this.run("GETEX", async () => (await this.client.getEx(this.prefix + key, { type: "PX", value: Math.max(1, Math.ceil(ttlMs)) })) ?? undefined);
    }

    set(key: string, value: string, ttlMs: number): Promise<void> {
        return this.run("SET", async () => {
            await this.client.set(this.prefix + key, value, { expiration: { type: "PX", value: Math.max(1, Math.ceil(ttlMs)) } });
        });
    }

    delete(key: string): Promise<void> {
        return this.run("DEL", async () => {
            await this.client.del(this.prefix + key);
        });
    }

    async ready(): Promise<boolean> {
        if (!this.client.isReady) return false;
        try {
            return (await this.run("PING", () => this.client.ping())) === "PONG";
        } catch {
            return false;
        }
    }

    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        // A graceful close waits for replies; with Redis down it would wait for a reconnection that may never come.
        if (!this.client.isReady) {
            this.client.destroy();
            return;
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.client.close(), new Promise((r) => (timer = setTimeout(r, this.timeout)))]).catch(() => undefined);
        clearTimeout(timer);
        if (this.client.isOpen) this.client.destroy();
    }
}

/** The URL without its password (for logs). */
export function redactUrl(url: string): string {
    try {
        const u = new URL(url);
        if (u.password !== "") u.password = "redacted";
        return u.href;
    } catch {
        return "(not a URL)";
    }
}
