/**
 * The whole policy pack over everything the program declares under Pulumi's mocks, in both scenarios with hosting and
 * in a stack with Google, Facebook and company branding: the program passes every policy, and each deliberately
 * weakened variant of it is caught by exactly the policies meant to catch it (and by no other).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { baseConfig, runProgram } from "../support/program";
import { startPack, type Pack, type PolicyInput, type Violation } from "./analyzer";
import { declared, recordResourceOptions, type Declared } from "./fromProgram";

const options = recordResourceOptions();

const DAY = 24 * 60 * 60 * 1000;
const FOREIGN = "99999999-0000-4000-8000-000000000001";
const entraSecret = () => ["qR5", "8Q~", randomBytes(24).toString("base64url").slice(0, 34)].join("");

let pack: Pack;
beforeAll(async () => { pack = await startPack(); });
afterAll(() => pack?.close());

/** What the engine would report for these resources: `Analyze` for each resource's inputs, then `AnalyzeStack`. */
async function evaluate(d: Declared): Promise<Violation[]> {
    const found: Violation[] = [];
    for (const r of d.inputs) found.push(...await pack.analyze(r));
    found.push(...await pack.analyzeStack(d.outputs));
    return found;
}

const policiesOf = (vs: Violation[]) => [...new Set(vs.map((v) => v.policy))].sort();


/** One resource (by type and name) in both the inputs and the outputs, changed by `edit`. */
function variant(d: Declared, type: string, name: string | undefined, edit: (props: Record<string, any>) => void): Declared {
    const copy: Declared = JSON.parse(JSON.stringify(d));
    const pick = (list: PolicyInput[]) => list.filter((r) => r.type === type && (name === undefined || r.name === name));
    const targets = [...pick(copy.inputs), ...pick(copy.outputs)];
    if (targets.length === 0) throw new Error(`no ${type} ${name ?? ""} in the program`);
    for (const r of targets) edit(r.props);
    return copy;
}

/** A resource added to both inputs and outputs. */
function added(d: Declared, r: PolicyInput): Declared {
    const copy: Declared = JSON.parse(JSON.stringify(d));
    copy.inputs.push(r);
    copy.outputs.push(r);
    return copy;
}

const IDP = "pulumi-nodejs:dynamic/entra-signin:SocialIdentityProvider";
const BRANDING = "pulumi-nodejs:dynamic/entra-signin:CompanyBranding";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The example stack's user flow, identity providers and branding (Pulumi.dev.yaml), with the client secrets as secret config gives them. */
function signInExperienceConfig(): Record<string, unknown> {
    const doc = parse(readFileSync("Pulumi.dev.yaml", "utf8")).config as Record<string, unknown>;
    return {
        userFlow: doc["entra-ciam:userFlow"],
        identityProviders: doc["entra-ciam:identityProviders"],
        branding: doc["entra-ciam:branding"],
        googleClientSecret: `GOCSPX-${randomBytes(21).toString("base64url")}`,
        facebookClientSecret: randomBytes(16).toString("hex"),
    };
}

const SCENARIOS = {
    signIn: { ...baseConfig("signIn"), namePrefix: "contoso", hosting: { location: "westeurope" } },
    signInWithGoogleFacebookAndBranding: { ...baseConfig("signIn"), namePrefix: "contoso", hosting: { location: "westeurope" }, ...signInExperienceConfig() },
    signInAndCallApi: {
        ...baseConfig("signInAndCallApi"), namePrefix: "contoso", hosting: { location: "westeurope" },
        userFlow: {
            displayName: "Contoso sign-up and sign-in",
            identityProviders: ["emailPassword"],
            customAttributes: [{ name: "FavoriteColor", dataType: "string" }],
            attributes: [{ attribute: "displayName", label: "Display name", required: true }, { attribute: "FavoriteColor", label: "Favourite colour" }],
        },
    },
};

/** The program's resources as the engine would send them to the pack. */
async function declare(config: Record<string, unknown>): Promise<Declared> {
    options.clear();
    return declared(await runProgram(config), options);
}

describe.each(Object.entries(SCENARIOS))("the %s scenario", (_scenario, config) => {
    let d: Declared;
    beforeAll(async () => { d = await declare(config); });

    test("declares what the policies look at (so the checks below are not vacuous)", () => {
        const types = new Set(d.inputs.map((r) => r.type));
        for (const t of [
            "azuread:index/applicationRegistration:ApplicationRegistration", "azuread:index/applicationRedirectUris:ApplicationRedirectUris",
            "azuread:index/applicationPassword:ApplicationPassword", "azure-native:web:WebApp", "azure-native:web:WebAppApplicationSettings",
            "azure-native:keyvault:Vault", "azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer", "pulumi:providers:azuread",
            "azure-native:web:WebAppScmAllowed", "azure-native:web:WebAppFtpAllowed",
            "pulumi-nodejs:dynamic/entra-userflow:UserFlow", "pulumi-nodejs:dynamic/entra-userflow:UserFlowApplication",
        ]) expect([t, types.has(t)]).toEqual([t, true]);
    });

    test("passes every policy", async () => {
        expect(await evaluate(d)).toEqual([]);
    });

    const cases: Array<[string, string, (d: Declared) => Declared]> = [
        ["an http redirect URI on a public host", "redirect-uris-https",
            (x) => variant(x, "azuread:index/applicationRedirectUris:ApplicationRedirectUris", undefined, (p) => { p.redirectUris.push("http://contoso.example/auth/redirect"); })],
        ["the implicit grant for ID tokens", "no-implicit-grant",
            (x) => variant(x, "azuread:index/applicationRegistration:ApplicationRegistration", "web-app", (p) => { p.implicitIdTokenIssuanceEnabled = true; })],
        ["a client secret valid for two years", "client-secret-lifetime",
            (x) => variant(x, "azuread:index/applicationPassword:ApplicationPassword", undefined, (p) => { p.endDate = new Date(Date.now() + 730 * DAY).toISOString(); })],
        ["the client secret's value in the app settings instead of its Key Vault reference", "no-plain-secrets-in-app-settings",
            (x) => variant(x, "azure-native:web:WebAppApplicationSettings", "hosting-web-settings", (p) => { p.properties.CLIENT_SECRET = "the-client-secret-value"; })],
        ["a secret-looking value in an app setting of any name", "no-plain-secrets-in-app-settings",
            (x) => variant(x, "azure-native:web:WebAppApplicationSettings", "hosting-web-settings", (p) => { p.properties.GREETING = entraSecret(); })],
        ["a secret in a plain stack output", "no-secrets-in-plain-outputs",
            (x) => variant(x, "pulumi:pulumi:Stack", undefined, (p) => { p.webAppEnv = { ...p.webAppEnv, CLIENT_SECRET: entraSecret() }; })],
        ["a site that accepts http", "app-service-https-tls-ftp",
            (x) => variant(x, "azure-native:web:WebApp", "hosting-web", (p) => { p.httpsOnly = false; })],
        ["a site with FTP on and TLS 1.0", "app-service-https-tls-ftp",
            (x) => variant(x, "azure-native:web:WebApp", "hosting-web", (p) => { p.siteConfig.ftpsState = "AllAllowed"; p.siteConfig.minTlsVersion = "1.0"; })],
        ["basic-authentication publishing allowed for SCM", "app-service-basic-auth-off",
            (x) => variant(x, "azure-native:web:WebAppScmAllowed", undefined, (p) => { p.allow = true; })],
        ["a vault with access policies instead of RBAC", "key-vault-rbac",
            (x) => variant(x, "azure-native:keyvault:Vault", undefined, (p) => { p.properties.enableRbacAuthorization = false; })],
        ["a storage account that allows public blobs", "storage-no-public-blob-access",
            (x) => variant(x, "azure-native:storage:StorageAccount", undefined, (p) => { p.allowBlobPublicAccess = true; })],
        ["a public package container", "storage-no-public-blob-access",
            (x) => variant(x, "azure-native:storage:BlobContainer", undefined, (p) => { p.publicAccess = "Container"; })],
        ["a dynamic resource that is not a user-flow resource", "dynamic-resources-are-user-flows",
            (x) => added(x, { type: "pulumi-nodejs:dynamic:Resource", name: "helper", props: { script: "az ad app credential reset …" } })],
        ["a user flow in another tenant", "user-flows-in-this-tenant",
            (x) => variant(x, "pulumi-nodejs:dynamic/entra-userflow:UserFlow", undefined, (p) => { p.tenantId = FOREIGN; })],
        ["a flow linked to an application this stack does not register", "user-flows-in-this-tenant",
            (x) => variant(x, "pulumi-nodejs:dynamic/entra-userflow:UserFlowApplication", undefined, (p) => { p.appId = FOREIGN; })],
    ];
    test.each(cases)("catches %s (%s)", async (_what, policy, make) => {
        const vs = await evaluate(make(d));
        expect(policiesOf(vs)).toEqual([policy]);
        expect(new Set(vs.map((v) => v.level))).toEqual(new Set(["mandatory"]));
    });
});

describe("the stack with Google, Facebook and branding: the sign-in experience resources", () => {
    let d: Declared;
    beforeAll(async () => { d = await declare(SCENARIOS.signInWithGoogleFacebookAndBranding); });

    /** The inputs and the outputs of the resources of one type (and name). */
    const both = (x: Declared, type: string, name?: string) => [...x.inputs, ...x.outputs].filter((r) => r.type === type && (name === undefined || r.name === name));

    test("declares both providers, with the client secret marked secret and the fingerprint in additionalSecretOutputs, and the branding", () => {
        const idps = d.inputs.filter((r) => r.type === IDP);
        expect(idps.map((r) => [r.name, r.props.identityProviderType, typeof (r.props.clientSecret as Record<string, unknown>)[SECRET_SIG], r.opts?.additionalSecretOutputs])).toEqual([
            ["signin-experience-idp-google", "Google", "string", ["clientSecretFingerprint"]],
            ["signin-experience-idp-facebook", "Facebook", "string", ["clientSecretFingerprint"]],
        ]);
        const branding = d.inputs.filter((r) => r.type === BRANDING);
        expect(branding.map((r) => [r.name, Object.keys(r.props.images as object).sort(), (r.props.localizations as { locale: string }[]).map((l) => l.locale)])).toEqual([
            ["signin-experience-branding", ["backgroundImage", "bannerLogo", "squareLogo"], ["fr-FR"]],
        ]);
    });

    const cases: Array<[string, string[], (d: Declared) => Declared]> = [
        ["the Google client secret not marked secret", ["dynamic-resource-secrets-encrypted", "dynamic-resources-are-user-flows"],
            (x) => variant(x, IDP, "signin-experience-idp-google", (p) => { p.clientSecret = p.clientSecret.value; })],
        ["the fingerprint output left out of additionalSecretOutputs", ["dynamic-resources-are-user-flows"],
            (x) => { const c: Declared = JSON.parse(JSON.stringify(x)); for (const r of both(c, IDP, "signin-experience-idp-facebook")) (r as { opts?: unknown }).opts = { additionalSecretOutputs: [] }; return c; }],
        ["the fingerprint in plain outputs", ["dynamic-resource-secrets-encrypted"],
            (x) => { const c: Declared = JSON.parse(JSON.stringify(x)); for (const r of c.outputs.filter((o) => o.type === IDP)) r.props.clientSecretFingerprint = `hmac-sha256:${randomBytes(32).toString("base64url")}:${randomBytes(32).toString("base64url")}`; return c; }],
        ["a social identity provider in another tenant", ["user-flows-in-this-tenant"],
            (x) => variant(x, IDP, "signin-experience-idp-facebook", (p) => { p.tenantId = FOREIGN; })],
        ["the branding in another tenant", ["user-flows-in-this-tenant"],
            (x) => variant(x, BRANDING, undefined, (p) => { p.tenantId = FOREIGN; })],
        ["a secret in the branding's sign-in page text", ["dynamic-resource-secrets-encrypted", "dynamic-resources-are-user-flows"],
            (x) => variant(x, BRANDING, undefined, (p) => { p.localizations[0].signInPageText = entraSecret(); })],
    ];
    test.each(cases)("catches %s", async (_what, expected, make) => {
        const vs = await evaluate(make(d));
        expect(policiesOf(vs)).toEqual(expected);
        expect(new Set(vs.map((v) => v.level))).toEqual(new Set(["mandatory"]));
    });
});
