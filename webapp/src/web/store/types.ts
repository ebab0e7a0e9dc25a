/**
 * Where signed-in sessions and token caches are kept: this process's memory (one instance) or Redis (any number of
 * instances). Values are opaque strings (sealed by the caller); every entry expires after `ttlMs`.
 */
export interface KeyValueStore {
    readonly kind: "memory" | "redis";
    get(key: string): Promise<string | undefined>;
    /** Reads the value and, when present, sets its time to live to `ttlMs` (one round trip: GETEX). */
    getAndTouch(key: string, ttlMs: number): Promise<string | undefined>;
    set(key: string, value: string, ttlMs: number): Promise<void>;
    delete(key: string): Promise<void>;
    /** True when the store can serve requests now (readiness). */
    ready(): Promise<boolean>;
    close(): Promise<void>;
}

const BRAND = Symbol.for("entra-external-id-sample.StoreUnavailableError");

/**
 * The store cannot be reached: signed-in users get a "try again" page, never an empty session. `instanceof` works
 * across bundles (the Redis store is a bundle of its own beside server.js, with its own copy of this class).
 */
export class StoreUnavailableError extends Error {
    readonly [BRAND] = true;
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "StoreUnavailableError";
    }
    static [Symbol.hasInstance](value: unknown): boolean {
        return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
    }
}
