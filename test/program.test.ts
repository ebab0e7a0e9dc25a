/**
 * The whole program under Pulumi's mocks: exact inputs of the registrations, consent grants and outputs, in both
 * scenarios, and nothing declared when the config is invalid.
 */
import { baseConfig, ProgramFailure, runProgram, type ProgramRun } from "./support/program";
import { parseStackConfig } from "../components/config";
import { SECRET_SIG, SECRET_SIG_VALUE } from "./support/mocks";

const T = {
    app: "azuread:index/applicationRegistration:ApplicationRegistration",
    scope: "azuread:index/applicationPermissionScope:ApplicationPermissionScope",
    role: "azuread:index/applicationAppRole:ApplicationAppRole",
    identifierUri: "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri",
    optionalClaims: "azuread:index/applicationOptionalClaims:ApplicationOptionalClaims",
    sp: "azuread:index/servicePrincipal:ServicePrincipal",
    password: "azuread:index/applicationPassword:ApplicationPassword",
    apiAccess: "azuread:index/applicationApiAccess:ApplicationApiAccess",
    grant: "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
    roleAssignment: "azuread:index/appRoleAssignment:AppRoleAssignment",
    redirectUris: "azuread:index/applicationRedirectUris:ApplicationRedirectUris",
    provider: "pulumi:providers:azuread",
    userFlow: "pulumi-nodejs:dynamic/entra-userflow:UserFlow",
    userFlowApp: "pulumi-nodejs:dynamic/entra-userflow:UserFlowApplication",
    userFlowAttribute: "pulumi-nodejs:dynamic/entra-userflow:UserFlowAttribute",
};
const GRAPH = "00000003-0000-0000-c000-000000000000";
const TENANT = "11111111-2222-3333-4444-555555555555";

/** The ids config.ts derives for the default scopes and roles, recomputed independently of the program. */
const expected = parseStackConfig(baseConfig() as never, { project: "entra-ciam", stack: "test" });
const scopeId = (v: string) => expected.api!.scopes.find((s) => s.value === v)!.id;
const roleId = (v: string) => expected.api!.roles.find((r) => r.value === v)!.id;

describe("signInAndCallApi scenario", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runProgram(baseConfig("signInAndCallApi"));
    });

    test("declares exactly the expected resources", () => {
        const counts: Record<string, number> = {};
        for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
        expect(counts).toEqual({
            [T.provider]: 1,
            "entra-ciam:index:WebApi": 1,
            "entra-ciam:index:WebAppRegistration": 1,
            "entra-ciam:index:WebAppRedirectUris": 1,
            [T.app]: 2,
            [T.identifierUri]: 1,
            [T.scope]: 2,
            [T.role]: 2,
            [T.optionalClaims]: 1,
            [T.sp]: 2,
            [T.password]: 2,
            [T.apiAccess]: 2,
            [T.grant]: 2,
            [T.roleAssignment]: 2,
            [T.redirectUris]: 1,
            "entra-ciam:index:SignUpSignIn": 1,
            [T.userFlow]: 1,
            [T.userFlowApp]: 1,
        });
    });

    test("every tenant resource uses the explicit external-tenant provider", () => {
        const provider = run.named("external-tenant");
        expect(provider.inputs.tenantId).toBe(TENANT);
        const azureadResources = run.resources.filter((r) => r.type.startsWith("azuread:"));
        expect(azureadResources.length).toBeGreaterThan(10);
        for (const r of azureadResources) expect(r.provider).toMatch(/^urn:pulumi:test::entra-ciam::pulumi:providers:azuread::external-tenant::/);
    });

    test("API registration: single tenant, v2 access tokens", () => {
        expect(run.named("api-app").inputs).toEqual({
            displayName: "entra-ciam-test to-do API",
            signInAudience: "AzureADMyOrg",
            requestedAccessTokenVersion: 2,
        });
    });

    test("identifier URI is api:// + the API's client id, on the API application", () => {
        expect(run.named("api-identifier-uri").inputs).toEqual({
            applicationId: "/applications/api-app-object-id",
            identifierUri: "api://api-app-client-id",
        });
        expect(run.outputs.apiIdentifierUri).toBe("api://api-app-client-id");
    });

    test("each scope once, with its stable id and consent texts", () => {
        const scopes = run.byType(T.scope).map((r) => r.inputs);
        expect(scopes).toEqual([
            {
                applicationId: "/applications/api-app-object-id",
                scopeId: scopeId("ToDoList.Read"),
                value: "ToDoList.Read",
                type: "User",
                adminConsentDisplayName: "Read users' to-do items",
                adminConsentDescription: "Allows the app to read the signed-in user's to-do items.",
                userConsentDisplayName: "Read your to-do items",
                userConsentDescription: "Allows the app to read your to-do items.",
            },
            {
                applicationId: "/applications/api-app-object-id",
                scopeId: scopeId("ToDoList.ReadWrite"),
                value: "ToDoList.ReadWrite",
                type: "User",
                adminConsentDisplayName: "Read and write users' to-do items",
                adminConsentDescription: "Allows the app to read, add and delete the signed-in user's to-do items.",
                userConsentDisplayName: "Read and write your to-do items",
                userConsentDescription: "Allows the app to read, add and delete your to-do items.",
            },
        ]);
    });

    test("each role once, with its stable id and member types", () => {
        expect(run.byType(T.role).map((r) => r.inputs)).toEqual([
            {
                applicationId: "/applications/api-app-object-id",
                roleId: roleId("ToDoList.Read.All"),
                value: "ToDoList.Read.All",
                displayName: "Read all to-do items",
                description: "Allows the app to read every user's to-do items without a signed-in user.",
                allowedMemberTypes: ["Application"],
            },
            {
                applicationId: "/applications/api-app-object-id",
                roleId: roleId("ToDoList.ReadWrite.All"),
                value: "ToDoList.ReadWrite.All",
                displayName: "Read and write all to-do items",
                description: "Allows the app to read, add and delete every user's to-do items without a signed-in user.",
                allowedMemberTypes: ["Application"],
            },
        ]);
    });

    test("idtyp is an optional claim of access tokens", () => {
        expect(run.named("api-optional-claims").inputs).toEqual({
            applicationId: "/applications/api-app-object-id",
            accessTokens: [{ name: "idtyp", essential: false }],
        });
    });

    test("the API and the web app each have a service principal", () => {
        expect(run.named("api-sp").inputs).toEqual({ clientId: "api-app-client-id", appRoleAssignmentRequired: false });
        expect(run.named("web-sp").inputs).toEqual({ clientId: "web-app-client-id" });
    });

    test("client registration: confidential web app without implicit grant", () => {
        expect(run.named("web-app").inputs).toEqual({
            displayName: "entra-ciam-test web app",
            signInAudience: "AzureADMyOrg",
            implicitAccessTokenIssuanceEnabled: false,
            implicitIdTokenIssuanceEnabled: false,
        });
    });

    test("required access: Graph openid + offline_access; the API's scopes and application roles", () => {
        expect(run.named("web-graph-access").inputs).toEqual({
            applicationId: "/applications/web-app-object-id",
            apiClientId: GRAPH,
            scopeIds: ["37f7f235-527c-4136-accd-4a02d197296e", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182"],
        });
        expect(run.named("web-api-access").inputs).toEqual({
            applicationId: "/applications/web-app-object-id",
            apiClientId: "api-app-client-id",
            scopeIds: [scopeId("ToDoList.Read"), scopeId("ToDoList.ReadWrite")],
            roleIds: [roleId("ToDoList.Read.All"), roleId("ToDoList.ReadWrite.All")],
        });
    });

    test("admin consent: delegated grants carry exactly the expected scopes", () => {
        expect(run.named("web-graph-consent").inputs).toEqual({
            servicePrincipalObjectId: "web-sp-object-id",
            resourceServicePrincipalObjectId: `sp-of-${GRAPH}`,
            claimValues: ["openid", "offline_access"],
        });
        expect(run.named("web-api-consent").inputs).toEqual({
            servicePrincipalObjectId: "web-sp-object-id",
            resourceServicePrincipalObjectId: "api-sp-object-id",
            claimValues: ["ToDoList.Read", "ToDoList.ReadWrite"],
        });
        expect(run.invokes.filter((i) => i.token === "azuread:index/getServicePrincipal:getServicePrincipal").map((i) => i.inputs.clientId)).toEqual([GRAPH]);
    });

    test("app-role assignments point at the API's role ids", () => {
        expect(run.byType(T.roleAssignment).map((r) => r.inputs)).toEqual([
            { appRoleId: roleId("ToDoList.Read.All"), principalObjectId: "web-sp-object-id", resourceObjectId: "api-sp-object-id" },
            { appRoleId: roleId("ToDoList.ReadWrite.All"), principalObjectId: "web-sp-object-id", resourceObjectId: "api-sp-object-id" },
        ]);
    });

    test("two client secrets: the current window's and the previous one's, each expiring a lifetime after its window starts", () => {
        const secret = parseStackConfig(baseConfig() as never, { project: "entra-ciam", stack: "test" }).clientSecret;
        const previous = secret.previous!;
        expect(previous.index).toBe(secret.current.index - 1);
        const expectedInputs = (w: typeof previous) => ({
            applicationId: "/applications/web-app-object-id",
            displayName: `rotation window from ${w.start}`,
            endDate: w.endDate,
            rotateWhenChanged: { rotationWindowStart: w.start },
        });
        expect(run.named(`web-secret-${secret.current.slot}`).inputs).toEqual(expectedInputs(secret.current));
        expect(run.named(`web-secret-${previous.slot}`).inputs).toEqual(expectedInputs(previous));
        expect(secret.rotationWindowStart).toBe(secret.current.start);
        expect(secret.endDate).toBe(secret.current.endDate);
    });

    test("the secret output is the current window's password, secret, and never part of a plain output", () => {
        const secret = parseStackConfig(baseConfig() as never, { project: "entra-ciam", stack: "test" }).clientSecret;
        expect(run.secretOutputs).toEqual(new Set(["webClientSecret"]));
        expect(run.outputs.webClientSecret).toBe(`web-secret-${secret.current.slot}-${secret.current.start}-value-not-for-display`);
        const plain = JSON.stringify(Object.entries(run.outputs).filter(([k]) => k !== "webClientSecret"));
        expect(plain).not.toContain("value-not-for-display");
    });

    test("redirect URIs: the local sign-in and post-logout URLs on the web platform", () => {
        expect(run.named("web-web").inputs).toEqual({
            applicationId: "/applications/web-app-object-id",
            type: "Web",
            redirectUris: ["http://localhost:3000/auth/redirect", "http://localhost:3000/"],
        });
    });

    test("the user flow comes from config and the web app is linked to it", () => {
        const flow = run.named("signup-signin-flow");
        expect(flow.inputs).toMatchObject({
            tenantId: TENANT,
            displayName: "entra-ciam-test sign-up and sign-in",
            signUpAllowed: true,
            identityProviders: ["EmailPassword-OAUTH"],
            attributes: [{ attribute: "displayName", label: "Display Name", required: true, inputType: "text", options: [] }],
        });
        expect(run.named("signup-signin-app").inputs).toMatchObject({ tenantId: TENANT, userFlowId: "signup-signin-flow-id", appId: "web-app-client-id" });
        expect(run.outputs.userFlowId).toBe("signup-signin-flow-id");
    });

    test("outputs", () => {
        expect(run.outputs).toMatchObject({
            tenantId: TENANT,
            subdomain: "contoso",
            authority: "https://contoso.ciamlogin.com/",
            scenario: "signInAndCallApi",
            webClientId: "web-app-client-id",
            apiClientId: "api-app-client-id",
            apiIdentifierUri: "api://api-app-client-id",
            apiScopeUris: ["api://api-app-client-id/ToDoList.Read", "api://api-app-client-id/ToDoList.ReadWrite"],
            apiRoles: ["ToDoList.Read.All", "ToDoList.ReadWrite.All"],
            webRedirectUris: ["http://localhost:3000/auth/redirect", "http://localhost:3000/"],
            webAppEnv: {
                AUTHORITY: "https://contoso.ciamlogin.com/",
                CLIENT_ID: "web-app-client-id",
                REDIRECT_URI: "http://localhost:3000/auth/redirect",
                POST_LOGOUT_REDIRECT_URI: "http://localhost:3000/",
                KNOWN_AUTHORITIES: `contoso.ciamlogin.com,${TENANT}.ciamlogin.com`,
                API_BASE_URL: "http://localhost:3001",
                API_SCOPES: "api://api-app-client-id/ToDoList.Read api://api-app-client-id/ToDoList.ReadWrite",
            },
            apiEnv: { AUTHORITY: "https://contoso.ciamlogin.com/", TENANT_ID: TENANT, API_CLIENT_ID: "api-app-client-id" },
        });
    });
});

describe("signIn scenario", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runProgram(baseConfig("signIn"));
    });

    test("declares no API resources", () => {
        expect(run.resources.filter((r) => r.name.startsWith("api"))).toEqual([]);
        expect(run.byType(T.app).map((r) => r.name)).toEqual(["web-app"]);
        for (const t of [T.scope, T.role, T.identifierUri, T.optionalClaims, T.roleAssignment]) expect(run.byType(t)).toEqual([]);
    });

    test("the web app still gets Graph openid + offline_access with admin consent", () => {
        expect(run.byType(T.apiAccess).map((r) => r.name)).toEqual(["web-graph-access"]);
        expect(run.byType(T.grant).map((r) => [r.name, r.inputs.claimValues])).toEqual([["web-graph-consent", ["openid", "offline_access"]]]);
    });

    test("API outputs are absent; the web app env has no API", () => {
        for (const k of ["apiClientId", "apiIdentifierUri", "apiScopeUris", "apiRoles", "apiEnv"]) expect(run.outputs).not.toHaveProperty(k);
        expect(run.outputs.webAppEnv.API_BASE_URL).toBe("");
        expect(run.outputs.webAppEnv.API_SCOPES).toBe("");
        expect(run.secretOutputs).toEqual(new Set(["webClientSecret"]));
    });
});

describe("hosted on App Service (bundles built by `npm run build`)", () => {
    let run: ProgramRun;
    let webHost: string;
    let apiHost: string;
    beforeAll(async () => {
        run = await runProgram({ ...baseConfig("signInAndCallApi"), namePrefix: "contoso", hosting: { location: "westeurope" } });
        const sites = run.byType("azure-native:web:WebApp").map((r) => r.state.defaultHostName as string);
        webHost = sites.find((h) => h.startsWith("contoso-web-"))!;
        apiHost = sites.find((h) => h.startsWith("contoso-api-"))!;
    });

    test("one site for the web app and one for the API, named from the prefix", () => {
        expect(run.byType("azure-native:web:WebApp")).toHaveLength(2);
        expect(webHost).toMatch(/^contoso-web-[0-9a-f]{10}\.azurewebsites\.net$/);
        expect(apiHost).toMatch(/^contoso-api-[0-9a-f]{10}\.azurewebsites\.net$/);
    });

    test("the deployed redirect and post-logout URLs join the local ones, after the site exists", () => {
        expect(run.named("web-web").inputs.redirectUris).toEqual([
            "http://localhost:3000/auth/redirect",
            `https://${webHost}/auth/redirect`,
            "http://localhost:3000/",
            `https://${webHost}/`,
        ]);
        expect(run.outputs.webRedirectUris).toEqual(run.named("web-web").inputs.redirectUris);
    });

    test("the sites' settings come from the registrations' outputs", () => {
        const settings = run.resources.filter((r) => r.type === "azure-native:web:WebAppApplicationSettings");
        expect(settings.map((r) => r.name).sort()).toEqual(["hosting-api-settings", "hosting-web-settings"]);
        const web = settings.find((r) => r.name === "hosting-web-settings")!.inputs.properties;
        expect(web).toMatchObject({
            AUTHORITY: "https://contoso.ciamlogin.com/",
            CLIENT_ID: "web-app-client-id",
            REDIRECT_URI: `https://${webHost}/auth/redirect`,
            API_BASE_URL: `https://${apiHost}`,
            API_SCOPES: "api://api-app-client-id/ToDoList.Read api://api-app-client-id/ToDoList.ReadWrite",
        });
        expect(web.CLIENT_SECRET).toMatch(/^@Microsoft\.KeyVault\(SecretUri=https:\/\/.+\.vault\.azure\.net\/secrets\/web-client-secret\/[0-9a-f]{32}\)$/);
        const api = settings.find((r) => r.name === "hosting-api-settings")!.inputs.properties;
        expect(api).toMatchObject({ AUTHORITY: "https://contoso.ciamlogin.com/", TENANT_ID: TENANT, API_CLIENT_ID: "api-app-client-id" });
        // The client secret reaches Azure only as the Key Vault secret's value, marked secret on the wire.
        const holders = run.resources.filter((r) => JSON.stringify(r.inputs).includes(run.outputs.webClientSecret));
        expect(holders.map((r) => [r.type, r.inputs.secretName])).toEqual([["azure-native:keyvault:Secret", "web-client-secret"]]);
        expect(holders[0].inputs.properties[SECRET_SIG]).toBe(SECRET_SIG_VALUE);
    });

    test("site URLs are outputs", () => {
        expect(run.outputs.webUrl).toBe(`https://${webHost}`);
        expect(run.outputs.apiUrl).toBe(`https://${apiHost}`);
    });

    test("Redis by default: the web site's settings carry its endpoint and Entra auth; the URL is a plain output without credentials", () => {
        const web = run.named("hosting-web-settings").inputs.properties;
        expect(web.REDIS_URL).toMatch(/^rediss:\/\/contoso-[0-9a-f]{10}\.westeurope\.redis\.azure\.net:10000$/);
        expect(web.REDIS_AUTH).toBe("entra");
        expect(run.outputs.redisUrl).toBe(web.REDIS_URL);
        expect(run.secretOutputs.has("redisUrl")).toBe(false);
        expect(run.named("hosting-redis").inputs.sku).toEqual({ name: "Balanced_B0" });
        expect(run.named("hosting-redis-db").inputs.accessKeysAuthentication).toBe("Disabled");
        expect(run.named("hosting-plan").inputs.sku).toEqual({ name: "B1", capacity: 1 });
    });
});

describe("hosting config: instances and Redis", () => {
    test("hosting.instances sets the plan's instance count; hosting.redisSku the Redis SKU", async () => {
        const run = await runProgram({ ...baseConfig("signIn"), hosting: { location: "westeurope", sku: "S1", instances: 3, redisSku: "Balanced_B1" } });
        expect(run.named("hosting-plan").inputs.sku).toEqual({ name: "S1", capacity: 3 });
        expect(run.named("hosting-redis").inputs.sku).toEqual({ name: "Balanced_B1" });
    });

    test("hosting.redis false (one instance): no Redis resource, no REDIS_* setting, no redisUrl output", async () => {
        const run = await runProgram({ ...baseConfig("signIn"), hosting: { location: "westeurope", sku: "F1", redis: false } });
        expect(run.resources.filter((r) => r.type.startsWith("azure-native:redisenterprise:"))).toEqual([]);
        expect(Object.keys(run.named("hosting-web-settings").inputs.properties).filter((k) => k.startsWith("REDIS"))).toEqual([]);
        expect(run.outputs).not.toHaveProperty("redisUrl");
    });

    test("several instances without Redis fail before anything is declared", async () => {
        const failure = await runProgram({ ...baseConfig("signIn"), hosting: { location: "westeurope", sku: "S1", instances: 2, redis: false } }).then(() => undefined, (e) => e);
        expect(failure).toBeInstanceOf(ProgramFailure);
        expect(failure.message).toBe(
            "Invalid stack configuration (1 problem):\n" +
            "  - hosting.instances: 2 instances need the shared session store; remove hosting.redis: false, or set hosting.instances to 1",
        );
        expect(failure.resources).toEqual([]);
    });
});

describe("configuration", () => {
    test("custom scopes, roles and URLs flow into the registrations", async () => {
        const run = await runProgram({
            ...baseConfig(),
            namePrefix: "shop",
            redirectUri: "https://shop.example.com/auth/redirect",
            postLogoutRedirectUri: "https://shop.example.com/signed-out",
            apiScopes: [{ value: "Orders.Read", id: "0a1b2c3d-0000-4000-8000-000000000001" }],
            apiRoles: [{ value: "Orders.Admin", allowedMemberTypes: ["User"], id: "0a1b2c3d-0000-4000-8000-000000000002" }],
        });
        expect(run.byType(T.scope).map((r) => [r.inputs.value, r.inputs.scopeId])).toEqual([["Orders.Read", "0a1b2c3d-0000-4000-8000-000000000001"]]);
        expect(run.byType(T.role).map((r) => [r.inputs.value, r.inputs.roleId, r.inputs.allowedMemberTypes])).toEqual([["Orders.Admin", "0a1b2c3d-0000-4000-8000-000000000002", ["User"]]]);
        // A role only users can hold is neither requested as an application permission nor assigned to the client.
        expect(run.named("web-api-access").inputs.roleIds).toEqual([]);
        expect(run.byType(T.roleAssignment)).toEqual([]);
        expect(run.named("web-api-consent").inputs.claimValues).toEqual(["Orders.Read"]);
        expect(run.named("web-web").inputs.redirectUris).toEqual(["https://shop.example.com/auth/redirect", "https://shop.example.com/signed-out"]);
        expect(run.named("web-app").inputs.displayName).toBe("shop web app");
    });

    test("custom attributes become resources whose ids feed the flow's sign-up page", async () => {
        const run = await runProgram({
            ...baseConfig("signIn"),
            userFlow: {
                displayName: "Contoso",
                signUpAllowed: false,
                identityProviders: ["emailOtp"],
                customAttributes: [{ name: "FavoriteColor", dataType: "string", description: "Favourite colour" }],
                attributes: [{ attribute: "FavoriteColor", label: "Colour", required: true }, "city"],
            },
        });
        expect(run.byType(T.userFlowAttribute).map((r) => [r.name, r.inputs.displayName, r.inputs.dataType])).toEqual([
            ["signup-signin-attr-FavoriteColor", "FavoriteColor", "string"],
        ]);
        expect(run.named("signup-signin-flow").inputs).toMatchObject({
            displayName: "Contoso",
            signUpAllowed: false,
            identityProviders: ["EmailOtpSignup-OAUTH"],
            attributes: [
                { attribute: "signup-signin-attr-FavoriteColor-id", label: "Colour", required: true, inputType: "text", dataType: "string" },
                { attribute: "city", label: "City", required: false, inputType: "text" },
            ],
        });
    });

    test("scope and role ids are the same on every run", async () => {
        const a = await runProgram(baseConfig());
        const b = await runProgram(baseConfig());
        const ids = (r: ProgramRun) => [...r.byType(T.scope).map((x) => x.inputs.scopeId), ...r.byType(T.role).map((x) => x.inputs.roleId)];
        expect(ids(a)).toEqual(ids(b));
        expect(new Set(ids(a)).size).toBe(4);
    });

    test("an invalid config declares nothing and names every problem", async () => {
        const failure = await runProgram({ ...baseConfig(), tenantId: "not-a-guid", scenario: "signUp" }).then(() => undefined, (e) => e);
        expect(failure).toBeInstanceOf(ProgramFailure);
        // A RunError: Pulumi prints its message without a stack trace.
        expect(require("@pulumi/pulumi").RunError.isInstance(failure.cause)).toBe(true);
        expect(failure.message).toBe(
            "Invalid stack configuration (2 problems):\n" +
            '  - tenantId: "not-a-guid" is not a GUID (expected the form 00000000-0000-0000-0000-000000000000)\n' +
            '  - scenario: "signUp" is not one of "signIn", "signInAndCallApi"',
        );
        expect(failure.resources).toEqual([]);
    });

    test("a misspelt key is reported before anything is declared", async () => {
        const failure = runProgram({ ...baseConfig(), scenaro: "signIn" });
        await expect(failure).rejects.toThrow("scenaro is not a known setting of this project");
    });
});
