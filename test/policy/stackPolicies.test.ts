/**
 * The stack policies (they see every resource's outputs at the end of a preview or update), through `AnalyzeStack`
 * on the running pack.
 */
import { randomBytes } from "node:crypto";
import { startPack, secret, UNKNOWN, urnOf, type Pack, type PolicyInput, type Violation } from "./analyzer";

const TENANT = "11111111-2222-3333-4444-555555555555";
const OTHER = "22222222-3333-4444-5555-666666666666";
const CLIENT = "aaaaaaaa-0000-4000-8000-000000000001";
const IDP = "pulumi-nodejs:dynamic/entra-signin:SocialIdentityProvider";
const BRANDING = "pulumi-nodejs:dynamic/entra-signin:CompanyBranding";
const entraSecret = () => ["Zz0", "8Q~", randomBytes(24).toString("base64url").slice(0, 34)].join("");

let pack: Pack;
beforeAll(async () => { pack = await startPack(); });
afterAll(() => pack?.close());

const messages = (vs: Violation[]) => vs.map((v) => `${v.policy}: ${v.message}`);
const stack = (outputs: Record<string, unknown>): PolicyInput => ({ type: "pulumi:pulumi:Stack", name: "entra-ciam-test", props: outputs });

describe("no-secrets-in-plain-outputs", () => {
    afterEach(async () => { await pack.configure({}); });
    test("the client secret output (held as a secret) and plain non-secret outputs pass", async () => {
        expect(await pack.analyzeStack([stack({ webClientId: CLIENT, webClientSecret: secret(entraSecret()), webAppEnv: { CLIENT_ID: CLIENT } })])).toEqual([]);
    });
    test("a secret-looking value in any other output fails, with its path", async () => {
        const vs = await pack.analyzeStack([stack({ webClientId: CLIENT, webAppEnv: { CLIENT_ID: CLIENT, CLIENT_SECRET: entraSecret() }, tokens: [randomBytes(32).toString("hex")] })]);
        // Struct fields arrive in key order.
        expect(messages(vs)).toEqual([
            "no-secrets-in-plain-outputs: output tokens[0] looks like a long hexadecimal key",
            "no-secrets-in-plain-outputs: output webAppEnv.CLIENT_SECRET looks like an Entra client secret",
        ]);
        expect(vs.map((v) => v.urn)).toEqual([urnOf("pulumi:pulumi:Stack", "entra-ciam-test"), urnOf("pulumi:pulumi:Stack", "entra-ciam-test")]);
    });
    test("which outputs may hold secrets is the pack's config (secretOutputs)", async () => {
        await pack.configure({ "no-secrets-in-plain-outputs": { secretOutputs: [] } });
        expect(messages(await pack.analyzeStack([stack({ webClientSecret: secret(entraSecret()) })]))).toEqual([
            "no-secrets-in-plain-outputs: output webClientSecret looks like an Entra client secret",
        ]);
    });
    test("an output not known during preview is left for `up`", async () => {
        expect(await pack.analyzeStack([stack({ webAppEnv: UNKNOWN })])).toEqual([]);
    });
});

describe("user-flows-in-this-tenant", () => {
    const provider: PolicyInput = { type: "pulumi:providers:azuread", name: "external-tenant", props: { tenantId: TENANT } };
    const app: PolicyInput = { type: "azuread:index/applicationRegistration:ApplicationRegistration", name: "web-app", props: { displayName: "web", clientId: CLIENT } };
    const flow = (tenantId: string): PolicyInput => ({ type: "pulumi-nodejs:dynamic:Resource", name: "flow", props: { tenantId, displayName: "Flow", identityProviders: ["EmailPassword-OAUTH"], version: "1" } });
    const link = (appId: string, tenantId = TENANT): PolicyInput => ({ type: "pulumi-nodejs:dynamic:Resource", name: "link", props: { tenantId, userFlowId: "flow-id", appId, version: "1" } });

    test("a flow and a link in the provider's tenant, to this stack's app, pass (ids compared case-insensitively)", async () => {
        expect(await pack.analyzeStack([provider, app, flow(TENANT.toUpperCase()), link(CLIENT.toUpperCase())])).toEqual([]);
    });
    test("a flow in another tenant fails", async () => {
        expect(messages(await pack.analyzeStack([provider, app, flow(OTHER), link(CLIENT)]))).toEqual([
            `user-flows-in-this-tenant: UserFlow flow: tenant ${OTHER} is not the tenant of this stack's azuread provider (${TENANT})`,
        ]);
    });
    test("a link to an application this stack does not register fails", async () => {
        const vs = await pack.analyzeStack([provider, app, flow(TENANT), link(OTHER)]);
        expect(messages(vs)).toEqual([
            `user-flows-in-this-tenant: UserFlowApplication link: application ${OTHER} is not registered by this stack, so the flow would take over an application it does not manage`,
        ]);
        expect(vs[0].urn).toBe(urnOf("pulumi-nodejs:dynamic:Resource", "link"));
    });
    test("without an azuread provider every user-flow resource is out of place", async () => {
        expect(messages(await pack.analyzeStack([app, flow(TENANT)]))).toEqual([
            `user-flows-in-this-tenant: UserFlow flow: tenant ${TENANT} is not the tenant of this stack's azuread provider (none declared)`,
        ]);
    });
    test("an application id not known yet (first preview) is left for `up`", async () => {
        expect(await pack.analyzeStack([provider, { ...app, props: { displayName: "web", clientId: UNKNOWN } }, flow(TENANT), link(UNKNOWN)])).toEqual([]);
    });

    const idp = (tenantId: string): PolicyInput => ({ type: IDP, name: "signin-experience-idp-google", props: { tenantId, identityProviderType: "Google", displayName: "Google", clientId: "c.apps.googleusercontent.com", clientSecretFingerprint: secret("hmac-sha256:a:b"), version: "1" } });
    const branding = (tenantId: string): PolicyInput => ({ type: BRANDING, name: "signin-experience-branding", props: { tenantId, images: {}, localizations: [], imageUrls: {}, version: "1" } });
    test("social identity providers and branding in the provider's tenant pass", async () => {
        expect(await pack.analyzeStack([provider, app, flow(TENANT), idp(TENANT.toUpperCase()), branding(TENANT)])).toEqual([]);
    });
    test("social identity providers and branding in another tenant fail", async () => {
        const vs = await pack.analyzeStack([provider, app, flow(TENANT), idp(OTHER), branding(OTHER)]);
        expect(messages(vs)).toEqual([
            `user-flows-in-this-tenant: SocialIdentityProvider signin-experience-idp-google: tenant ${OTHER} is not the tenant of this stack's azuread provider (${TENANT})`,
            `user-flows-in-this-tenant: CompanyBranding signin-experience-branding: tenant ${OTHER} is not the tenant of this stack's azuread provider (${TENANT})`,
        ]);
        expect(vs.map((v) => v.urn)).toEqual([urnOf(IDP, "signin-experience-idp-google"), urnOf(BRANDING, "signin-experience-branding")]);
    });
    test("a tenant not known yet is left for `up`", async () => {
        expect(await pack.analyzeStack([provider, idp(UNKNOWN), branding(UNKNOWN)])).toEqual([]);
    });
});

describe("dynamic-resource-secrets-encrypted", () => {
    const inTenant = (...rs: PolicyInput[]) => pack.analyzeStack([{ type: "pulumi:providers:azuread", name: "external-tenant", props: { tenantId: TENANT } }, ...rs]);
    const fingerprint = () => `hmac-sha256:${randomBytes(32).toString("base64url")}:${randomBytes(32).toString("base64url")}`;
    const idp = (extra: Record<string, unknown>): PolicyInput => ({ type: IDP, name: "idp", props: { tenantId: TENANT, identityProviderType: "Facebook", displayName: "Facebook", clientId: "1234567890123456", createdAt: "2026-01-01T00:00:00Z", version: "1", ...extra } });
    test("the fingerprint output marked secret passes; so does none (after an import) or one not known yet", async () => {
        expect(await inTenant(idp({ clientSecretFingerprint: secret(fingerprint()) }))).toEqual([]);
        expect(await inTenant(idp({}))).toEqual([]);
        expect(await inTenant(idp({ clientSecretFingerprint: secret(UNKNOWN) }))).toEqual([]);
    });
    test("a fingerprint or a client secret in plain outputs fails", async () => {
        const vs = await inTenant(idp({ clientSecretFingerprint: fingerprint(), clientSecret: "fb0123456789abcdef0123456789abcd" }));
        expect(messages(vs)).toEqual([
            "dynamic-resource-secrets-encrypted: SocialIdentityProvider idp: the output clientSecret is not marked secret, so the state keeps it in plain text",
            "dynamic-resource-secrets-encrypted: SocialIdentityProvider idp: the output clientSecretFingerprint is not marked secret, so the state keeps it in plain text",
        ]);
        expect(vs.map((v) => v.level)).toEqual(["mandatory", "mandatory"]);
        expect(vs[0].urn).toBe(urnOf(IDP, "idp"));
    });
    test("a plain fingerprint not known yet fails too (a secret unknown carries the marker)", async () => {
        expect(messages(await inTenant(idp({ clientSecretFingerprint: UNKNOWN })))).toEqual([
            "dynamic-resource-secrets-encrypted: SocialIdentityProvider idp: the output clientSecretFingerprint is not marked secret, so the state keeps it in plain text",
        ]);
    });
    test("a secret-looking value in another plain output fails", async () => {
        const sas = `https://tenant.blob.core.windows.net/branding/banner.png?sv=2024-01-01&sig=${randomBytes(16).toString("base64url")}`;
        expect(messages(await inTenant({ type: BRANDING, name: "branding", props: { tenantId: TENANT, images: {}, localizations: [], imageUrls: { bannerLogo: sas } } }))).toEqual([
            "dynamic-resource-secrets-encrypted: CompanyBranding branding output imageUrls.bannerLogo looks like a URL with a SAS signature: the state stores it in plain text",
        ]);
    });
});

describe("app-service-basic-auth-off", () => {
    const site: PolicyInput = { type: "azure-native:web:WebApp", name: "web", props: { name: "contoso-web-1", resourceGroupName: "rg-contoso", httpsOnly: true } };
    const off = (type: string, allow: boolean, name = "contoso-web-1"): PolicyInput => ({ type, name: `${type.split(":").pop()}-${name}`, props: { name, resourceGroupName: "rg-contoso", allow } });
    test("a site with SCM and FTP basic authentication declared off passes", async () => {
        expect(await pack.analyzeStack([site, off("azure-native:web:WebAppScmAllowed", false), off("azure-native:web:WebAppFtpAllowed", false)])).toEqual([]);
    });
    test("a site without them, or with one allowed or for another site, fails", async () => {
        const none = await pack.analyzeStack([site]);
        expect(messages(none)).toEqual([
            "app-service-basic-auth-off: site rg-contoso/contoso-web-1: basic-authentication publishing is not declared off for SCM and FTP (declare WebAppScmAllowed and WebAppFtpAllowed with allow: false)",
        ]);
        expect(none[0].level).toBe("mandatory");
        expect(messages(await pack.analyzeStack([site, off("azure-native:web:WebAppScmAllowed", true), off("azure-native:web:WebAppFtpAllowed", false)]))).toEqual([
            "app-service-basic-auth-off: site rg-contoso/contoso-web-1: basic-authentication publishing is not declared off for SCM (declare WebAppScmAllowed with allow: false)",
        ]);
        expect(messages(await pack.analyzeStack([site, off("azure-native:web:WebAppScmAllowed", false, "other"), off("azure-native:web:WebAppFtpAllowed", false)]))).toEqual([
            "app-service-basic-auth-off: site rg-contoso/contoso-web-1: basic-authentication publishing is not declared off for SCM (declare WebAppScmAllowed with allow: false)",
        ]);
    });
});
