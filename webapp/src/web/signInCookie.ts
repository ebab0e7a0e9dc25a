/**
 * Sign-ins in progress travel in a sealed, short-lived cookie (see seal.ts), not on the server: starting a sign-in
 * costs the server no memory and no store write, however many are started, and any instance can complete it.
 * The cookie holds at most a few sign-ins (several tabs) and stays under browsers' 4 KB per-cookie limit; each is
 * completed at most once by this browser (it is removed from the cookie), and the tenant accepts a code once.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readCookie, setCookie } from "./cookies";
import type { Sealer } from "./seal";

export interface PendingSignIn {
    readonly state: string;
    readonly nonce: string;
    readonly codeVerifier: string;
    readonly returnTo: string;
    /** Milliseconds since the epoch. */
    readonly expires: number;
}

export const SIGN_IN_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 3;
const MAX_COOKIE_BYTES = 3800;

export class SignInCookie {
    readonly name: string;

    constructor(private readonly sealer: Sealer, private readonly secure: boolean, private readonly now: () => number) {
        this.name = secure ? "__Host-signin" : "signin";
    }

    /** The unexpired sign-ins in progress in this request's cookie (none when absent, altered or expired). */
    async read(req: IncomingMessage): Promise<PendingSignIn[]> {
        const raw = readCookie(req.headers.cookie, this.name);
        if (raw === undefined || raw === "") return [];
        const list = await this.sealer.open<PendingSignIn[]>("sign-in", this.name, raw);
        if (!Array.isArray(list)) return [];
        const now = this.now();
        return list.filter((p) => p && typeof p.state === "string" && typeof p.expires === "number" && p.expires > now);
    }

    /** Writes `list` (newest last; the oldest are dropped to stay small) or deletes the cookie when it is empty. */
    async write(res: ServerResponse, list: readonly PendingSignIn[]): Promise<void> {
        let kept = list.slice(-MAX_PENDING);
        while (kept.length > 0) {
            const sealed = await this.sealer.seal("sign-in", this.name, kept);
            if (sealed.length + this.name.length <= MAX_COOKIE_BYTES || kept.length === 1) {
                const latest = Math.max(...kept.map((p) => p.expires));
                setCookie(res, this.name, sealed, Math.ceil((latest - this.now()) / 1000), this.secure);
                return;
            }
            kept = kept.slice(1);
        }
        setCookie(res, this.name, "", 0, this.secure);
    }
}
