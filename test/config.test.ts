import { CONFIG_KEYS, ConfigError, parseStackConfig, rawFromPulumiConfig, uuidV5 } from "../components/config";

const opts = { project: "entra-ciam", stack: "dev", now: new Date("2026-11-21T12:00:00Z") };
const TENANT = "11111111-2222-3333-4444-555555555555";
const valid = { tenantId: TENANT, subdomain: "contoso", scenario: "signInAndCallApi", hosting: { location: "westeurope" } };

/** The problems reported for a config, or [] when it is valid. */
function problems(raw: Record<string, unknown>): readonly string[] {
    try {
        parseStackConfig(raw as never, opts);
        return [];
    } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
    }
}

describe("bad configs: every problem names the key, the value and what is allowed", () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
        ["missing tenant", { ...valid, tenantId: undefined },
            ["tenantId is required: the external tenant's id (a GUID), e.g. `pulumi config set tenantId 00000000-0000-0000-0000-000000000000`"]],
        ["bad GUID", { ...valid, tenantId: "1234-abcd" },
            ['tenantId: "1234-abcd" is not a GUID (expected the form 00000000-0000-0000-0000-000000000000)']],
        ["missing subdomain", { ...valid, subdomain: "" },
            ["subdomain is required: the tenant's subdomain, as in <subdomain>.ciamlogin.com"]],
        ["subdomain given as a host name", { ...valid, subdomain: "contoso.ciamlogin.com" },
            ['subdomain: "contoso.ciamlogin.com" must be the bare subdomain (lower-case letters, digits and hyphens, e.g. "contoso" for contoso.ciamlogin.com)']],
        ["unknown scenario", { ...valid, scenario: "callApi" },
            ['scenario: "callApi" is not one of "signIn", "signInAndCallApi"']],
        ["duplicate scope value", { ...valid, apiScopes: [{ value: "ToDoList.Read" }, { value: "todolist.read" }] },
            ['apiScopes[1].value: "todolist.read" is a duplicate scope value']],
        ["scope value with spaces", { ...valid, apiScopes: [{ value: "ToDo List.Read" }] },
            ['apiScopes[0].value: "ToDo List.Read" must have no spaces and not start or end with a dot (e.g. "ToDoList.Read")']],
        ["scope without value", { ...valid, apiScopes: [{ adminConsentDisplayName: "x" }] },
            ["apiScopes[0].value is required"]],
        ["empty scope list", { ...valid, apiScopes: [] },
            ["apiScopes: [] must be a non-empty list of scopes"]],
        ["scope id that is not a GUID", { ...valid, apiScopes: [{ value: "A.Read", id: "42" }] },
            ['apiScopes[0].id: "42" must be a GUID']],
        ["duplicate role value", { ...valid, apiRoles: [{ value: "R.All", allowedMemberTypes: ["Application"] }, { value: "R.All", allowedMemberTypes: ["User"] }] },
            ['apiRoles[1].value: "R.All" is a duplicate role value']],
        ["two roles given the same id", { ...valid, apiRoles: [
            { value: "A.All", allowedMemberTypes: ["Application"], id: "0a1b2c3d-0000-4000-8000-000000000003" },
            { value: "B.All", allowedMemberTypes: ["Application"], id: "0A1B2C3D-0000-4000-8000-000000000003" }] },
            ['apiRoles: id "0a1b2c3d-0000-4000-8000-000000000003" is used by more than one role']],
        ["role with no member type", { ...valid, apiRoles: [{ value: "R.All", allowedMemberTypes: [] }] },
            ['apiRoles[0].allowedMemberTypes: [] must list at least one of "Application", "User"']],
        ["role with an unknown member type", { ...valid, apiRoles: [{ value: "R.All", allowedMemberTypes: ["Group"] }] },
            ['apiRoles[0].allowedMemberTypes: "Group" is not one of "Application", "User"']],
        ["scope and role sharing an id", {
            ...valid,
            apiScopes: [{ value: "A.Read", id: "0a1b2c3d-0000-4000-8000-000000000001" }],
            apiRoles: [{ value: "A.All", allowedMemberTypes: ["Application"], id: "0a1b2c3d-0000-4000-8000-000000000001" }],
        }, ['apiScopes/apiRoles: id "0a1b2c3d-0000-4000-8000-000000000001" is used by both a scope and a role']],
        ["API settings in the sign-in-only scenario", { ...valid, scenario: "signIn", apiScopes: [{ value: "A.Read" }] },
            ['apiScopes/apiRoles are set but scenario is "signIn", which declares no API; set scenario to "signInAndCallApi" or remove them']],
        ["non-https redirect other than localhost", { ...valid, redirectUri: "http://contoso.example.com/auth/redirect" },
            ['redirectUri: "http://contoso.example.com/auth/redirect" must use https (http is allowed only for localhost)']],
        ["relative redirect", { ...valid, redirectUri: "/auth/redirect" },
            ['redirectUri: "/auth/redirect" is not an absolute URL; use e.g. "http://localhost:3000/auth/redirect"']],
        ["post-logout URL with a fragment", { ...valid, postLogoutRedirectUri: "https://contoso.example.com/#bye" },
            ['postLogoutRedirectUri: "https://contoso.example.com/#bye" must not contain a fragment (#...)']],
        ["secret lifetime over the platform maximum", { ...valid, clientSecretLifetimeDays: "1000" },
            ["clientSecretLifetimeDays: 1000 exceeds the platform maximum of 730 days"]],
        ["rotation not shorter than lifetime", { ...valid, clientSecretLifetimeDays: "90", clientSecretRotationDays: "90" },
            ["clientSecretRotationDays: 90 must be less than clientSecretLifetimeDays (90), so a new secret exists before the old one expires"]],
        ["lifetime not a whole number", { ...valid, clientSecretLifetimeDays: "six months" },
            ['clientSecretLifetimeDays: "six months" must be a whole number of days greater than 0']],
        ["unknown identity provider", { ...valid, userFlow: { identityProviders: ["github"] } },
            ['userFlow.identityProviders: "github" is not one of emailPassword, emailOtp, google, facebook']],
        ["both local account methods", { ...valid, userFlow: { identityProviders: ["emailPassword", "emailOtp"] } },
            ['userFlow.identityProviders: choose either "emailPassword" or "emailOtp", not both (a flow has one local account method)']],
        ["unknown attribute", { ...valid, userFlow: { attributes: ["favouriteColour"] } },
            ['userFlow.attributes[0].attribute: "favouriteColour" is neither a built-in attribute (email, displayName, givenName, surname, city, country, postalCode, state, streetAddress, jobTitle) nor a name in userFlow.customAttributes']],
        ["bad input type", { ...valid, userFlow: { attributes: [{ attribute: "city", inputType: "dropdown" }] } },
            ['userFlow.attributes[0].inputType: "dropdown" is not one of text, radioSingleSelect, checkboxMultiSelect, boolean']],
        ["radio input without options", { ...valid, userFlow: { attributes: [{ attribute: "country", inputType: "radioSingleSelect" }] } },
            ["userFlow.attributes[0].options: a radioSingleSelect input needs at least one option"]],
        ["custom attribute with a bad name and type", { ...valid, userFlow: { customAttributes: [{ name: "favourite colour", dataType: "date" }] } },
            [
                'userFlow.customAttributes[0].name: "favourite colour" must start with a letter and contain only letters and digits (at most 40)',
                'userFlow.customAttributes[0].dataType: "date" is not one of string, boolean, int64',
            ]],
        ["signUpAllowed not a boolean", { ...valid, userFlow: { signUpAllowed: "yes" } },
            ['userFlow.signUpAllowed: "yes" must be true or false']],
        ["misspelt user-flow setting", { ...valid, userFlow: { identityProvider: ["emailPassword"] } },
            ["userFlow.identityProvider is not a known setting (allowed: displayName, signUpAllowed, identityProviders, customAttributes, attributes, adopt)"]],
        ["adopt pin that is not a GUID", { ...valid, userFlow: { adopt: { flow: "Contoso sign-up" } } },
            ['userFlow.adopt.flow: "Contoso sign-up" is not a GUID (the id of the existing user flow that the ownership error names)']],
        ["adopt not an object", { ...valid, userFlow: { adopt: "0f0e0d0c-0b0a-4909-8807-060504030201" } },
            ['userFlow.adopt: "0f0e0d0c-0b0a-4909-8807-060504030201" must be an object such as {"flow": "<id of the existing flow>", "attributes": {"<name>": "<id of the existing attribute>"}}']],
        ["misspelt adopt setting", { ...valid, userFlow: { adopt: { flows: "0f0e0d0c-0b0a-4909-8807-060504030201" } } },
            ["userFlow.adopt.flows is not a known setting (allowed: flow, attributes)"]],
        ["adopt pin for an attribute that is not declared", { ...valid, userFlow: { customAttributes: [{ name: "Hobby" }], adopt: { attributes: { Hobbies: "extension_0123456789abcdef0123456789abcdef_Hobbies" } } } },
            ['userFlow.adopt.attributes.Hobbies: "Hobbies" is not a name in userFlow.customAttributes (declared: Hobby)']],
        ["inherited object names are not declared attributes", { ...valid, userFlow: { adopt: { attributes: JSON.parse('{"constructor": "x", "__proto__": "y", "toString": "z"}') } } },
            [
                'userFlow.adopt.attributes.constructor: "constructor" is not a name in userFlow.customAttributes (none declared)',
                'userFlow.adopt.attributes.__proto__: "__proto__" is not a name in userFlow.customAttributes (none declared)',
                'userFlow.adopt.attributes.toString: "toString" is not a name in userFlow.customAttributes (none declared)',
            ]],
        ["adopt pin for an attribute that is not its id", { ...valid, userFlow: { customAttributes: [{ name: "Hobby" }], adopt: { attributes: { Hobby: "0f0e0d0c-0b0a-4909-8807-060504030201" } } } },
            ['userFlow.adopt.attributes.Hobby: "0f0e0d0c-0b0a-4909-8807-060504030201" is not the id of a custom attribute named "Hobby" (expected extension_<32 hex digits>_Hobby, as the ownership error names it)']],
        ["adopt pin for an attribute whose id names another attribute", { ...valid, userFlow: { customAttributes: [{ name: "Hobby" }], adopt: { attributes: { Hobby: "extension_0123456789abcdef0123456789abcdef_Age" } } } },
            ['userFlow.adopt.attributes.Hobby: "extension_0123456789abcdef0123456789abcdef_Age" is not the id of a custom attribute named "Hobby" (expected extension_<32 hex digits>_Hobby, as the ownership error names it)']],
        ["adopt attributes not a map", { ...valid, userFlow: { adopt: { attributes: ["extension_0123456789abcdef0123456789abcdef_Age"] } } },
            ['userFlow.adopt.attributes: ["extension_0123456789abcdef0123456789abcdef_Age"] must be an object mapping a userFlow.customAttributes name to the existing attribute\'s id']],
        ["hosting without a location", { ...valid, hosting: {} },
            ['hosting.location is required (an Azure region such as "westeurope"), or set hosting.enabled to false']],
        ["hosting with an unknown SKU and runtime", { ...valid, hosting: { location: "westeurope", sku: "Y1", nodeVersion: "18-lts" } },
            [
                'hosting.sku: "Y1" is not one of F1, B1, B2, B3, S1, S2, S3, P0v3, P1v3, P2v3, P3v3, P1mv3, P2mv3',
                'hosting.nodeVersion: "18-lts" is not one of 22-lts, 24-lts',
            ]],
        ["hosting location written as a display name", { ...valid, hosting: { location: "West Europe" } },
            ['hosting.location: "West Europe" must be an Azure region name such as "westeurope" (lower case, no spaces)']],
        ["inherited object names are not identity providers", { ...valid, userFlow: { identityProviders: ["toString", "constructor", "__proto__"] } },
            [
                'userFlow.identityProviders: "toString" is not one of emailPassword, emailOtp, google, facebook',
                'userFlow.identityProviders: "constructor" is not one of emailPassword, emailOtp, google, facebook',
                'userFlow.identityProviders: "__proto__" is not one of emailPassword, emailOtp, google, facebook',
            ]],
        ["inherited object names are not built-in attributes", { ...valid, userFlow: { attributes: ["constructor", { attribute: "hasOwnProperty" }] } },
            [
                'userFlow.attributes[0].attribute: "constructor" is neither a built-in attribute (email, displayName, givenName, surname, city, country, postalCode, state, streetAddress, jobTitle) nor a name in userFlow.customAttributes',
                'userFlow.attributes[1].attribute: "hasOwnProperty" is neither a built-in attribute (email, displayName, givenName, surname, city, country, postalCode, state, streetAddress, jobTitle) nor a name in userFlow.customAttributes',
            ]],
        ["a custom attribute may be called like an inherited name", { ...valid, userFlow: { customAttributes: [{ name: "valueOf" }], attributes: ["valueOf"] } },
            []],
        ["instances not a whole number", { ...valid, hosting: { location: "westeurope", instances: "two" } },
            ['hosting.instances: "two" must be a whole number of instances, at least 1']],
        ["no instances", { ...valid, hosting: { location: "westeurope", instances: 0 } },
            ["hosting.instances: 0 must be a whole number of instances, at least 1"]],
        ["more instances than a Basic plan runs", { ...valid, hosting: { location: "westeurope", instances: 4 } },
            ["hosting.instances: 4 is more than a B1 plan can run (at most 3); choose a larger hosting.sku or fewer instances"]],
        ["scaling out a Free plan", { ...valid, hosting: { location: "westeurope", sku: "F1", instances: "2" } },
            ["hosting.instances: 2 is more than a F1 plan can run (at most 1); choose a larger hosting.sku or fewer instances"]],
        ["several instances without the shared session store", { ...valid, hosting: { location: "westeurope", sku: "S1", instances: 2, redis: false } },
            ["hosting.instances: 2 instances need the shared session store; remove hosting.redis: false, or set hosting.instances to 1"]],
        ["a retiring or unknown Redis SKU", { ...valid, hosting: { location: "westeurope", redisSku: "Standard_C1" } },
            ['hosting.redisSku: "Standard_C1" is not an Azure Managed Redis SKU (e.g. Balanced_B0, Balanced_B1, MemoryOptimized_M10, ComputeOptimized_X3)']],
        ["redis not a boolean", { ...valid, hosting: { location: "westeurope", redis: "yes" } },
            ['hosting.redis: "yes" must be true or false']],
        ["misspelt hosting setting", { ...valid, hosting: { location: "westeurope", instance: 2 } },
            ["hosting.instance is not a known setting (allowed: enabled, location, sku, nodeVersion, instances, redis, redisSku)"]],
        ["bad name prefix", { ...valid, namePrefix: "My App" },
            ['namePrefix: "My App" must be 3-20 lower-case letters, digits or hyphens, starting with a letter']],
    ];

    test.each(cases)("%s", (_name, raw, expected) => {
        expect(problems(raw)).toEqual(expected);
    });

    test("all problems are reported together, in one message", () => {
        expect(() => parseStackConfig({ tenantId: "x", subdomain: "Contoso", scenario: "both", hosting: { enabled: false } } as never, opts)).toThrow(
            "Invalid stack configuration (3 problems):\n" +
            '  - tenantId: "x" is not a GUID (expected the form 00000000-0000-0000-0000-000000000000)\n' +
            '  - subdomain: "Contoso" must be the bare subdomain (lower-case letters, digits and hyphens, e.g. "contoso" for contoso.ciamlogin.com)\n' +
            '  - scenario: "both" is not one of "signIn", "signInAndCallApi"',
        );
    });
});

describe("valid configs", () => {
    test("defaults", () => {
        // The sign-in experience (social providers, branding) has its own tests.
        const { signInExperience: _signInExperience, ...cfg } = parseStackConfig({ tenantId: TENANT.toUpperCase(), subdomain: "contoso", hosting: { enabled: false } }, opts);
        expect(cfg).toEqual({
            namePrefix: "entra-ciam-dev",
            tenantId: TENANT,
            subdomain: "contoso",
            authority: "https://contoso.ciamlogin.com/",
            scenario: "signIn",
            web: {
                displayName: "entra-ciam-dev web app",
                redirectUri: "http://localhost:3000/auth/redirect",
                postLogoutRedirectUri: "http://localhost:3000/",
            },
            api: undefined,
            clientSecret: {
                lifetimeDays: 180, rotationDays: 90, rotationWindowStart: "2026-09-17", endDate: "2027-03-16T00:00:00Z",
                current: { index: 11, slot: "b", start: "2026-09-17", endDate: "2027-03-16T00:00:00Z" },
                previous: { index: 10, slot: "a", start: "2026-06-19", endDate: "2026-12-16T00:00:00Z" },
            },
            userFlow: {
                displayName: "entra-ciam-dev sign-up and sign-in",
                signUpAllowed: true,
                identityProviders: ["EmailPassword-OAUTH"],
                customAttributes: [],
                attributes: [{ attribute: "displayName", custom: false, label: "Display Name", required: true, inputType: "text", options: [] }],
            },
            hosting: { enabled: false, location: "", sku: "B1", nodeVersion: "24-lts", instances: 1, redis: { enabled: true, sku: "Balanced_B0" } },
        });
    });

    test("default scopes and roles get stable, distinct v5 GUIDs", () => {
        const a = parseStackConfig(valid, opts).api!;
        const b = parseStackConfig(valid, { ...opts, now: new Date("2027-06-01T00:00:00Z") }).api!;
        expect(a.scopes.map((s) => s.value)).toEqual(["ToDoList.Read", "ToDoList.ReadWrite"]);
        expect(a.roles.map((r) => r.value)).toEqual(["ToDoList.Read.All", "ToDoList.ReadWrite.All"]);
        expect(a.scopes.map((s) => s.id)).toEqual(b.scopes.map((s) => s.id));
        expect(a.scopes[0].id).toBe(uuidV5(`${TENANT}/entra-ciam-dev/scope:ToDoList.Read`));
        const ids = [...a.scopes, ...a.roles].map((x) => x.id);
        expect(new Set(ids).size).toBe(4);
        for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    test("uuidV5 matches the RFC 4122 DNS-namespace example", () => {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
        expect(uuidV5("python.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    });

    test("the secret rotates once per window and always outlives the window", () => {
        const at = (iso: string) => parseStackConfig({ ...valid, clientSecretLifetimeDays: "30", clientSecretRotationDays: "10" }, { ...opts, now: new Date(iso) }).clientSecret;
        const first = at("2026-11-21T00:00:00Z");
        expect(at("2026-11-21T23:59:59Z")).toEqual(first);
        const window = Date.parse(first.rotationWindowStart);
        expect(Date.parse(first.endDate) - window).toBe(30 * 86_400_000);
        const next = at(new Date(window + 10 * 86_400_000).toISOString());
        expect(Date.parse(next.rotationWindowStart) - window).toBe(10 * 86_400_000);
        expect(Date.parse(next.rotationWindowStart)).toBeLessThan(Date.parse(first.endDate));
    });

    test("two windows overlap: the previous one's secret is kept while it is valid, in the other slot", () => {
        const at = (iso: string, lifetime = "180") =>
            parseStackConfig({ ...valid, clientSecretLifetimeDays: lifetime, clientSecretRotationDays: "90" }, { ...opts, now: new Date(iso) }).clientSecret;
        const n = at("2027-01-10T00:00:00Z");
        const n1 = at(new Date(Date.parse("2027-01-10T00:00:00Z") + 90 * 86_400_000).toISOString());
        expect(n1.current.index).toBe(n.current.index + 1);
        expect(n1.previous).toEqual(n.current);
        expect(n1.current.slot).not.toBe(n.current.slot);
        expect(n.previous!.slot).toBe(n1.current.slot);
        // A lifetime shorter than two windows: late in a window the previous secret has expired and is not declared.
        const early = at("2026-12-20T00:00:00Z", "100");
        const late = at("2027-03-10T00:00:00Z", "100");
        expect(early.current.index).toBe(late.current.index);
        expect(Date.parse(early.previous!.endDate)).toBeGreaterThan(Date.parse("2026-12-20T00:00:00Z"));
        expect(late.previous).toBeUndefined();
    });

    test("hosting: instances, Redis on by default, off only for one instance", () => {
        const hosting = (h: Record<string, unknown>) => parseStackConfig({ ...valid, hosting: { location: "westeurope", ...h } }, opts).hosting;
        expect(hosting({})).toMatchObject({ instances: 1, redis: { enabled: true, sku: "Balanced_B0" } });
        expect(hosting({ sku: "P1v3", instances: 30, redisSku: "MemoryOptimized_M10" })).toMatchObject({ instances: 30, redis: { enabled: true, sku: "MemoryOptimized_M10" } });
        expect(hosting({ sku: "F1", redis: false })).toMatchObject({ instances: 1, redis: { enabled: false } });
    });

    test("user flow with custom and built-in attributes", () => {
        const cfg = parseStackConfig({
            ...valid,
            userFlow: {
                displayName: "Contoso",
                signUpAllowed: false,
                identityProviders: ["emailOtp", "google"],
                customAttributes: [{ name: "LoyaltyNumber", dataType: "int64", description: "Card number" }, { name: "Newsletter", dataType: "boolean" }],
                attributes: ["city", { attribute: "LoyaltyNumber", label: "Loyalty card", required: true }, "Newsletter",
                    { attribute: "country", inputType: "radioSingleSelect", options: [{ label: "France", value: "FR" }] }],
            },
        }, opts);
        expect(cfg.userFlow).toEqual({
            displayName: "Contoso",
            signUpAllowed: false,
            identityProviders: ["EmailOtpSignup-OAUTH", "Google-OAUTH"],
            customAttributes: [
                { name: "LoyaltyNumber", dataType: "int64", description: "Card number" },
                { name: "Newsletter", dataType: "boolean", description: "Newsletter" },
            ],
            attributes: [
                { attribute: "city", custom: false, label: "City", required: false, inputType: "text", options: [] },
                { attribute: "LoyaltyNumber", custom: true, label: "Loyalty card", required: true, inputType: "text", options: [] },
                { attribute: "Newsletter", custom: true, label: "Newsletter", required: false, inputType: "boolean", options: [] },
                { attribute: "country", custom: false, label: "Country/Region", required: false, inputType: "radioSingleSelect", options: [{ label: "France", value: "FR" }] },
            ],
        });
    });
});

describe("userFlow.adopt", () => {
    test("pins the flow and declared attributes by id (any case); absent when not set", () => {
        const flow = "0F0E0D0C-0B0A-4909-8807-060504030201";
        const hobby = "extension_0123456789ABCDEF0123456789abcdef_hobby";
        const cfg = parseStackConfig({ ...valid, userFlow: { customAttributes: [{ name: "Hobby" }, { name: "Age", dataType: "int64" }], adopt: { flow, attributes: { Hobby: hobby } } } }, opts);
        expect(cfg.userFlow.adopt).toEqual({ flow, attributes: { Hobby: hobby } });
        expect(Object.hasOwn(cfg.userFlow.adopt!.attributes, "Age")).toBe(false);
        expect(parseStackConfig(valid, opts).userFlow).not.toHaveProperty("adopt");
        expect(parseStackConfig({ ...valid, userFlow: { adopt: {} } }, opts).userFlow.adopt).toEqual({ attributes: {} });
    });

    test("a bad pin fails before any resource, with the rest of the config's problems", () => {
        expect(() => parseStackConfig({ ...valid, tenantId: "x", userFlow: { adopt: { flow: "42" } } } as never, opts)).toThrow(
            "Invalid stack configuration (2 problems):\n" +
            '  - tenantId: "x" is not a GUID (expected the form 00000000-0000-0000-0000-000000000000)\n' +
            '  - userFlow.adopt.flow: "42" is not a GUID (the id of the existing user flow that the ownership error names)',
        );
    });
});

describe("rawFromPulumiConfig", () => {
    test("parses structured keys, keeps strings, ignores other namespaces", () => {
        expect(rawFromPulumiConfig({
            "entra-ciam:tenantId": TENANT,
            "entra-ciam:hosting": '{"location":"westeurope"}',
            "azure-native:location": "westeurope",
        }, "entra-ciam")).toEqual({ tenantId: TENANT, hosting: { location: "westeurope" } });
    });

    test("inherited object names are not settings", () => {
        const raw = { "entra-ciam:constructor": "x", "entra-ciam:toString": "y", "entra-ciam:__proto__": "z" };
        const error = (() => { try { rawFromPulumiConfig(raw, "entra-ciam"); return undefined; } catch (e) { return e as ConfigError; } })();
        expect(error).toBeInstanceOf(ConfigError);
        expect(error!.problems.map((p) => p.slice(0, p.indexOf(" (known:")))).toEqual([
            "constructor is not a known setting of this project",
            "toString is not a known setting of this project",
            "__proto__ is not a known setting of this project",
        ]);
    });

    test("rejects unknown keys and unparsable structured values, naming them", () => {
        expect(() => rawFromPulumiConfig({ "entra-ciam:tennantId": TENANT, "entra-ciam:userFlow": "{not json" }, "entra-ciam")).toThrow(
            "Invalid stack configuration (2 problems):\n" +
            `  - tennantId is not a known setting of this project (known: ${Object.keys(CONFIG_KEYS).join(", ")})\n` +
            "  - userFlow: the value is not valid structured config (JSON); set it with `pulumi config set --path` or as a YAML object",
        );
    });
});
