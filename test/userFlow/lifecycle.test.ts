/**
 * The user-flow providers over their whole life, driven as the engine drives them (serialized providers, state
 * round-trips through protobuf, check → diff → create/update/read/delete; see engine.ts) against the Graph stand-in.
 * Every scenario asserts the end state and the exact Graph calls.
 */
import {
    makeUserFlowApplicationProvider,
    makeUserFlowAttributeProvider,
    makeUserFlowProvider,
} from "../../components/userFlow/provider";
import { Engine, hookedOptions, realEnv, serialize, setHooks, UNKNOWN } from "./engine";
import { GraphStandIn } from "./graphStandIn";
import { APP, TENANT, errorOf, trustTestCertificate, untrustTestCertificate } from "./harness";

const NAME = "Contoso sign-up";
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const FLOWS = "/identity/authenticationEventsFlows";
const LINKS = `${FLOWS}/{id}/conditions/applications/includeApplications`;

const attrInputs = (version = "1") => ({ tenantId: TENANT, displayName: "Hobby", dataType: "string", description: "Your hobby", version });
const flowInputs = (attrId?: string, version = "1") => ({
    tenantId: TENANT,
    displayName: NAME,
    signUpAllowed: true,
    identityProviders: ["EmailPassword-OAUTH"],
    attributes: [
        { attribute: "displayName", label: "Display name", required: true, inputType: "text", options: [] },
        ...(attrId ? [{ attribute: attrId, label: "Hobby", required: false, inputType: "text", options: [], dataType: "string" }] : []),
    ],
    version,
});
const linkInputs = (flowId: string, version = "1") => ({ tenantId: TENANT, userFlowId: flowId, appId: APP, version });

/** Provider texts: serialized once, pointed at each test's stand-in through GRAPH_BASE_URL (read at call time). */
let texts: { flow: string; attr: string; link: string };
let server: GraphStandIn;
let engine: Engine;
let sleeps: number[];
let tokenRequests: { claims?: string }[];
let currentToken: string;

beforeAll(async () => {
    trustTestCertificate();
    const opts = hookedOptions();
    texts = {
        flow: await serialize(makeUserFlowProvider(opts)),
        attr: await serialize(makeUserFlowAttributeProvider(opts)),
        link: await serialize(makeUserFlowApplicationProvider(opts)),
    };
});

beforeEach(async () => {
    server = new GraphStandIn(trustTestCertificate());
    await server.start();
    realEnv.GRAPH_BASE_URL = server.url;
    sleeps = [];
    tokenRequests = [];
    currentToken = server.token;
    setHooks({
        sleep: async (ms) => {
            sleeps.push(ms);
            server.clock += ms;
        },
        // Like MSAL: the cached token until a claims challenge makes it ask the tenant for a new one.
        getToken: async (_scope, o) => {
            tokenRequests.push({ claims: o.claims });
            if (o.claims) currentToken = server.issueToken();
            return { token: currentToken, expiresOnTimestamp: Date.now() + 3_600_000 };
        },
    });
    engine = new Engine();
});

afterEach(async () => {
    expect(server.violations).toEqual([]);
    delete realEnv.GRAPH_BASE_URL;
    delete realEnv.GRAPH_MAX_WAIT_SECONDS;
    delete realEnv.ARM_TENANT_ID;
    await server.close();
});
afterAll(() => untrustTestCertificate());

function customAttributes() {
    return [...server.attributes.values()].filter((a) => a.userFlowAttributeType === "custom");
}

function writes(): string[] {
    return server.writes().map((r) => `${r.method}:${r.status}`);
}

/** The ownership error, word for word: it names the object's id and the stack-config entry that adopts it. */
function notCreatedHere(kind: string, name: string, id: string, key: string, pinned?: string): string {
    const why = pinned === undefined
        ? "and this stack did not create it, so it was left untouched (names are unique in a tenant, whatever their case)"
        : `but ${key} is "${pinned}", so it was left untouched (adoption needs exactly the id of the object found)`;
    return `${kind} "${name}" already exists in tenant ${TENANT} with id ${id}, ${why}. ` +
        `To manage it with this stack, set ${key}: "${id}" in Pulumi.<stack>.yaml (\`pulumi config set --path ${key} ${id}\`) ` +
        "and run pulumi up again: that up takes over exactly this object and converges it to the config; otherwise choose another name.";
}

/** Attribute, flow using it, and the link: what `declareUserFlow` declares. */
async function upAll(e: Engine, version = "1"): Promise<{ attrId: string; flowId: string }> {
    await e.up("attr", texts.attr, attrInputs(version));
    const attrId = e.state.get("attr")!.id;
    await e.up("flow", texts.flow, flowInputs(attrId, version));
    const flowId = e.state.get("flow")!.id;
    await e.up("link", texts.link, linkInputs(flowId, version));
    return { attrId, flowId };
}

describe("a change of the provider's version", () => {
    test("every kind survives up → bump version → up → refresh → destroy, with complete state and no Graph write for the bump", async () => {
        server.addApp(APP);
        const { attrId, flowId } = await upAll(engine, "1");
        server.requests.length = 0;

        expect([
            await engine.up("attr", texts.attr, attrInputs("2")),
            await engine.up("flow", texts.flow, flowInputs(attrId, "2")),
            await engine.up("link", texts.link, linkInputs(flowId, "2")),
        ]).toEqual(["update", "update", "update"]);
        expect(server.calls()).toEqual([]);
        const expected = {
            attr: { ...attrInputs("2"), attributeId: attrId, createdAt: ISO, __provider: texts.attr },
            flow: { ...flowInputs(attrId, "2"), createdAt: ISO, __provider: texts.flow },
            link: { ...linkInputs(flowId, "2"), createdAt: ISO, __provider: texts.link },
        };
        for (const [name, outputs] of Object.entries(expected)) expect(engine.state.get(name)!.outputs).toEqual(outputs);

        expect([await engine.refresh("attr"), await engine.refresh("flow"), await engine.refresh("link")]).toEqual([true, true, true]);
        for (const [name, outputs] of Object.entries(expected)) expect(engine.state.get(name)!.outputs).toEqual(outputs);
        expect(server.calls()).toEqual([`GET /identity/userFlowAttributes/${attrId}`, `GET ${FLOWS}/{id}`, `GET ${LINKS}`]);

        server.requests.length = 0;
        await engine.destroy("link");
        await engine.destroy("flow");
        await engine.destroy("attr");
        expect(server.calls()).toEqual([`DELETE ${LINKS}/{appId}`, `DELETE ${FLOWS}/{id}`, `DELETE /identity/userFlowAttributes/${attrId}`]);
        expect(writes()).toEqual(["DELETE:204", "DELETE:204", "DELETE:204"]);
        expect(server.flows.size).toBe(0);
        expect(customAttributes()).toEqual([]);
    });
    test("a link whose state the old provider reduced to {__provider} is repaired by refresh (tenant from ARM_TENANT_ID) and can be destroyed", async () => {
        server.addApp(APP);
        const { flowId } = await upAll(engine);
        const broken = engine.state.get("link")!;
        engine.state.set("link", { ...broken, outputs: { __provider: texts.link } });
        realEnv.ARM_TENANT_ID = TENANT;
        server.requests.length = 0;
        expect(await engine.refresh("link")).toBe(true);
        expect(engine.state.get("link")!.outputs).toEqual({ tenantId: TENANT, userFlowId: flowId, appId: APP, __provider: texts.link });
        await engine.destroy("link");
        expect(server.calls()).toEqual([`GET ${LINKS}`, `DELETE ${LINKS}/{appId}`]);
        expect([...server.flows.values()][0].apps).toEqual([]);
    });
});

describe("objects this stack did not create", () => {
    test("a flow of another stack whose name differs only in case: up fails naming it, reads once, writes nothing", async () => {
        const other = new Engine();
        await other.up("flow", texts.flow, { ...flowInputs(), displayName: "contoso SIGN-UP", signUpAllowed: false });
        const theirs = other.state.get("flow")!.id;
        server.requests.length = 0;
        expect(await errorOf(engine.up("flow", texts.flow, flowInputs()))).toBe(notCreatedHere("user flow", "contoso SIGN-UP", theirs, "userFlow.adopt.flow"));
        expect(server.calls()).toEqual([`GET ${FLOWS}`, `GET ${FLOWS}/{id}`]);
        expect(engine.state.has("flow")).toBe(false);
        expect([...server.flows.values()].map((f) => [f.id, f.displayName, f.signUpAllowed])).toEqual([[theirs, "contoso SIGN-UP", false]]);
    });

    test("a custom attribute made in the portal whose name differs only in case: up fails naming it", async () => {
        const other = new Engine();
        await other.up("attr", texts.attr, { ...attrInputs(), displayName: "hobby", description: "theirs" });
        const theirs = other.state.get("attr")!.id;
        server.requests.length = 0;
        expect(await errorOf(engine.up("attr", texts.attr, attrInputs()))).toBe(notCreatedHere("custom attribute", "hobby", theirs, "userFlow.adopt.attributes.Hobby"));
        expect(server.calls()).toEqual(["GET /identity/userFlowAttributes?$filter=displayName eq '…'", `GET /identity/userFlowAttributes/${theirs}`]);
        expect(customAttributes().map((a) => [a.id, a.description])).toEqual([[theirs, "theirs"]]);
    });

    test("adoption pinned by id: no POST, exactly the differing parts PATCHed, complete state; later ups write nothing; destroy deletes it", async () => {
        server.addApp(APP);
        // Another stack's (or the portal's) attribute and flow, drifted from what this stack declares.
        const other = new Engine();
        await other.up("attr", texts.attr, { ...attrInputs(), description: "Theirs" });
        const attrId = other.state.get("attr")!.id;
        await other.up("flow", texts.flow, { ...flowInputs(attrId), signUpAllowed: false });
        const flowId = other.state.get("flow")!.id;
        server.requests.length = 0;

        // Pinned ids compare without regard to case.
        expect(await engine.up("attr", texts.attr, { ...attrInputs(), adoptId: attrId.toUpperCase() })).toBe("create");
        expect(await engine.up("flow", texts.flow, { ...flowInputs(attrId), adoptId: flowId.toUpperCase() })).toBe("create");
        expect(server.calls()).toEqual([
            "GET /identity/userFlowAttributes?$filter=displayName eq '…'",
            `GET /identity/userFlowAttributes/${attrId}`,
            `GET /identity/userFlowAttributes/${attrId}`,
            `PATCH /identity/userFlowAttributes/${attrId}`,
            `GET ${FLOWS}`,
            `GET ${FLOWS}/{id}`,
            `GET ${FLOWS}/{id}`,
            `PATCH ${FLOWS}/{id}`,
        ]);
        const [attrPatch, flowPatch] = server.writes().map((w) => w.body);
        expect(attrPatch).toEqual({ description: "Your hobby" });
        expect(flowPatch).toEqual({
            "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow",
            onInteractiveAuthFlowStart: { "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp", isSignUpAllowed: true },
        });
        // Complete state with the adopted ids; no createdAt (not made here) and no adoptId (consent, not a property).
        expect(engine.state.get("attr")).toMatchObject({ id: attrId, outputs: { ...attrInputs(), attributeId: attrId, __provider: texts.attr } });
        expect(engine.state.get("attr")!.outputs).toEqual({ ...attrInputs(), attributeId: attrId, __provider: texts.attr });
        expect(engine.state.get("flow")).toMatchObject({ id: flowId });
        expect(engine.state.get("flow")!.outputs).toEqual({ ...flowInputs(attrId), __provider: texts.flow });
        expect(server.flows.get(flowId)!.signUpAllowed).toBe(true);
        expect(server.attributes.get(attrId)!.description).toBe("Your hobby");
        expect(server.flows.size).toBe(1);
        expect(customAttributes()).toHaveLength(1);

        // The link is the pair of this stack's flow and app: a plain create.
        await engine.up("link", texts.link, linkInputs(flowId));
        server.requests.length = 0;
        // With the pin still in config, and after it is removed: nothing to do, nothing read or written.
        for (const pinned of [true, false]) {
            expect([
                await engine.up("attr", texts.attr, pinned ? { ...attrInputs(), adoptId: attrId } : attrInputs()),
                await engine.up("flow", texts.flow, pinned ? { ...flowInputs(attrId), adoptId: flowId } : flowInputs(attrId)),
                await engine.up("link", texts.link, linkInputs(flowId)),
            ]).toEqual(["same", "same", "same"]);
        }
        expect(server.calls()).toEqual([]);
        expect([await engine.refresh("attr"), await engine.refresh("flow")]).toEqual([true, true]);
        expect(engine.state.get("flow")!.outputs).toEqual({ ...flowInputs(attrId), __provider: texts.flow });
        expect(server.writes()).toEqual([]);

        await engine.destroy("link");
        await engine.destroy("flow");
        await engine.destroy("attr");
        expect(server.flows.size).toBe(0);
        expect(customAttributes()).toEqual([]);
    });

    test("a pin naming another id adopts nothing: the error names the id found, the key and the pin; nothing is written", async () => {
        const other = new Engine();
        await other.up("attr", texts.attr, attrInputs());
        const attrId = other.state.get("attr")!.id;
        await other.up("flow", texts.flow, flowInputs());
        const flowId = other.state.get("flow")!.id;
        server.requests.length = 0;
        const wrongFlow = "0f0e0d0c-0b0a-4909-8807-060504030201";
        const wrongAttr = "extension_ffffffffffffffffffffffffffffffff_Hobby";
        expect(await errorOf(engine.up("flow", texts.flow, { ...flowInputs(), adoptId: wrongFlow })))
            .toBe(notCreatedHere("user flow", NAME, flowId, "userFlow.adopt.flow", wrongFlow));
        expect(await errorOf(engine.up("attr", texts.attr, { ...attrInputs(), adoptId: wrongAttr })))
            .toBe(notCreatedHere("custom attribute", "Hobby", attrId, "userFlow.adopt.attributes.Hobby", wrongAttr));
        expect(server.writes()).toEqual([]);
        expect([engine.state.has("flow"), engine.state.has("attr")]).toEqual([false, false]);
    });

    test("a pinned attribute whose data type or name case differs from the config is not taken over", async () => {
        const other = new Engine();
        await other.up("attr", texts.attr, { ...attrInputs(), dataType: "int64" });
        const attrId = other.state.get("attr")!.id;
        server.requests.length = 0;
        expect(await errorOf(engine.up("attr", texts.attr, { ...attrInputs(), adoptId: attrId }))).toBe(
            `custom attribute "Hobby" (${attrId}) has data type "int64", but the config declares "string": a data type cannot change, so it was not taken over; declare its data type or choose another name`);
        await other.destroy("attr");
        await other.up("attr", texts.attr, { ...attrInputs(), displayName: "hobby" });
        const lower = other.state.get("attr")!.id;
        expect(await errorOf(engine.up("attr", texts.attr, { ...attrInputs(), adoptId: lower }))).toBe(
            `custom attribute "Hobby" (${lower}) is named "hobby" in the tenant: a custom attribute cannot be renamed, so it was not taken over; declare it as "hobby" in userFlow.customAttributes (and userFlow.attributes)`);
        expect(server.writes().filter((w) => w.method === "PATCH")).toEqual([]);
        expect(engine.state.has("attr")).toBe(false);
    });

    test("a pinned flow that appears between the lookup and the POST (400: name taken) is adopted, not POSTed again", async () => {
        const pinned = "0f0e0d0c-0b0a-4909-8807-060504030201";
        // The portal's flow replicates into the list only after our lookup (virtual time moves with the requests).
        server.flows.set(pinned, { id: pinned, displayName: NAME, signUpAllowed: false, idps: ["EmailPassword-OAUTH"], attrs: ["email"], inputs: [], apps: [], visibleAt: 1 });
        Object.defineProperty(server, "clock", { get: () => (server.requests.length >= 2 ? 1 : 0), set: () => undefined, configurable: true });
        expect(await engine.up("flow", texts.flow, { ...flowInputs(), adoptId: pinned })).toBe("create");
        expect(writes()).toEqual(["POST:400", "POST:204", "PATCH:204"]);
        expect(server.calls().filter((c) => !c.startsWith("GET"))).toEqual([`POST ${FLOWS}`, expect.stringMatching(/^POST .*attributes\/\$ref$/), `PATCH ${FLOWS}/{id}`]);
        expect(engine.state.get("flow")!.id).toBe(pinned);
        expect(server.flows.size).toBe(1);
        expect(server.flows.get(pinned)!.signUpAllowed).toBe(true);
    });

    test("a pinned attribute that appears between the lookup and the POST (409: name taken) is adopted, not POSTed again", async () => {
        const pinned = "extension_0123456789abcdef0123456789abcdef_Hobby";
        server.attributes.set(pinned, { id: pinned, displayName: "Hobby", description: "Theirs", userFlowAttributeType: "custom", dataType: "string", visibleAt: 1 });
        Object.defineProperty(server, "clock", { get: () => (server.requests.length >= 2 ? 1 : 0), set: () => undefined, configurable: true });
        expect(await engine.up("attr", texts.attr, { ...attrInputs(), adoptId: pinned })).toBe("create");
        expect(writes()).toEqual(["POST:409", "PATCH:204"]);
        expect(engine.state.get("attr")!.outputs).toEqual({ ...attrInputs(), attributeId: pinned, __provider: texts.attr });
        expect(customAttributes().map((a) => [a.id, a.description])).toEqual([[pinned, "Your hobby"]]);
    });

    test("a pin on a name that nothing uses yet: a plain create", async () => {
        expect(await engine.up("flow", texts.flow, { ...flowInputs(), adoptId: "0f0e0d0c-0b0a-4909-8807-060504030201" })).toBe("create");
        expect(server.calls()).toEqual([`GET ${FLOWS}`, `POST ${FLOWS}`]);
        expect(engine.state.get("flow")!.outputs).toEqual({ ...flowInputs(), createdAt: ISO, __provider: texts.flow });
    });

    test("check refuses a pin that is not an id of the kind", async () => {
        await expect(engine.up("flow", texts.flow, { ...flowInputs(), adoptId: "Contoso sign-up" }))
            .rejects.toThrow('adoptId: adoptId must be the id (a GUID) of the existing user flow to take over, got "Contoso sign-up"');
        await expect(engine.up("attr", texts.attr, { ...attrInputs(), adoptId: "Hobby" }))
            .rejects.toThrow('adoptId: adoptId must be the id (extension_<32 hex digits>_<name>) of the existing custom attribute to take over, got "Hobby"');
        expect(server.calls()).toEqual([]);
    });

    test("read with nothing but an id (tenant from ARM_TENANT_ID) returns complete state", async () => {
        server.addApp(APP);
        const other = new Engine();
        const { attrId, flowId } = await upAll(other);
        realEnv.ARM_TENANT_ID = TENANT;
        const { version: _v, ...flow } = flowInputs(attrId);
        const { version: _a, ...attr } = attrInputs();
        expect(await engine.provider(texts.flow).read(flowId, {})).toEqual({ id: flowId, props: flow, inputs: flow });
        expect(await engine.provider(texts.attr).read(attrId, {})).toEqual({ id: attrId, props: { ...attr, attributeId: attrId }, inputs: attr });
        const link = { tenantId: TENANT, userFlowId: flowId, appId: APP };
        expect(await engine.provider(texts.link).read(`${flowId}/${APP}`, {})).toEqual({ id: `${flowId}/${APP}`, props: link, inputs: link });
        delete realEnv.ARM_TENANT_ID;
        expect(await errorOf(engine.provider(texts.flow).read(flowId, {}))).toBe("tenantId undefined is not a GUID (set ARM_TENANT_ID to the external tenant's id to read a resource by id alone)");
    });
});

describe("lost answers and replication lag", () => {
    test("a create whose answer was lost is adopted, exactly one flow", async () => {
        server.inject({ kind: "lose", method: "POST", path: /^\/identity\/authenticationEventsFlows$/, times: 1 });
        await engine.up("flow", texts.flow, flowInputs());
        expect(server.calls()).toEqual([`GET ${FLOWS}`, `POST ${FLOWS}`, `GET ${FLOWS}`, `GET ${FLOWS}/{id}`]);
        expect([...server.flows.keys()]).toEqual([engine.state.get("flow")!.id]);
        expect(engine.state.get("flow")!.outputs).toEqual({ ...flowInputs(), createdAt: ISO, __provider: texts.flow });
    });

    test("up right after destroy, while the flow list still shows the deleted flow: waits for the list, creates one flow", async () => {
        server.deleteReplicationMs = 3000;
        await engine.up("flow", texts.flow, flowInputs());
        const first = engine.state.get("flow")!.id;
        await engine.destroy("flow");
        server.requests.length = 0;
        await engine.up("flow", texts.flow, flowInputs());
        expect(server.requests.map((r) => `${r.method} ${r.path === FLOWS ? "list" : "flow"}:${r.status}`)).toEqual([
            "GET list:200", "GET flow:404", "GET list:200", "GET flow:404", "GET list:200", "POST list:201"]);
        expect(sleeps).toEqual([1000, 2000]);
        expect(server.flows.size).toBe(1);
        expect(engine.state.get("flow")!.id).not.toBe(first);
    });

    test("destroy right after create while Graph still answers 404: the flow is deleted once it shows, no orphan", async () => {
        server.flowReplicationMs = 5000;
        await engine.up("flow", texts.flow, flowInputs());
        server.requests.length = 0;
        await engine.destroy("flow");
        expect(server.requests.map((r) => `${r.method}:${r.status}`)).toEqual(["DELETE:404", "GET:404", "GET:404", "GET:200", "DELETE:204"]);
        expect(sleeps).toEqual([1000, 2000, 4000]);
        expect(server.flows.size).toBe(0);
    });

    test("destroy of a recent flow that is really gone: three consecutive 404s confirm it", async () => {
        await engine.up("flow", texts.flow, flowInputs());
        server.flows.clear();
        server.requests.length = 0;
        await engine.destroy("flow");
        expect(server.requests.map((r) => `${r.method}:${r.status}`)).toEqual(["DELETE:404", "GET:404", "GET:404", "GET:404"]);
        expect(sleeps).toEqual([1000, 2000, 4000]);
    });

    test("destroy of a custom attribute and a link right after create, while Graph answers 404: both gone in the end", async () => {
        server.addApp(APP);
        const { attrId } = await upAll(engine);
        server.attributes.get(attrId)!.visibleAt = server.clock + 5000;
        const stored = [...server.flows.values()][0];
        server.requests.length = 0;
        // The link answers 404 for a while: the stand-in shows the flow late (the link lives in it).
        stored.visibleAt = server.clock + 2500;
        await engine.destroy("link");
        await engine.destroy("flow");
        await engine.destroy("attr");
        expect(server.requests.map((r) => `${r.method}:${r.status}`)).toEqual([
            "DELETE:404", "GET:404", "GET:200", "DELETE:204", // link: 404 at 0 s and 1 s, listed again at 3 s, deleted
            "DELETE:204", // flow
            "DELETE:404", "GET:404", "GET:200", "DELETE:204", // attribute: 404 at 3 s and 4 s, seen again at 6 s, deleted
        ]);
        expect(stored.apps).toEqual([]);
        expect(server.flows.size).toBe(0);
        expect(customAttributes()).toEqual([]);
    });

    test("an update right after create while Graph still answers 404 is retried until it applies", async () => {
        server.attributeReplicationMs = 3000;
        server.flowReplicationMs = 5000;
        await engine.up("attr", texts.attr, attrInputs());
        await engine.up("flow", texts.flow, flowInputs());
        server.requests.length = 0;
        expect(await engine.up("attr", texts.attr, { ...attrInputs(), description: "A new description" })).toBe("update");
        expect(writes()).toEqual(["PATCH:404", "PATCH:404", "PATCH:204"]); // at 0, 1 s, 3 s
        expect(customAttributes().map((a) => a.description)).toEqual(["A new description"]);
        server.requests.length = 0;
        expect(await engine.up("flow", texts.flow, { ...flowInputs(), signUpAllowed: false })).toBe("update");
        expect(writes()).toEqual(["PATCH:404", "PATCH:404", "PATCH:204"]); // at 3 s, 4 s, 6 s
        expect(sleeps).toEqual([1000, 2000, 1000, 2000]);
        expect([...server.flows.values()][0].signUpAllowed).toBe(false);
    });
});

describe("permanent errors and credentials", () => {
    test("a 400 on a flow that uses a known custom attribute is reported at once with Graph's message", async () => {
        await engine.up("attr", texts.attr, attrInputs());
        const attrId = engine.state.get("attr")!.id;
        server.requests.length = 0;
        const message = await errorOf(engine.up("flow", texts.flow, { ...flowInputs(attrId), identityProviders: ["EmailPassword-OAUTH", "Facebook-OAUTH"] }));
        expect(message).toMatch(/^POST \/identity\/authenticationEventsFlows: Microsoft Graph answered 400 Request_BadRequest: Identity provider 'Facebook-OAUTH' is not configured in the tenant\. \(request-id [0-9a-f-]{36}\)$/);
        expect(server.calls()).toEqual([`GET ${FLOWS}`, `POST ${FLOWS}`, `GET ${FLOWS}`, `GET /identity/userFlowAttributes/${attrId}`]);
        expect(sleeps).toEqual([]);
        expect(server.flows.size).toBe(0);
    });

    test("the one 400 worth waiting for: a custom attribute Graph does not know yet (confirmed by GET)", async () => {
        server.attributeReplicationMs = 3000;
        await engine.up("attr", texts.attr, attrInputs());
        const attrId = engine.state.get("attr")!.id;
        server.requests.length = 0;
        await engine.up("flow", texts.flow, flowInputs(attrId));
        const attempt = [`POST ${FLOWS}`, `GET ${FLOWS}`, `GET /identity/userFlowAttributes/${attrId}`];
        expect(server.calls()).toEqual([`GET ${FLOWS}`, ...attempt, ...attempt, `POST ${FLOWS}`]);
        expect(sleeps).toEqual([1000, 2000]);
        expect([...server.flows.values()].map((f) => f.attrs)).toEqual([["email", "displayName", attrId]]);
    });

    test("a token Graph rejects once (401 with a claims challenge) is replaced and the call repeated", async () => {
        server.revoke(server.token);
        await engine.up("flow", texts.flow, flowInputs());
        expect(server.requests.map((r) => `${r.method}:${r.status}`)).toEqual(["GET:401", "GET:200", "POST:201"]);
        expect(tokenRequests).toEqual([{ claims: undefined }, { claims: '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}' }]);
        expect(server.flows.size).toBe(1);
    });

    test("a 401 that persists after one fresh token is reported, after exactly two requests", async () => {
        server.expiredToken = true;
        const message = await errorOf(engine.up("flow", texts.flow, flowInputs()));
        expect(message).toMatch(/^GET \/identity\/authenticationEventsFlows: Microsoft Graph rejected the access token for tenant /);
        expect(message).not.toContain(server.token);
        expect(server.requests.map((r) => `${r.method}:${r.status}`)).toEqual(["GET:401", "GET:401"]);
        expect(tokenRequests).toHaveLength(2);
    });

    test("GRAPH_MAX_WAIT_SECONDS bounds the total wait; a bad value is named", async () => {
        const text = await serialize(makeUserFlowProvider(hookedOptions({ maxWaitMs: undefined })));
        realEnv.GRAPH_MAX_WAIT_SECONDS = "10";
        server.inject({ kind: "status", status: 429, retryAfter: "4", method: "POST", times: 100 });
        expect(await errorOf(engine.up("flow", text, flowInputs()))).toBe(
            "POST /identity/authenticationEventsFlows: Microsoft Graph still answered 429 after 3 attempts and 8 s of waiting; try again later");
        expect(sleeps).toEqual([4000, 4000]);
        realEnv.GRAPH_MAX_WAIT_SECONDS = "ten";
        expect(await errorOf(engine.up("flow", text, flowInputs()))).toBe(
            'GRAPH_MAX_WAIT_SECONDS must be a positive number of seconds (the total wait for Graph replication or throttling; default 300), got "ten"');
    });

    test("huge values are cut short in error messages", async () => {
        const long = "x".repeat(5000);
        expect(await errorOf(engine.up("flow", texts.flow, { ...flowInputs(), displayName: long }))).toBe(
            `displayName: displayName must be a non-empty string of at most 64 characters, got "${"x".repeat(79)}… (5002 characters)`);
        server.inject({ kind: "status", status: 400, message: `Bad value '${long}'`, method: "POST", times: 1 });
        const message = await errorOf(engine.up("flow", texts.flow, flowInputs()));
        expect(message).toMatch(new RegExp(`^POST /identity/authenticationEventsFlows: Microsoft Graph answered 400 ServiceUnavailable: Bad value 'x{289}… \\(5012 characters\\) \\(request-id [0-9a-f-]{36}\\)$`));
    });
});

describe("preview with unknown values", () => {
    test("unknowns are diffed without a Graph call: a link to a flow being replaced is replaced, other unknowns update", async () => {
        server.addApp(APP);
        const { flowId } = await upAll(engine);
        server.requests.length = 0;
        expect(await engine.preview("link", texts.link, linkInputs(UNKNOWN))).toEqual({ changes: true, replaces: ["userFlowId"] });
        expect(await engine.preview("flow", texts.flow, flowInputs(UNKNOWN))).toEqual({ changes: true, replaces: [] });
        expect(await engine.preview("attr", texts.attr, { ...attrInputs(), description: UNKNOWN })).toEqual({ changes: true, replaces: [] });
        expect(await engine.preview("link", texts.link, linkInputs(flowId))).toEqual({ changes: false, replaces: [] });
        expect(await engine.preview("new-flow", texts.flow, { ...flowInputs(), tenantId: UNKNOWN, displayName: UNKNOWN })).toBe("create");
        expect(server.requests).toEqual([]);
    });
});
