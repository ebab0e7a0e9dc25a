import { EnvReader, type Env } from "../shared/env";
import type { LogLevel } from "../shared/log";

/** Everything the API needs to know, parsed once from the environment (or built directly in tests). */
export interface ApiConfig {
    /** The API's application (client) id: the only accepted `aud`. */
    readonly audience: string;
    /** Where the tenant's OpenID metadata lives: `<AUTHORITY><TENANT_ID>/v2.0/.well-known/openid-configuration`. */
    readonly metadataUrl: string;
    /** Accept http (loopback only) for the metadata, issuer's keys: local tests only. */
    readonly allowInsecureHttp: boolean;
    readonly port: number;
    /** Delegated permissions (the `scp` claim). `write` implies read. */
    readonly scopes: { readonly read: string; readonly write: string };
    /** Application permissions (the `roles` claim of app-only tokens). `write` implies read. */
    readonly roles: { readonly read: string; readonly write: string };
    /** Tolerance for `exp` and `nbf`, in seconds. */
    readonly clockSkewSeconds: number;
    /** Largest accepted request body, in bytes. */
    readonly bodyLimitBytes: number;
    /** Largest accepted bearer token, in characters. */
    readonly maxTokenLength: number;
    /** How many verified tokens are remembered (each until its `exp`). */
    readonly tokenCacheSize: number;
    /** Longest accepted to-do description, in characters. */
    readonly maxDescriptionLength: number;
    readonly logLevel: LogLevel;
}

export const DEFAULT_API_PORT = 3001;

/** Defaults for everything except the tenant-specific values. */
export const API_DEFAULTS = {
    allowInsecureHttp: false,
    port: DEFAULT_API_PORT,
    scopes: { read: "ToDoList.Read", write: "ToDoList.ReadWrite" },
    roles: { read: "ToDoList.Read.All", write: "ToDoList.ReadWrite.All" },
    clockSkewSeconds: 60,
    bodyLimitBytes: 8 * 1024,
    maxTokenLength: 8 * 1024,
    tokenCacheSize: 10_000,
    maxDescriptionLength: 500,
    logLevel: "info",
} as const satisfies Partial<ApiConfig>;

const TENANT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)$/i;

/**
 * The tenant's metadata URL. AUTHORITY is the tenant's host (`https://<subdomain>.ciamlogin.com/`); when it already
 * ends with the tenant id (`https://localhost:<port>/<tenantId>/`, MSAL's form) the id is not added twice.
 */
export function metadataUrlFor(authority: string, tenantId: string): string {
    const base = authority.endsWith("/") ? authority : authority + "/";
    const path = new URL(base).pathname.toLowerCase();
    const withTenant = path.endsWith(`/${tenantId.toLowerCase()}/`) ? base : `${base}${tenantId}/`;
    return `${withTenant}v2.0/.well-known/openid-configuration`;
}

/**
 * Reads `AUTHORITY`, `TENANT_ID`, `API_CLIENT_ID`, `PORT` (default 3001) and the optional `ALLOW_HTTP_AUTHORITY`
 * (local tests only) and `LOG_LEVEL`. Throws an `EnvError` listing every missing or malformed variable.
 */
export function parseApiEnv(env: Env): ApiConfig {
    const r = new EnvReader(env);
    const allowInsecureHttp = r.boolean("ALLOW_HTTP_AUTHORITY", false);
    const authority = r.url("AUTHORITY", { allowLoopbackHttp: allowInsecureHttp });
    if (authority !== undefined) {
        const u = new URL(authority);
        if (u.search !== "" || u.hash !== "") {
            r.problem("AUTHORITY must not have a query or fragment (e.g. https://<subdomain>.ciamlogin.com/)");
        }
    }
    const tenantId = r.string("TENANT_ID");
    if (tenantId !== undefined && !TENANT.test(tenantId)) {
        r.problem("TENANT_ID must be the tenant's GUID or domain name (e.g. <subdomain>.onmicrosoft.com)");
    }
    const audience = r.guid("API_CLIENT_ID");
    const port = r.port("PORT", DEFAULT_API_PORT);
    const logLevel = r.oneOf<LogLevel>("LOG_LEVEL", ["debug", "info", "warn", "error", "silent"], "info");
    r.done();
    return {
        ...API_DEFAULTS,
        audience: audience!,
        metadataUrl: metadataUrlFor(authority!, tenantId!),
        allowInsecureHttp,
        port,
        logLevel,
    };
}
