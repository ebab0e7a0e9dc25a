/**
 * Pulumi dynamic providers for Microsoft Entra External ID sign-up/sign-in user flows, over Microsoft Graph v1.0.
 *
 * Which Graph call each operation makes (paths relative to https://graph.microsoft.com/v1.0):
 *
 * UserFlow (an externalUsersSelfServiceSignUpEventsFlow)
 *   create  GET  /identity/authenticationEventsFlows                      look for a flow with the same displayName
 *           POST /identity/authenticationEventsFlows                      (skipped when one is found: it is adopted)
 *   read    GET  /identity/authenticationEventsFlows/{id}                 (+ the identityProviders / attributes lists
 *                                                                          only when the service does not expand them)
 *   update  POST/DELETE …/{cast}/onAuthenticationMethodLoadStart/{cast}/identityProviders/$ref   per added/removed IdP
 *           POST/DELETE …/{cast}/onAttributeCollection/{cast}/attributes/$ref                    per added/removed attribute
 *           PATCH /identity/authenticationEventsFlows/{id}                one call, only the changed parts
 *   delete  DELETE /identity/authenticationEventsFlows/{id}               (404 = already gone)
 *
 * UserFlowApplication (an app linked to a flow)
 *   create  POST …/{flowId}/conditions/applications/includeApplications   on 400: GET flows filtered by the app to
 *                                                                          tell "linked elsewhere" from replication
 *   read    GET  …/{flowId}/conditions/applications/includeApplications
 *   delete  DELETE …/{flowId}/conditions/applications/includeApplications/{appId}
 *
 * UserFlowAttribute (a custom attribute)
 *   create  GET /identity/userFlowAttributes?$filter=displayName eq '…'   then POST /identity/userFlowAttributes
 *   read    GET /identity/userFlowAttributes/{id}
 *   update  PATCH /identity/userFlowAttributes/{id}                       ({description}: the only mutable field)
 *   delete  DELETE /identity/userFlowAttributes/{id}
 *
 * Serialization: Pulumi serializes the provider objects with their closures. Everything they use lives in this file
 * (plain functions and non-exported constants); packages are loaded with `require` inside the functions, and
 * credentials are created from the environment at call time. Nothing here captures a credential, a socket or a
 * module object.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { TokenCredential } from "@azure/identity";

type ResourceProvider = pulumi.dynamic.ResourceProvider;
type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

/** The value Pulumi passes for inputs that are not known yet (during preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com";
const FLOWS = "/identity/authenticationEventsFlows";
const USER_FLOW_ATTRIBUTES = "/identity/userFlowAttributes";
const FLOW_TYPE = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const CAST = "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const AMLS_TYPE = "microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp";
const OAC_TYPE = "microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp";
const IAFS_TYPE = "microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp";
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDP_RE = /^[A-Za-z0-9]+-OAUTH$/;
const CUSTOM_NAME_RE = /^[A-Za-z][A-Za-z0-9]{0,39}$/;
const INPUT_TYPES = ["text", "radioSingleSelect", "checkboxMultiSelect", "boolean"];
const DATA_TYPES = ["string", "boolean", "int64"];
/** The email input the tenant always collects; the provider owns it with the documented defaults. */
const EMAIL_INPUT = {
    attribute: "email",
    label: "Email Address",
    inputType: "text",
    hidden: true,
    editable: false,
    writeToDirectory: true,
    required: true,
};
/** A read that 404s within this long after create is treated as replication delay, not deletion. */
const RECENT_CREATE_MS = 10 * 60_000;

export type AttributeInputType = "text" | "radioSingleSelect" | "checkboxMultiSelect" | "boolean";

/** One attribute collected on the sign-up page. */
export interface FlowAttributeInputs {
    /** Attribute id: a built-in id such as `city`, or a custom attribute's `extension_<hex>_<Name>` id. */
    readonly attribute: string;
    /** Label shown on the sign-up page. */
    readonly label: string;
    /** Whether the field must be filled in. Default false. */
    readonly required?: boolean;
    /** Input control. Default "text". */
    readonly inputType?: AttributeInputType;
    /** Choices for radio and checkbox inputs. */
    readonly options?: readonly { readonly label: string; readonly value: string }[];
    /** Data type of the attribute (used in the create body only). Default "string". */
    readonly dataType?: "string" | "boolean" | "int64";
}

export interface UserFlowInputs {
    readonly tenantId: string;
    readonly displayName: string;
    readonly signUpAllowed?: boolean;
    readonly identityProviders: readonly string[];
    readonly attributes?: readonly FlowAttributeInputs[];
    readonly version?: string;
}

export interface UserFlowOutputs extends UserFlowInputs {
    /** When this provider created (or adopted) the flow; bounds the replication-delay window of `read`. */
    readonly createdAt?: string;
}

export interface UserFlowApplicationInputs {
    readonly tenantId: string;
    readonly userFlowId: string;
    readonly appId: string;
    readonly version?: string;
}

export interface UserFlowAttributeInputs {
    readonly tenantId: string;
    /** Display name; Graph derives the id `extension_<hex>_<displayName>` from it. */
    readonly displayName: string;
    readonly dataType: "string" | "boolean" | "int64";
    readonly description?: string;
    readonly version?: string;
}

export interface UserFlowAttributeOutputs extends UserFlowAttributeInputs {
    /** The attribute id (same as the resource id). */
    readonly attributeId?: string;
}

/** Options for tests and special setups; the default provider uses none and reads only the environment. */
export interface ProviderOptions {
    /** Token credential to use instead of one built from the environment. */
    readonly credential?: TokenCredential;
    /** Graph root, e.g. https://127.0.0.1:8443 (default: GRAPH_BASE_URL, else https://graph.microsoft.com). */
    readonly baseUrl?: string;
    /** First wait of the replication-delay backoff, doubled each time (default 2000 ms). */
    readonly backoffBaseMs?: number;
    /** Upper bound of all waits of one operation (default 300000 ms). */
    readonly maxWaitMs?: number;
    /** How to wait (default: a timer). Tests pass a recorder. */
    readonly sleep?: (ms: number) => Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials

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

// ---------------------------------------------------------------------------------------------------------------
// Graph calls

interface Ctx {
    readonly client: import("@microsoft/microsoft-graph-client").Client;
    readonly tenantId: string;
    readonly backoffBaseMs: number;
    readonly maxWaitMs: number;
    readonly sleep: (ms: number) => Promise<void>;
    /** Values that must never appear in an error message. */
    readonly secrets: string[];
}

/** An error whose message is safe to show: no token, secret or request body. */
interface GraphFailure extends Error {
    status?: number;
    code?: string;
    /** The request was sent but no answer came back (it may or may not have been applied). */
    lost?: boolean;
}

function scrub(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const s of secrets) if (s.length >= 6) out = out.split(s).join("***");
    return out
        .replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/g, "Bearer ***")
        .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "***");
}

function failure(message: string, props: { status?: number; code?: string; lost?: boolean } = {}): GraphFailure {
    return Object.assign(new Error(message), props);
}

function makeContext(tenantId: string, opts: ProviderOptions): Ctx {
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

function retryAfterMs(header: string | null | undefined): number | undefined {
    if (!header) return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(header)) return Math.round(Number(header) * 1000);
    const at = Date.parse(header);
    return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * One Graph request. 429/503/504 are retried honouring Retry-After (else exponential backoff); a dropped
 * connection is retried for GET/PATCH/DELETE and reported as `lost` for POST (the caller reconciles).
 */
async function call(ctx: Ctx, method: Method, path: string, body?: unknown, query?: Record<string, string>): Promise<any> {
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
async function untilReplicated<T>(ctx: Ctx, what: string, attempt: () => Promise<{ done: true; value: T } | { done: false; reason: string }>): Promise<T> {
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

function flowPath(id: string): string {
    return `${FLOWS}/${encodeURIComponent(id)}`;
}
function idpPath(id: string): string {
    return `${flowPath(id)}/${CAST}/onAuthenticationMethodLoadStart/${AMLS_TYPE}/identityProviders`;
}
function attrPath(id: string): string {
    return `${flowPath(id)}/${CAST}/onAttributeCollection/${OAC_TYPE}/attributes`;
}
function linksPath(id: string): string {
    return `${flowPath(id)}/conditions/applications/includeApplications`;
}
function odataQuote(s: string): string {
    return `'${s.replace(/'/g, "''")}'`;
}

async function listAll(ctx: Ctx, path: string, query?: Record<string, string>): Promise<any[]> {
    const out: any[] = [];
    let page = await call(ctx, "GET", path, undefined, query);
    for (;;) {
        out.push(...(Array.isArray(page?.value) ? page.value : []));
        const next = page?.["@odata.nextLink"];
        if (typeof next !== "string" || next === "") return out;
        page = await call(ctx, "GET", next);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs: validation and normalisation (pure)

function isUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(isUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(isUnknown);
    return false;
}

function normAttr(a: FlowAttributeInputs): Required<Omit<FlowAttributeInputs, "dataType">> & { dataType?: string } {
    const out: any = {
        attribute: a.attribute,
        label: a.label,
        required: a.required ?? false,
        inputType: a.inputType ?? "text",
        options: (a.options ?? []).map((o) => ({ label: o.label, value: o.value })),
    };
    if (a.dataType !== undefined) out.dataType = a.dataType;
    return out;
}

/** Validates UserFlow inputs; every failure names the field. Unknown values (preview) are not checked. */
export function checkUserFlow(news: Record<string, unknown>): { inputs: UserFlowInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const t = news.tenantId;
    if (t !== UNKNOWN && (typeof t !== "string" || !GUID_RE.test(t))) fail("tenantId", `tenantId must be the external tenant's id (a GUID), got ${JSON.stringify(t)}`);
    const d = news.displayName;
    if (d !== UNKNOWN && (typeof d !== "string" || d.trim() === "" || d.length > 64)) fail("displayName", `displayName must be a non-empty string of at most 64 characters, got ${JSON.stringify(d)}`);
    if (news.signUpAllowed !== undefined && news.signUpAllowed !== UNKNOWN && typeof news.signUpAllowed !== "boolean") {
        fail("signUpAllowed", `signUpAllowed must be true or false, got ${JSON.stringify(news.signUpAllowed)}`);
    }
    const idps = news.identityProviders;
    if (idps !== UNKNOWN) {
        if (!Array.isArray(idps) || idps.length === 0) {
            fail("identityProviders", "identityProviders must list at least one identity provider id, e.g. [\"EmailPassword-OAUTH\"]");
        } else {
            idps.forEach((p, i) => {
                if (p === UNKNOWN) return;
                if (typeof p !== "string" || !IDP_RE.test(p)) fail("identityProviders", `identityProviders[${i}]: ${JSON.stringify(p)} is not a Graph identity provider id such as "EmailPassword-OAUTH"`);
                else if (idps.indexOf(p) !== i) fail("identityProviders", `identityProviders[${i}]: ${JSON.stringify(p)} is listed twice`);
            });
        }
    }
    const attrs = news.attributes ?? [];
    const normalized: unknown[] = [];
    if (attrs !== UNKNOWN) {
        if (!Array.isArray(attrs)) {
            fail("attributes", "attributes must be a list of {attribute, label, required?, inputType?, options?}");
        } else {
            const seen = new Set<string>();
            attrs.forEach((a, i) => {
                const where = `attributes[${i}]`;
                if (a === UNKNOWN) return void normalized.push(a);
                if (a === null || typeof a !== "object") return void fail("attributes", `${where} must be an object with attribute and label`);
                const x = a as Record<string, unknown>;
                if (x.attribute !== UNKNOWN) {
                    if (typeof x.attribute !== "string" || x.attribute.trim() === "") fail("attributes", `${where}.attribute must be an attribute id such as "city"`);
                    else if (x.attribute === "email") fail("attributes", `${where}.attribute: "email" is always collected; do not list it`);
                    else if (seen.has(x.attribute)) fail("attributes", `${where}.attribute: ${JSON.stringify(x.attribute)} is listed twice`);
                    else seen.add(x.attribute);
                }
                if (x.label !== UNKNOWN && (typeof x.label !== "string" || x.label.trim() === "")) fail("attributes", `${where}.label must be a non-empty string`);
                if (x.required !== undefined && x.required !== UNKNOWN && typeof x.required !== "boolean") fail("attributes", `${where}.required must be true or false`);
                const it = x.inputType ?? "text";
                if (it !== UNKNOWN && !INPUT_TYPES.includes(it as string)) fail("attributes", `${where}.inputType ${JSON.stringify(it)} is not one of ${INPUT_TYPES.join(", ")}`);
                const opts = x.options ?? [];
                if (opts !== UNKNOWN) {
                    if (!Array.isArray(opts) || !opts.every((o) => o === UNKNOWN || (o && typeof o === "object" && typeof (o as any).label === "string" && typeof (o as any).value === "string"))) {
                        fail("attributes", `${where}.options must be a list of {label, value}`);
                    } else if ((it === "radioSingleSelect" || it === "checkboxMultiSelect") && opts.length === 0) {
                        fail("attributes", `${where}.options: a ${it} input needs at least one option`);
                    }
                }
                if (x.dataType !== undefined && x.dataType !== UNKNOWN && !DATA_TYPES.includes(x.dataType as string)) fail("attributes", `${where}.dataType ${JSON.stringify(x.dataType)} is not one of ${DATA_TYPES.join(", ")}`);
                normalized.push(isUnknown(x) ? { required: false, inputType: "text", options: [], ...x } : normAttr(x as unknown as FlowAttributeInputs));
            });
        }
    }
    const inputs = {
        ...news,
        signUpAllowed: news.signUpAllowed ?? true,
        attributes: attrs === UNKNOWN ? attrs : normalized,
    } as unknown as UserFlowInputs;
    return { inputs, failures };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
    const x = [...a].sort();
    const y = [...b].sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
}

function attrKey(a: FlowAttributeInputs): string {
    const n = normAttr(a);
    const opts = n.options.map((o) => `${o.label}\u0000${o.value}`).sort();
    return JSON.stringify([n.attribute, n.label, n.required, String(n.inputType).toLowerCase(), opts]);
}

/** What changed between the recorded state and the desired inputs (order-insensitive, service defaults ignored). */
export function changedFlowFields(olds: UserFlowOutputs, news: UserFlowInputs): string[] {
    const changed: string[] = [];
    if (isUnknown(news.displayName) || olds.displayName !== news.displayName) changed.push("displayName");
    if (isUnknown(news.signUpAllowed) || (olds.signUpAllowed ?? true) !== (news.signUpAllowed ?? true)) changed.push("signUpAllowed");
    if (isUnknown(news.identityProviders) || !sameSet(olds.identityProviders ?? [], news.identityProviders ?? [])) changed.push("identityProviders");
    if (isUnknown(news.attributes) || !sameSet((olds.attributes ?? []).map(attrKey), (news.attributes ?? []).map(attrKey))) changed.push("attributes");
    if ((olds.version ?? "") !== (news.version ?? "") && !isUnknown(news.version)) changed.push("version");
    return changed;
}

export function diffUserFlow(olds: UserFlowOutputs, news: UserFlowInputs): DiffResult {
    const replaces = isUnknown(news.tenantId) || String(olds.tenantId).toLowerCase() !== String(news.tenantId).toLowerCase() ? ["tenantId"] : [];
    const changed = changedFlowFields(olds, news);
    return { changes: replaces.length + changed.length > 0, replaces, deleteBeforeReplace: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Graph bodies (pure): built explicitly, never from raw inputs

function pageInput(a: FlowAttributeInputs): Record<string, unknown> {
    const n = normAttr(a);
    return {
        attribute: n.attribute,
        label: n.label,
        inputType: n.inputType,
        hidden: false,
        editable: true,
        writeToDirectory: true,
        required: n.required,
        options: n.options,
    };
}

function attributeCollection(attrs: readonly FlowAttributeInputs[], includeAttributes: boolean): Record<string, unknown> {
    const handler: Record<string, unknown> = { "@odata.type": `#${OAC_TYPE}` };
    if (includeAttributes) {
        handler.attributes = [
            { id: "email", userFlowAttributeType: "builtIn", dataType: "string" },
            ...attrs.map((a) => ({
                id: a.attribute,
                userFlowAttributeType: a.attribute.startsWith("extension_") ? "custom" : "builtIn",
                dataType: a.dataType ?? "string",
            })),
        ];
    }
    handler.attributeCollectionPage = { views: [{ inputs: [EMAIL_INPUT, ...attrs.map(pageInput)] }] };
    return handler;
}

/** The POST /identity/authenticationEventsFlows body. */
export function createFlowBody(inp: UserFlowInputs): Record<string, unknown> {
    return {
        "@odata.type": FLOW_TYPE,
        displayName: inp.displayName,
        onInteractiveAuthFlowStart: { "@odata.type": `#${IAFS_TYPE}`, isSignUpAllowed: inp.signUpAllowed ?? true },
        onAuthenticationMethodLoadStart: {
            "@odata.type": `#${AMLS_TYPE}`,
            identityProviders: inp.identityProviders.map((id) => ({ id })),
        },
        onAttributeCollection: attributeCollection(inp.attributes ?? [], true),
    };
}

// ---------------------------------------------------------------------------------------------------------------
// UserFlow operations

interface LiveFlow {
    readonly id: string;
    readonly displayName: string;
    readonly signUpAllowed: boolean;
    readonly identityProviders: string[];
    readonly attributes: FlowAttributeInputs[];
}

/** Reads a flow's live state; undefined when it does not exist (after the replication window when `recent`). */
async function readFlow(ctx: Ctx, id: string, recent: boolean): Promise<LiveFlow | undefined> {
    const flow = await untilReplicated(ctx, `reading user flow ${id}`, async () => {
        try {
            return { done: true as const, value: await call(ctx, "GET", flowPath(id)) };
        } catch (e) {
            if ((e as GraphFailure).status !== 404) throw e;
            if (!recent) return { done: true as const, value: undefined };
            return { done: false as const, reason: `GET ${flowPath(id)} still answers 404 Not Found` };
        }
    }).catch((e) => {
        if (/gave up after/.test(String((e as Error).message))) return undefined;
        throw e;
    });
    if (!flow) return undefined;
    const entity = flow.value && !flow.id ? flow.value : flow; // the docs' GET example wraps the entity in "value"
    let idps: any[] | undefined = entity.onAuthenticationMethodLoadStart?.identityProviders;
    if (!Array.isArray(idps)) idps = await listAll(ctx, idpPath(id));
    let navAttrs: any[] | undefined = entity.onAttributeCollection?.attributes;
    if (!Array.isArray(navAttrs)) {
        try {
            navAttrs = await listAll(ctx, attrPath(id));
        } catch (e) {
            if ((e as GraphFailure).status !== 400) throw e; // documented: 400 when the flow has no attributes
            navAttrs = [];
        }
    }
    const inputs: any[] = (entity.onAttributeCollection?.attributeCollectionPage?.views ?? []).flatMap((v: any) => v?.inputs ?? []);
    const attributes: FlowAttributeInputs[] = navAttrs
        .filter((a) => a?.id && a.id !== "email")
        .map((a) => {
            const input = inputs.find((i) => i?.attribute === a.id);
            const out: FlowAttributeInputs = {
                attribute: a.id,
                label: input?.label ?? "",
                required: input?.required ?? false,
                inputType: (INPUT_TYPES.find((t) => t.toLowerCase() === String(input?.inputType ?? "text").toLowerCase()) ?? input?.inputType) as AttributeInputType,
                options: (input?.options ?? []).map((o: any) => ({ label: o.label, value: o.value })),
            };
            return typeof a.dataType === "string" && a.dataType !== "string" ? { ...out, dataType: a.dataType } : out;
        });
    return {
        id: entity.id ?? id,
        displayName: entity.displayName,
        signUpAllowed: entity.onInteractiveAuthFlowStart?.isSignUpAllowed === true,
        identityProviders: idps.map((p) => p.id),
        attributes,
    };
}

/** Orders `live` like `previous` (so a refresh shows only real changes), unknown entries last. */
function orderLike<T>(live: T[], previous: readonly T[] | undefined, key: (x: T) => string): T[] {
    const prev = (previous ?? []).map(key);
    const rank = (x: T) => {
        const i = prev.indexOf(key(x));
        return i < 0 ? prev.length : i;
    };
    return [...live].sort((a, b) => rank(a) - rank(b));
}

async function addRef(ctx: Ctx, listPath: string, refUrl: string, id: string, what: string): Promise<void> {
    await untilReplicated(ctx, `adding ${what} ${id}`, async () => {
        try {
            await call(ctx, "POST", `${listPath}/$ref`, { "@odata.id": refUrl });
            return { done: true as const, value: undefined };
        } catch (e) {
            const f = e as GraphFailure;
            if (!f.lost && f.status !== 400 && f.status !== 404 && f.status !== 409) throw e;
            // Lost answer, "already there", or not replicated yet: look at the list before trying again.
            let present = false;
            try {
                present = (await listAll(ctx, listPath)).some((x) => x?.id === id);
            } catch (le) {
                if ((le as GraphFailure).status !== 400) throw le;
            }
            if (present) return { done: true as const, value: undefined };
            return { done: false as const, reason: f.message };
        }
    });
}

async function removeRef(ctx: Ctx, listPath: string, id: string): Promise<void> {
    try {
        await call(ctx, "DELETE", `${listPath}/${encodeURIComponent(id)}/$ref`);
    } catch (e) {
        if ((e as GraphFailure).status !== 404) throw e;
    }
}

/** Brings flow `id` from `from` to `to` with the fewest calls: $ref adds, $ref removes, then one PATCH. */
async function convergeFlow(ctx: Ctx, id: string, from: UserFlowOutputs, to: UserFlowInputs, graphRoot: string): Promise<void> {
    const changed = changedFlowFields(from, to);
    const idpRef = (p: string) => `${graphRoot}/v1.0/identity/identityProviders/${p}`;
    const attrRef = (a: string) => `${graphRoot}/v1.0/identity/userFlowAttributes/${a}`;
    const oldIdps = from.identityProviders ?? [];
    const newIdps = to.identityProviders ?? [];
    // Add before remove, so the flow always keeps at least one identity provider.
    for (const p of newIdps.filter((x) => !oldIdps.includes(x))) await addRef(ctx, idpPath(id), idpRef(p), p, "identity provider");
    for (const p of oldIdps.filter((x) => !newIdps.includes(x))) await removeRef(ctx, idpPath(id), p);
    const oldAttrs = (from.attributes ?? []).map((a) => a.attribute);
    const newAttrs = (to.attributes ?? []).map((a) => a.attribute);
    for (const a of newAttrs.filter((x) => !oldAttrs.includes(x))) await addRef(ctx, attrPath(id), attrRef(a), a, "attribute");
    for (const a of oldAttrs.filter((x) => !newAttrs.includes(x))) await removeRef(ctx, attrPath(id), a);
    const patch: Record<string, unknown> = { "@odata.type": FLOW_TYPE };
    if (changed.includes("displayName")) patch.displayName = to.displayName;
    if (changed.includes("signUpAllowed")) patch.onInteractiveAuthFlowStart = { "@odata.type": `#${IAFS_TYPE}`, isSignUpAllowed: to.signUpAllowed ?? true };
    if (changed.includes("attributes")) patch.onAttributeCollection = attributeCollection(to.attributes ?? [], false);
    if (Object.keys(patch).length > 1) await call(ctx, "PATCH", flowPath(id), patch);
}

function graphRootOf(opts: ProviderOptions): string {
    return (opts.baseUrl ?? process.env.GRAPH_BASE_URL ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, "");
}

async function findFlowByName(ctx: Ctx, displayName: string): Promise<{ id: string } | undefined> {
    const flows = await listAll(ctx, FLOWS);
    return flows.find((f) => f?.displayName === displayName);
}

function outputsOf(inputs: UserFlowInputs, live: LiveFlow | undefined, createdAt: string | undefined): UserFlowOutputs {
    const base = {
        tenantId: inputs.tenantId,
        version: inputs.version,
        createdAt,
    };
    if (!live) return { ...inputs, ...base };
    return {
        ...base,
        displayName: live.displayName,
        signUpAllowed: live.signUpAllowed,
        identityProviders: orderLike(live.identityProviders, inputs.identityProviders, (x) => x),
        attributes: orderLike(live.attributes, inputs.attributes, (a) => a.attribute).map((a) => {
            const wanted = (inputs.attributes ?? []).find((w) => w.attribute === a.attribute);
            return wanted?.dataType !== undefined && a.dataType === undefined ? { ...a, dataType: wanted.dataType } : a;
        }),
    };
}

export function makeUserFlowProvider(opts: ProviderOptions = {}): ResourceProvider {
    return {
        check: async (_olds: unknown, news: Record<string, unknown>) => checkUserFlow(news),
        diff: async (_id: string, olds: UserFlowOutputs, news: UserFlowInputs) => diffUserFlow(olds, news),
        create: async (inputs: UserFlowInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const createdAt = new Date().toISOString();
            const adopt = async (id: string) => {
                const live = await readFlow(ctx, id, true);
                if (!live) throw new Error(`user flow "${inputs.displayName}" (${id}) disappeared while it was being adopted`);
                await convergeFlow(ctx, id, outputsOf(inputs, live, createdAt), inputs, graphRootOf(opts));
                return { id, outs: { ...inputs, createdAt } };
            };
            const existing = await findFlowByName(ctx, inputs.displayName);
            if (existing) return adopt(existing.id);
            const body = createFlowBody(inputs);
            // A 400 can be replication delay when a custom attribute was just created, or when an earlier attempt
            // whose answer was lost did create the flow (the name is taken but not listed yet); otherwise it is final.
            let mayBeReplication = (inputs.attributes ?? []).some((a) => a.attribute.startsWith("extension_"));
            return untilReplicated(ctx, `creating user flow "${inputs.displayName}"`, async () => {
                try {
                    const created = await call(ctx, "POST", FLOWS, body);
                    return { done: true as const, value: { id: String(created.id), outs: { ...inputs, createdAt } } };
                } catch (e) {
                    const f = e as GraphFailure;
                    // The answer was lost, or the name is taken (e.g. by our own earlier attempt): look again.
                    if (!f.lost && f.status !== 400 && f.status !== 409) throw e;
                    if (f.lost) mayBeReplication = true;
                    const found = await findFlowByName(ctx, inputs.displayName);
                    if (found) return { done: true as const, value: await adopt(found.id) };
                    if (mayBeReplication) return { done: false as const, reason: f.message };
                    throw e;
                }
            });
        },
        read: async (id: string, props: UserFlowOutputs) => {
            const ctx = makeContext(props.tenantId, opts);
            const recent = props.createdAt !== undefined && Date.now() - Date.parse(props.createdAt) < RECENT_CREATE_MS;
            const live = await readFlow(ctx, id, recent);
            if (!live) return {};
            const outs = outputsOf(props, live, props.createdAt);
            const { createdAt: _c, ...inputs } = outs;
            return { id, props: outs, inputs };
        },
        update: async (id: string, olds: UserFlowOutputs, news: UserFlowInputs) => {
            const ctx = makeContext(news.tenantId, opts);
            await convergeFlow(ctx, id, olds, news, graphRootOf(opts));
            return { outs: { ...news, createdAt: olds.createdAt } };
        },
        delete: async (id: string, props: UserFlowOutputs) => {
            const ctx = makeContext(props.tenantId, opts);
            try {
                await call(ctx, "DELETE", flowPath(id));
            } catch (e) {
                if ((e as GraphFailure).status !== 404) throw e;
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// UserFlowApplication

export function checkUserFlowApplication(news: Record<string, unknown>): { inputs: UserFlowApplicationInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    for (const k of ["tenantId", "appId"] as const) {
        const v = news[k];
        if (v !== UNKNOWN && (typeof v !== "string" || !GUID_RE.test(v))) failures.push({ property: k, reason: `${k} must be a GUID (${k === "appId" ? "the application's client id" : "the external tenant's id"}), got ${JSON.stringify(v)}` });
    }
    const f = news.userFlowId;
    if (f !== UNKNOWN && (typeof f !== "string" || f.trim() === "" || f.includes("/"))) failures.push({ property: "userFlowId", reason: `userFlowId must be a user flow id, got ${JSON.stringify(f)}` });
    return { inputs: news as unknown as UserFlowApplicationInputs, failures };
}

export function diffUserFlowApplication(olds: UserFlowApplicationInputs, news: UserFlowApplicationInputs): DiffResult {
    const replaces = (["tenantId", "userFlowId", "appId"] as const).filter((k) => isUnknown(news[k]) || String(olds[k]).toLowerCase() !== String(news[k]).toLowerCase());
    const versionChanged = (olds.version ?? "") !== (news.version ?? "");
    // An application can be linked to only one flow: the old link must go before the new one is made.
    return { changes: replaces.length > 0 || versionChanged, replaces, deleteBeforeReplace: true };
}

async function linkedAppIds(ctx: Ctx, flowId: string): Promise<string[] | undefined> {
    try {
        return (await listAll(ctx, linksPath(flowId))).map((a) => String(a.appId).toLowerCase());
    } catch (e) {
        if ((e as GraphFailure).status === 404) return undefined;
        throw e;
    }
}

export function makeUserFlowApplicationProvider(opts: ProviderOptions = {}): ResourceProvider {
    return {
        check: async (_olds: unknown, news: Record<string, unknown>) => checkUserFlowApplication(news),
        diff: async (_id: string, olds: UserFlowApplicationInputs, news: UserFlowApplicationInputs) => diffUserFlowApplication(olds, news),
        create: async (inputs: UserFlowApplicationInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const appId = inputs.appId.toLowerCase();
            const flowId = inputs.userFlowId;
            const body = { "@odata.type": "#microsoft.graph.authenticationConditionApplication", appId };
            await untilReplicated(ctx, `linking application ${appId} to user flow ${flowId}`, async () => {
                try {
                    await call(ctx, "POST", linksPath(flowId), body);
                    return { done: true as const, value: undefined };
                } catch (e) {
                    const f = e as GraphFailure;
                    if (f.lost) {
                        const linked = await linkedAppIds(ctx, flowId);
                        if (linked?.includes(appId)) return { done: true as const, value: undefined };
                        return { done: false as const, reason: f.message };
                    }
                    if (f.status === 404) return { done: false as const, reason: `the user flow is not visible yet (${f.message})` };
                    if (f.status !== 400 && f.status !== 409) throw e;
                    const owners = await listAll(ctx, FLOWS, {
                        $filter: `${CAST}/conditions/applications/includeApplications/any(appId:appId/appId eq ${odataQuote(appId)})`,
                    });
                    if (owners.some((o) => o.id === flowId)) return { done: true as const, value: undefined };
                    const other = owners[0];
                    if (other) {
                        throw new Error(`application ${appId} is already linked to user flow "${other.displayName}" (${other.id}); an application can be linked to only one user flow, so unlink it there first`);
                    }
                    // Most often the app's service principal is not visible yet in the tenant.
                    return { done: false as const, reason: `the application's service principal is not visible yet (${f.message})` };
                }
            });
            return { id: `${flowId}/${appId}`, outs: { ...inputs, appId } };
        },
        read: async (id: string, props: UserFlowApplicationInputs) => {
            const ctx = makeContext(props.tenantId, opts);
            const linked = await linkedAppIds(ctx, props.userFlowId);
            if (!linked || !linked.includes(props.appId.toLowerCase())) return {};
            return { id, props, inputs: props };
        },
        delete: async (_id: string, props: UserFlowApplicationInputs) => {
            const ctx = makeContext(props.tenantId, opts);
            try {
                await call(ctx, "DELETE", `${linksPath(props.userFlowId)}/${encodeURIComponent(props.appId)}`);
            } catch (e) {
                if ((e as GraphFailure).status !== 404) throw e;
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// UserFlowAttribute

export function checkUserFlowAttribute(news: Record<string, unknown>): { inputs: UserFlowAttributeInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const t = news.tenantId;
    if (t !== UNKNOWN && (typeof t !== "string" || !GUID_RE.test(t))) failures.push({ property: "tenantId", reason: `tenantId must be the external tenant's id (a GUID), got ${JSON.stringify(t)}` });
    const n = news.displayName;
    if (n !== UNKNOWN && (typeof n !== "string" || !CUSTOM_NAME_RE.test(n))) failures.push({ property: "displayName", reason: `displayName ${JSON.stringify(n)} must start with a letter and contain only letters and digits (at most 40)` });
    const dt = news.dataType ?? "string";
    if (dt !== UNKNOWN && !DATA_TYPES.includes(dt as string)) failures.push({ property: "dataType", reason: `dataType ${JSON.stringify(dt)} is not one of ${DATA_TYPES.join(", ")}` });
    const d = news.description;
    if (d !== undefined && d !== UNKNOWN && typeof d !== "string") failures.push({ property: "description", reason: "description must be a string" });
    return { inputs: { ...news, dataType: dt, description: d ?? n } as unknown as UserFlowAttributeInputs, failures };
}

export function diffUserFlowAttribute(olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs): DiffResult {
    // Only the description can be changed in place (PATCH); name and data type are fixed at creation.
    const replaces = (["tenantId", "displayName", "dataType"] as const).filter((k) => isUnknown(news[k]) || olds[k] !== news[k]);
    const updates = isUnknown(news.description) || (olds.description ?? "") !== (news.description ?? "") || (olds.version ?? "") !== (news.version ?? "");
    return { changes: replaces.length > 0 || updates, replaces, deleteBeforeReplace: true };
}

export function makeUserFlowAttributeProvider(opts: ProviderOptions = {}): ResourceProvider {
    const findByName = async (ctx: Ctx, name: string) => {
        const found = await listAll(ctx, USER_FLOW_ATTRIBUTES, { $filter: `displayName eq ${odataQuote(name)}` });
        return found.find((a) => a?.displayName === name && a?.userFlowAttributeType !== "builtIn");
    };
    const adopt = async (ctx: Ctx, existing: any, inputs: UserFlowAttributeInputs) => {
        if (existing.dataType !== inputs.dataType) {
            throw new Error(`custom attribute "${inputs.displayName}" already exists as ${existing.id} with dataType "${existing.dataType}", not "${inputs.dataType}"; the data type cannot be changed: choose another name or delete the attribute`);
        }
        if ((existing.description ?? "") !== (inputs.description ?? "")) {
            await call(ctx, "PATCH", `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(existing.id)}`, { description: inputs.description ?? "" });
        }
        return { id: String(existing.id), outs: { ...inputs, attributeId: String(existing.id) } };
    };
    return {
        check: async (_olds: unknown, news: Record<string, unknown>) => checkUserFlowAttribute(news),
        diff: async (_id: string, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) => diffUserFlowAttribute(olds, news),
        create: async (inputs: UserFlowAttributeInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const existing = await findByName(ctx, inputs.displayName);
            if (existing) return adopt(ctx, existing, inputs);
            const body = { displayName: inputs.displayName, description: inputs.description ?? inputs.displayName, dataType: inputs.dataType };
            return untilReplicated(ctx, `creating custom attribute "${inputs.displayName}"`, async () => {
                try {
                    const created = await call(ctx, "POST", USER_FLOW_ATTRIBUTES, body);
                    return { done: true as const, value: { id: String(created.id), outs: { ...inputs, attributeId: String(created.id) } } };
                } catch (e) {
                    const f = e as GraphFailure;
                    if (!f.lost && f.status !== 400 && f.status !== 409) throw e;
                    const found = await findByName(ctx, inputs.displayName);
                    if (found) return { done: true as const, value: await adopt(ctx, found, inputs) };
                    if (f.lost) return { done: false as const, reason: f.message };
                    throw e;
                }
            });
        },
        read: async (id: string, props: UserFlowAttributeOutputs) => {
            const ctx = makeContext(props.tenantId, opts);
            let live: any;
            try {
                live = await call(ctx, "GET", `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(id)}`);
            } catch (e) {
                if ((e as GraphFailure).status === 404) return {};
                throw e;
            }
            const outs = { ...props, displayName: live.displayName, dataType: live.dataType, description: live.description ?? "", attributeId: id };
            const { attributeId: _a, ...inputs } = outs;
            return { id, props: outs, inputs };
        },
        update: async (id: string, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) => {
            if ((olds.description ?? "") !== (news.description ?? "")) {
                const ctx = makeContext(news.tenantId, opts);
                await call(ctx, "PATCH", `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(id)}`, { description: news.description ?? "" });
            }
            return { outs: { ...news, attributeId: id } };
        },
        delete: async (id: string, props: UserFlowAttributeOutputs) => {
            const ctx = makeContext(props.tenantId, opts);
            try {
                await call(ctx, "DELETE", `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(id)}`);
            } catch (e) {
                if ((e as GraphFailure).status !== 404) throw e;
            }
        },
    };
}
