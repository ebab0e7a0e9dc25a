/**
 * The user-flow resources under Pulumi's mocks: type tokens, exact inputs, wiring from stack config, and the
 * serialized provider (which must read nothing but the environment at call time).
 */
import Module from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { UserFlowConfig } from "../../components/config";

const TENANT = "11111111-2222-4333-8444-555555555555";
const APP = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

interface Recorded {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** Set for an imported resource: the id of the existing object. */
    id?: string;
}
const recorded: Recorded[] = [];

pulumi.runtime.setMocks({
    newResource: (args) => {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, ...(args.id ? { id: args.id } : {}) });
        const id = args.type.endsWith(":UserFlowAttribute") ? `extension_0123456789abcdef0123456789abcdef_${args.inputs.displayName}` : `${args.name}-id`;
        return { id, state: args.inputs };
    },
    call: (args) => {
        throw new Error(`unexpected call ${args.token}`);
    },
}, "entra-ciam", "test", false);

type UserFlowModule = typeof import("../../components/userFlow");
let mod: UserFlowModule;
beforeAll(async () => {
    mod = require("../../components/userFlow") as UserFlowModule;
});

const config: UserFlowConfig = {
    displayName: "Contoso sign-up and sign-in",
    signUpAllowed: true,
    identityProviders: ["EmailPassword-OAUTH"],
    customAttributes: [{ name: "FavoriteColor", dataType: "string", description: "The user's favourite colour" }],
    attributes: [
        { attribute: "displayName", custom: false, label: "Display name", required: true, inputType: "text", options: [] },
        { attribute: "FavoriteColor", custom: true, label: "Favourite colour", required: false, inputType: "radioSingleSelect", options: [{ label: "Red", value: "red" }] },
    ],
};

function output<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("declareUserFlow under mocks", () => {
    let result: ReturnType<UserFlowModule["declareUserFlow"]>;
    beforeAll(async () => {
        result = mod.declareUserFlow("signup", { tenantId: TENANT, config, appClientId: pulumi.output(APP) });
        await output(result.link.id);
    });

    test("declares a component, one attribute, the flow and the link, with these type tokens", () => {
        expect(recorded.map((r) => [r.type, r.name])).toEqual([
            ["entra-ciam:index:SignUpSignIn", "signup"],
            ["pulumi-nodejs:dynamic/entra-userflow:UserFlowAttribute", "signup-attr-FavoriteColor"],
            ["pulumi-nodejs:dynamic/entra-userflow:UserFlow", "signup-flow"],
            ["pulumi-nodejs:dynamic/entra-userflow:UserFlowApplication", "signup-app"],
        ]);
        expect(result.attributes).toHaveLength(1);
    });

    test("the flow's inputs reference the custom attribute's id", () => {
        const { __provider, ...flow } = recorded[2].inputs;
        expect(typeof __provider).toBe("string");
        expect(flow).toEqual({
            tenantId: TENANT,
            displayName: "Contoso sign-up and sign-in",
            signUpAllowed: true,
            identityProviders: ["EmailPassword-OAUTH"],
            attributes: [
                { attribute: "displayName", label: "Display name", required: true, inputType: "text", options: [] },
                { attribute: "extension_0123456789abcdef0123456789abcdef_FavoriteColor", label: "Favourite colour", required: false, inputType: "radioSingleSelect", options: [{ label: "Red", value: "red" }], dataType: "string" },
            ],
            version: "1",
        });
    });

    test("attribute and link inputs", () => {
        const { __provider: p1, ...attr } = recorded[1].inputs;
        expect(attr).toEqual({ tenantId: TENANT, displayName: "FavoriteColor", dataType: "string", description: "The user's favourite colour", version: "1" });
        const { __provider: p2, ...link } = recorded[3].inputs;
        expect(link).toEqual({ tenantId: TENANT, userFlowId: "signup-flow-id", appId: APP, version: "1" });
        expect([typeof p1, typeof p2]).toEqual(["string", "string"]);
    });

    test("outputs", async () => {
        expect(await output(result.flow.id)).toBe("signup-flow-id");
        expect(await output(result.flow.identityProviders)).toEqual(["EmailPassword-OAUTH"]);
        expect(await output(result.link.appId)).toBe(APP);
    });
});

describe("declareUserFlow with userFlow.adopt", () => {
    test("the pinned ids become the adoptId inputs of the flow and of the named attribute; nothing is imported", async () => {
        const before = recorded.length;
        const attrId = "extension_0123456789abcdef0123456789abcdef_FavoriteColor";
        const r = mod.declareUserFlow("adopted", {
            tenantId: TENANT,
            config: { ...config, adopt: { flow: "0f0e0d0c-0b0a-4909-8807-060504030201", attributes: { FavoriteColor: attrId } } },
            appClientId: APP,
        });
        await output(r.link.id);
        const mine = recorded.slice(before);
        expect(mine.map((x) => [x.name, x.id, x.inputs.adoptId])).toEqual([
            ["adopted", undefined, undefined],
            ["adopted-attr-FavoriteColor", undefined, attrId],
            ["adopted-flow", undefined, "0f0e0d0c-0b0a-4909-8807-060504030201"],
            ["adopted-app", undefined, undefined],
        ]);
    });

    test("an attribute called like an inherited name gets no adoptId from Object.prototype", async () => {
        const before = recorded.length;
        const r = mod.declareUserFlow("inherited", {
            tenantId: TENANT,
            config: { ...config, customAttributes: [{ name: "toString", dataType: "string", description: "t" }], attributes: [], adopt: { attributes: {} } },
            appClientId: APP,
        });
        await output(r.link.id);
        const attr = recorded.slice(before).find((x) => x.name === "inherited-attr-toString")!;
        expect(Object.keys(attr.inputs)).not.toContain("adoptId");
    });
});

describe("the app's link waits for what linkDependsOn names", () => {
    test("the link's registration lists the given resource among its dependencies; flow and attributes do not", async () => {
        // The mocks drop dependencies; the monitor's registration requests carry them (as the engine receives them).
        const monitor = pulumi.runtime.getMonitor() as any;
        const deps = new Map<string, string[]>();
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, cb: any) => {
            deps.set(req.getName(), req.getDependenciesList());
            return original(req, cb);
        };
        try {
            class ServicePrincipal extends pulumi.CustomResource {
                constructor(name: string) {
                    super("test:index:ServicePrincipal", name, {});
                }
            }
            const sp = new ServicePrincipal("web-sp");
            const r = mod.declareUserFlow("ordered", { tenantId: TENANT, config, appClientId: APP, linkDependsOn: [sp] });
            await output(r.link.id);
            const spUrn = await output(sp.urn);
            expect(deps.get("ordered-app")).toContain(spUrn);
            expect(deps.get("ordered-flow")).not.toContain(spUrn);
            expect(deps.get("ordered-attr-FavoriteColor")).not.toContain(spUrn);
        } finally {
            monitor.registerResource = original;
        }
    });
});

describe("the serialized provider", () => {
    function load(text: string): any {
        const file = join(__dirname, "..", "..", "components", "userFlow", "__serialized_provider.js");
        const m = new Module(file) as Module & { _compile(code: string, filename: string): void; paths: string[] };
        m.filename = file;
        m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(join(__dirname, "..", ".."));
        m._compile(text, file);
        return (m.exports as { handler: () => any }).handler();
    }
    function realProcessEnv(): NodeJS.ProcessEnv {
        const file = join(__dirname, "__real_process.js");
        const m = new Module(file) as Module & { _compile(code: string, filename: string): void };
        m._compile("module.exports = process.env;", file);
        return m.exports as NodeJS.ProcessEnv;
    }
    const flowText = () => recorded.find((r) => r.name === "signup-flow")!.inputs.__provider as string;

    test("captures no credential, token or environment value", () => {
        const text = flowText();
        // The default provider is built with no options: nothing but code and constants is captured.
        expect(text).toContain("var __opts = {};");
        expect(text).not.toMatch(/standin-|Bearer [A-Za-z0-9]|ARM_CLIENT_SECRET=/);
        expect(text).toContain("process.env");
        expect(text).toContain('require("@microsoft/microsoft-graph-client")');
    });

    test("runs check and diff after deserialization", async () => {
        const provider = load(flowText());
        const checked = await provider.check({}, { tenantId: TENANT, displayName: "F", identityProviders: ["EmailPassword-OAUTH"] });
        expect(checked).toEqual({ inputs: { tenantId: TENANT, displayName: "F", identityProviders: ["EmailPassword-OAUTH"], signUpAllowed: true, attributes: [] }, failures: [] });
        expect(await provider.diff("id", checked.inputs, checked.inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    });

    test("reads GRAPH_BASE_URL and the credential variables at call time", async () => {
        const provider = load(flowText());
        // The deserialized code runs outside jest's sandbox, so it sees the real process environment.
        const env = realProcessEnv();
        const inputs = { tenantId: TENANT, displayName: "F", signUpAllowed: true, identityProviders: ["EmailPassword-OAUTH"], attributes: [] };
        const names = ["GRAPH_BASE_URL", "ARM_USE_OIDC", "ARM_CLIENT_ID", "AZURE_CLIENT_ID", "ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET", "ARM_OIDC_TOKEN", "ARM_OIDC_TOKEN_FILE_PATH", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ARM_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_TOKEN"];
        const saved = Object.fromEntries(names.map((n) => [n, env[n]]));
        try {
            for (const n of names) delete env[n];
            env.GRAPH_BASE_URL = "http://127.0.0.1:1";
            await expect(provider.create(inputs)).rejects.toThrow('GRAPH_BASE_URL "http://127.0.0.1:1" must be an absolute https URL such as https://graph.microsoft.com (the Graph client sends the token only over https)');
            env.GRAPH_BASE_URL = "https://127.0.0.1:1";
            env.ARM_USE_OIDC = "true";
            env.ARM_CLIENT_ID = APP;
            await expect(provider.create(inputs)).rejects.toThrow("ARM_USE_OIDC is set but no OIDC token is available: set ARM_OIDC_TOKEN or ARM_OIDC_TOKEN_FILE_PATH, or run in GitHub Actions with `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN)");
        } finally {
            for (const n of names) {
                if (saved[n] === undefined) delete env[n];
                else env[n] = saved[n];
            }
        }
    });
});
