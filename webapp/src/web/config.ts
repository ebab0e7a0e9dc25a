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
    /** Key of the session cookie's HMAC. */
    readonly sessionSecret: string;
    readonly port: number;
    /** Honour `X-Forwarded-Proto` from the front end (App Service). */
    readonly trustProxy: boolean;
    /** Cookies get `Secure` (true when REDIRECT_URI is https). */
    readonly secureCookies: boolean;
    /** Idle lifetime of a session, in seconds. */
    readonly sessionTtlSeconds: number;
    readonly logLevel: LogLevel;
}

export const DEFAULT_WEB_PORT = 3000;
export const MIN_SESSION_SECRET_LENGTH = 32;

/**
 * Reads AUTHORITY, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI, API_BASE_URL, API_SCOPES,
 * SESSION_SECRET, PORT (default 3000) and the optional KNOWN_AUTHORITIES (space- or comma-separated hosts; default:
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
        port,
        trustProxy,
        secureCookies: new URL(redirectUri!).protocol === "https:",
        sessionTtlSeconds: 8 * 3600,
        logLevel,
    };
}
