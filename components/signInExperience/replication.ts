/**
 * Replication lag after a write: Graph may answer 404 for an object created moments ago, or still show one just
 * deleted. Within the recent-create window a single 404 proves nothing; absence is confirmed by several
 * consecutive 404s, as terraform-provider-azuread's consistency checks do (ARCHITECTURE.md, facts 2026-11-30).
 */
import { type Ctx, type GraphFailure, call } from "../userFlow/graph";

/** A 404 within this long after create (or a write) may be replication delay, not deletion. */
export const RECENT_WRITE_MS = 10 * 60_000;
/** How many consecutive 404s count as "gone" inside that window; the waits between them double (2+4+8+16 s). */
export const CONFIRM_ABSENT_READS = 5;

export function isRecent(at: string | undefined, now = Date.now()): boolean {
    return at !== undefined && now - Date.parse(at) < RECENT_WRITE_MS;
}

/** GETs `path` until it answers; undefined only after CONFIRM_ABSENT_READS consecutive 404s (recent write) or one 404 (otherwise). */
export async function readConfirmed(ctx: Ctx, path: string, recent: boolean): Promise<any | undefined> {
    const reads = recent ? CONFIRM_ABSENT_READS : 1;
    let delay = ctx.backoffBaseMs;
    for (let i = 0; i < reads; i++) {
        try {
            return await call(ctx, "GET", path);
        } catch (e) {
            if ((e as GraphFailure).status !== 404) throw e;
            if (i < reads - 1) {
                await ctx.sleep(delay);
                delay *= 2;
            }
        }
    }
    return undefined;
}
