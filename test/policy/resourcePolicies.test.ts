/**
 * Each resource policy of the pack with resources that pass and resources that fail, sent to the running pack over
 * the engine's Analyzer protocol (test/policy/analyzer.ts). Assertions are on the exact policy and message.
 */
import { randomBytes } from "node:crypto";
import { startPack, secret, UNKNOWN, type Pack, type PolicyInput, type Violation } from "./analyzer";

const DAY = 24 * 60 * 60 * 1000;
const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
const entraSecret = () => ["xY2", "7Q~", randomBytes(24).toString("base64url").slice(0, 34)].join("");
const KV = "@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.net/secrets/web-client-secret/0123456789abcdef0123456789abcdef)";

let pack: Pack;
beforeAll(async () => { pack = await startPack(); });
afterAll(() => pack?.close());

const check = (type: string, props: Record<string, unknown>, name = "r"): Promise<Violation[]> => pack.analyze({ type, name, props } as PolicyInput);
const messages = (vs: Violation[]) => vs.map((v) => `${v.policy}: ${v.message}`);

test("the pack serves every policy as mandatory", async () => {
    const info = await pack.info();
    expect(info.name).toBe("entra-ciam-security");
    expect(info.version).toBe("1.0.0");
    expect(info.supportsConfig).toBe(true);
    expect(info.policies.map((p) => p.name)).toEqual([
        "redirect-uris-https", "no-implicit-grant", "client-secret-lifetime", "no-plain-secrets-in-app-settings",
        "no-secrets-in-plain-outputs", "app-service-https-tls-ftp", "app-service-basic-auth-off", "key-vault-rbac",
        "storage-no-public-blob-access", "dynamic-resources-are-user-flows", "dynamic-resource-secrets-encrypted",
        "user-flows-in-this-tenant",
    ]);
    expect(new Set(info.policies.map((p) => p.level))).toEqual(new Set(["mandatory"]));
});

describe("redirect-uris-https", () => {
    const T = "azuread:index/applicationRedirectUris:ApplicationRedirectUris";
    test("https and loopback http pass", async () => {
        expect(await check(T, { type: "Web", redirectUris: ["https://app.example.com/auth/redirect", "http://localhost:3000/auth/redirect", "http://127.0.0.1:3000/"] })).toEqual([]);
    });
    test("http on another host fails, as mandatory", async () => {
        const vs = await check(T, { type: "Web", redirectUris: ["https://ok.example.com/", "http://app.example.com/auth/redirect"] });
        expect(messages(vs)).toEqual(['redirect-uris-https: redirectUris[1]: "http://app.example.com/auth/redirect" must use https (http is allowed for localhost only)']);
        expect(vs[0].level).toBe("mandatory");
    });
    test("azuread.Application: web, spa and logout URLs are checked", async () => {
        expect(messages(await check("azuread:index/application:Application", {
            web: { redirectUris: ["http://a.example.com/"], logoutUrl: "http://b.example.com/" },
            spa: { redirectUris: ["http://c.example.com/"] },
        }))).toEqual([
            'redirect-uris-https: web.redirectUris[0]: "http://a.example.com/" must use https (http is allowed for localhost only)',
            'redirect-uris-https: spa.redirectUris[0]: "http://c.example.com/" must use https (http is allowed for localhost only)',
            'redirect-uris-https: web.logoutUrl: "http://b.example.com/" must use https (http is allowed for localhost only)',
        ]);
    });
    test("a URI not known during preview is left for `up`; the known ones are still checked", async () => {
        expect(messages(await check(T, { type: "Web", redirectUris: [UNKNOWN, "http://app.example.com/"] }))).toEqual([
            'redirect-uris-https: redirectUris[1]: "http://app.example.com/" must use https (http is allowed for localhost only)',
        ]);
    });
});

describe("no-implicit-grant", () => {
    test("implicit issuance off passes", async () => {
        expect(await check("azuread:index/applicationRegistration:ApplicationRegistration", { displayName: "x", implicitAccessTokenIssuanceEnabled: false, implicitIdTokenIssuanceEnabled: false })).toEqual([]);
    });
    test("ID tokens or access tokens from the implicit grant fail", async () => {
        expect(messages(await check("azuread:index/applicationRegistration:ApplicationRegistration", { displayName: "x", implicitIdTokenIssuanceEnabled: true }))).toEqual([
            "no-implicit-grant: implicitIdTokenIssuanceEnabled is true: the implicit grant must stay off",
        ]);
        expect(messages(await check("azuread:index/application:Application", { web: { implicitGrant: { accessTokenIssuanceEnabled: true, idTokenIssuanceEnabled: false } } }))).toEqual([
            "no-implicit-grant: web.implicitGrant.accessTokenIssuanceEnabled is true: the implicit grant must stay off",
        ]);
    });
});

describe("client-secret-lifetime", () => {
    const T = "azuread:index/applicationPassword:ApplicationPassword";
    afterEach(async () => { await pack.configure({}); });
    test("an end date within the default maximum (180 days) passes", async () => {
        expect(await check(T, { applicationId: "/applications/x", endDate: inDays(179) })).toEqual([]);
        expect(await check(T, { applicationId: "/applications/x", endDateRelative: "2160h" })).toEqual([]);
    });
    test("a longer lifetime, or none at all, fails", async () => {
        expect(messages(await check(T, { applicationId: "/applications/x", endDate: inDays(400) }))).toEqual([
            "client-secret-lifetime: the secret is valid for 400 days from now; the maximum is 180 days",
        ]);
        expect(messages(await check(T, { applicationId: "/applications/x" }))).toEqual([
            "client-secret-lifetime: no endDate: Microsoft Graph would make the secret valid for two years; the maximum is 180 days",
        ]);
        expect(messages(await check("azuread:index/application:Application", { password: { displayName: "p", endDate: inDays(365) } }))).toEqual([
            "client-secret-lifetime: the secret is valid for 365 days from now; the maximum is 180 days",
        ]);
    });
    test("the maximum comes from the pack's config (maxDays)", async () => {
        await pack.configure({ "client-secret-lifetime": { maxDays: 400 } });
        expect(await check(T, { applicationId: "/applications/x", endDate: inDays(399) })).toEqual([]);
        await pack.configure({ "client-secret-lifetime": { maxDays: 30 } });
        expect(messages(await check(T, { applicationId: "/applications/x", endDate: inDays(60) }))).toEqual([
            "client-secret-lifetime: the secret is valid for 60 days from now; the maximum is 30 days",
        ]);
    });
    test("an end date not known during preview is left for `up`", async () => {
        expect(await check(T, { applicationId: "/applications/x", endDate: UNKNOWN })).toEqual([]);
    });
});

describe("no-plain-secrets-in-app-settings", () => {
    const T = "azure-native:web:WebAppApplicationSettings";
    test("Key Vault references and plain non-secret settings pass", async () => {
        expect(await check(T, { name: "site", resourceGroupName: "rg", properties: {
            CLIENT_ID: "web-app-client-id", CLIENT_SECRET: KV, SESSION_SECRET: "@Microsoft.KeyVault(VaultName=kv1;SecretName=s)",
            WEBSITE_RUN_FROM_PACKAGE: "https://st1.blob.core.windows.net/packages/web.zip", REDIS_AUTH: "entra",
        } })).toEqual([]);
    });
    test("a setting named like a secret with a plain value fails, even when the engine holds it as a secret", async () => {
        expect(messages(await check(T, { name: "site", resourceGroupName: "rg", properties: secret({ CLIENT_ID: "x", CLIENT_SECRET: "not-a-real-secret" }) }))).toEqual([
            "no-plain-secrets-in-app-settings: CLIENT_SECRET must be a Key Vault reference (@Microsoft.KeyVault(SecretUri=…)), not a plain value",
        ]);
    });
    test("a secret-looking value under any name fails", async () => {
        expect(messages(await check(T, { name: "site", resourceGroupName: "rg", properties: {
            SOMETHING: entraSecret(),
            WEBSITE_RUN_FROM_PACKAGE: `https://st1.blob.core.windows.net/packages/web.zip?sv=2024-01-01&sig=${randomBytes(16).toString("base64url")}`,
        } }))).toEqual([
            "no-plain-secrets-in-app-settings: SOMETHING looks like an Entra client secret; store it in Key Vault and use @Microsoft.KeyVault(SecretUri=…)",
            "no-plain-secrets-in-app-settings: WEBSITE_RUN_FROM_PACKAGE looks like a URL with a SAS signature; store it in Key Vault and use @Microsoft.KeyVault(SecretUri=…)",
        ]);
    });
    test("site config app settings and connection strings are checked too", async () => {
        expect(messages(await check("azure-native:web:WebApp", { httpsOnly: true, siteConfig: {
            minTlsVersion: "1.2", scmMinTlsVersion: "1.2", ftpsState: "Disabled",
            appSettings: [{ name: "DB_PASSWORD", value: "p" }, { name: "OK", value: "fine" }],
        } }))).toEqual(["no-plain-secrets-in-app-settings: siteConfig.appSettings DB_PASSWORD must be a Key Vault reference (@Microsoft.KeyVault(SecretUri=…)), not a plain value"]);
        expect(messages(await check("azure-native:web:WebAppConnectionStrings", { name: "site", resourceGroupName: "rg", properties: {
            db: { value: "Server=tcp:db;Database=app", type: "SQLAzure" }, vaulted: { value: KV, type: "Custom" },
        } }))).toEqual(["no-plain-secrets-in-app-settings: connection string db must be a Key Vault reference (@Microsoft.KeyVault(SecretUri=…)), not a plain value"]);
    });
    test("a setting not known during preview is left for `up`", async () => {
        expect(await check(T, { name: "site", resourceGroupName: "rg", properties: { CLIENT_SECRET: UNKNOWN } })).toEqual([]);
    });
});

describe("app-service-https-tls-ftp", () => {
    const good = { httpsOnly: true, siteConfig: { minTlsVersion: "1.2", scmMinTlsVersion: "1.3", ftpsState: "Disabled" } };
    test("HTTPS only, TLS 1.2+, FTP disabled passes (sites and slots)", async () => {
        expect(await check("azure-native:web:WebApp", good)).toEqual([]);
        expect(await check("azure-native:web:WebAppSlot", good)).toEqual([]);
    });
    test("each weakening fails on its own", async () => {
        expect(messages(await check("azure-native:web:WebApp", { ...good, httpsOnly: false }))).toEqual(["app-service-https-tls-ftp: httpsOnly is false: it must be true"]);
        expect(messages(await check("azure-native:web:WebApp", { ...good, siteConfig: { ...good.siteConfig, minTlsVersion: "1.1" } }))).toEqual(['app-service-https-tls-ftp: siteConfig.minTlsVersion is "1.1": it must be 1.2 or 1.3']);
        expect(messages(await check("azure-native:web:WebApp", { ...good, siteConfig: { ...good.siteConfig, scmMinTlsVersion: "1.0" } }))).toEqual(['app-service-https-tls-ftp: siteConfig.scmMinTlsVersion is "1.0": it must be 1.2 or 1.3']);
        expect(messages(await check("azure-native:web:WebAppSlot", { ...good, siteConfig: { ...good.siteConfig, ftpsState: "FtpsOnly" } }))).toEqual(['app-service-https-tls-ftp: siteConfig.ftpsState is "FtpsOnly": it must be Disabled']);
    });
    test("settings left to Azure's defaults fail: they must be explicit", async () => {
        expect(messages(await check("azure-native:web:WebApp", { name: "site" }))).toEqual([
            "app-service-https-tls-ftp: httpsOnly is undefined: it must be true",
            "app-service-https-tls-ftp: siteConfig.minTlsVersion is undefined: it must be 1.2 or 1.3",
            "app-service-https-tls-ftp: siteConfig.scmMinTlsVersion is undefined: it must be 1.2 or 1.3",
            "app-service-https-tls-ftp: siteConfig.ftpsState is undefined: it must be Disabled",
        ]);
    });
});

describe("key-vault-rbac", () => {
    const T = "azure-native:keyvault:Vault";
    test("RBAC authorization passes", async () => {
        expect(await check(T, { properties: { enableRbacAuthorization: true, tenantId: "t", sku: { family: "A", name: "standard" } } })).toEqual([]);
    });
    test("access policies fail, in the vault or as their own resource", async () => {
        expect(messages(await check(T, { properties: { enableRbacAuthorization: false } }))).toEqual(["key-vault-rbac: properties.enableRbacAuthorization is false: it must be true"]);
        expect(messages(await check(T, { properties: { enableRbacAuthorization: true, accessPolicies: [{ objectId: "o", permissions: { secrets: ["get"] } }] } }))).toEqual([
            "key-vault-rbac: properties.accessPolicies has 1 entries: use RBAC role assignments instead",
        ]);
        expect(messages(await check("azure-native:keyvault:AccessPolicy", { vaultName: "kv1" }))).toEqual([
            "key-vault-rbac: vault access policies are not allowed: grant a Key Vault role (e.g. Key Vault Secrets User) instead",
        ]);
    });
});

describe("storage-no-public-blob-access", () => {
    test("public blob access explicitly off and private containers pass", async () => {
        expect(await check("azure-native:storage:StorageAccount", { allowBlobPublicAccess: false })).toEqual([]);
        expect(await check("azure-native:storage:BlobContainer", { publicAccess: "None" })).toEqual([]);
    });
    test("public access allowed, left to the default, or a public container fails", async () => {
        expect(messages(await check("azure-native:storage:StorageAccount", { allowBlobPublicAccess: true }))).toEqual(["storage-no-public-blob-access: allowBlobPublicAccess is true: it must be false"]);
        expect(messages(await check("azure-native:storage:StorageAccount", {}))).toEqual(["storage-no-public-blob-access: allowBlobPublicAccess is undefined: it must be false"]);
        expect(messages(await check("azure-native:storage:BlobContainer", { publicAccess: "Blob" }))).toEqual(['storage-no-public-blob-access: publicAccess is "Blob": containers must be private (None)']);
    });
});

describe("dynamic-resources-are-user-flows", () => {
    const TENANT = "11111111-2222-3333-4444-555555555555";
    const flow = { tenantId: TENANT, displayName: "Flow", signUpAllowed: true, identityProviders: ["EmailPassword-OAUTH"], attributes: [], version: "1" };
    const link = { tenantId: TENANT, userFlowId: "flow-id", appId: "app-id", version: "1" };
    const attribute = { tenantId: TENANT, displayName: "FavoriteColor", dataType: "string", description: "d", version: "1" };
    test.each([
        ["pulumi-nodejs:dynamic:Resource", flow],
        ["pulumi-nodejs:dynamic/entra-userflow:UserFlow", flow],
        ["pulumi-nodejs:dynamic:Resource", link],
        ["pulumi-nodejs:dynamic:Resource", attribute],
    ])("%s with the properties of a user-flow resource passes", async (type, props) => {
        expect(await check(type, { __provider: "exports.handler = …", ...props })).toEqual([]);
    });
    test("a dynamic resource of another shape fails", async () => {
        expect(messages(await check("pulumi-nodejs:dynamic:Resource", { __provider: "…", command: "curl …", tenantId: TENANT }))).toEqual([
            "dynamic-resources-are-user-flows: a dynamic resource with properties [command, tenantId] is not a user-flow or sign-in experience resource of this program; dynamic providers run their own code with the deployment's identity, so each needs review and a policy",
        ]);
    });
    test("a tenant that is not an id fails", async () => {
        expect(messages(await check("pulumi-nodejs:dynamic:Resource", { ...link, tenantId: "contoso.onmicrosoft.com" }))).toEqual([
            'dynamic-resources-are-user-flows: UserFlowApplication: tenantId "contoso.onmicrosoft.com" is not a tenant id (GUID)',
        ]);
    });
    test("a secret in a dynamic resource's properties fails (the state keeps them in plain text)", async () => {
        expect(messages(await check("pulumi-nodejs:dynamic:Resource", { ...attribute, description: entraSecret() }))).toEqual([
            "dynamic-resources-are-user-flows: UserFlowAttribute.description looks like an Entra client secret: dynamic-resource properties are stored in the state in plain text",
        ]);
    });
    test("resources of other providers are not its business", async () => {
        expect(await check("random:index/randomId:RandomId", { command: "x" })).toEqual([]);
    });
});

describe("dynamic-resources-are-user-flows: the sign-in experience resources", () => {
    const TENANT = "11111111-2222-3333-4444-555555555555";
    const IDP = "pulumi-nodejs:dynamic/entra-signin:SocialIdentityProvider";
    const BRANDING = "pulumi-nodejs:dynamic/entra-signin:CompanyBranding";
    // As components/signInExperience/resources.ts declares them (the fingerprint output in additionalSecretOutputs).
    const SECRET_OUTPUTS = { additionalSecretOutputs: ["clientSecretFingerprint"] };
    const googleSecret = () => `GOCSPX-${randomBytes(21).toString("base64url")}`;
    const idp = (clientSecret: unknown, extra: Record<string, unknown> = {}) => ({
        __provider: "exports.handler = …", tenantId: TENANT, identityProviderType: "Google", displayName: "Google",
        clientId: "123456789012-abc123def456.apps.googleusercontent.com", clientSecret, version: "1", ...extra,
    });
    const branding = (extra: Record<string, unknown> = {}) => ({
        __provider: "exports.handler = …", tenantId: TENANT, backgroundColor: "#0F3D2E", headerBackgroundColor: "#FFFFFF",
        signInPageText: "Contoso groceries. Need help? Call 0800 000 000.", usernameHintText: "you@example.com",
        images: { bannerLogo: { path: "/srv/app/branding/banner-logo.png", contentType: "image/png", sha256: `sha256:${randomBytes(32).toString("hex")}` } },
        localizations: [{ locale: "fr-FR", signInPageText: "Contoso épicerie." }], version: "1", ...extra,
    });
    const analyzeIdp = (props: Record<string, unknown>, type = IDP, opts: PolicyInput["opts"] = SECRET_OUTPUTS) => pack.analyze({ type, name: "signin-experience-idp-google", props, opts });

    test.each([IDP, "pulumi-nodejs:dynamic:Resource"])("%s: a Google provider whose clientSecret arrives marked secret passes", async (type) => {
        expect(await analyzeIdp(idp(secret(googleSecret())), type)).toEqual([]);
        expect(await analyzeIdp(idp(secret(googleSecret()), { identityProviderType: "Facebook", displayName: "Facebook", adoptExisting: true }), type)).toEqual([]);
    });
    test.each([BRANDING, "pulumi-nodejs:dynamic:Resource"])("%s: company branding passes, with or without images and localizations", async (type) => {
        expect(await check(type, branding())).toEqual([]);
        expect(await check(type, { tenantId: TENANT, images: {}, localizations: [], version: "1" })).toEqual([]);
    });
    test("a clientSecret in plain text fails, whether or not it looks like a secret", async () => {
        for (const value of [googleSecret(), "short"]) {
            expect(messages(await analyzeIdp(idp(value)))).toEqual([
                "dynamic-resources-are-user-flows: SocialIdentityProvider: clientSecret is not marked secret, so the state would keep it in plain text (wrap it in pulumi.secret)",
            ]);
        }
    });
    test("during preview: a clientSecret not known yet passes when marked secret (the marker survives an unknown), and fails when not", async () => {
        expect(await analyzeIdp(idp(secret(UNKNOWN)))).toEqual([]);
        expect(messages(await analyzeIdp(idp(UNKNOWN)))).toEqual([
            "dynamic-resources-are-user-flows: SocialIdentityProvider: clientSecret is not marked secret, so the state would keep it in plain text (wrap it in pulumi.secret)",
        ]);
        // Other properties not known yet are left for `up`.
        expect(await analyzeIdp(idp(secret(UNKNOWN), { tenantId: UNKNOWN, clientId: UNKNOWN }))).toEqual([]);
        expect(await check(BRANDING, branding({ tenantId: UNKNOWN, images: UNKNOWN }))).toEqual([]);
    });
    test("the fingerprint output missing from additionalSecretOutputs fails", async () => {
        expect(messages(await analyzeIdp(idp(secret(googleSecret())), IDP, { additionalSecretOutputs: [] }))).toEqual([
            "dynamic-resources-are-user-flows: SocialIdentityProvider: the output clientSecretFingerprint is not in additionalSecretOutputs, so the state would keep it in plain text",
        ]);
    });
    test("a tenant that is not an id fails", async () => {
        expect(messages(await analyzeIdp(idp(secret(googleSecret()), { tenantId: "contoso.onmicrosoft.com" })))).toEqual([
            'dynamic-resources-are-user-flows: SocialIdentityProvider: tenantId "contoso.onmicrosoft.com" is not a tenant id (GUID)',
        ]);
        expect(messages(await check(BRANDING, branding({ tenantId: "contoso" })))).toEqual([
            'dynamic-resources-are-user-flows: CompanyBranding: tenantId "contoso" is not a tenant id (GUID)',
        ]);
    });
    test("a secret-looking value in any other property fails (only the secret by design may be secret)", async () => {
        expect(messages(await analyzeIdp(idp(secret(googleSecret()), { clientId: entraSecret() })))).toEqual([
            "dynamic-resources-are-user-flows: SocialIdentityProvider.clientId looks like an Entra client secret: dynamic-resource properties are stored in the state in plain text",
        ]);
        expect(messages(await check(BRANDING, branding({ localizations: [{ locale: "fr-FR", usernameHintText: entraSecret() }] })))).toEqual([
            "dynamic-resources-are-user-flows: CompanyBranding.localizations[0].usernameHintText looks like an Entra client secret: dynamic-resource properties are stored in the state in plain text",
        ]);
    });
    test("a type token that names another kind than the properties describe fails", async () => {
        expect(messages(await check(IDP, branding()))).toEqual([
            `dynamic-resources-are-user-flows: the type ${IDP} names a SocialIdentityProvider, but the properties are those of a CompanyBranding`,
        ]);
    });
    test("a provider with branding properties as well is neither kind", async () => {
        expect(messages(await analyzeIdp({ ...idp(secret(googleSecret())), images: {}, localizations: [] }))).toEqual([
            "dynamic-resources-are-user-flows: a dynamic resource with properties [clientId, clientSecret, displayName, identityProviderType, images, localizations, tenantId, version] is not a user-flow or sign-in experience resource of this program; dynamic providers run their own code with the deployment's identity, so each needs review and a policy",
        ]);
    });
});
