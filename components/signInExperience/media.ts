/**
 * Uploading a branding image: `PUT …/branding/localizations/0/{slot}` with the file's bytes and its image content
 * type (the default branding's streams live under localization "0": Microsoft Graph v1.0, "Update
 * organizationalBranding", example "PUT …/branding/localizations/0/bannerLogo, Content-Type: image/jpeg").
 *
 * The shared `call` (userFlow/graph.ts) sends JSON only, so this is the one binary request: same handling of
 * throttling (429/503/504 honouring Retry-After) and dropped connections (a PUT is idempotent, so it is repeated),
 * one 401 retried with a fresh token, same safe error messages.
 */
import type { Ctx } from "../userFlow/graph";
import * as graphModule from "../userFlow/graph";
import * as graphContextModule from "../userFlow/graphContext";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { failure, retryAfterMs, scrub } = graphModule;
const { challengeClaims } = graphContextModule;

export async function putMedia(ctx: Ctx, path: string, data: Uint8Array, contentType: string): Promise<void> {
    let waited = 0;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
        try {
            await ctx.client.api(path).header("Content-Type", contentType).put(Buffer.from(data));
            return;
        } catch (e) {
            const err = e as { statusCode?: number; code?: string | null; message?: string; headers?: Headers; requestId?: string };
            const status = typeof err.statusCode === "number" && err.statusCode > 0 ? err.statusCode : undefined;
            if (status === 401 && !renewed) {
                // As `call` does: one retry with a freshly acquired token (honouring a claims challenge).
                renewed = true;
                ctx.renewToken(challengeClaims(err.headers?.get?.("WWW-Authenticate")));
                continue;
            }
            const transient = status === undefined || status === 429 || status === 503 || status === 504;
            const delay = (status !== undefined ? retryAfterMs(err.headers?.get?.("Retry-After")) : undefined) ?? ctx.backoffBaseMs * 2 ** Math.min(attempt - 1, 6);
            if (transient && attempt < 10 && waited + delay <= ctx.maxWaitMs) {
                waited += delay;
                await ctx.sleep(delay);
                continue;
            }
            const rid = err.requestId ? ` (request-id ${err.requestId})` : "";
            const what = status === undefined ? `no response from Microsoft Graph (${err.message || "connection failed"})` : `Microsoft Graph answered ${status} ${err.code ?? ""}: ${err.message ?? ""}`;
            throw failure(scrub(`PUT ${path}: ${what}${rid}`, ctx.secrets), { status, code: err.code ?? undefined });
        }
    }
}
