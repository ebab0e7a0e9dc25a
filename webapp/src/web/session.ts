/**
 * Signed-in sessions. A session exists only after a successful sign-in (sign-ins in progress live in a sealed
 * cookie, see signInCookie.ts). The cookie carries a random id, the session's absolute deadline and an HMAC of both;
 * the record (user, CSRF token) lives in the store (memory or Redis) under a hash of the id, sealed with a key from
 * SESSION_SECRET. A session ends after `idleMs` without a request or at its absolute deadline, whichever comes
 * first; every response to a signed-in request moves the store's expiry and the cookie's Max-Age to the same instant.
 * A store that cannot be reached raises StoreUnavailableError: never treated as "signed out".
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readCookie, setCookie } from "./cookies";
import type { Sealer } from "./seal";
import type { KeyValueStore } from "./store/types";

export interface SignedInUser {
    readonly homeAccountId: string;
    readonly name: string;
    readonly username: string;
    /** The ID token's claims (shown on /profile). */
    readonly claims: Readonly<Record<string, unknown>>;
}

export interface SessionRecord {
    readonly user: SignedInUser;
    /** Per-session CSRF token for every form that changes state. */
    readonly csrf: string;
    /** Milliseconds since the epoch: the session ends then whatever the activity. */
    readonly absoluteExpires: number;
}

export interface Session {
    readonly id: string;
    readonly record: SessionRecord;
}

export interface SessionOptions {
    readonly store: KeyValueStore;
    readonly sealer: Sealer;
    readonly idleMs: number;
    readonly absoluteMs: number;
    readonly secureCookies: boolean;
    readonly now?: () => number;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

export class Sessions {
    readonly cookieName: string;
    private readonly now: () => number;

    constructor(private readonly options: SessionOptions) {
        this.cookieName = options.secureCookies ? "__Host-session" : "session";
        this.now = options.now ?? Date.now;
    }

    /** The store key of a session id: a hash, so reading the store does not reveal usable cookies. */
    static storeKey(id: string): string {
        return `sess:${createHash("sha256").update(id).digest("base64url")}`;
    }

    private cookieValue(id: string, absoluteExpires: number): string {
        const payload = `${id}.${absoluteExpires.toString(36)}`;
        return `${payload}.${this.options.sealer.mac(payload)}`;
    }

    /** The id and deadline in a cookie value, if its MAC is right. */
    private parse(value: string): { id: string; absoluteExpires: number } | undefined {
        const parts = value.split(".");
        if (parts.length !== 3 || !ID.test(parts[0]!) || !/^[0-9a-z]{1,12}$/.test(parts[1]!)) return undefined;
        if (!safeEqual(parts[2]!, this.options.sealer.mac(`${parts[0]}.${parts[1]}`))) return undefined;
        return { id: parts[0]!, absoluteExpires: parseInt(parts[1]!, 36) };
    }

    /** True when the request carries a session cookie (valid or not): such a visitor may be signed in. */
    hasCookie(req: IncomingMessage): boolean {
        return readCookie(req.headers.cookie, this.cookieName) !== undefined;
    }

    /**
     * The live session named by the request's cookie; its idle expiry (store and cookie, when `res` is given) moves
     * forward. Undefined when there is none, or it has ended (its cookie is then deleted).
     * @throws StoreUnavailableError when the store cannot be reached.
     */
    async get(req: IncomingMessage, res?: ServerResponse): Promise<Session | undefined> {
        const raw = readCookie(req.headers.cookie, this.cookieName);
        if (raw === undefined || raw === "") return undefined;
        const parsed = this.parse(raw);
        const now = this.now();
        if (parsed === undefined || parsed.absoluteExpires <= now) {
            if (res) this.clearCookie(res);
            return undefined;
        }
        const ttl = Math.min(this.options.idleMs, parsed.absoluteExpires - now);
        const key = Sessions.storeKey(parsed.id);
        const sealed = await this.options.store.getAndTouch(key, ttl);
        const record = sealed === undefined ? undefined : await this.options.sealer.open<SessionRecord>("session", key, sealed);
        if (record === undefined || record.absoluteExpires !== parsed.absoluteExpires) {
            if (res) this.clearCookie(res);
            return undefined;
        }
        if (res) setCookie(res, this.cookieName, raw, ttl / 1000, this.options.secureCookies);
        return { id: parsed.id, record };
    }

    /** A new session for `user` (new id and CSRF token: no session fixation), with its cookie set on `res`. */
    async create(res: ServerResponse, user: SignedInUser): Promise<Session> {
        const id = randomBytes(32).toString("base64url");
        const now = this.now();
        const record: SessionRecord = { user, csrf: randomBytes(32).toString("base64url"), absoluteExpires: now + this.options.absoluteMs };
        const key = Sessions.storeKey(id);
        const ttl = Math.min(this.options.idleMs, this.options.absoluteMs);
        await this.options.store.set(key, await this.options.sealer.seal("session", key, record), ttl);
        setCookie(res, this.cookieName, this.cookieValue(id, record.absoluteExpires), ttl / 1000, this.options.secureCookies);
        return { id, record };
    }

    /** Ends `session` (if any) in the store and deletes its cookie. */
    async destroy(session: Session | undefined, res: ServerResponse): Promise<void> {
        if (session !== undefined) await this.options.store.delete(Sessions.storeKey(session.id));
        this.clearCookie(res);
    }

    clearCookie(res: ServerResponse): void {
        setCookie(res, this.cookieName, "", 0, this.options.secureCookies);
    }
}

export function safeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}
