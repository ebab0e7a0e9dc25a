/**
 * The embedded store: a Map in this process's memory, for one instance (`npm start`, tests). Holds only signed-in
 * sessions and their token caches (anonymous visitors add nothing); at most `maxEntries`, least recently used first out.
 */
import type { KeyValueStore } from "./types";

interface Entry {
    value: string;
    expires: number;
}

export class MemoryStore implements KeyValueStore {
    readonly kind = "memory" as const;
    private readonly entries = new Map<string, Entry>();
    private readonly sweeper: NodeJS.Timeout;

    constructor(private readonly options: { maxEntries?: number; now?: () => number } = {}) {
        this.sweeper = setInterval(() => this.sweep(), 60_000);
        this.sweeper.unref();
    }

    private get now(): number {
        return (this.options.now ?? Date.now)();
    }

    private live(key: string): Entry | undefined {
        const e = this.entries.get(key);
        if (e === undefined) return undefined;
        if (e.expires <= this.now) {
            this.entries.delete(key);
            return undefined;
        }
        return e;
    }

    async get(key: string): Promise<string | undefined> {
        return this.live(key)?.value;
    }

    async getAndTouch(key: string, ttlMs: number): Promise<string | undefined> {
        const e = this.live(key);
        if (e === undefined) return undefined;
        e.expires = this.now + ttlMs;
        this.entries.delete(key);
        this.entries.set(key, e);
        return e.value;
    }

    async set(key: string, value: string, ttlMs: number): Promise<void> {
        this.entries.delete(key);
        this.entries.set(key, { value, expires: this.now + ttlMs });
        const max = this.options.maxEntries ?? 100_000;
        while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value!);
    }

    async delete(key: string): Promise<void> {
        this.entries.delete(key);
    }

    async ready(): Promise<boolean> {
        return true;
    }

    get size(): number {
        return this.entries.size;
    }

    async close(): Promise<void> {
        clearInterval(this.sweeper);
        this.entries.clear();
    }

    private sweep(): void {
        const now = this.now;
        for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
    }
}
