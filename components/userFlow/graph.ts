/**
 * The Microsoft Graph HTTP layer shared by every dynamic provider here. Its API:
 *
 *   makeContext(tenantId, opts)        one operation's context: Graph client, token (from opts.credential or the
 *                                      environment, acquired lazily), backoff, total wait, secrets to scrub
 *   call(ctx, method, path, body?, query?)
 *                                      one request: 429/503/504 retried (Retry-After), dropped connections retried
 *                                      except for POST (reported `lost`), a 401 retried once with a fresh token;
 *                                      every other error becomes a GraphFailure {status, code, lost} whose message
 *                                      is safe to show (scrubbed, truncated, names the call and the request id)
 *   untilReplicated(ctx, what, attempt) repeats `attempt` with exponential backoff while it answers notYet(reason)
 *   listAll(ctx, path, query?)         every page of a collection
 *   getUnlessGone(ctx, path, recent)   GET that maps 404 to undefined (within the recent-create window: only after
 *                                      the 404 outlasted the replication wait)
 *   exists(ctx, path)                  GET → true, 404 → false
 *   confirmedLive(ctx, find, pathOf)   a lookup's hit confirmed by GET (a just-deleted object may still be listed)
 *   deleteConfirmed(ctx, path, probe, recent)
 *                                      DELETE; a 404 inside the recent-create window is confirmed by consecutive 404s
 *   isRecent(createdAt)                whether a create was within RECENT_CREATE_MS
 *   failure, scrub, truncate, brief    safe error text; odataQuote; graphRootOf(opts)
 *
 * The total wait of one operation (throttling or replication) is opts.maxWaitMs, else the environment variable
 * GRAPH_MAX_WAIT_SECONDS, else 300 s.
 *
 * Files: graphContext.ts (the context and its token), graphErrors.ts (safe error text), this file (requests, retries,
 * replication); import everything from here.
 *
 * Serialization: Pulumi serializes a dynamic provider with everything its methods reach, so these modules keep to
 * plain functions and constants; packages are loaded with `require` inside the functions and credentials are made
 * from the environment at call time. Nothing here captures a credential, a socket or a module object.
 */
import type { Ctx } from "./graphContext";
import * as graphContextModule from "./graphContext";
import type { GraphFailure } from "./graphErrors";
import * as graphErrorsModule from "./graphErrors";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { challengeClaims } = graphContextModule;
const { failure, scrub, truncate, MAX_SHOWN } = graphErrorsModule;

// The whole API in one place: the context and the error helpers live in their own files.
export { DEFAULT_MAX_WAIT_MS, MAX_WAIT_ENV, graphRootOf, makeContext, maxWaitFromEnv } from "./graphContext";
export type { Ctx } from "./graphContext";
export { MAX_SHOWN, brief, failure, scrub, truncate } from "./graphErrors";
export type { GraphFailure } from "./graphErrors";

/**
 * Within this long after a create, a 404 may be replication delay rather than absence. Graph documents no bound;
 * terraform-provider-azuread's consistency helpers poll for minutes after a write (see ARCHITECTURE.md).
 */
export const RECENT_CREATE_MS = 10 * 60_000;
/** Consecutive 404s that confirm a recently created object is gone (terraform-provider-azuread polls until several
 * consecutive reads agree: 3 after create, 5 after update/delete). */
export const ABSENCE_CONFIRMATIONS = 3;

/** What an `untilReplicated` attempt answers. */
export type Attempt<T> = { done: true; value: T } | { done: false; reason: string };
export function done<T>(value: T): Attempt<T> {
    return { done: true, value };
}
export function notYet<T>(reason: string): Attempt<T> {
    return { done: false, reason };
}

export function isRecent(createdAt: unknown): boolean {
    if (typeof createdAt !== "string") return false;
    const t = Date.parse(createdAt);
    return !Number.isNaN(t) && Date.now() - t < RECENT_CREATE_MS;
}

export function retryAfterMs(header: string | null | undefined): number | undefined {
    if (!header) return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(header)) return Math.round(Number(header) * 1000);
    const at = Date.parse(header);
    return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * One Graph request. 429/503/504 are retried honouring Retry-After (else exponential backoff); a dropped
 * connection is retried for GET/PATCH/DELETE and reported as `lost` for POST (the caller reconciles); a 401 is
 * retried once with a newly acquired token (a token revoked or expired early, or a claims challenge) before it is
 * reported.
 */
export async function call(ctx: Ctx, method: Method, path: string, body?: unknown, query?: Record<string, string>): Promise<any> {
    let waited = 0;
    let attempt = 0;
    let renewed = false;
    for (;;) {
        attempt++;
        try {
            let req = ctx.client.api(path);
            if (query) req = req.query(query);
            switch (method) {
                case "GET": return await req.get();
                case "POST": return await req.post(body);
                case "PATCH": return await req.patch(body);
                case "DELETE": return await req.delete();
            }
        } catch (e) {
            const err = e as { statusCode?: number; code?: string | null; message?: string; name?: string; headers?: Headers; requestId?: string };
            if (err.code === "GraphCredentialError" || err.name === "GraphCredentialError") throw failure(scrub(err.message ?? "credential error", ctx.secrets), { code: "GraphCredentialError" });
            const status = typeof err.statusCode === "number" && err.statusCode > 0 ? err.statusCode : undefined;
            const where = `${method} ${path.split("?")[0]}`;
            if (status === 429 || status === 503 || status === 504) {
                const delay = retryAfterMs(err.headers?.get?.("Retry-After")) ?? ctx.backoffBaseMs * 2 ** Math.min(attempt - 1, 6);
                if (attempt >= 10 || waited + delay > ctx.maxWaitMs) {
                    throw failure(`${where}: Microsoft Graph still answered ${status} after ${attempt} attempts and ${Math.round(waited / 1000)} s of waiting; try again later`, { status, code: err.code ?? undefined });
                }
                waited += delay;
                await ctx.sleep(delay);
                continue;
            }
            if (status === undefined) {
                if (method !== "POST" && attempt < 5) {
                    const delay = ctx.backoffBaseMs * 2 ** (attempt - 1);
                    waited += delay;
                    await ctx.sleep(delay);
                    continue;
                }
                throw failure(scrub(`${where}: no response from Microsoft Graph (${err.message || err.code || "connection failed"})`, ctx.secrets), { lost: true });
            }
            const code = err.code ?? undefined;
            const msg = truncate(scrub(err.message ?? "", ctx.secrets));
            const rid = err.requestId ? ` (request-id ${err.requestId})` : "";
            if (status === 401 && !renewed) {
                renewed = true;
                ctx.renewToken(challengeClaims(err.headers?.get?.("WWW-Authenticate")));
                continue;
            }
            if (status === 401) {
                throw failure(`${where}: Microsoft Graph rejected the access token for tenant ${ctx.tenantId} (401 ${code ?? ""}: ${msg})${rid}. The credential may be expired or issued for another tenant; check the credential environment variables`, { status, code });
            }
            if (status === 403) {
                throw failure(`${where}: access denied (403 ${code ?? ""}: ${msg})${rid}. The identity needs the Microsoft Graph application permissions EventListener.ReadWrite.All and IdentityUserFlow.ReadWrite.All in tenant ${ctx.tenantId}`, { status, code });
            }
            throw failure(`${where}: Microsoft Graph answered ${status} ${code ?? ""}: ${msg}${rid}`, { status, code });
        }
    }
}

/**
 * Repeats `attempt` with exponential backoff while it reports "not yet" (replication delay), up to maxWaitMs.
 */
export async function untilReplicated<T>(ctx: Ctx, what: string, attempt: () => Promise<Attempt<T>>): Promise<T> {
    let waited = 0;
    let delay = ctx.backoffBaseMs;
    for (;;) {
        const r = await attempt();
        if (r.done) return r.value;
        if (waited + delay > ctx.maxWaitMs) {
            throw Object.assign(new Error(`${what}: gave up after ${Math.round(waited / 1000)} s of retries: ${truncate(r.reason, 2 * MAX_SHOWN)}`), { gaveUp: true });
        }
        await ctx.sleep(delay);
        waited += delay;
        delay = Math.min(delay * 2, 60_000);
    }
}

export function odataQuote(s: string): string {
    return `'${s.replace(/'/g, "''")}'`;
}

export async function listAll(ctx: Ctx, path: string, query?: Record<string, string>): Promise<any[]> {
    const out: any[] = [];
    let page = await call(ctx, "GET", path, undefined, query);
    for (;;) {
        out.push(...(Array.isArray(page?.value) ? page.value : []));
        const next = page?.["@odata.nextLink"];
        if (typeof next !== "string" || next === "") return out;
        page = await call(ctx, "GET", next);
    }
}

/** GET `path`; undefined on 404. Within the recent-create window a 404 is retried (replication) until the wait runs
 * out, and only then taken as absence. */
export async function getUnlessGone(ctx: Ctx, path: string, recent: boolean): Promise<any | undefined> {
    try {
        return await untilReplicated(ctx, `GET ${path}`, async () => {
            try {
                return done(await call(ctx, "GET", path));
            } catch (e) {
                if ((e as GraphFailure).status !== 404) throw e;
                return recent ? notYet(`GET ${path} still answers 404 Not Found`) : done(undefined);
            }
        });
    } catch (e) {
        if ((e as { gaveUp?: boolean }).gaveUp) return undefined;
        throw e;
    }
}

/** GET `path` once: true when it answers, false on 404. */
export async function exists(ctx: Ctx, path: string): Promise<boolean> {
    try {
        await call(ctx, "GET", path);
        return true;
    } catch (e) {
        if ((e as GraphFailure).status === 404) return false;
        throw e;
    }
}

/**
 * DELETE `path`. A 404 means "already gone", except within the recent-create window, where it may be replication
 * delay (the object answers 404 here and reappears seconds later): then absence must be confirmed by
 * ABSENCE_CONFIRMATIONS consecutive 404s of `probe`, spaced by the backoff; an object that shows up is deleted
 * again. If the wait runs out while every probe still answers 404, the object is taken as gone.
 */
export async function deleteConfirmed(ctx: Ctx, path: string, probe: () => Promise<boolean>, recent: boolean): Promise<void> {
    let waited = 0;
    let delay = ctx.backoffBaseMs;
    for (;;) {
        try {
            await call(ctx, "DELETE", path);
            return;
        } catch (e) {
            if ((e as GraphFailure).status !== 404) throw e;
        }
        if (!recent) return;
        let misses = 0;
        for (;;) {
            if (misses >= ABSENCE_CONFIRMATIONS || waited + delay > ctx.maxWaitMs) return;
            await ctx.sleep(delay);
            waited += delay;
            delay = Math.min(delay * 2, 60_000);
            if (await probe()) break;
            misses++;
        }
        // It was there after all (replication): delete it again.
    }
}

/**
 * The live object `find` reports (e.g. a same-name lookup in a list), confirmed by a GET of `pathOf(found)`. A listed
 * object that answers 404 may be one deleted moments ago (lists lag behind deletes) or one not replicated yet:
 * look again with backoff until the list drops it (undefined) or the GET finds it. If it is still listed but absent
 * when the wait runs out, it is reported as found, the side that never takes over a stranger's object.
 */
export async function confirmedLive<T>(ctx: Ctx, find: () => Promise<T | undefined>, pathOf: (found: T) => string): Promise<T | undefined> {
    let last: T | undefined;
    try {
        return await untilReplicated<T | undefined>(ctx, "looking up an existing object", async () => {
            last = await find();
            if (last === undefined || (await exists(ctx, pathOf(last)))) return done(last);
            return notYet(`${pathOf(last)} is listed but answers 404`);
        });
    } catch (e) {
        if ((e as { gaveUp?: boolean }).gaveUp) return last;
        throw e;
    }
}
