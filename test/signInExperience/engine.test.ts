/**
 * The sign-in experience under the real Pulumi engine (test/engine/workspace.ts: the CLI, a file backend, a
 * passphrase secrets provider, the dynamic-provider plugin process), against the Graph stand-in with the sign-in
 * endpoints. One stack, one step per test, in order: up → no-op up → secret rotation → branding text change →
 * refresh → destroy; then a provider, later a branding, made outside Pulumi: each refused by up naming its id and
 * config key, then taken over by up with its `adoptExisting` flag (no POST of a provider) → refresh, and an up without
 * the flags, write nothing → destroy. After every step neither the export nor the state file holds the client secret.
 */
import { readFileSync } from "node:fs";
import type { GraphStandIn } from "../userFlow/graphStandIn";
import type { EngineWorkspace } from "../engine/workspace";
import { describeEngine, startGraphEngine, type GraphEngine } from "../engine/graphEngine";
import { stepOps, summary } from "../engine/events";
import { fingerprintMatches } from "../../components/signInExperience/fingerprint";
import { PROJECT, signInProgram } from "./engineProgram";
import { SignInStandIn } from "./standInSignIn";
import { TAKEOVER_WRITES, expectConfiguredBranding } from "./brandingTakeover";
import { APP, TENANT } from "../userFlow/harness";

const STACK = "signinengine";
const SECRET = "fb0123456789abcdef0123456789abcd";
const ROTATED = "fbfedcba9876543210fedcba98765432";
const IDP = "pulumi-nodejs:dynamic/entra-signin:SocialIdentityProvider";

describeEngine("test/signInExperience/engine")("the sign-in experience under the real Pulumi engine", () => {
    let engine: GraphEngine;
    let standIn: GraphStandIn;
    let signIn: SignInStandIn;
    let ws: EngineWorkspace;

    const stepWrites = () => standIn.requests.slice(engine.mark).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.split(TENANT).join("{org}").replace(/[0-9a-f-]{36}/g, "{id}")}`);

    const run = (op: "up" | "refresh" | "destroy") => engine.run(op);

    const plainExport = (): string => engine.plainExport();
    const stateFile = (): string => engine.stateFile();
    const setSecret = (value: string) => ws.stack.setConfig(`${PROJECT}:facebookClientSecret`, { value, secret: true });

    beforeAll(async () => {
        engine = await startGraphEngine({
            projectName: PROJECT,
            stackName: STACK,
            program: signInProgram,
            appId: APP,
            prepare: (graph) => {
                signIn = new SignInStandIn(graph, TENANT);
                graph.extensions.push(signIn);
            },
        });
        ({ standIn, ws } = engine);
        await ws.stack.setAllConfig({
            [`${PROJECT}:tenantId`]: { value: TENANT },
            [`${PROJECT}:subdomain`]: { value: "contoso" },
            [`${PROJECT}:hosting`]: { value: JSON.stringify({ enabled: false }) },
            [`${PROJECT}:userFlow`]: { value: JSON.stringify({ displayName: "Engine sign-in", identityProviders: ["emailPassword", "facebook"] }) },
            [`${PROJECT}:identityProviders`]: { value: JSON.stringify({ facebook: { clientId: "1234567890123456" } }) },
            [`${PROJECT}:facebookClientSecret`]: { value: SECRET, secret: true },
            [`${PROJECT}:branding`]: { value: JSON.stringify({ backgroundColor: "#0F3D2E", signInPageText: "Welcome", bannerLogo: "branding/banner-logo.png", localizations: [{ locale: "fr-FR", signInPageText: "Bienvenue" }] }) },
            "engine-test:appClientId": { value: APP },
        });
    });

    afterEach(() => {
        if (!ws) return;
        for (const s of [SECRET, ROTATED]) {
            expect(plainExport()).not.toContain(s);
            expect(stateFile()).not.toContain(s);
        }
    });

    afterAll(async () => {
        await engine?.close();
    });

    test("up: the Facebook provider and the branding, then the flow that lists the provider", async () => {
        const events = await run("up");
        expect(stepOps(events)).toMatchObject({ "signin-experience-idp-facebook": "create", "signin-experience-branding": "create", "signup-signin-flow": "create", "signup-signin-app": "create" });
        const writes = stepWrites();
        expect(writes.indexOf("POST /identity/identityProviders")).toBeLessThan(writes.indexOf("POST /identity/authenticationEventsFlows"));
        expect([...standIn.flows.values()][0].idps).toEqual(["EmailPassword-OAUTH", "Facebook-OAUTH"]);
        expect(signIn.providers.get("Facebook-OAUTH")!.clientSecret).toBe(SECRET);
        expect(signIn.defaults()!.texts.signInPageText).toBe("Welcome");
        // In the state: the secret input as ciphertext, the fingerprint as a secret output, no plaintext anywhere.
        const exported = JSON.parse(plainExport());
        const idp = exported.deployment.resources.find((r: { type: string }) => r.type === IDP);
        expect(idp.outputs.clientSecret).toBeUndefined();
        expect(idp.outputs.clientSecretFingerprint).toHaveProperty("ciphertext");
        expect(idp.inputs.clientSecret).toHaveProperty("ciphertext");
        const decrypted = (await ws.stack.exportStack()).deployment.resources.find((r: { type: string }) => r.type === IDP);
        const fp = decrypted.outputs.clientSecretFingerprint;
        expect(fingerprintMatches(typeof fp === "string" ? fp : JSON.parse(fp.plaintext), SECRET)).toBe(true);
    });

    test("a no-op up: every resource the same, no Graph call at all", async () => {
        const events = await run("up");
        expect(new Set(Object.values(stepOps(events)))).toEqual(new Set(["same"]));
        expect(standIn.requests.length).toBe(engine.mark);
    });

    test("a rotated secret: one in-place update, one PATCH of the secret", async () => {
        await setSecret(ROTATED);
        const events = await run("up");
        expect(stepOps(events)).toMatchObject({ "signin-experience-idp-facebook": "update", "signin-experience-branding": "same", "signup-signin-flow": "same" });
        expect(stepWrites()).toEqual(["PATCH /identity/identityProviders/Facebook-OAUTH"]);
        expect(standIn.requests[standIn.requests.length - 1].body).toEqual({ "@odata.type": "#microsoft.graph.socialIdentityProvider", clientSecret: ROTATED });
        expect(signIn.providers.get("Facebook-OAUTH")!.clientSecret).toBe(ROTATED);
        expect(summary(events).update).toBe(1);
    });

    test("a branding text change: one PATCH, no image uploaded again", async () => {
        await ws.stack.setConfig(`${PROJECT}:branding`, { value: JSON.stringify({ backgroundColor: "#0F3D2E", signInPageText: "Welcome back", bannerLogo: "branding/banner-logo.png", localizations: [{ locale: "fr-FR", signInPageText: "Bienvenue" }] }) });
        const events = await run("up");
        expect(stepOps(events)).toMatchObject({ "signin-experience-branding": "update", "signin-experience-idp-facebook": "same" });
        expect(stepWrites()).toEqual(["PATCH /organization/{org}/branding"]);
    });

    test("refresh finds everything as declared", async () => {
        const events = await run("refresh");
        expect(new Set(Object.values(stepOps(events)))).toEqual(new Set(["same"]));
        expect(stepWrites()).toEqual([]);
    });

    test("destroy removes the flow before the provider, and the branding with its image and localization", async () => {
        await run("destroy");
        const writes = stepWrites();
        expect(writes.indexOf("DELETE /identity/authenticationEventsFlows/{id}")).toBeLessThan(writes.indexOf("DELETE /identity/identityProviders/Facebook-OAUTH"));
        expect(writes).toEqual(expect.arrayContaining(["DELETE /organization/{org}/branding/localizations/0/bannerLogo", "DELETE /organization/{org}/branding/localizations/fr-FR", "DELETE /organization/{org}/branding"]));
        expect([signIn.providers.size, standIn.flows.size, signIn.branding]).toEqual([0, 0, undefined]);
    });

    // Taking over objects made outside Pulumi: the explicit `adoptExisting` flags (the engine cannot import
    // dynamic-provider resources: its import step reads by id alone, pulumi/pulumi#3550, #16175). One object is
    // refused per up, so which create fails first never depends on timing.
    const BRANDING = { backgroundColor: "#0F3D2E", signInPageText: "Welcome", bannerLogo: "branding/banner-logo.png", localizations: [{ locale: "fr-FR", signInPageText: "Bienvenue" }] };
    const facebookConfig = (adopt: boolean) => ({ value: JSON.stringify({ facebook: adopt ? { clientId: "1234567890123456", adoptExisting: true } : { clientId: "1234567890123456" } }) });
    const brandingConfig = (adopt: boolean) => ({ value: JSON.stringify(adopt ? { ...BRANDING, adoptExisting: true } : BRANDING) });
    const dynamicResources = (): { type: string }[] => (JSON.parse(plainExport()).deployment.resources ?? []).filter((r: { type: string }) => r.type.startsWith("pulumi-nodejs:dynamic/"));

    const failingUp = (): Promise<string> => engine.failingUp();

    test("a Facebook provider made outside Pulumi: up refuses it, naming its id and the config key, and writes nothing", async () => {
        signIn.providers.set("Facebook-OAUTH", { id: "Facebook-OAUTH", displayName: "Facebook (portal)", identityProviderType: "Facebook", clientId: "999999", clientSecret: "portal-secret-value", visibleAt: 0 });
        await ws.stack.setConfig(`${PROJECT}:identityProviders`, facebookConfig(false));
        await ws.stack.removeConfig(`${PROJECT}:branding`);
        const error = await failingUp();
        expect(error).toContain(`a Facebook identity provider already exists in tenant ${TENANT} as "Facebook-OAUTH" and this stack did not create it`);
        expect(error).toContain("set identityProviders.facebook.adoptExisting to true (`pulumi config set --path identityProviders.facebook.adoptExisting true`");
        expect(stepWrites()).toEqual([]);
        expect(signIn.providers.get("Facebook-OAUTH")).toMatchObject({ clientId: "999999", clientSecret: "portal-secret-value" });
        expect(standIn.flows.size).toBe(0);
        expect(dynamicResources()).toEqual([]);
    });

    test("with identityProviders.facebook.adoptExisting: up takes it over with one PATCH (no POST of a provider), complete state", async () => {
        await ws.stack.setConfig(`${PROJECT}:identityProviders`, facebookConfig(true));
        const events = await run("up");
        expect(stepOps(events)).toEqual({ "signin-experience-idp-facebook": "create", "signup-signin-flow": "create", "signup-signin-app": "create" });
        expect(stepWrites().filter((w) => w.includes("/identityProviders"))).toEqual(["PATCH /identity/identityProviders/Facebook-OAUTH"]);
        expect(signIn.providers.size).toBe(1);
        expect(signIn.providers.get("Facebook-OAUTH")).toMatchObject({ displayName: "Facebook", clientId: "1234567890123456", clientSecret: ROTATED });
        expect([...standIn.flows.values()][0].idps).toEqual(["EmailPassword-OAUTH", "Facebook-OAUTH"]);
        const idp = (await ws.stack.exportStack()).deployment.resources.find((r: { type: string }) => r.type === IDP);
        const { __provider: _p, clientSecretFingerprint: fp, createdAt, version, ...outputs } = idp.outputs;
        expect(outputs).toEqual({ tenantId: TENANT, identityProviderType: "Facebook", displayName: "Facebook", clientId: "1234567890123456" });
        expect(fingerprintMatches(typeof fp === "string" ? fp : JSON.parse(fp.plaintext), ROTATED)).toBe(true);
        expect([typeof createdAt, typeof version]).toEqual(["string", "string"]);
    });

    test("branding made outside Pulumi: up refuses it, naming the tenant and the config key, and writes nothing", async () => {
        signIn.branding = {
            visibleAt: 0,
            localizations: new Map([
                ["0", { texts: { signInPageText: "Portal text" }, images: { squareLogo: { bytes: readFileSync("branding/square-logo.png"), contentType: "image/png", relativeUrl: `${TENANT}/logintenantbranding/0/squarelogo?ts=0` } } }],
                ["de-DE", { texts: { signInPageText: "Hallo" }, images: {} }],
            ]),
        };
        await ws.stack.setConfig(`${PROJECT}:branding`, brandingConfig(false));
        const error = await failingUp();
        expect(error).toContain(`tenant ${TENANT} already has company branding that this stack did not create`);
        expect(error).toContain("set branding.adoptExisting to true (`pulumi config set --path branding.adoptExisting true`");
        expect(stepWrites()).toEqual([]);
        expect(signIn.defaults()!.texts.signInPageText).toBe("Portal text");
    });

    test("with branding.adoptExisting: up makes it exactly the configured branding, nothing else written", async () => {
        await ws.stack.setConfig(`${PROJECT}:branding`, brandingConfig(true));
        const events = await run("up");
        expect(stepOps(events)).toEqual({ "signin-experience-idp-facebook": "same", "signin-experience-branding": "create", "signup-signin-flow": "same", "signup-signin-app": "same" });
        expect(stepWrites()).toEqual(TAKEOVER_WRITES);
        expectConfiguredBranding(signIn);
    });

    test("after the takeovers, refresh finds everything as declared, and an up without the flags writes nothing", async () => {
        let events = await run("refresh");
        expect(new Set(Object.values(stepOps(events)))).toEqual(new Set(["same"]));
        expect(stepWrites()).toEqual([]);
        await ws.stack.setAllConfig({ [`${PROJECT}:identityProviders`]: facebookConfig(false), [`${PROJECT}:branding`]: brandingConfig(false) });
        events = await run("up");
        expect(new Set(Object.values(stepOps(events)))).toEqual(new Set(["same"]));
        expect(standIn.requests.length).toBe(engine.mark);
    });

    test("destroy deletes the adopted provider and branding (they are this stack's now)", async () => {
        await run("destroy");
        expect(stepWrites()).toEqual(expect.arrayContaining(["DELETE /identity/identityProviders/Facebook-OAUTH", "DELETE /organization/{org}/branding"]));
        expect([signIn.providers.size, standIn.flows.size, signIn.branding]).toEqual([0, 0, undefined]);
        expect(dynamicResources()).toEqual([]);
    });
});
