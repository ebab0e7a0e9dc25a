/**
 * The Microsoft Graph HTTP layer shared by every dynamic provider here: a per-operation context (client, token,
 * waits), one request with throttling/connection retries (`call`), replication-delay polling (`untilReplicated`),
 * paging (`listAll`) and safe error messages (`failure`, `scrub`).
 *
 * Serialization: Pulumi serializes a dynamic provider with everything its methods reach, so this module keeps to
 * plain functions and constants; packages are loaded with `require` inside the functions and credentials are made
 * from the environment at call time. Nothing here captures a credential, a socket or a module object.
 */
import type { ProviderOptions } from "./types";
import { credentialFromEnv } from "./credentials";
import { DEFAULT_GRAPH_BASE_URL, GRAPH_SCOPE, GUID_RE } from "./constants";

export interface Ctx {
    readonly client: import("@microsoft/microsoft-graph-client").Client;
    readonly tenantId: string;
    readonly backoffBaseMs: number;
    readonly maxWaitMs: number;
    readonly sleep: (ms: number) => Promise<void>;
    /** Values that must never appear in an error message. */
    readonly secrets: string[];
}

/** An error whose message is safe to show: no token, secret or request body. */
export interface GraphFailure extends Error {
    status?: number;
    code?: string;
    /** The request was sent but no answer came back (it may or may not have been applied). */
    lost?: boolean;
}

export function scrub(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const s of secrets) if (s.length >= 6) out = out.split(s).join("***");
    return out
        .replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/g, "Bearer ***")
        .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "***");
}

export function failure(message: string, props: { status?: number; code?: string; lost?: boolean } = {}): GraphFailure {
    return Object.assign(new Error(message), props);
}

export function makeContext(tenantId: string, opts: ProviderOptions): Ctx {
    if (!GUID_RE.test(tenantId ?? "")) throw new Error(`tenantId ${JSON.stringify(tenantId)} is not a GUID`);
    const env = process.env;
    const baseUrl = (opts.baseUrl ?? env.GRAPH_BASE_URL ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, "");
    let host: string;
    try {
        const u = new URL(baseUrl);
        if (u.protocol !== "https:") throw new Error("not https");
        host = u.hostname;
    } catch {
        throw new Error(`GRAPH_BASE_URL ${JSON.stringify(baseUrl)} must be an absolute https URL such as https://graph.microsoft.com (the Graph client sends the token only over https)`);
    }
    const secrets = ["ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET", "ARM_OIDC_TOKEN", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
        .map((n) => env[n]).filter((v): v is string => typeof v === "string" && v !== "");
    let credential = opts.credential;
    let source = "the injected credential";
    if (!credential) {
        const choice = credentialFromEnv(tenantId, env);
        credential = choice.credential;
        source = choice.source;
    }
    const cred = credential;
    let cached: { token: string; expires: number } | undefined;
    const authProvider = {
        getAccessToken: async (): Promise<string> => {
            if (cached && cached.expires - 120_000 > Date.now()) return cached.token;
            let token: { token: string; expiresOnTimestamp: number } | null;
            try {
                token = await cred.getToken(GRAPH_SCOPE, { tenantId });
            } catch (e) {
                const first = String((e as Error)?.message ?? e).split("\n")[0].replace(/[.\s]+$/, "");
                const err = new Error(scrub(`could not get a Microsoft Graph token for tenant ${tenantId} with ${source}: ${first}. ` +
                    "Check that the credential is valid and not expired (see the README: credential environment variables)", secrets));
                err.name = "GraphCredentialError";
                throw err;
            }
            if (!token) {
                const err = new Error(`could not get a Microsoft Graph token for tenant ${tenantId} with ${source}`);
                err.name = "GraphCredentialError";
                throw err;
            }
            secrets.push(token.token);
            cached = { token: token.token, expires: token.expiresOnTimestamp };
            return token.token;
        },
    };
    const graph = require("@microsoft/microsoft-graph-client") as typeof import("@microsoft/microsoft-graph-client");
    // AuthenticationHandler → HTTPMessageHandler only: retries are done in `call`, which knows which requests are
    // safe to repeat (the SDK's default chain would also retry POSTs whose answer was lost).
    const client = graph.Client.initWithMiddleware({
        baseUrl,
        defaultVersion: "v1.0",
        customHosts: new Set([host]),
        middleware: [new graph.AuthenticationHandler(authProvider), new graph.HTTPMessageHandler()],
    });
    return {
        client,
        tenantId,
        backoffBaseMs: opts.backoffBaseMs ?? 2000,
        maxWaitMs: opts.maxWaitMs ?? 300_000,
        sleep: opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))),
        secrets,
    };
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
 * connection is retried for GET/PATCH/DELETE and reported as `lost` for POST (the caller reconciles).
 */
export async function call(ctx: Ctx, method: Method, path: string, body?: unknown, query?: Record<string, string>): Promise<any> {
    let waited = 0;
    let attempt = 0;
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
            const msg = scrub(err.message ?? "", ctx.secrets);
            const rid = err.requestId ? ` (request-id ${err.requestId})` : "";
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
export async function untilReplicated<T>(ctx: Ctx, what: string, attempt: () => Promise<{ done: true; value: T } | { done: false; reason: string }>): Promise<T> {
    let waited = 0;
    let delay = ctx.backoffBaseMs;
    for (;;) {
        const r = await attempt();
        if (r.done) return r.value;
        if (waited + delay > ctx.maxWaitMs) {
            throw new Error(`${what}: gave up after ${Math.round(waited / 1000)} s of retries: ${r.reason}`);
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

/** The Graph root (scheme + host) that `@odata.id` references must name. */
export function graphRootOf(opts: ProviderOptions): string {
    return (opts.baseUrl ?? process.env.GRAPH_BASE_URL ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, "");
}
