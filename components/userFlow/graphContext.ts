/**
 * One operation's Graph context: the client (over `@microsoft/microsoft-graph-client`, retries left to graph.ts),
 * the token (from opts.credential or the environment, acquired lazily and renewable once per 401), the backoff and
 * the total wait (opts.maxWaitMs, else GRAPH_MAX_WAIT_SECONDS, else 300 s).
 */
import type { ProviderOptions } from "./types";
import * as credentialsModule from "./credentials";
import * as constantsModule from "./constants";
import * as graphErrorsModule from "./graphErrors";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { credentialFromEnv } = credentialsModule;
const { DEFAULT_GRAPH_BASE_URL, GRAPH_SCOPE, GUID_RE } = constantsModule;
const { brief, scrub } = graphErrorsModule;

/** The environment variable that bounds the total wait of one operation, in seconds. */
export const MAX_WAIT_ENV = "GRAPH_MAX_WAIT_SECONDS";
export const DEFAULT_MAX_WAIT_MS = 300_000;

export interface Ctx {
    readonly client: import("@microsoft/microsoft-graph-client").Client;
    readonly tenantId: string;
    readonly backoffBaseMs: number;
    readonly maxWaitMs: number;
    readonly sleep: (ms: number) => Promise<void>;
    /** Values that must never appear in an error message. */
    readonly secrets: string[];
    /** Drops the cached token so the next request acquires a new one (with `claims` from a CAE challenge). */
    readonly renewToken: (claims?: string) => void;
}

/** GRAPH_MAX_WAIT_SECONDS in ms, undefined when unset; a clear error when it is not a positive number. */
export function maxWaitFromEnv(env: Record<string, string | undefined>): number | undefined {
    const raw = env[MAX_WAIT_ENV];
    if (raw === undefined || raw.trim() === "") return undefined;
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${MAX_WAIT_ENV} must be a positive number of seconds (the total wait for Graph replication or throttling; default 300), got ${brief(raw)}`);
    return Math.round(seconds * 1000);
}

/** The claims of a `WWW-Authenticate: Bearer … claims="<base64>"` challenge (continuous access evaluation). */
export function challengeClaims(header: string | null | undefined): string | undefined {
    const m = /claims="([^"]+)"/.exec(header ?? "");
    if (!m) return undefined;
    try {
        return Buffer.from(m[1], "base64").toString("utf8");
    } catch {
        return undefined;
    }
}

export function makeContext(tenantId: string, opts: ProviderOptions): Ctx {
    if (!GUID_RE.test(tenantId ?? "")) throw new Error(`tenantId ${brief(tenantId)} is not a GUID`);
    const env = process.env;
    const maxWaitMs = opts.maxWaitMs ?? maxWaitFromEnv(env) ?? DEFAULT_MAX_WAIT_MS;
    const baseUrl = (opts.baseUrl ?? env.GRAPH_BASE_URL ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, "");
    let host: string;
    try {
        const u = new URL(baseUrl);
        if (u.protocol !== "https:") throw new Error("not https");
        host = u.hostname;
    } catch {
        throw new Error(`GRAPH_BASE_URL ${brief(baseUrl)} must be an absolute https URL such as https://graph.microsoft.com (the Graph client sends the token only over https)`);
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
    let claims: string | undefined;
    const authProvider = {
        getAccessToken: async (): Promise<string> => {
            if (cached && cached.expires - 120_000 > Date.now()) return cached.token;
            let token: { token: string; expiresOnTimestamp: number } | null;
            try {
                // After a 401 our cache is dropped and the credential asked again. With the claims of a challenge, MSAL
                // Node skips its own token cache (ClientCredentialClient: `skipCache || claims` → network), so the
                // token is new; without one the credential may hand back its cached token, which is then reported.
                token = await cred.getToken(GRAPH_SCOPE, claims ? { tenantId, claims } : { tenantId });
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
        maxWaitMs,
        sleep: opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))),
        secrets,
        renewToken: (c?: string) => {
            cached = undefined;
            claims = c;
        },
    };
}

/** The Graph root (scheme + host) that `@odata.id` references must name. */
export function graphRootOf(opts: ProviderOptions): string {
    return (opts.baseUrl ?? process.env.GRAPH_BASE_URL ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, "");
}
