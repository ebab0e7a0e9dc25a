/**
 * The user-flow providers called directly: input checks, diffs, and each operation against the Graph stand-in with
 * the exact Graph calls it makes.
 */
import {
    checkUserFlow,
    checkUserFlowApplication,
    checkUserFlowAttribute,
    createFlowBody,
    diffUserFlow,
    diffUserFlowApplication,
    diffUserFlowAttribute,
} from "../../components/userFlow/provider";
import { loadContract } from "./contract";
import { APP, type Harness, startHarness, TENANT, untrustTestCertificate } from "./harness";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const CAST = "{cast}/onAuthenticationMethodLoadStart/{cast}";
const OAC = "{cast}/onAttributeCollection/{cast}";

const base = {
    tenantId: TENANT,
    displayName: "Contoso sign-up",
    signUpAllowed: true,
    identityProviders: ["EmailPassword-OAUTH"],
    attributes: [
        { attribute: "displayName", label: "Display name", required: true, inputType: "text", options: [] },
        { attribute: "city", label: "City", required: false, inputType: "text", options: [] },
    ],
    version: "1",
};

describe("checkUserFlow", () => {
    test("applies defaults and accepts a valid flow", () => {
        const { inputs, failures } = checkUserFlow({ tenantId: TENANT, displayName: "F", identityProviders: ["EmailOtpSignup-OAUTH"], attributes: [{ attribute: "city", label: "City" }] });
        expect(failures).toEqual([]);
        expect(inputs).toEqual({
            tenantId: TENANT,
            displayName: "F",
            signUpAllowed: true,
            identityProviders: ["EmailOtpSignup-OAUTH"],
            attributes: [{ attribute: "city", label: "City", required: false, inputType: "text", options: [] }],
        });
    });

    test.each([
        [{ tenantId: "contoso" }, "tenantId", 'tenantId must be the external tenant\'s id (a GUID), got "contoso"'],
        [{ displayName: "" }, "displayName", 'displayName must be a non-empty string of at most 64 characters, got ""'],
        [{ signUpAllowed: "false" }, "signUpAllowed", 'signUpAllowed must be true or false, got "false"'],
        [{ identityProviders: [] }, "identityProviders", 'identityProviders must list at least one identity provider id, e.g. ["EmailPassword-OAUTH"]'],
        [{ identityProviders: ["emailPassword"] }, "identityProviders", 'identityProviders[0]: "emailPassword" is not a Graph identity provider id such as "EmailPassword-OAUTH"'],
        [{ identityProviders: ["Google-OAUTH", "Google-OAUTH"] }, "identityProviders", 'identityProviders[1]: "Google-OAUTH" is listed twice'],
        [{ attributes: [{ attribute: "email", label: "E" }] }, "attributes", 'attributes[0].attribute: "email" is always collected; do not list it'],
        [{ attributes: [{ attribute: "city", label: "C", inputType: "dropdown" }] }, "attributes", 'attributes[0].inputType "dropdown" is not one of text, radioSingleSelect, checkboxMultiSelect, boolean'],
        [{ attributes: [{ attribute: "city", label: "C", inputType: "radioSingleSelect" }] }, "attributes", "attributes[0].options: a radioSingleSelect input needs at least one option"],
        [{ attributes: [{ attribute: "city", label: "" }] }, "attributes", "attributes[0].label must be a non-empty string"],
    ])("rejects %j", (patch, property, reason) => {
        const { failures } = checkUserFlow({ ...base, ...patch });
        expect(failures).toEqual([{ property, reason }]);
    });

    test("does not judge unknown values during preview", () => {
        const { failures, inputs } = checkUserFlow({ ...base, attributes: [{ attribute: UNKNOWN, label: "Colour" }], tenantId: UNKNOWN });
        expect(failures).toEqual([]);
        expect((inputs.attributes as unknown[])[0]).toEqual({ attribute: UNKNOWN, label: "Colour", required: false, inputType: "text", options: [] });
    });

    test("application and attribute checks name the field", () => {
        expect(checkUserFlowApplication({ tenantId: TENANT, userFlowId: "f1", appId: "web" }).failures).toEqual([
            { property: "appId", reason: 'appId must be a GUID (the application\'s client id), got "web"' },
        ]);
        expect(checkUserFlowAttribute({ tenantId: TENANT, displayName: "Favourite colour", dataType: "float" }).failures).toEqual([
            { property: "displayName", reason: 'displayName "Favourite colour" must start with a letter and contain only letters and digits (at most 40)' },
            { property: "dataType", reason: 'dataType "float" is not one of string, boolean, int64' },
        ]);
    });
});

describe("diff", () => {
    const olds = { ...base, createdAt: "2026-01-01T00:00:00.000Z" } as never;

    test("no change: insensitive to list order, inputType case and service defaults", () => {
        const news = {
            ...base,
            identityProviders: ["EmailPassword-OAUTH"],
            attributes: [base.attributes[1], { ...base.attributes[0], inputType: "TEXT" }],
        };
        expect(diffUserFlow(olds, news as never)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    });

    test.each([
        [{ displayName: "Other" }, { changes: true, replaces: [] }],
        [{ signUpAllowed: false }, { changes: true, replaces: [] }],
        [{ identityProviders: ["EmailOtpSignup-OAUTH"] }, { changes: true, replaces: [] }],
        [{ attributes: [base.attributes[0]] }, { changes: true, replaces: [] }],
        [{ attributes: [base.attributes[0], { ...base.attributes[1], required: true }] }, { changes: true, replaces: [] }],
        [{ tenantId: "22222222-2222-4333-8444-555555555555" }, { changes: true, replaces: ["tenantId"] }],
        [{ tenantId: UNKNOWN }, { changes: true, replaces: ["tenantId"] }],
        [{ attributes: [base.attributes[0], { ...base.attributes[1], attribute: UNKNOWN }] }, { changes: true, replaces: [] }],
    ])("%j", (patch, expected) => {
        expect(diffUserFlow(olds, { ...base, ...patch } as never)).toEqual({ ...expected, deleteBeforeReplace: true });
    });

    test("links replace (delete first); attributes update only the description", () => {
        const link = { tenantId: TENANT, userFlowId: "f1", appId: APP };
        expect(diffUserFlowApplication(link, link)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
        expect(diffUserFlowApplication(link, { ...link, userFlowId: "f2" })).toEqual({ changes: true, replaces: ["userFlowId"], deleteBeforeReplace: true });
        const attr = { tenantId: TENANT, displayName: "Hobby", dataType: "string" as const, description: "Your hobby" };
        expect(diffUserFlowAttribute(attr, { ...attr, description: "New" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
        expect(diffUserFlowAttribute(attr, { ...attr, dataType: "int64" })).toEqual({ changes: true, replaces: ["dataType"], deleteBeforeReplace: true });
    });
});

test("the create body validates against the OpenAPI excerpt", () => {
    const body = createFlowBody({ ...base, attributes: [...base.attributes, { attribute: "extension_0123_Hobby", label: "Hobby", inputType: "radioSingleSelect", options: [{ label: "Chess", value: "chess" }] }] } as never);
    expect(loadContract().check("POST", "/identity/authenticationEventsFlows", new URLSearchParams(), body).problems).toEqual([]);
    const broken = { ...body, onInteractiveAuthFlowStart: { "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp", isSignUpAllowed: "true" } };
    expect(loadContract().check("POST", "/identity/authenticationEventsFlows", new URLSearchParams(), broken).problems).toEqual([
        "POST /identity/authenticationEventsFlows: body/onInteractiveAuthFlowStart/isSignUpAllowed must be boolean",
    ]);
});

describe("against the Graph stand-in", () => {
    let h: Harness;
    beforeEach(async () => {
        h = await startHarness();
    });
    afterEach(async () => {
        expect(h.server.violations).toEqual([]);
        await h.server.close();
    });
    afterAll(() => untrustTestCertificate());

    /** What the engine does on `up`: check, diff, and update only when diff says so. */
    async function up(id: string, olds: any, news: any): Promise<any> {
        const checked = await h.flow.check!(olds, news);
        expect(checked.failures).toEqual([]);
        const d = await h.flow.diff!(id, olds, checked.inputs);
        if (!d.changes) return olds;
        return (await h.flow.update!(id, olds, checked.inputs)).outs;
    }

    test("UserFlow create, read, update, delete: exact calls", async () => {
        const created = await h.flow.create(base);
        expect(h.server.calls()).toEqual(["GET /identity/authenticationEventsFlows", "POST /identity/authenticationEventsFlows"]);
        const stored = h.server.flows.get(created.id)!;
        expect(stored.idps).toEqual(["EmailPassword-OAUTH"]);
        expect(stored.attrs).toEqual(["email", "displayName", "city"]);
        expect(stored.inputs.map((i) => [i.attribute, i.label, i.required])).toEqual([["email", "Email Address", true], ["displayName", "Display name", true], ["city", "City", false]]);

        h.server.requests.length = 0;
        const read = await h.flow.read!(created.id, created.outs);
        expect(h.server.calls()).toEqual(["GET /identity/authenticationEventsFlows/{id}"]);
        expect(read.props).toEqual({ ...base, createdAt: created.outs.createdAt });

        h.server.requests.length = 0;
        const renamed = await up(created.id, created.outs, { ...base, displayName: "Renamed" });
        expect(h.server.calls()).toEqual(["PATCH /identity/authenticationEventsFlows/{id}"]);
        expect(h.server.requests[0].body).toEqual({ "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow", displayName: "Renamed" });
        expect(h.server.flows.get(created.id)!.displayName).toBe("Renamed");

        h.server.requests.length = 0;
        const swapped = await up(created.id, renamed, { ...base, displayName: "Renamed", identityProviders: ["EmailOtpSignup-OAUTH"] });
        expect(h.server.calls()).toEqual([
            `POST /identity/authenticationEventsFlows/{id}/${CAST}/identityProviders/$ref`,
            `DELETE /identity/authenticationEventsFlows/{id}/${CAST}/identityProviders/EmailPassword-OAUTH/$ref`,
        ]);
        expect(h.server.flows.get(created.id)!.idps).toEqual(["EmailOtpSignup-OAUTH"]);

        h.server.requests.length = 0;
        const withCountry = await up(created.id, swapped, { ...base, displayName: "Renamed", identityProviders: ["EmailOtpSignup-OAUTH"], attributes: [base.attributes[0], { attribute: "country", label: "Country", required: true }] });
        expect(h.server.calls()).toEqual([
            `POST /identity/authenticationEventsFlows/{id}/${OAC}/attributes/$ref`,
            `DELETE /identity/authenticationEventsFlows/{id}/${OAC}/attributes/city/$ref`,
            "PATCH /identity/authenticationEventsFlows/{id}",
        ]);
        const f = h.server.flows.get(created.id)!;
        expect(f.attrs).toEqual(["email", "displayName", "country"]);
        expect(f.inputs.map((i) => [i.attribute, i.label, i.required])).toEqual([["email", "Email Address", true], ["displayName", "Display name", true], ["country", "Country", true]]);

        h.server.requests.length = 0;
        await h.flow.delete!(created.id, withCountry);
        expect(h.server.calls()).toEqual(["DELETE /identity/authenticationEventsFlows/{id}"]);
        expect(h.server.flows.size).toBe(0);
    });

    test("a no-op up (same inputs), and refresh followed by up, make zero write calls", async () => {
        const created = await h.flow.create(base);
        h.server.requests.length = 0;
        const after = await up(created.id, created.outs, { ...base, attributes: [...base.attributes].reverse() });
        expect(after).toBe(created.outs);
        const refreshed = await h.flow.read!(created.id, created.outs);
        await up(created.id, refreshed.props, base);
        expect(h.server.writes()).toEqual([]);
        expect(h.server.calls()).toEqual(["GET /identity/authenticationEventsFlows/{id}"]);
    });

    test("read falls back to the navigation lists when GET does not expand them", async () => {
        await h.server.close();
        h = await startHarness({ expandNavigation: false });
        const created = await h.flow.create(base);
        h.server.requests.length = 0;
        const read = await h.flow.read!(created.id, created.outs);
        expect(h.server.calls()).toEqual([
            "GET /identity/authenticationEventsFlows/{id}",
            `GET /identity/authenticationEventsFlows/{id}/${CAST}/identityProviders`,
            `GET /identity/authenticationEventsFlows/{id}/${OAC}/attributes`,
        ]);
        expect(read.props).toEqual({ ...base, createdAt: created.outs.createdAt });
    });

    test("UserFlowApplication create, read, delete: one call each", async () => {
        h.server.addApp(APP);
        const flow = await h.flow.create(base);
        h.server.requests.length = 0;
        const link = await h.link.create({ tenantId: TENANT, userFlowId: flow.id, appId: APP.toUpperCase() });
        // createdAt bounds the replication window of read and delete; it is state, not an input.
        expect(link).toEqual({ id: `${flow.id}/${APP}`, outs: { tenantId: TENANT, userFlowId: flow.id, appId: APP, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } });
        const read = await h.link.read!(link.id, link.outs);
        expect(read).toEqual({ id: link.id, props: link.outs, inputs: { tenantId: TENANT, userFlowId: flow.id, appId: APP } });
        await h.link.delete!(link.id, link.outs);
        expect(h.server.calls()).toEqual([
            "POST /identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications",
            "GET /identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications",
            "DELETE /identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications/{appId}",
        ]);
        expect(h.server.flows.get(flow.id)!.apps).toEqual([]);
        expect(await h.link.read!(link.id, link.outs)).toEqual({});
    });

    test("UserFlowAttribute create, read, update, delete", async () => {
        const inputs = (await h.attribute.check!({}, { tenantId: TENANT, displayName: "Hobby", description: "Your hobby" })).inputs;
        const created = await h.attribute.create(inputs);
        expect(created.id).toMatch(/^extension_[0-9a-f]{32}_Hobby$/);
        expect(created.outs).toEqual({ tenantId: TENANT, displayName: "Hobby", dataType: "string", description: "Your hobby", attributeId: created.id, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
        const read = await h.attribute.read!(created.id, created.outs);
        expect(read.props).toEqual(created.outs);
        await h.attribute.update!(created.id, created.outs, { ...inputs, description: "Another hobby" });
        expect(h.server.attributes.get(created.id)!.description).toBe("Another hobby");
        await h.attribute.delete!(created.id, created.outs);
        expect(h.server.attributes.has(created.id)).toBe(false);
        expect(h.server.calls()).toEqual([
            "GET /identity/userFlowAttributes?$filter=displayName eq '…'",
            "POST /identity/userFlowAttributes",
            `GET /identity/userFlowAttributes/${created.id}`,
            `PATCH /identity/userFlowAttributes/${created.id}`,
            `DELETE /identity/userFlowAttributes/${created.id}`,
        ]);
    });

    test("a custom attribute created by the attribute provider can be used by the flow", async () => {
        const attr = await h.attribute.create({ tenantId: TENANT, displayName: "Colour", dataType: "string", description: "Colour" });
        const flow = await h.flow.create({ ...base, attributes: [...base.attributes, { attribute: attr.id, label: "Favourite colour", required: false, inputType: "radioSingleSelect", options: [{ label: "Red", value: "red" }], dataType: "string" }] });
        const read = await h.flow.read!(flow.id, flow.outs);
        expect(read.props.attributes[2]).toEqual({ attribute: attr.id, label: "Favourite colour", required: false, inputType: "radioSingleSelect", options: [{ label: "Red", value: "red" }], dataType: "string" });
        expect(h.server.flows.get(flow.id)!.inputs[3].inputType).toBe("radiosingleselect");
    });
});
