/**
 * Sign-in with MSAL Node (ConfidentialClientApplication, authorization code + PKCE). MSAL is loaded on the first
 * sign-in (a `require` inside a function), so serving the home page never evaluates it: that keeps cold start short.
 *
 * Each call that touches tokens builds a client over one user's partition of the token caches (tokenCache.ts, MSAL's
 * DistributedCachePlugin): tokens of different users never share a cache. Building the authorize URL needs no cache,
 * so one client without a cache serves every sign-in start. The tenant's OpenID metadata is read once and handed to
 * MSAL, so MSAL makes no discovery calls.
 */
import type { AccountInfo, AuthenticationResult, ConfidentialClientApplication, INetworkModule, NetworkResponse } from "@azure/msal-node";
import type { Logger } from "../shared/log";
import type { WebConfig } from "./config";
import type { HttpClient } from "./http";
import { StoreUnavailableError } from "./store/types";
import type { TokenCaches } from "./tokenCache";

type Msal = typeof import("@azure/msal-node");
let msalModule: Msal | undefined;
function msal(): Msal {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    msalModule ??= require("@azure/msal-node") as Msal;
    return msalModule;
}

export interface TenantMetadata {
    readonly issuer: string;
    readonly authorization_endpoint: string;
    readonly token_endpoint: string;
    readonly end_session_endpoint: string;
    readonly jwks_uri: string;
    readonly [key: string]: unknown;
}

/** Raised for problems reported by the tenant or MSAL; `code` is safe to show (no token, no secret). */
export class SignInError extends Error {
    constructor(readonly code: string, message: string, readonly interactionRequired = false) {
        super(message);
        this.name = "SignInError";
    }
}

/**
 * The authority MSAL uses. A bare `https://<subdomain>.ciamlogin.com/` becomes
 * `https://<subdomain>.ciamlogin.com/<subdomain>.onmicrosoft.com/`, as MSAL does for External ID.
 */
export function effectiveAuthority(authority: string): string {
    const u = new URL(authority);
    if (u.pathname === "/" && u.hostname.endsWith(".ciamlogin.com")) return `${u.origin}/${u.hostname.split(".")[0]}.onmicrosoft.com/`;
    return authority.endsWith("/") ? authority : `${authority}/`;
}

export function metadataUrl(authority: string): string {
    return `${effectiveAuthority(authority)}v2.0/.well-known/openid-configuration`;
}

export class Auth {
    private metadataPromise?: Promise<TenantMetadata>;
    private readonly network: INetworkModule;
    private urlClient?: Promise<ConfidentialClientApplication>;

    constructor(private readonly config: WebConfig, private readonly http: HttpClient, private readonly log: Logger, private readonly caches: TokenCaches) {
        this.network = {
            sendGetRequestAsync: <T>(url: string, options?: { headers?: Record<string, string> }) => this.networkCall<T>("GET", url, options),
            sendPostRequestAsync: <T>(url: string, options?: { headers?: Record<string, string>; body?: string }) => this.networkCall<T>("POST", url, options),
        };
    }

    private async networkCall<T>(method: string, url: string, options?: { headers?: Record<string, string>; body?: string }): Promise<NetworkResponse<T>> {
        const r = await this.http.send(method, url, { headers: options?.headers, body: options?.body });
        let body: unknown;
        try {
            body = JSON.parse(r.body);
        } catch {
            body = {};
        }
        return { status: r.status, headers: r.headers, body: body as T };
    }

    /** The tenant's OpenID metadata (read once; a failed read is retried on the next call). */
    metadata(): Promise<TenantMetadata> {
        this.metadataPromise ??= (async () => {
            const url = metadataUrl(this.config.authority);
            const r = await this.http.send("GET", url, { headers: { Accept: "application/json" } });
            if (r.status !== 200) throw new Error(`tenant metadata at ${url} answered ${r.status}`);
            const m = JSON.parse(r.body) as TenantMetadata;
            for (const k of ["issuer", "authorization_endpoint", "token_endpoint", "end_session_endpoint", "jwks_uri"] as const) {
                if (typeof m[k] !== "string") throw new Error(`tenant metadata at ${url} has no ${k}`);
            }
            return m;
        })();
        this.metadataPromise.catch(() => { this.metadataPromise = undefined; });
        return this.metadataPromise;
    }

    /**
     * A confidential client over the token-cache partition of `homeAccountId` (undefined: a sign-in being completed),
     * or without a persistent cache (`partition` false: only for authorize URLs).
     */
    async client(partition: string | undefined | false): Promise<ConfidentialClientApplication> {
        const metadata = await this.metadata();
        const { ConfidentialClientApplication, DistributedCachePlugin, LogLevel } = msal();
        const cachePlugin = partition === false ? undefined : new DistributedCachePlugin(this.caches.cacheClient, this.caches.partition(partition));
        const known = new Set(this.config.knownAuthorities);
        known.add(new URL(metadata.issuer).host);
        return new ConfidentialClientApplication({
            auth: {
                clientId: this.config.clientId,
                clientSecret: this.config.clientSecret,
                authority: effectiveAuthority(this.config.authority),
                knownAuthorities: [...known],
                authorityMetadata: JSON.stringify(metadata),
            },
            cache: cachePlugin ? { cachePlugin } : {},
            system: {
                networkClient: this.network,
                loggerOptions: {
                    piiLoggingEnabled: false,
                    logLevel: LogLevel.Warning,
                    loggerCallback: (level, message, containsPii) => {
                        if (!containsPii && level <= LogLevel.Warning) this.log.warn("msal", { detail: message });
                    },
                },
            },
        });
    }

    /** The URL of the tenant's authorize endpoint for a new sign-in (or sign-up, with `prompt=create`). */
    async authorizeUrl(p: { state: string; nonce: string; codeChallenge: string; signUp: boolean }): Promise<string> {
        this.urlClient ??= this.client(false);
        this.urlClient.catch(() => { this.urlClient = undefined; });
        const cca = await this.urlClient;
        return cca.getAuthCodeUrl({
            scopes: this.signInScopes(),
            redirectUri: this.config.redirectUri,
            responseMode: msal().ResponseMode.QUERY,
            state: p.state,
            nonce: p.nonce,
            codeChallenge: p.codeChallenge,
            codeChallengeMethod: "S256",
            ...(p.signUp ? { prompt: "create" } : {}),
        });
    }

    /** Redeems an authorization code; MSAL checks state and nonce, the tenant checks the PKCE verifier. */
    async redeem(p: { code: string; state: string; nonce: string; codeVerifier: string }): Promise<AuthenticationResult> {
        const cca = await this.client(undefined);
        try {
            return await cca.acquireTokenByCode(
                { code: p.code, scopes: this.signInScopes(), redirectUri: this.config.redirectUri, codeVerifier: p.codeVerifier, state: p.state, nonce: p.nonce },
                { code: p.code, state: p.state, nonce: p.nonce },
            );
        } catch (e) {
            throw toSignInError(e);
        }
    }

    /** An access token for the API from this user's cache (refreshed with the refresh token when needed). */
    async apiToken(homeAccountId: string): Promise<string> {
        const scopes = this.config.api?.scopes ?? [];
        const cca = await this.client(homeAccountId);
        let account: AccountInfo | null;
        try {
            account = await cca.getTokenCache().getAccountByHomeId(homeAccountId);
        } catch (e) {
            throw toSignInError(e);
        }
        if (account === null) throw new SignInError("no_account", "The session has no account; sign in again.", true);
        try {
            const result = await cca.acquireTokenSilent({ account, scopes: [...scopes] });
            return result.accessToken;
        } catch (e) {
            throw toSignInError(e);
        }
    }

    private signInScopes(): string[] {
        return [...(this.config.api?.scopes ?? [])];
    }
}

function toSignInError(e: unknown): SignInError | StoreUnavailableError {
    if (e instanceof StoreUnavailableError) return e;
    const { InteractionRequiredAuthError, AuthError } = msal();
    if (e instanceof InteractionRequiredAuthError) return new SignInError(e.errorCode || "interaction_required", "Sign in again to continue.", true);
    if (e instanceof AuthError) {
        const code = /AADSTS\d+/.exec(e.errorMessage ?? "")?.[0] ?? e.errorCode;
        const refresh = ["invalid_grant", "no_tokens_found", "refresh_token_expired"].includes(e.errorCode);
        return new SignInError(code || "sign_in_failed", "The sign-in could not be completed.", refresh);
    }
    return new SignInError("sign_in_failed", "The sign-in could not be completed.");
}
