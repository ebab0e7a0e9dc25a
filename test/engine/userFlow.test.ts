/**
 * The user-flow resources under the real Pulumi engine (see workspace.ts), against the https Graph stand-in of
 * test/userFlow. One stack lives through the whole sequence, one step per test, in order:
 *
 *   preview → up → no-op up → config change (preview, up) → provider `version` bump (+ refresh) →
 *   out-of-band edit, refresh, up → a custom attribute renamed → destroy →
 *   a flow and an attribute made outside Pulumi: up refuses each, naming its id and the `userFlow.adopt` entry →
 *   up with the entries: taken over (no POST, drift converged) → refresh → up without the entries → destroy
 *
 * Each step asserts the engine's own report (its JSON event stream: which step it took for each resource, which
 * properties it saw change, the summary) and what the stand-in saw (its objects and the Graph calls, writes above all).
 * After every step the exported state must hold no secret in plaintext.
 *
 * The provider runs where the engine puts it: in the dynamic-provider plugin process, configured only by its
 * environment (GRAPH_BASE_URL, NODE_EXTRA_CA_CERTS for the stand-in's certificate, and a managed-identity endpoint
 * for its token; see identityEndpoint.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { GraphStandIn, RecordedRequest } from "../userFlow/graphStandIn";
import type { IdentityEndpoint } from "./identityEndpoint";
import { PROJECT, userFlowProgram } from "./program";
import type { EngineWorkspace } from "./workspace";
import { describeEngine, startGraphEngine, type GraphEngine } from "./graphEngine";
import { PROVIDER_VERSION } from "../../components/userFlow";
import { APP, TENANT } from "../userFlow/harness";
import { changedOutputs, stepOps, summary, urnName } from "./events";

const STACK = "enginetest";
/** The secret config value the program passes through to a stack output. */
const MARKER = "engine-marker-7f3c9a1e5b";
const PASSPHRASE_ERROR = /incorrect passphrase|failed to decrypt|passphrase must be set/i;
/** What a release that changes the providers' behaviour would set PROVIDER_VERSION to. */
const NEXT_VERSION = `${PROVIDER_VERSION}.next`;
const FLOW_TYPE = "pulumi-nodejs:dynamic/entra-userflow:UserFlow";
const LINK_TYPE = "pulumi-nodejs:dynamic/entra-userflow:UserFlowApplication";
const ATTR_TYPE = "pulumi-nodejs:dynamic/entra-userflow:UserFlowAttribute";

const userFlowConfig = {
    displayName: "Engine test sign-up",
    signUpAllowed: true,
    identityProviders: ["emailPassword"],
    customAttributes: [{ name: "FavoriteColor", dataType: "string", description: "Favourite colour" }],
    attributes: [
        { attribute: "displayName", label: "Display name", required: true },
        { attribute: "FavoriteColor", label: "Favourite colour" },
    ],
};

interface StateResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

describeEngine("test/engine")("user flows under the real Pulumi engine", () => {
    let engine: GraphEngine;
    let standIn: GraphStandIn;
    let identity: IdentityEndpoint;
    let ws: EngineWorkspace;

    /** Graph requests since the current step began, as "METHOD shape" (ids replaced). */
    const stepCalls = (): string[] => standIn.calls().slice(engine.mark);
    const stepWrites = (): string[] => standIn.requests.slice(engine.mark).filter((r: RecordedRequest) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
    const run = (op: "preview" | "up" | "refresh" | "destroy") => engine.run(op);

    async function state(): Promise<StateResource[]> {
        const deployment = await ws.stack.exportStack();
        return (deployment.deployment.resources ?? []) as StateResource[];
    }

    function byType(resources: StateResource[], type: string): StateResource[] {
        return resources.filter((r) => r.type === type);
    }

    async function setConfig(values: ConfigMap): Promise<void> {
        await ws.stack.setAllConfig(values);
    }

    beforeAll(async () => {
        engine = await startGraphEngine({ projectName: PROJECT, stackName: STACK, program: userFlowProgram, appId: APP });
        ({ standIn, identity, ws } = engine);
        await setConfig({
            [`${PROJECT}:tenantId`]: { value: TENANT },
            [`${PROJECT}:subdomain`]: { value: "contoso" },
            [`${PROJECT}:hosting`]: { value: JSON.stringify({ enabled: false }) },
            [`${PROJECT}:userFlow`]: { value: JSON.stringify(userFlowConfig) },
            "engine-test:appClientId": { value: APP },
            "engine-test:marker": { value: MARKER, secret: true },
        });
    });

    const plainExport = (): string => engine.plainExport();
    const stateFile = (): string => engine.stateFile();

    afterEach(() => {
        // Whatever the step did, neither the export nor the stored state holds the secret in plaintext.
        if (!ws) return;
        expect(plainExport()).not.toContain(MARKER);
        expect(stateFile()).not.toContain(MARKER);
    });

    afterAll(async () => {
        await engine?.close();
    });

    test("preview of the new stack plans three creates (ids still unknown) and calls no Graph API", async () => {
        const events = await run("preview");
        const planned = Object.fromEntries(events.filter((e) => e.resourcePreEvent?.metadata.type.startsWith("pulumi-nodejs:dynamic/"))
            .map((e) => [urnName(e.resourcePreEvent!.metadata.urn), e.resourcePreEvent!.metadata.op]));
        expect(planned).toEqual({ "signup-attr-FavoriteColor": "create", "signup-flow": "create", "signup-app": "create" });
        expect(summary(events)).toEqual({ create: 5 });
        expect(stepCalls()).toEqual([]);
        expect(await state()).toEqual([]);
    });

    test("up creates the custom attribute, the flow and the app's link, with one POST each", async () => {
        const events = await run("up");
        expect(stepOps(events)).toEqual({ "signup-attr-FavoriteColor": "create", "signup-flow": "create", "signup-app": "create" });
        expect(summary(events)).toEqual({ create: 5 });
        expect(stepWrites().map((w) => w.replace(/[0-9a-f-]{36}/g, "{id}"))).toEqual([
            "POST /identity/userFlowAttributes",
            "POST /identity/authenticationEventsFlows",
            "POST /identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications",
        ]);
        const [flow] = [...standIn.flows.values()];
        expect(standIn.flows.size).toBe(1);
        expect(flow.displayName).toBe("Engine test sign-up");
        expect(flow.signUpAllowed).toBe(true);
        expect(flow.idps).toEqual(["EmailPassword-OAUTH"]);
        expect(flow.apps).toEqual([APP]);
        const custom = [...standIn.attributes.values()].filter((a) => a.userFlowAttributeType === "custom");
        expect(custom.map((a) => a.displayName)).toEqual(["FavoriteColor"]);
        expect(flow.attrs).toEqual(["email", "displayName", custom[0].id]);
        // The engine stored the Graph ids as the resources' ids.
        const resources = await state();
        expect(byType(resources, FLOW_TYPE).map((r) => r.id)).toEqual([flow.id]);
        expect(byType(resources, LINK_TYPE).map((r) => r.id)).toEqual([`${flow.id}/${APP}`]);
        expect(byType(resources, ATTR_TYPE).map((r) => r.id)).toEqual([custom[0].id]);
        // The provider got its token from the managed-identity endpoint, for Microsoft Graph.
        expect(new Set(identity.requests)).toEqual(new Set(["https://graph.microsoft.com"]));
    });

    test("the stack's secret is encrypted in the state and in the stack file, and the passphrase decrypts it", async () => {
        const exported = plainExport();
        expect(exported).not.toContain(MARKER);
        // Where the secret is used — the stack output, and the config the engine hands the dynamic-provider plugin —
        // the export holds Pulumi's secret signature with a ciphertext.
        const resources = JSON.parse(exported).deployment.resources as StateResource[];
        const output = resources.find((r) => r.type === "pulumi:pulumi:Stack")!.outputs!.marker as Record<string, unknown>;
        const providerInput = resources.find((r) => r.type === "pulumi:providers:pulumi-nodejs")!.inputs!["engine-test:marker"] as Record<string, unknown>;
        for (const value of [output, providerInput]) {
            expect(Object.keys(value).sort()).toEqual(["4dabf18193072939515e22adb298388d", "ciphertext"]);
            expect(value["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
        }
        const stackFile = readFileSync(join(ws.workDir, `Pulumi.${STACK}.yaml`), "utf8");
        expect(stackFile).not.toContain(MARKER);
        expect(stackFile).toMatch(/marker:\s*\n\s*secure: /);
        // Decrypted with the passphrase, the values are really there...
        const decrypted = JSON.parse(ws.cli(["stack", "export", "--show-secrets", "--stack", STACK])).deployment.resources as StateResource[];
        expect(decrypted.find((r) => r.type === "pulumi:pulumi:Stack")!.outputs!.marker).toMatchObject({ plaintext: JSON.stringify(MARKER) });
        expect(decrypted.find((r) => r.type === "pulumi:providers:pulumi-nodejs")!.inputs!["engine-test:marker"]).toMatchObject({ plaintext: JSON.stringify(MARKER) });
        expect((await ws.stack.outputs()).marker).toEqual({ value: MARKER, secret: true });
        // ...and another passphrase cannot read it.
        expect(() => ws.cli(["stack", "export", "--show-secrets", "--stack", STACK], { PULUMI_CONFIG_PASSPHRASE: "not the passphrase" }))
            .toThrow(PASSPHRASE_ERROR);
    });

    test("a second up changes nothing and makes no Graph write", async () => {
        const events = await run("up");
        expect(stepOps(events)).toEqual({ "signup-attr-FavoriteColor": "same", "signup-flow": "same", "signup-app": "same" });
        expect(summary(events)).toEqual({ same: 5 });
        expect(stepWrites()).toEqual([]);
    });

    test("a config change updates the flow in place with one PATCH", async () => {
        await setConfig({
            [`${PROJECT}:userFlow`]: {
                value: JSON.stringify({
                    ...userFlowConfig,
                    signUpAllowed: false,
                    attributes: [userFlowConfig.attributes[0], { attribute: "FavoriteColor", label: "Colour you like" }],
                }),
            },
        });
        const planned = await run("preview");
        expect(summary(planned)).toEqual({ same: 4, update: 1 });
        expect(stepWrites()).toEqual([]);

        const events = await run("up");
        expect(stepOps(events)).toEqual({ "signup-attr-FavoriteColor": "same", "signup-flow": "update", "signup-app": "same" });
        expect(changedOutputs(events)).toEqual({ "signup-flow": ["attributes", "signUpAllowed"] });
        expect(summary(events)).toEqual({ same: 4, update: 1 });
        const [flow] = [...standIn.flows.values()];
        expect(stepWrites()).toEqual([`PATCH /identity/authenticationEventsFlows/${flow.id}`]);
        expect(flow.signUpAllowed).toBe(false);
        expect(flow.inputs.find((i) => i.attribute !== "displayName" && i.attribute !== "email")?.label).toBe("Colour you like");
        expect(standIn.flows.size).toBe(1);
    });

    test("a provider version bump updates every resource in place, keeps complete state, and makes no Graph write", async () => {
        // The program's transform sets every user-flow resource's `version` input, as a new PROVIDER_VERSION would.
        const before = await state();
        await setConfig({ "engine-test:providerVersion": { value: NEXT_VERSION } });
        const events = await run("up");
        expect(stepOps(events)).toEqual({ "signup-attr-FavoriteColor": "update", "signup-flow": "update", "signup-app": "update" });
        expect(changedOutputs(events)).toEqual({ "signup-attr-FavoriteColor": ["version"], "signup-flow": ["version"], "signup-app": ["version"] });
        expect(summary(events)).toEqual({ same: 2, update: 3 });
        expect(stepWrites()).toEqual([]);
        // Every resource keeps all its outputs (not only the serialized provider), now at version 2, same ids.
        const after = await state();
        for (const type of [FLOW_TYPE, LINK_TYPE, ATTR_TYPE]) {
            const [old] = byType(before, type);
            const [now] = byType(after, type);
            expect(now.id).toBe(old.id);
            const { __provider: _p1, version: v1, ...oldRest } = old.outputs ?? {};
            const { __provider: _p2, version: v2, ...newRest } = now.outputs ?? {};
            expect([v1, v2]).toEqual([PROVIDER_VERSION, NEXT_VERSION]);
            expect(newRest).toEqual(oldRest);
            expect(Object.keys(newRest).length).toBeGreaterThan(2);
        }
    });

    test("after the bump, refresh reads every resource and finds nothing changed", async () => {
        const events = await run("refresh");
        expect(summary(events)).toEqual({ same: 5 });
        expect(stepWrites()).toEqual([]);
        // One read per resource (the engine refreshes them in parallel, so in any order).
        expect(stepCalls().map((c) => c.replace(/extension_[0-9a-f]+_/, "extension_{hex}_")).sort()).toEqual([
            "GET /identity/authenticationEventsFlows/{id}",
            "GET /identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications",
            "GET /identity/userFlowAttributes/extension_{hex}_FavoriteColor",
        ]);
    });

    test("an out-of-band edit is seen by refresh and repaired by the next up", async () => {
        const [flow] = [...standIn.flows.values()];
        // A portal edit: sign-up allowed again, and a second identity provider.
        flow.signUpAllowed = true;
        flow.idps = [...flow.idps, "EmailOtpSignup-OAUTH"];

        let events = await run("refresh");
        // The engine reports drift as an update of the flow's state.
        expect(summary(events)).toEqual({ same: 4, update: 1 });
        expect(stepOps(events)).toEqual({ "signup-attr-FavoriteColor": "same", "signup-flow": "update", "signup-app": "same" });
        expect(changedOutputs(events)).toEqual({ "signup-flow": ["identityProviders", "signUpAllowed"] });
        expect(stepWrites()).toEqual([]);

        events = await run("up");
        expect(stepOps(events)).toEqual({ "signup-attr-FavoriteColor": "same", "signup-flow": "update", "signup-app": "same" });
        expect(changedOutputs(events)).toEqual({ "signup-flow": ["identityProviders", "signUpAllowed"] });
        expect(stepWrites()).toEqual([
            `DELETE /identity/authenticationEventsFlows/${flow.id}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders/EmailOtpSignup-OAUTH/$ref`,
            `PATCH /identity/authenticationEventsFlows/${flow.id}`,
        ]);
        expect(flow.signUpAllowed).toBe(false);
        expect(flow.idps).toEqual(["EmailPassword-OAUTH"]);

        events = await run("up");
        expect(summary(events)).toEqual({ same: 5 });
        expect(stepWrites()).toEqual([]);
    });

    test("renaming a custom attribute: the new one is created, the flow moves to it, then the old one is deleted", async () => {
        const [flow] = [...standIn.flows.values()];
        const oldId = [...standIn.attributes.values()].find((a) => a.displayName === "FavoriteColor")!.id;
        await setConfig({
            [`${PROJECT}:userFlow`]: {
                value: JSON.stringify({
                    ...userFlowConfig,
                    signUpAllowed: false,
                    customAttributes: [{ name: "FavouriteColour", dataType: "string", description: "Favourite colour" }],
                    attributes: [userFlowConfig.attributes[0], { attribute: "FavouriteColour", label: "Colour you like" }],
                }),
            },
        });
        const events = await run("up");
        expect(stepOps(events)).toEqual({
            "signup-attr-FavouriteColour": "create",
            "signup-flow": "update",
            "signup-app": "same",
            "signup-attr-FavoriteColor": "delete",
        });
        const newId = [...standIn.attributes.values()].find((a) => a.displayName === "FavouriteColour")!.id;
        const writes = stepWrites();
        const flowAttributes = `/identity/authenticationEventsFlows/${flow.id}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes`;
        const expected = {
            createNew: "POST /identity/userFlowAttributes",
            addToFlow: `POST ${flowAttributes}/$ref`,
            dropFromFlow: `DELETE ${flowAttributes}/${oldId}/$ref`,
            deleteOld: `DELETE /identity/userFlowAttributes/${oldId}`,
        };
        expect(writes).toEqual(expect.arrayContaining(Object.values(expected)));
        const [createNew, addToFlow, dropFromFlow, deleteOld] = Object.values(expected).map((w) => writes.indexOf(w));
        // The engine's order: the replacement exists before the flow refers to it; the old one goes last.
        expect(createNew).toBeLessThan(addToFlow);
        expect(Math.max(addToFlow, dropFromFlow)).toBeLessThan(deleteOld);
        expect(deleteOld).toBe(writes.length - 1);
        expect(flow.attrs).toEqual(["email", "displayName", newId]);
        expect(standIn.attributes.has(oldId)).toBe(false);
        expect(flow.apps).toEqual([APP]);
    });

    test("destroy deletes everything the stack manages, and nothing it does not", async () => {
        const events = await run("destroy");
        expect(stepOps(events)).toEqual({ "signup-attr-FavouriteColour": "delete", "signup-flow": "delete", "signup-app": "delete" });
        expect(summary(events)).toEqual({ delete: 5 });
        expect(standIn.flows.size).toBe(0);
        expect([...standIn.attributes.values()].filter((a) => a.userFlowAttributeType === "custom")).toEqual([]);
        expect(await state()).toEqual([]);
    });

    // Taking over objects made outside Pulumi. The `import` resource option cannot do it for dynamic-provider
    // resources: the engine's import step (pkg/resource/deploy/step.go, ImportStep.Apply at v3.274.1) calls Read with
    // the id alone, and the Node dynamic-provider host needs the serialized provider from inputs or state, so it fails
    // with "code must be a string, not undefined" before any provider code runs (pulumi/pulumi#3550, #16175). The
    // project's route is a stack-config pin of each object's id (`userFlow.adopt`).

    /** A custom attribute and a flow made in the portal under the names the config declares, drifted from it. */
    const portalAttribute = {
        id: "extension_0123456789abcdef0123456789abcdef_FavoriteColor",
        displayName: "FavoriteColor",
        description: "Made in the portal",
        userFlowAttributeType: "custom" as const,
        dataType: "string",
        visibleAt: 0,
    };
    const pageInput = (attribute: string, label: string, required: boolean) =>
        ({ attribute, label, inputType: "text", hidden: false, editable: true, writeToDirectory: true, required, options: [] });
    const portalFlow = {
        id: "0f0e0d0c-0b0a-4909-8807-060504030201",
        displayName: "engine TEST sign-up",
        signUpAllowed: false,
        idps: ["EmailPassword-OAUTH"],
        attrs: ["email", "displayName", portalAttribute.id],
        inputs: [
            { attribute: "email", label: "Email Address", inputType: "text", hidden: true, editable: false, writeToDirectory: true, required: true },
            pageInput("displayName", "Display name", true),
            pageInput(portalAttribute.id, "Colour (portal)", false),
        ],
        apps: [] as string[],
        visibleAt: 0,
    };
    const adoptConfig = (adopt?: Record<string, unknown>) => ({
        [`${PROJECT}:userFlow`]: { value: JSON.stringify(adopt ? { ...userFlowConfig, adopt } : userFlowConfig) },
    });

    const failingUp = (): Promise<string> => engine.failingUp();

    test("a same-name attribute and flow made outside Pulumi: each up refuses one, naming its id and the exact config entry, and writes nothing", async () => {
        standIn.attributes.set(portalAttribute.id, structuredClone(portalAttribute));
        standIn.flows.set(portalFlow.id, structuredClone(portalFlow));
        await setConfig(adoptConfig());

        let error = await failingUp();
        expect(error).toContain(`custom attribute "FavoriteColor" already exists in tenant ${TENANT} with id ${portalAttribute.id}, and this stack did not create it`);
        expect(error).toContain(`set userFlow.adopt.attributes.FavoriteColor: "${portalAttribute.id}" in Pulumi.<stack>.yaml`);
        expect(error).not.toMatch(/import/);
        expect(stepWrites()).toEqual([]);

        await setConfig(adoptConfig({ attributes: { FavoriteColor: portalAttribute.id } }));
        error = await failingUp();
        expect(error).toContain(`user flow "engine TEST sign-up" already exists in tenant ${TENANT} with id ${portalFlow.id}, and this stack did not create it`);
        expect(error).toContain(`set userFlow.adopt.flow: "${portalFlow.id}" in Pulumi.<stack>.yaml (\`pulumi config set --path userFlow.adopt.flow ${portalFlow.id}\`)`);
        // The attribute was taken over (its description converged); the flow was not touched.
        expect(stepWrites()).toEqual([`PATCH /identity/userFlowAttributes/${portalAttribute.id}`]);
        expect(standIn.flows.get(portalFlow.id)).toEqual(portalFlow);
        expect(byType(await state(), FLOW_TYPE)).toEqual([]);
    });

    test("up with userFlow.adopt.flow takes the flow over: no POST of a flow or attribute, only the drift PATCHed, complete state", async () => {
        await setConfig(adoptConfig({ flow: portalFlow.id.toUpperCase(), attributes: { FavoriteColor: portalAttribute.id } }));
        const events = await run("up");
        expect(stepOps(events)).toEqual({ "signup-attr-FavoriteColor": "same", "signup-flow": "create", "signup-app": "create" });
        expect(stepWrites()).toEqual([
            `PATCH /identity/authenticationEventsFlows/${portalFlow.id}`,
            `POST /identity/authenticationEventsFlows/${portalFlow.id}/conditions/applications/includeApplications`,
        ]);
        const flow = standIn.flows.get(portalFlow.id)!;
        expect(standIn.flows.size).toBe(1);
        expect(flow.displayName).toBe("Engine test sign-up");
        expect(flow.signUpAllowed).toBe(true);
        expect(flow.inputs.find((i) => i.attribute === portalAttribute.id)?.label).toBe("Favourite colour");
        expect(flow.attrs).toEqual(["email", "displayName", portalAttribute.id]);
        expect(flow.apps).toEqual([APP]);
        expect(standIn.attributes.get(portalAttribute.id)!.description).toBe("Favourite colour");
        const resources = await state();
        expect(byType(resources, FLOW_TYPE).map((r) => r.id)).toEqual([portalFlow.id]);
        expect(byType(resources, ATTR_TYPE).map((r) => r.id)).toEqual([portalAttribute.id]);
        const { __provider: _p, ...outputs } = byType(resources, FLOW_TYPE)[0].outputs!;
        expect(outputs).toEqual({
            tenantId: TENANT,
            displayName: "Engine test sign-up",
            signUpAllowed: true,
            identityProviders: ["EmailPassword-OAUTH"],
            attributes: [
                { attribute: "displayName", label: "Display name", required: true, inputType: "text", options: [] },
                { attribute: portalAttribute.id, label: "Favourite colour", required: false, inputType: "text", options: [], dataType: "string" },
            ],
            // The stack still runs with the bumped provider version of the earlier step.
            version: NEXT_VERSION,
        });
    });

    test("after the takeover, refresh finds nothing changed, and an up without the adopt entries writes nothing", async () => {
        let events = await run("refresh");
        expect(summary(events)).toEqual({ same: 5 });
        expect(stepWrites()).toEqual([]);
        await setConfig(adoptConfig());
        events = await run("up");
        expect(summary(events)).toEqual({ same: 5 });
        expect(stepWrites()).toEqual([]);
    });

    test("destroy deletes the adopted flow and attribute (they are this stack's now)", async () => {
        const events = await run("destroy");
        expect(stepOps(events)).toEqual({ "signup-attr-FavoriteColor": "delete", "signup-flow": "delete", "signup-app": "delete" });
        expect(standIn.flows.size).toBe(0);
        expect(standIn.attributes.has(portalAttribute.id)).toBe(false);
        expect(await state()).toEqual([]);
    });
});
