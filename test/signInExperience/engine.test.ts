/**
 * The sign-in experience under the real Pulumi engine (test/engine/workspace.ts: the CLI, a file backend, a
 * passphrase secrets provider, the dynamic-provider plugin process), against the Graph stand-in with the sign-in
 * endpoints. One stack, one step per test, in order: up → no-op up → secret rotation → branding text change →
 * refresh → destroy. After every step neither the export nor the state file holds the client secret.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { GraphStandIn } from "../userFlow/graphStandIn";
import { selfSignedCertificate } from "../userFlow/tls";
import { IdentityEndpoint } from "../engine/identityEndpoint";
import { createEngineWorkspace, findPulumiCli, type EngineWorkspace } from "../engine/workspace";
import { errors, recorder, stepOps, summary, warnings } from "../engine/events";
import { fingerprintMatches } from "../../components/signInExperience/fingerprint";
import { PROJECT, signInProgram } from "./engineProgram";
import { SignInStandIn } from "./standInSignIn";

const TENANT = "11111111-2222-4333-8444-555555555555";
const APP = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const STACK = "signinengine";
const SECRET = "fb0123456789abcdef0123456789abcd";
const ROTATED = "fbfedcba9876543210fedcba98765432";
const IDP = "pulumi-nodejs:dynamic/entra-signin:SocialIdentityProvider";

const cli = findPulumiCli();
if (!cli && process.env.CI !== "true") process.stderr.write("test/signInExperience/engine: no Pulumi CLI found (see the README); skipped\n");
const describeEngine = cli || process.env.CI === "true" ? describe : describe.skip;

describeEngine("the sign-in experience under the real Pulumi engine", () => {
    let standIn: GraphStandIn;
    let signIn: SignInStandIn;
    let identity: IdentityEndpoint;
    let ws: EngineWorkspace;
    let caDir: string;
    let mark = 0;

    const stepWrites = () => standIn.requests.slice(mark).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.split(TENANT).join("{org}").replace(/[0-9a-f-]{36}/g, "{id}")}`);

    async function run(op: "up" | "refresh" | "destroy"): Promise<EngineEvent[]> {
        mark = standIn.requests.length;
        const rec = recorder();
        try {
            if (op === "up") await ws.stack.up({ onEvent: rec.onEvent });
            else if (op === "refresh") await ws.stack.refresh({ onEvent: rec.onEvent });
            else await ws.stack.destroy({ onEvent: rec.onEvent });
        } catch (e) {
            throw new Error(`pulumi ${op} failed: ${errors(rec.events).join("\n") || (e as Error).message}`);
        }
        expect(errors(rec.events)).toEqual([]);
        expect(warnings(rec.events)).toEqual([]);
        expect(standIn.violations).toEqual([]);
        return rec.events;
    }

    const plainExport = (): string => ws.cli(["stack", "export", "--stack", STACK]);
    const stateFile = (): string => readFileSync(join(ws.dir, "state", ".pulumi", "stacks", PROJECT, `${STACK}.json`), "utf8");
    const setSecret = (value: string) => ws.stack.setConfig(`${PROJECT}:facebookClientSecret`, { value, secret: true });

    beforeAll(async () => {
        if (!cli) throw new Error("CI=true but no Pulumi CLI was found: `node scripts/ensure-pulumi.mjs` builds one");
        const cert = selfSignedCertificate();
        caDir = mkdtempSync(join(tmpdir(), "signin-engine-ca-"));
        writeFileSync(join(caDir, "ca.pem"), cert.cert);
        standIn = new GraphStandIn(cert);
        await standIn.start();
        standIn.addApp(APP);
        signIn = new SignInStandIn(standIn, TENANT);
        standIn.extensions.push(signIn);
        identity = new IdentityEndpoint(standIn.token);
        await identity.start();
        ws = await createEngineWorkspace({
            cli,
            projectName: PROJECT,
            stackName: STACK,
            program: signInProgram,
            env: { GRAPH_BASE_URL: standIn.url, NODE_EXTRA_CA_CERTS: join(caDir, "ca.pem"), IDENTITY_ENDPOINT: identity.url, IDENTITY_HEADER: identity.header },
        });
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
        ws?.dispose();
        await identity?.close();
        await standIn?.close();
        if (caDir) rmSync(caDir, { recursive: true, force: true });
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
        expect(standIn.requests.length).toBe(mark);
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
});
