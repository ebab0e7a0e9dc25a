/**
 * Sessions: a signed cookie (HMAC-SHA256 with SESSION_SECRET) carries a random session id; the data lives in this
 * process's memory with an idle expiry. One instance only: running several instances needs a shared store.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** A sign-in in progress, keyed by its `state`. */
export interface PendingSignIn {
    readonly state: string;
    readonly nonce: string;
    readonly codeVerifier: string;
    readonly returnTo: string;
    readonly expires: number;
}

export interface SignedInUser {
    readonly homeAccountId: string;
    readonly name: string;
    readonly username: string;
    /** The ID token's claims (shown on /profile). */
    readonly claims: Readonly<Record<string, unknown>>;
}

export interface SessionData {
    /** Per-session CSRF token for every form that changes state. */
    readonly csrf: string;
    pending: PendingSignIn[];
    user?: SignedInUser;
    /** This user's serialized MSAL token cache (never shared between sessions). */
    tokenCache?: string;
}

export interface Session {
    readonly id: string;
    expires: number;
    data: SessionData;
}

const MAX_PENDING = 5;

export interface SessionStoreOptions {
    readonly secret: string;
    readonly ttlSeconds: number;
    readonly secureCookies: boolean;
    /** Largest number of sessions kept; the least recently used go first. Default 50 000. */
    readonly maxSessions?: number;
    readonly now?: () => number;
}

export class SessionStore {
    readonly cookieName: string;
    private readonly sessions = new Map<string, Session>();
    private readonly now: () => number;
    private readonly sweeper: NodeJS.Timeout;

    constructor(private readonly options: SessionStoreOptions) {
        this.cookieName = options.secureCookies ? "__Host-session" : "session";
        this.now = options.now ?? Date.now;
        this.sweeper = setInterval(() => this.sweep(), 60_000);
        this.sweeper.unref();
    }

    private sign(id: string): string {
        return createHmac("sha256", this.options.secret).update(id).digest("base64url");
    }

    /** The session id in a cookie value, if its signature is right. */
    unsign(value: string): string | undefined {
        const dot = value.lastIndexOf(".");
        if (dot <= 0) return undefined;
        const id = value.slice(0, dot);
        const given = Buffer.from(value.slice(dot + 1));
        const expected = Buffer.from(this.sign(id));
        return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
    }

    /** The live session named by the request's cookie, refreshed; undefined when none. */
    get(req: IncomingMessage): Session | undefined {
        const raw = readCookie(req.headers.cookie, this.cookieName);
        const id = raw === undefined ? undefined : this.unsign(raw);
        if (id === undefined) return undefined;
        const session = this.sessions.get(id);
        if (session === undefined) return undefined;
        if (session.expires <= this.now()) {
            this.sessions.delete(id);
            return undefined;
        }
        session.expires = this.now() + this.options.ttlSeconds * 1000;
        this.sessions.delete(id);
        this.sessions.set(id, session);
        return session;
    }

    /** A new session carrying `data` (or empty), with its cookie set on `res`. */
    create(res: ServerResponse, data?: Omit<SessionData, "csrf">): Session {
        const id = randomBytes(32).toString("base64url");
        const session: Session = {
            id,
            expires: this.now() + this.options.ttlSeconds * 1000,
            data: { pending: [], ...data, csrf: randomBytes(32).toString("base64url") },
        };
        this.sessions.set(id, session);
        const max = this.options.maxSessions ?? 50_000;
        while (this.sessions.size > max) this.sessions.delete(this.sessions.keys().next().value!);
        this.setCookie(res, `${id}.${this.sign(id)}`, this.options.ttlSeconds);
        return session;
    }

    getOrCreate(req: IncomingMessage, res: ServerResponse): Session {
        return this.get(req) ?? this.create(res);
    }

    /** Ends `session` and starts a new one with a new id and CSRF token (after sign-in: no session fixation). */
    regenerate(session: Session, res: ServerResponse, data: Omit<SessionData, "csrf">): Session {
        this.sessions.delete(session.id);
        return this.create(res, data);
    }

    destroy(session: Session | undefined, res: ServerResponse): void {
        if (session) this.sessions.delete(session.id);
        this.setCookie(res, "", 0);
    }

    get size(): number {
        return this.sessions.size;
    }

    close(): void {
        clearInterval(this.sweeper);
        this.sessions.clear();
    }

    private sweep(): void {
        const now = this.now();
        for (const [id, s] of this.sessions) if (s.expires <= now) this.sessions.delete(id);
    }

    private setCookie(res: ServerResponse, value: string, maxAge: number): void {
        const parts = [`${this.cookieName}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`];
        if (this.options.secureCookies) parts.push("Secure");
        const existing = res.getHeader("Set-Cookie");
        const list = Array.isArray(existing) ? existing : existing === undefined ? [] : [String(existing)];
        res.setHeader("Set-Cookie", [...list.filter((c) => !c.startsWith(`${this.cookieName}=`)), parts.join("; ")]);
    }
}

/** Remembers a sign-in in progress (at most a few per session; expired ones are dropped). */
export function addPending(session: Session, pending: PendingSignIn, now: number): void {
    session.data.pending = [...session.data.pending.filter((p) => p.expires > now), pending].slice(-MAX_PENDING);
}

/** Removes and returns the sign-in in progress with this `state`: each can be completed once. */
export function takePending(session: Session | undefined, state: string, now: number): PendingSignIn | undefined {
    if (session === undefined || state === "") return undefined;
    const found = session.data.pending.find((p) => safeEqual(p.state, state));
    session.data.pending = session.data.pending.filter((p) => p !== found && p.expires > now);
    return found !== undefined && found.expires > now ? found : undefined;
}

export function safeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
    if (!header) return undefined;
    for (const part of header.split(";")) {
        const eq = part.indexOf("=");
        if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
    return undefined;
}
