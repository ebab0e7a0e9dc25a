/**
 * The SocialIdentityProvider dynamic provider: a Google or Facebook identity provider of an external tenant
 * (Graph `socialIdentityProvider`; external tenants accept Google, Facebook and Apple — learn.microsoft.com,
 * "socialIdentityProvider resource type"; Apple is a different type and not declared here).
 *
 * Graph calls, relative to /v1.0 (permission IdentityProvider.ReadWrite.All):
 *   create  GET  /identity/identityProviders              is one of this type there already (a listed one is
 *                                                          confirmed with GET …/{id})? then fail, unless
 *                                                          `adoptExisting`: then PATCH …/{id} with the config, no POST
 *           POST /identity/identityProviders              {@odata.type socialIdentityProvider, displayName,
 *                                                          identityProviderType, clientId, clientSecret}
 *   read    GET  /identity/identityProviders/{id}         refresh, from the prior outputs (404 right after a write:
 *                                                          asked again before "gone")
 *   update  PATCH /identity/identityProviders/{id}        only what changed; clientSecret only when it changed
 *   delete  DELETE /identity/identityProviders/{id}       (404 right after a write: absence confirmed)
 *
 * The client secret is an input (secret, encrypted by the engine like every secret input) and is never an output:
 * outputs carry `clientSecretFingerprint` (fingerprint.ts), which `diff` uses to notice a changed secret.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderOptions } from "../userFlow/types";
import type { Ctx, GraphFailure } from "../userFlow/graph";
import * as graphModule from "../userFlow/graph";
import * as fingerprintModule from "./fingerprint";
import * as commonModule from "./common";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { brief, call, confirmedLive, deleteConfirmed, exists, getUnlessGone, isRecent, listAll, makeContext, untilReplicated } = graphModule;
const { fingerprintMatches, secretFingerprint } = fingerprintModule;
const { GUID, IDENTITY_PROVIDERS, PERMISSION, SOCIAL_TYPE, UNKNOWN, idpPath, isUnknown, namingPermission, safeError } = commonModule;

type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

export type SocialType = "Google" | "Facebook";
export const SOCIAL_TYPES: readonly SocialType[] = ["Google", "Facebook"];

export interface SocialIdentityProviderInputs {
    readonly tenantId: string;
    readonly identityProviderType: SocialType;
    readonly displayName: string;
    readonly clientId: string;
    /** Secret input; never returned as an output. */
    readonly clientSecret?: string;
    /** Explicit consent to take over a provider of this type that this stack did not create (create only). */
    readonly adoptExisting?: boolean;
    readonly version?: string;
}

export interface SocialIdentityProviderOutputs {
    readonly tenantId: string;
    readonly identityProviderType: SocialType;
    readonly displayName: string;
    readonly clientId: string;
    /** `hmac-sha256:<salt>:<mac>` of the secret last written by this provider (every create and update writes one). */
    readonly clientSecretFingerprint?: string;
    /** When this provider created it; bounds the replication-delay window. */
    readonly createdAt?: string;
    readonly version?: string;
}

export function checkSocialIdentityProvider(news: Record<string, unknown>): { inputs: SocialIdentityProviderInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const t = news.tenantId;
    if (t !== UNKNOWN && (typeof t !== "string" || !GUID.test(t))) failures.push({ property: "tenantId", reason: `tenantId must be the external tenant's id (a GUID), got ${brief(t)}` });
    const type = news.identityProviderType;
    if (type !== UNKNOWN && !SOCIAL_TYPES.includes(type as SocialType)) failures.push({ property: "identityProviderType", reason: `identityProviderType ${brief(type)} is not one of ${SOCIAL_TYPES.join(", ")}` });
    for (const k of ["displayName", "clientId"] as const) {
        const v = news[k];
        if (v !== UNKNOWN && (typeof v !== "string" || v.trim() === "")) failures.push({ property: k, reason: `${k} must be a non-empty string` });
    }
    const a = news.adoptExisting;
    if (a !== undefined && a !== UNKNOWN && typeof a !== "boolean") failures.push({ property: "adoptExisting", reason: `adoptExisting must be true or false, got ${brief(a)}` });
    const s = news.clientSecret;
    // The value is never shown.
    if (s !== UNKNOWN && (typeof s !== "string" || s === "")) failures.push({ property: "clientSecret", reason: "clientSecret must be a non-empty string (from secret config)" });
    return { inputs: news as unknown as SocialIdentityProviderInputs, failures };
}

export function diffSocialIdentityProvider(olds: SocialIdentityProviderOutputs, news: SocialIdentityProviderInputs): DiffResult {
    const replaces: string[] = [];
    if (isUnknown(news.tenantId) || String(olds.tenantId).toLowerCase() !== String(news.tenantId).toLowerCase()) replaces.push("tenantId");
    if (isUnknown(news.identityProviderType) || olds.identityProviderType !== news.identityProviderType) replaces.push("identityProviderType");
    const updates: string[] = [];
    for (const k of ["displayName", "clientId", "version"] as const) if (isUnknown(news[k]) || (olds[k] ?? "") !== (news[k] ?? "")) updates.push(k);
    if (isUnknown(news.clientSecret) || typeof news.clientSecret !== "string" || !fingerprintMatches(olds.clientSecretFingerprint, news.clientSecret)) updates.push("clientSecret");
    // One provider per type per tenant: the old one must go before a replacement is created.
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: true };
}

function outputsOf(inputs: SocialIdentityProviderInputs, fingerprint: string | undefined, createdAt: string | undefined): SocialIdentityProviderOutputs {
    const outs: Record<string, unknown> = {
        tenantId: inputs.tenantId,
        identityProviderType: inputs.identityProviderType,
        displayName: inputs.displayName,
        clientId: inputs.clientId,
    };
    if (fingerprint !== undefined) outs.clientSecretFingerprint = fingerprint;
    if (createdAt !== undefined) outs.createdAt = createdAt;
    if (inputs.version !== undefined) outs.version = inputs.version;
    return outs as unknown as SocialIdentityProviderOutputs;
}

async function findByType(ctx: Ctx, type: string): Promise<any | undefined> {
    // Graph ids are `<Type>-OAUTH`; one per type. Compared case-insensitively, as Graph does. A listed provider is
    // confirmed by a GET: right after a delete (destroy, then up) the list may still show it.
    return confirmedLive(ctx, async () => {
        const all = await listAll(ctx, IDENTITY_PROVIDERS);
        return all.find((p) => String(p?.identityProviderType ?? "").toLowerCase() === type.toLowerCase() || String(p?.id ?? "").toLowerCase() === `${type}-oauth`.toLowerCase());
    }, (p) => idpPath(String(p.id)));
}

function notOurs(type: string, id: string, tenantId: string): Error {
    const kind = type.toLowerCase();
    return new Error(`a ${type} identity provider already exists in tenant ${tenantId} as ${JSON.stringify(id)} and this stack did not create it; ` +
        `it is not taken over. To manage it with this stack, take it over explicitly: set identityProviders.${kind}.adoptExisting to true ` +
        `(\`pulumi config set --path identityProviders.${kind}.adoptExisting true\`; the next up overwrites its display name, client id and ` +
        `secret with the configured ones, and destroy deletes it), or delete it in the admin center (External Identities > All identity ` +
        `providers) and run up again. The \`import\` resource option cannot import dynamic-provider resources (pulumi/pulumi#3550, #16175)`);
}

export function makeSocialIdentityProviderProvider(opts: ProviderOptions = {}): pulumi.dynamic.ResourceProvider {
    const context = (tenantId: string, secret?: string): Ctx => {
        const ctx = makeContext(tenantId, opts);
        if (typeof secret === "string" && secret !== "") ctx.secrets.push(secret);
        return ctx;
    };
    return namingPermission({
        check: async (_olds: unknown, news: Record<string, unknown>) => checkSocialIdentityProvider(news),
        diff: async (_id: string, olds: SocialIdentityProviderOutputs, news: SocialIdentityProviderInputs) => diffSocialIdentityProvider(olds, news),
        create: async (inputs: SocialIdentityProviderInputs) => safeError([inputs.clientSecret], async () => {
            const ctx = context(inputs.tenantId, inputs.clientSecret);
            const type = inputs.identityProviderType;
            const existing = await findByType(ctx, type);
            if (existing && inputs.adoptExisting !== true) throw notOurs(type, String(existing.id), inputs.tenantId);
            if (existing) {
                // Taken over on request: it gets exactly the configured values (the secret included).
                const id = String(existing.id);
                await call(ctx, "PATCH", idpPath(id), { "@odata.type": SOCIAL_TYPE, displayName: inputs.displayName, clientId: inputs.clientId, clientSecret: inputs.clientSecret });
                return { id, outs: outputsOf(inputs, secretFingerprint(inputs.clientSecret ?? ""), new Date().toISOString()) };
            }
            const body = {
                "@odata.type": SOCIAL_TYPE,
                displayName: inputs.displayName,
                identityProviderType: type,
                clientId: inputs.clientId,
                clientSecret: inputs.clientSecret,
            };
            const createdAt = new Date().toISOString();
            let lost = false;
            const id = await untilReplicated(ctx, `creating the ${type} identity provider`, async () => {
                try {
                    const created = await call(ctx, "POST", IDENTITY_PROVIDERS, body);
                    return { done: true as const, value: String(created.id) };
                } catch (e) {
                    const f = e as GraphFailure;
                    if (!f.lost && f.status !== 400 && f.status !== 409) throw e;
                    if (f.lost) lost = true;
                    const found = await findByType(ctx, type);
                    // Adopted only when it was absent just before this create's own POST and an answer was lost.
                    if (found && lost) return { done: true as const, value: String(found.id) };
                    if (found) throw notOurs(type, String(found.id), inputs.tenantId);
                    if (f.lost) return { done: false as const, reason: f.message };
                    throw e;
                }
            });
            return { id, outs: outputsOf(inputs, secretFingerprint(inputs.clientSecret ?? ""), createdAt) };
        }),
        // Refresh: props are this resource's prior outputs. No read starts from the program's inputs: the program
        // declares no `get` of these resources, and the engine's import step reads by id alone, which the
        // dynamic-provider host cannot serve (pulumi/pulumi#3550, #16175), so an existing provider is taken over by
        // create with `adoptExisting`. What Graph shows comes from the live object; Graph never shows the secret, so
        // the fingerprint of the one this stack last wrote is kept.
        read: async (id: string, props: SocialIdentityProviderOutputs) => {
            const ctx = context(props.tenantId);
            const live = await getUnlessGone(ctx, idpPath(id), isRecent(props.createdAt));
            if (!live) return {};
            if (live["@odata.type"] !== SOCIAL_TYPE) throw new Error(`identity provider ${JSON.stringify(id)} is a ${live["@odata.type"]}, not a social identity provider`);
            const outs = outputsOf({
                tenantId: props.tenantId,
                identityProviderType: live.identityProviderType,
                displayName: live.displayName,
                clientId: live.clientId,
                version: props.version,
            }, props.clientSecretFingerprint, props.createdAt);
            // Never the secret: Graph answers "******", and an input returned here would be stored unencrypted.
            const { clientSecretFingerprint: _f, createdAt: _c, ...inputs } = outs;
            return { id, props: outs, inputs };
        },
        update: async (id: string, olds: SocialIdentityProviderOutputs, news: SocialIdentityProviderInputs) => safeError([news.clientSecret], async () => {
            const ctx = context(news.tenantId, news.clientSecret);
            const patch: Record<string, unknown> = { "@odata.type": SOCIAL_TYPE };
            if (olds.displayName !== news.displayName) patch.displayName = news.displayName;
            if (olds.clientId !== news.clientId) patch.clientId = news.clientId;
            const secretChanged = !fingerprintMatches(olds.clientSecretFingerprint, news.clientSecret ?? "");
            if (secretChanged) patch.clientSecret = news.clientSecret;
            if (Object.keys(patch).length > 1) {
                const recent = isRecent(olds.createdAt);
                await untilReplicated(ctx, `updating identity provider ${id}`, async () => {
                    try {
                        await call(ctx, "PATCH", idpPath(id), patch);
                        return { done: true as const, value: undefined };
                    } catch (e) {
                        if ((e as GraphFailure).status === 404 && recent) return { done: false as const, reason: (e as Error).message };
                        throw e;
                    }
                });
            }
            const fingerprint = secretChanged ? secretFingerprint(news.clientSecret ?? "") : olds.clientSecretFingerprint;
            return { outs: outputsOf(news, fingerprint, olds.createdAt) };
        }),
        delete: async (id: string, props: SocialIdentityProviderOutputs) => {
            const ctx = context(props.tenantId);
            // Right after a create a 404 may be lag: only consecutive 404s mean it is gone; one that shows up is deleted again.
            await deleteConfirmed(ctx, idpPath(id), () => exists(ctx, idpPath(id)), isRecent(props.createdAt));
        },
    }, PERMISSION.identityProviders);
}
