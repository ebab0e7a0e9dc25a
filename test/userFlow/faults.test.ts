/**
 * Fault scenarios against the Graph stand-in. Each asserts the end state (exactly one flow, the right links, nothing
 * duplicated or orphaned), the waits the provider asked for (virtual time), and, for failures, the exact error.
 */
import { APP, errorOf, type Harness, OTHER_APP, startHarness, TENANT, untrustTestCertificate } from "./harness";

const FLOW_PATH = /^\/identity\/authenticationEventsFlows$/;
const base = {
    tenantId: TENANT,
    displayName: "Contoso sign-up",
    signUpAllowed: true,
    identityProviders: ["EmailPassword-OAUTH"],
    attributes: [{ attribute: "displayName", label: "Display name", required: true, inputType: "text" as const, options: [] }],
    version: "1",
};

let h: Harness;
beforeEach(async () => {
    h = await startHarness();
});
afterEach(async () => {
    expect(h.server.violations).toEqual([]);
    await h.server.close();
});
afterAll(() => untrustTestCertificate());

/** The exact ownership error (components/userFlow/state.ts), spelled out here so a change of wording is noticed. */
/** The ownership error, word for word: it names the object's id and the stack-config entry that adopts it. */
function notCreatedHere(kind: string, name: string, id: string, key: string): string {
    return `${kind} "${name}" already exists in tenant ${TENANT} with id ${id}, and this stack did not create it, so it was left untouched ` +
        "(names are unique in a tenant, whatever their case). " +
        `To manage it with this stack, set ${key}: "${id}" in Pulumi.<stack>.yaml (\`pulumi config set --path ${key} ${id}\`) ` +
        "and run pulumi up again: that up takes over exactly this object and converges it to the config; otherwise choose another name.";
}

function onlyFlow() {
    const flows = h.server.flowByName(base.displayName);
    expect(flows).toHaveLength(1);
    expect(h.server.flows.size).toBe(1);
    return flows[0];
}

describe("throttling and transient errors", () => {
    test("1. a 429 burst with Retry-After is waited out exactly", async () => {
        h.server.inject({ kind: "status", status: 429, retryAfter: "7", method: "POST", path: FLOW_PATH, times: 3 });
        const created = await h.flow.create(base);
        expect(onlyFlow().id).toBe(created.id);
        expect(h.sleeps).toEqual([7000, 7000, 7000]);
        expect(h.server.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([429, 429, 429, 201]);
    });

    test("2. 503 with Retry-After on read", async () => {
        const created = await h.flow.create(base);
        h.server.inject({ kind: "status", status: 503, retryAfter: "3", method: "GET", times: 1 });
        const read = await h.flow.read!(created.id, created.outs);
        expect(read.props.displayName).toBe(base.displayName);
        expect(h.sleeps).toEqual([3000]);
    });

    test("3. 504 without Retry-After backs off exponentially on PATCH", async () => {
        const created = await h.flow.create(base);
        h.server.inject({ kind: "status", status: 504, method: "PATCH", times: 2 });
        await h.flow.update!(created.id, created.outs, { ...base, signUpAllowed: false });
        expect(h.sleeps).toEqual([1000, 2000]);
        expect(onlyFlow().signUpAllowed).toBe(false);
        expect(h.server.writes().map((r) => `${r.method}:${r.status}`)).toEqual(["POST:201", "PATCH:504", "PATCH:504", "PATCH:204"]);
    });

    test("4. throttling that never ends fails clearly, after a bounded number of attempts, creating nothing", async () => {
        h.server.inject({ kind: "status", status: 429, retryAfter: "1", method: "POST", path: FLOW_PATH, times: 100 });
        expect(await errorOf(h.flow.create(base))).toBe("POST /identity/authenticationEventsFlows: Microsoft Graph still answered 429 after 10 attempts and 9 s of waiting; try again later");
        expect(h.server.flows.size).toBe(0);
    });

    test("5. a connection reset on a GET is retried", async () => {
        h.server.inject({ kind: "reset", method: "GET", path: FLOW_PATH, times: 1 });
        await h.flow.create(base);
        onlyFlow();
        expect(h.sleeps).toEqual([1000]);
        expect(h.server.calls()).toEqual(["GET /identity/authenticationEventsFlows", "GET /identity/authenticationEventsFlows", "POST /identity/authenticationEventsFlows"]);
    });

    test("6. a connection reset on the create POST (not processed) looks again, then creates once", async () => {
        h.server.inject({ kind: "reset", method: "POST", path: FLOW_PATH, times: 1 });
        const created = await h.flow.create(base);
        expect(onlyFlow().id).toBe(created.id);
        expect(h.server.requests.map((r) => `${r.method}:${r.status}`)).toEqual(["GET:200", "POST:reset", "GET:200", "POST:201"]);
    });
});

describe("lost responses and replication delay", () => {
    test("7. a create that succeeded but whose response was lost is adopted, not duplicated", async () => {
        h.server.inject({ kind: "lose", method: "POST", path: FLOW_PATH, times: 1 });
        const created = await h.flow.create(base);
        expect(onlyFlow().id).toBe(created.id);
        expect(h.server.writes().map((r) => `${r.method}:${r.status}`)).toEqual(["POST:lost"]);
    });

    test("8. a lost create response while the new flow is not listed yet: retried until it shows, still one flow", async () => {
        h.server.flowReplicationMs = 5000;
        h.server.inject({ kind: "lose", method: "POST", path: FLOW_PATH, times: 1 });
        const created = await h.flow.create(base);
        expect(onlyFlow().id).toBe(created.id);
        expect(h.sleeps).toEqual([1000, 2000, 4000]);
        expect(h.server.writes().map((r) => `${r.method}:${r.status}`)).toEqual(["POST:lost", "POST:400", "POST:400", "POST:400"]);
    });

    test("9. 404 for 30 s after create: linking the app waits for the flow", async () => {
        h.server.flowReplicationMs = 30_000;
        h.server.addApp(APP);
        const flow = await h.flow.create(base);
        const link = await h.link.create({ tenantId: TENANT, userFlowId: flow.id, appId: APP });
        expect(link.id).toBe(`${flow.id}/${APP}`);
        expect(h.sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
        expect(onlyFlow().apps).toEqual([APP]);
    });

    test("10. reading a flow right after creating it waits out the 404s", async () => {
        h.server.flowReplicationMs = 10_000;
        const flow = await h.flow.create(base);
        const read = await h.flow.read!(flow.id, flow.outs);
        expect(read.id).toBe(flow.id);
        expect(h.sleeps).toEqual([1000, 2000, 4000, 8000]);
    });

    test("11. an app without a service principal for 20 s is linked once it appears", async () => {
        h.server.addApp(APP, 20_000);
        const flow = await h.flow.create(base);
        await h.link.create({ tenantId: TENANT, userFlowId: flow.id, appId: APP });
        expect(onlyFlow().apps).toEqual([APP]);
        expect(h.sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
        expect(h.server.calls().filter((c) => c.startsWith("POST"))).toHaveLength(1 + 6);
    });

    test("12. a service principal that never appears: a clear error after the bound", async () => {
        const flow = await h.flow.create(base);
        const message = await errorOf(h.link.create({ tenantId: TENANT, userFlowId: flow.id, appId: APP }));
        expect(message).toMatch(new RegExp(`^linking application ${APP} to user flow ${flow.id}: gave up after 63 s of retries: the application's service principal is not visible yet \\(POST /identity/authenticationEventsFlows/${flow.id}/conditions/applications/includeApplications: Microsoft Graph answered 400 Request_BadRequest: The application id '${APP}' is invalid\\. \\(request-id [0-9a-f-]{36}\\)\\)$`));
        expect(onlyFlow().apps).toEqual([]);
    });

    test("13. a lost link response: the link is confirmed by listing, not repeated", async () => {
        h.server.addApp(APP);
        const flow = await h.flow.create(base);
        h.server.inject({ kind: "lose", method: "POST", path: /includeApplications$/, times: 1 });
        await h.link.create({ tenantId: TENANT, userFlowId: flow.id, appId: APP });
        expect(onlyFlow().apps).toEqual([APP]);
        expect(h.server.calls().slice(2)).toEqual([
            "POST /identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications",
            "GET /identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications",
        ]);
    });

    test("14. a custom attribute not yet replicated when the flow is created: the create is retried", async () => {
        h.server.attributeReplicationMs = 3000;
        const attr = await h.attribute.create({ tenantId: TENANT, displayName: "Hobby", dataType: "string", description: "Hobby" });
        const flow = await h.flow.create({ ...base, attributes: [...base.attributes, { attribute: attr.id, label: "Hobby", required: false, inputType: "text", options: [] }] });
        expect(onlyFlow().attrs).toEqual(["email", "displayName", attr.id]);
        expect(flow.id).toBe(onlyFlow().id);
        expect(h.sleeps).toEqual([1000, 2000]);
    });

    test("15. a lost response when creating a custom attribute is adopted, not duplicated", async () => {
        h.server.inject({ kind: "lose", method: "POST", path: /^\/identity\/userFlowAttributes$/, times: 1 });
        const attr = await h.attribute.create({ tenantId: TENANT, displayName: "Hobby", dataType: "string", description: "Hobby" });
        const custom = [...h.server.attributes.values()].filter((a) => a.userFlowAttributeType === "custom");
        expect(custom.map((a) => a.id)).toEqual([attr.id]);
    });
});

describe("conflicts and drift", () => {
    test("16. an app already linked to another flow: the error names that flow", async () => {
        h.server.addApp(APP);
        const other = await h.flow.create({ ...base, displayName: "Fabrikam flow" });
        await h.link.create({ tenantId: TENANT, userFlowId: other.id, appId: APP });
        const mine = await h.flow.create(base);
        expect(await errorOf(h.link.create({ tenantId: TENANT, userFlowId: mine.id, appId: APP }))).toBe(
            `application ${APP} is already linked to user flow "Fabrikam flow" (${other.id}); an application can be linked to only one user flow, so unlink it there first`);
        expect(h.server.flows.get(other.id)!.apps).toEqual([APP]);
        expect(h.server.flows.get(mine.id)!.apps).toEqual([]);
    });

    test("17. a flow deleted out of band: refresh reports it gone, the next up recreates exactly one", async () => {
        h.server.addApp(APP);
        const flow = await h.flow.create(base);
        const link = await h.link.create({ tenantId: TENANT, userFlowId: flow.id, appId: APP });
        h.server.flows.delete(flow.id);
        expect(await h.flow.read!(flow.id, { ...flow.outs, createdAt: "2020-01-01T00:00:00.000Z" })).toEqual({});
        expect(await h.link.read!(link.id, link.outs)).toEqual({});
        const again = await h.flow.create(base);
        await h.link.create({ tenantId: TENANT, userFlowId: again.id, appId: APP });
        expect(again.id).not.toBe(flow.id);
        expect(onlyFlow().apps).toEqual([APP]);
    });

    test("18. an identity provider removed in the portal: drift is detected and repaired", async () => {
        const flow = await h.flow.create({ ...base, identityProviders: ["EmailPassword-OAUTH", "Google-OAUTH"] });
        h.server.flows.get(flow.id)!.idps = ["EmailPassword-OAUTH"];
        const read = await h.flow.read!(flow.id, flow.outs);
        expect(read.props.identityProviders).toEqual(["EmailPassword-OAUTH"]);
        const wanted = { ...base, identityProviders: ["EmailPassword-OAUTH", "Google-OAUTH"] };
        expect(await h.flow.diff!(flow.id, read.props, wanted)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
        h.server.requests.length = 0;
        await h.flow.update!(flow.id, read.props, wanted);
        expect(onlyFlow().idps).toEqual(["EmailPassword-OAUTH", "Google-OAUTH"]);
        expect(h.server.writes()).toHaveLength(1);
    });

    test("19. an attribute added in the portal is detected and removed", async () => {
        const flow = await h.flow.create(base);
        const stored = h.server.flows.get(flow.id)!;
        stored.attrs.push("city");
        stored.inputs.push({ attribute: "city", label: "City", inputType: "text", required: false, options: [] });
        const read = await h.flow.read!(flow.id, flow.outs);
        expect(read.props.attributes.map((a: { attribute: string }) => a.attribute)).toEqual(["displayName", "city"]);
        expect((await h.flow.diff!(flow.id, read.props, base)).changes).toBe(true);
        await h.flow.update!(flow.id, read.props, base);
        expect(onlyFlow().attrs).toEqual(["email", "displayName"]);
        expect(onlyFlow().inputs.map((i) => i.attribute)).toEqual(["email", "displayName"]);
    });

    test("20. an attribute removed in the portal is detected and put back with its settings", async () => {
        const flow = await h.flow.create(base);
        const stored = h.server.flows.get(flow.id)!;
        stored.attrs = ["email"];
        stored.inputs = stored.inputs.filter((i) => i.attribute === "email");
        const read = await h.flow.read!(flow.id, flow.outs);
        expect(read.props.attributes).toEqual([]);
        await h.flow.update!(flow.id, read.props, base);
        expect(onlyFlow().attrs).toEqual(["email", "displayName"]);
        expect(onlyFlow().inputs[1]).toMatchObject({ attribute: "displayName", label: "Display name", required: true });
    });

    // 21–23 changed on purpose: an object with the wanted name that this create did not make is no longer adopted
    // (it may belong to another stack or to the portal); the create fails, naming it, and changes nothing.
    test("21. a flow with the same display name already exists: the create fails naming it, nothing is written", async () => {
        const theirs = await h.flow.create({ ...base, identityProviders: ["EmailOtpSignup-OAUTH"], signUpAllowed: false });
        h.server.requests.length = 0;
        expect(await errorOf(h.flow.create(base))).toBe(notCreatedHere("user flow", base.displayName, theirs.id, "userFlow.adopt.flow"));
        expect(onlyFlow()).toMatchObject({ id: theirs.id, idps: ["EmailOtpSignup-OAUTH"], signUpAllowed: false });
        expect(h.server.calls()).toEqual(["GET /identity/authenticationEventsFlows", "GET /identity/authenticationEventsFlows/{id}"]);
    });

    test("22. the name is found on a later page of the flow list", async () => {
        await h.server.close();
        h = await startHarness({ pageSize: 2 });
        for (const n of ["A", "B", "C", "D"]) await h.flow.create({ ...base, displayName: n });
        const existing = await h.flow.create(base);
        h.server.requests.length = 0;
        expect(await errorOf(h.flow.create(base))).toBe(notCreatedHere("user flow", base.displayName, existing.id, "userFlow.adopt.flow"));
        expect(h.server.flows.size).toBe(5);
        expect(h.server.flowByName(base.displayName)).toHaveLength(1);
        expect(h.server.calls()).toEqual(["GET /identity/authenticationEventsFlows", "GET /identity/authenticationEventsFlows?$skip=2", "GET /identity/authenticationEventsFlows?$skip=4", "GET /identity/authenticationEventsFlows/{id}"]);
    });

    test("23. a custom attribute that exists (with another data type): the create fails naming it", async () => {
        const theirs = await h.attribute.create({ tenantId: TENANT, displayName: "Age", dataType: "string", description: "Age" });
        expect(await errorOf(h.attribute.create({ tenantId: TENANT, displayName: "Age", dataType: "int64", description: "Age" }))).toBe(notCreatedHere("custom attribute", "Age", theirs.id, "userFlow.adopt.attributes.Age"));
        expect(h.server.attributes.get(theirs.id)).toMatchObject({ dataType: "string", description: "Age" });
    });

    test("24. deleting what is already gone is done (404)", async () => {
        h.server.addApp(OTHER_APP);
        const flow = await h.flow.create(base);
        const link = await h.link.create({ tenantId: TENANT, userFlowId: flow.id, appId: OTHER_APP });
        h.server.flows.delete(flow.id);
        await h.link.delete!(link.id, link.outs);
        await h.flow.delete!(flow.id, flow.outs);
        expect(h.server.writes().slice(-2).map((r) => `${r.method}:${r.status}`)).toEqual(["DELETE:404", "DELETE:404"]);
    });
});

describe("credentials", () => {
    test("25. an expired credential: a clear error, no secret, nothing sent", async () => {
        const secret = "s3cr3t-Value-123";
        const local = await startHarness({}, {
            credential: { getToken: async () => { throw new Error(`AADSTS7000222: The provided client secret keys for app '${APP}' are expired (secret ${secret}).\nTrace ID: x`); } },
        });
        try {
            process.env.ARM_CLIENT_SECRET = secret;
            const message = await errorOf(local.flow.create(base));
            expect(message).toBe(`could not get a Microsoft Graph token for tenant ${TENANT} with the injected credential: AADSTS7000222: The provided client secret keys for app '${APP}' are expired (secret ***). Check that the credential is valid and not expired (see the README: credential environment variables)`);
            expect(local.server.requests).toEqual([]);
        } finally {
            delete process.env.ARM_CLIENT_SECRET;
            await local.server.close();
        }
    });

    test("26. a token Graph rejects as expired (401): a clear error without the token", async () => {
        h.server.expiredToken = true;
        const message = await errorOf(h.flow.create(base));
        expect(message).toMatch(new RegExp(`^GET /identity/authenticationEventsFlows: Microsoft Graph rejected the access token for tenant ${TENANT} \\(401 InvalidAuthenticationToken: Lifetime validation failed, the token is expired\\.\\) \\(request-id [0-9a-f-]{36}\\)\\. The credential may be expired or issued for another tenant; check the credential environment variables$`));
        expect(message).not.toContain(h.server.token);
        expect(h.server.flows.size).toBe(0);
    });

    test("27. missing permissions (403) name the Graph permissions needed", async () => {
        h.server.inject({ kind: "status", status: 403, method: "GET", times: 1 });
        const message = await errorOf(h.flow.create(base));
        expect(message).toMatch(/^GET \/identity\/authenticationEventsFlows: access denied \(403 ServiceUnavailable: Injected fault\) \(request-id [0-9a-f-]{36}\)\. The identity needs the Microsoft Graph application permissions EventListener\.ReadWrite\.All and IdentityUserFlow\.ReadWrite\.All in tenant 11111111-2222-4333-8444-555555555555$/);
    });
});
