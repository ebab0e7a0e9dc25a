/** Which Azure credential the providers use, chosen from environment variables at call time. */
import type { TokenCredential } from "@azure/identity";


/** What `credentialFromEnv` chose, for messages and tests. */
export interface CredentialChoice {
    readonly kind: "clientSecret" | "oidc" | "default";
    /** The environment variables that chose it (names only). */
    readonly source: string;
    readonly credential: TokenCredential;
}

function firstEnv(env: Record<string, string | undefined>, ...names: string[]): [string, string] | undefined {
    for (const n of names) {
        const v = env[n];
        if (v !== undefined && v.trim() !== "") return [n, v.trim()];
    }
    return undefined;
}

/**
 * Builds a credential for `tenantId` from environment variables, in this order:
 * 1. client secret: ARM_CLIENT_ID + ARM_CLIENT_SECRET (or AZURE_CLIENT_ID + AZURE_CLIENT_SECRET);
 * 2. OIDC federation: ARM_USE_OIDC=true (or ARM_OIDC_TOKEN / ARM_OIDC_TOKEN_FILE_PATH present) with ARM_CLIENT_ID;
 *    the assertion is ARM_OIDC_TOKEN, the file at ARM_OIDC_TOKEN_FILE_PATH, or a GitHub Actions token requested
 *    with ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN (ARM_OIDC_REQUEST_URL/_TOKEN);
 * 3. otherwise DefaultAzureCredential (AZURE_* variables, workload identity, managed identity, Azure CLI, …).
 * AZURE_AUTHORITY_HOST (or ARM_AUTHORITY_HOST) selects another cloud's login host. Nothing here contacts a server.
 */
export function credentialFromEnv(tenantId: string, env: Record<string, string | undefined>): CredentialChoice {
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    const authorityHost = firstEnv(env, "ARM_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST")?.[1];
    const options = authorityHost ? { authorityHost } : {};
    const clientId = firstEnv(env, "ARM_CLIENT_ID", "AZURE_CLIENT_ID");
    const secret = firstEnv(env, "ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET");
    if (secret) {
        if (!clientId) throw new Error(`${secret[0]} is set but ARM_CLIENT_ID (or AZURE_CLIENT_ID) is not; set the client id of the app registration that has the Graph permissions`);
        return {
            kind: "clientSecret",
            source: `${clientId[0]} + ${secret[0]}`,
            credential: new identity.ClientSecretCredential(tenantId, clientId[1], secret[1], options),
        };
    }
    const useOidc = /^(1|true|yes)$/i.test(env.ARM_USE_OIDC ?? "");
    const oidcToken = firstEnv(env, "ARM_OIDC_TOKEN");
    const oidcFile = firstEnv(env, "ARM_OIDC_TOKEN_FILE_PATH");
    if (useOidc || oidcToken || oidcFile) {
        if (!clientId) throw new Error("OIDC federation is configured (ARM_USE_OIDC / ARM_OIDC_TOKEN / ARM_OIDC_TOKEN_FILE_PATH) but ARM_CLIENT_ID (or AZURE_CLIENT_ID) is not set");
        const requestUrl = firstEnv(env, "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL");
        const requestToken = firstEnv(env, "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        if (!oidcToken && !oidcFile && !(requestUrl && requestToken)) {
            throw new Error("ARM_USE_OIDC is set but no OIDC token is available: set ARM_OIDC_TOKEN or ARM_OIDC_TOKEN_FILE_PATH, or run in GitHub Actions with `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN)");
        }
        const source = oidcToken ? oidcToken[0] : oidcFile ? oidcFile[0] : `${requestUrl![0]} + ${requestToken![0]}`;
        const getAssertion = async (): Promise<string> => {
            if (oidcToken) return oidcToken[1];
            if (oidcFile) {
                const fs = require("node:fs") as typeof import("node:fs");
                try {
                    return fs.readFileSync(oidcFile[1], "utf8").trim();
                } catch (e) {
                    throw new Error(`cannot read the OIDC token file named by ARM_OIDC_TOKEN_FILE_PATH (${(e as NodeJS.ErrnoException).code ?? "error"})`);
                }
            }
            const url = new URL(requestUrl![1]);
            url.searchParams.set("audience", "api://AzureADTokenExchange");
            const res = await fetch(url, { headers: { Authorization: `Bearer ${requestToken![1]}` } });
            if (!res.ok) throw new Error(`the OIDC token request to ${requestUrl![0]} failed with HTTP ${res.status}`);
            const body = (await res.json()) as { value?: string };
            if (!body.value) throw new Error(`the OIDC token response from ${requestUrl![0]} has no value`);
            return body.value;
        };
        return {
            kind: "oidc",
            source: `${clientId[0]} + ${source}`,
            credential: new identity.ClientAssertionCredential(tenantId, clientId[1], getAssertion, options),
        };
    }
    return {
        kind: "default",
        source: "DefaultAzureCredential (AZURE_* variables, workload or managed identity, Azure CLI)",
        credential: new identity.DefaultAzureCredential({ tenantId, ...options }),
    };
}
