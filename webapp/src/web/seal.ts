/**
 * Authenticated encryption for what the web app keeps outside its own memory: the sign-in-in-progress cookie, the
 * session records and the per-user MSAL token caches. jose's compact JWE (`dir` + `A256GCM`) does the encryption;
 * each purpose has its own 256-bit key derived from SESSION_SECRET with HKDF-SHA256 (node:crypto), so a value sealed
 * for one purpose never opens as another. `binding` ties a value to where it is kept (a storage key, a cookie name):
 * a value copied to another key does not open there.
 */
import { createHmac, createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import { CompactEncrypt, compactDecrypt } from "jose";

export type SealPurpose = "sign-in" | "session" | "token-cache";

const SALT = "entra-external-id-sample/web/v1";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A 32-byte key for `label`, derived from `secret` with HKDF-SHA256. */
export function deriveKey(secret: string, label: string): Uint8Array {
    return new Uint8Array(hkdfSync("sha256", secret, SALT, label, 32));
}

/**
 * How many opened values are remembered. Opening (jose's JWE decryption through WebCrypto) measured ≈ 140 µs, most of
 * a signed-in page's cost (scripts/bench-web.mjs); a session's sealed record does not change while it lives, so an
 * instance remembers the session records it opened, keyed by the exact sealed text and binding (≈ 2.5 KB each). Only
 * sessions (which need a real sign-in): sign-in cookies come from anonymous visitors and are not remembered.
 */
const OPENED_CACHE_SIZE = 20_000;

export class Sealer {
    private readonly keys: Record<SealPurpose, Uint8Array>;
    /**
     * A KeyObject made once: createHmac with raw bytes checks and wraps them on every call, measured 11.2 µs vs 1.7 µs
     * per MAC with a KeyObject (Node 24; 17 % of a signed-in page's CPU in a profile of scripts/bench-web.mjs).
     */
    private readonly macKey: KeyObject;
    private readonly opened = new Map<string, unknown>();

    constructor(secret: string) {
        this.keys = {
            "sign-in": deriveKey(secret, "sign-in cookie"),
            session: deriveKey(secret, "session record"),
            "token-cache": deriveKey(secret, "token cache"),
        };
        this.macKey = createSecretKey(deriveKey(secret, "session cookie mac"));
    }

    async seal(purpose: SealPurpose, binding: string, value: unknown): Promise<string> {
        const payload = encoder.encode(JSON.stringify({ p: purpose, b: binding, v: value }));
        return new CompactEncrypt(payload).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).encrypt(this.keys[purpose]);
    }

    /** The value sealed for `purpose` and `binding`; undefined when `jwe` is malformed, altered, or sealed for another. */
    async open<T>(purpose: SealPurpose, binding: string, jwe: string): Promise<T | undefined> {
        if (jwe.length > 64 * 1024 || jwe.split(".").length !== 5) return undefined;
        const cacheKey = purpose === "session" ? `${binding}\n${jwe}` : undefined;
        if (cacheKey !== undefined && this.opened.has(cacheKey)) return this.opened.get(cacheKey) as T;
        let value: T | undefined;
        try {
            const { plaintext } = await compactDecrypt(jwe, this.keys[purpose], { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
            const parsed = JSON.parse(decoder.decode(plaintext)) as { p?: unknown; b?: unknown; v?: T };
            if (parsed.p !== purpose || parsed.b !== binding) return undefined;
            value = parsed.v;
        } catch {
            return undefined;
        }
        if (cacheKey !== undefined) {
            this.opened.set(cacheKey, value);
            if (this.opened.size > OPENED_CACHE_SIZE) this.opened.delete(this.opened.keys().next().value!);
        }
        return value;
    }

    /** HMAC-SHA256 (base64url) of `data` with a key of its own, for the session cookie's signature. */
    mac(data: string): string {
        return createHmac("sha256", this.macKey).update(data).digest("base64url");
    }
}
