import { EnvReader, type Env } from "../shared/env";
import type { LogLevel } from "../shared/log";

/** Everything the web app needs to know, parsed once from the environment (or built directly in tests). */
export interface WebConfig {
    /** The tenant's authority with a trailing slash: `https://<subdomain>.ciamlogin.com/`, or the stand-in's. */
    readonly authority: string;
    readonly clientId: string;
    readonly clientSecret: string;
    /** Absolute; its path is where the tenant sends the browser back (`/auth/redirect`). */
    readonly redirectUri: string;
    readonly postLogoutRedirectUri: string;
    /** Undefined in the sign-in-only scenario (no to-do page). */
    readonly api?: { readonly baseUrl: string; readonly scopes: readonly string[] };
    /** Hosts MSAL may trust without instance discovery (e.g. `contoso.ciamlogin.com`). */
    readonly knownAuthorities: readonly string[];
    /** Source of the keys (HKDF) of the session cookie's MAC and of everything sealed: sign-in cookie, sessions, token caches. */
    readonly sessionSecret: string;
    /** Where signed-in sessions and token caches live: this process's memory (one instance) or Redis (any number). */
    readonly store: { readonly kind: "memory" } | { readonly kind: "redis"; readonly url: string; readonly auth: "url" | "entra" };
    readonly port: number;
    /** Honour `X-Forwarded-Proto` from the front end (App Service). */
    readonly trustProxy: boolean;
    /** Cookies get `Secure` (true when REDIRECT_URI is https). */
    readonly secureCookies: boolean;
    /** A session ends after this long without a request... */
    readonly sessionIdleSeconds: number;
    /** ...and at the latest this long after sign-in. */
    readonly sessionMaxSeconds: number;
    readonly logLevel: LogLevel;
}

export const DEFAULT_WEB_PORT = 3000;
export const MIN_SESSION_SECRET_LENGTH = 32;
export const DEFAULT_SESSION_IDLE_MINUTES = 60;
export const DEFAULT_SESSION_MAX_HOURS = 12;

/**
 * Reads AUTHORITY, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI, API_BASE_URL, API_SCOPES,
 * SESSION_SECRET, PORT (default 3000), the optional REDIS_URL (`redis://` or `rediss://host:port`; unset: sessions in
 * memory, one instance) and REDIS_AUTH (`entra`: the managed identity's token, `rediss://` only), SESSION_IDLE_MINUTES
 * (default 60), SESSION_MAX_HOURS (default 12), KNOWN_AUTHORITIES (space- or comma-separated hosts; default:
 * the authority's host), TRUST_PROXY (default: true on App Service, where WEBSITE_SITE_NAME is set) and LOG_LEVEL.
 * API_BASE_URL and API_SCOPES are both set (the to-do scenario) or both empty (sign-in only).
 * Throws an `EnvError` listing every missing or malformed variable; values are never echoed.
 */
export function parseWebEnv(env: Env): WebConfig {
    const r = new EnvReader(env);
    const authority = r.url("AUTHORITY");
    if (authority !== undefined) {
        const u = new URL(authority);
        if (u.search !== "" || u.hash !== "") r.problem("AUTHORITY must not have a query or fragment (e.g. https://<subdomain>.ciamlogin.com/)");
    }
    const clientId = r.guid("CLIENT_ID");
    const clientSecret = r.string("CLIENT_SECRET");
    const redirectUri = r.url("REDIRECT_URI", { allowLoopbackHttp: true });
    const postLogoutRedirectUri = r.url("POST_LOGOUT_REDIRECT_URI", { allowLoopbackHttp: true });
    const apiBaseUrl = r.url("API_BASE_URL", { allowLoopbackHttp: true }, false);
    const apiScopesRaw = r.string("API_SCOPES", false);
    if ((env.API_BASE_URL ?? "").trim() !== "" && apiScopesRaw === undefined) {
        r.problem("API_SCOPES is required when API_BASE_URL is set (space-separated, e.g. api://<api-client-id>/ToDoList.ReadWrite)");
    }
    if (apiScopesRaw !== undefined && (env.API_BASE_URL ?? "").trim() === "") {
        r.problem("API_BASE_URL is required when API_SCOPES is set (leave both empty for the sign-in-only scenario)");
    }
    const sessionSecret = r.string("SESSION_SECRET");
    if (sessionSecret !== undefined && sessionSecret.length < MIN_SESSION_SECRET_LENGTH) {
        r.problem(`SESSION_SECRET must be at least ${MIN_SESSION_SECRET_LENGTH} characters long (a random string)`);
    }
    const port = r.port("PORT", DEFAULT_WEB_PORT);
    const store = readStore(r, env);
    const idleMinutes = r.integer("SESSION_IDLE_MINUTES", DEFAULT_SESSION_IDLE_MINUTES, 1, 24 * 60);
    const maxHours = r.integer("SESSION_MAX_HOURS", DEFAULT_SESSION_MAX_HOURS, 1, 30 * 24);
    if (idleMinutes > maxHours * 60) r.problem("SESSION_IDLE_MINUTES must not be longer than SESSION_MAX_HOURS");
    const known = r.string("KNOWN_AUTHORITIES", false);
    const knownAuthorities = known?.split(/[\s,]+/).filter((h) => h !== "") ?? [];
    for (const h of knownAuthorities) {
        if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(h)) r.problem("KNOWN_AUTHORITIES must list host names (e.g. contoso.ciamlogin.com), separated by spaces or commas");
    }
    const trustProxy = r.boolean("TRUST_PROXY", (env.WEBSITE_SITE_NAME ?? "") !== "");
    const logLevel = r.oneOf<LogLevel>("LOG_LEVEL", ["debug", "info", "warn", "error", "silent"], "info");
    r.done();

    const base = authority!.endsWith("/") ? authority! : `${authority}/`;
    return {
        authority: base,
        clientId: clientId!,
        clientSecret: clientSecret!,
        redirectUri: redirectUri!,
        postLogoutRedirectUri: postLogoutRedirectUri!,
        api: apiBaseUrl !== undefined && apiScopesRaw !== undefined
            ? { baseUrl: apiBaseUrl.replace(/\/+$/, ""), scopes: apiScopesRaw.split(/\s+/) }
            : undefined,
        knownAuthorities: knownAuthorities.length > 0 ? knownAuthorities : [new URL(base).host],
        sessionSecret: sessionSecret!,
        store,
        port,
        trustProxy,
        secureCookies: new URL(redirectUri!).protocol === "https:",
        sessionIdleSeconds: idleMinutes * 60,
        sessionMaxSeconds: maxHours * 3600,
        logLevel,
    };
}

/** REDIS_URL and REDIS_AUTH (the contract with the App Service settings: see README, "Scaling out"). */
function readStore(r: EnvReader, env: Env): WebConfig["store"] {
    const raw = r.string("REDIS_URL", false);
    const auth: "url" | "entra" = r.oneOf<"entra" | "">("REDIS_AUTH", ["entra"], "") === "entra" ? "entra" : "url";
    if (raw === undefined) {
        if ((env.REDIS_AUTH ?? "").trim() !== "") r.problem("REDIS_AUTH is set but REDIS_URL is not (set both, or neither for the in-memory store)");
        return { kind: "memory" };
    }
    let u: URL;
    try {
        u = new URL(raw);
    } catch {
        r.problem("REDIS_URL must be a URL like rediss://<host>:<port> or redis://localhost:6379");
        return { kind: "memory" };
    }
    if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
        r.problem("REDIS_URL must start with redis:// or rediss://");
    } else if (u.hostname === "" || (u.pathname !== "" && u.pathname !== "/" && !/^\/\d{1,2}$/.test(u.pathname)) || u.search !== "" || u.hash !== "") {
        r.problem("REDIS_URL must be rediss://<host>:<port> (optionally /<database number>), without a query or fragment");
    } else if (auth === "entra" && u.protocol !== "rediss:") {
        r.problem("REDIS_URL must use rediss:// (TLS) when REDIS_AUTH is entra");
    } else if (auth === "entra" && (u.username !== "" || u.password !== "")) {
        r.problem("REDIS_URL must not carry a user name or password when REDIS_AUTH is entra (the managed identity's token is used)");
    }
    return { kind: "redis", url: raw, auth };
}
