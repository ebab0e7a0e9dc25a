/** AppServiceHosting under Pulumi's mocks: exact site settings, role assignments, Key Vault references, package. */
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import type { AppServiceHostingArgs } from "../../components/appService";
import { fixtureBundle, randomHex, runHosting, secretVersion, SECRET_SIG, SECRET_SIG_VALUE, SUBSCRIPTION, TENANT, WORKFORCE_TENANT, type HostingRun, type Recorded } from "./harness";

const AUTHORITY = "https://contoso.ciamlogin.com/";
const CLIENT_SECRET = "not-a-real-secret";
const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-contoso-dev`;
const ROLE = (guid: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const BLOB_READER = ROLE("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1");
const TABLE_CONTRIBUTOR = ROLE("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3");
const SECRETS_USER = ROLE("4633458b-17de-408a-b874-0445c86b69e6");
/** The vault's name: the prefix's letters and digits, then the stack's random suffix (fixed under the mocks). */
const VAULT = `kvcontosodev${randomHex("hosting-vault-suffix", 5)}`;

/** The Key Vault reference the site gets: the versioned URI of the secret's current value. */
function versionedReference(run: HostingRun, resourceName: string): string {
    const { secretName, properties } = run.named(resourceName).inputs;
    return `@Microsoft.KeyVault(SecretUri=https://${VAULT}.vault.azure.net/secrets/${secretName}/${secretVersion(properties.value.value)})`;
}

function args(scenario: "api" | "signIn", overrides: Partial<AppServiceHostingArgs> = {}): AppServiceHostingArgs {
    return {
        namePrefix: "contoso-dev",
        location: "westeurope",
        sku: scenario === "api" ? "B1" : "F1",
        nodeVersion: scenario === "api" ? "24-lts" : "22-lts",
        web: {
            clientId: "web-client-id",
            clientSecret: CLIENT_SECRET,
            authority: AUTHORITY,
            tenantId: TENANT,
            apiScopes: scenario === "api" ? ["api://api-client-id/ToDoList.Read", "api://api-client-id/ToDoList.ReadWrite"] : [],
        },
        api: scenario === "api" ? { clientId: "api-client-id", tenantId: TENANT, authority: AUTHORITY } : undefined,
        instances: scenario === "api" ? 2 : undefined,
        redis: scenario === "api" ? { sku: "Balanced_B0" } : undefined,
        packages: { web: fixtureBundle("web"), api: scenario === "api" ? fixtureBundle("api") : undefined },
        ...overrides,
    };
}

/** Every recorded input as text (assets' pending paths show as {}), to search for forbidden strings. */
function allInputsText(run: HostingRun): string {
    return JSON.stringify(run.resources.map((r) => r.inputs));
}

function roleAssignments(run: HostingRun) {
    return run.byType("azure-native:authorization:RoleAssignment")
        .map((r: Recorded): Record<string, any> => ({ name: r.name, ...r.inputs }))
        .sort((a, b) => a.name.localeCompare(b.name));
}

describe("the API scenario (B1, Node 24)", () => {
    let run: HostingRun;
    let unique: string;
    beforeAll(async () => {
        run = await runHosting("hosting", args("api"));
        unique = createHash("sha256").update(RG.toLowerCase()).digest("hex").slice(0, 10);
    });

    test("declares exactly these resources", () => {
        expect(run.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
            "azure-native:authorization:RoleAssignment hosting-api-package-reader",
            "azure-native:authorization:RoleAssignment hosting-api-table-contributor",
            "azure-native:authorization:RoleAssignment hosting-web-package-reader",
            "azure-native:authorization:RoleAssignment hosting-web-secrets-user",
            "azure-native:keyvault:Secret hosting-client-secret",
            "azure-native:keyvault:Secret hosting-session-secret",
            "azure-native:keyvault:Vault hosting-vault",
            "azure-native:redisenterprise:AccessPolicyAssignment hosting-redis-web-access",
            "azure-native:redisenterprise:Database hosting-redis-db",
            "azure-native:redisenterprise:RedisEnterprise hosting-redis",
            "azure-native:resources:ResourceGroup hosting-rg",
            "azure-native:storage:Blob hosting-api-package",
            "azure-native:storage:Blob hosting-web-package",
            "azure-native:storage:BlobContainer hosting-packages",
            "azure-native:storage:StorageAccount hosting-storage",
            "azure-native:storage:Table hosting-todos",
            "azure-native:web:AppServicePlan hosting-plan",
            "azure-native:web:WebApp hosting-api",
            "azure-native:web:WebApp hosting-web",
            "azure-native:web:WebAppApplicationSettings hosting-api-settings",
            "azure-native:web:WebAppApplicationSettings hosting-web-settings",
            "azure-native:web:WebAppFtpAllowed hosting-api-ftp-basic-auth",
            "azure-native:web:WebAppFtpAllowed hosting-web-ftp-basic-auth",
            "azure-native:web:WebAppScmAllowed hosting-api-scm-basic-auth",
            "azure-native:web:WebAppScmAllowed hosting-web-scm-basic-auth",
            "entra-ciam:index:AppServiceHosting hosting",
            "random:index/randomId:RandomId hosting-vault-suffix",
        ]);
        expect(run.invokes.map((i) => i.token)).toEqual(["azure-native:authorization:getClientConfig"]);
    });

    test("a Linux plan with the configured SKU and instance count", () => {
        expect(run.named("hosting-plan").inputs).toEqual({
            name: "asp-contoso-dev", resourceGroupName: "rg-contoso-dev", location: "westeurope",
            kind: "linux", reserved: true, sku: { name: "B1", capacity: 2 },
        });
        expect(run.named("hosting-rg").inputs).toEqual({ resourceGroupName: "rg-contoso-dev", location: "westeurope" });
    });

    test.each(["web", "api"])("the %s site: Node 24 LTS, HTTPS only, TLS 1.2, no FTP, HTTP/2, health check, always on, identity", (label) => {
        const site = run.named(`hosting-${label}`).inputs;
        expect(site.name).toBe(`contoso-dev-${label}-${unique}`);
        expect(site.kind).toBe("app,linux");
        expect(site.httpsOnly).toBe(true);
        expect(site.clientAffinityEnabled).toBe(false);
        expect(site.identity).toEqual({ type: "SystemAssigned" });
        expect(site.serverFarmId).toBe(`${RG}/providers/Microsoft.Web/serverfarms/asp-contoso-dev`);
        expect(site.siteConfig.linuxFxVersion).toBe("NODE|24-lts");
        expect(site.siteConfig.minTlsVersion).toBe("1.2");
        expect(site.siteConfig.scmMinTlsVersion).toBe("1.2");
        expect(site.siteConfig.ftpsState).toBe("Disabled");
        expect(site.siteConfig.http20Enabled).toBe(true);
        expect(site.siteConfig.healthCheckPath).toBe("/healthz");
        expect(site.siteConfig.alwaysOn).toBe(true);
        expect(site.siteConfig.appCommandLine).toBe("node server.js");
        expect(site.siteConfig.remoteDebuggingEnabled).toBe(false);
        // Settings live in their own resource (the redirect URI needs the site's host name).
        expect(site.siteConfig.appSettings).toBeUndefined();
    });

    test("no basic-authentication publishing (SCM or FTP) on either site", () => {
        for (const [type, kind] of [["azure-native:web:WebAppScmAllowed", "scm"], ["azure-native:web:WebAppFtpAllowed", "ftp"]]) {
            const declared = run.byType(type).map((r): [string, unknown] => [r.name, r.inputs]).sort(([a], [b]) => a.localeCompare(b));
            expect(declared).toEqual([
                [`hosting-api-${kind}-basic-auth`, { name: `contoso-dev-api-${unique}`, resourceGroupName: "rg-contoso-dev", allow: false }],
                [`hosting-web-${kind}-basic-auth`, { name: `contoso-dev-web-${unique}`, resourceGroupName: "rg-contoso-dev", allow: false }],
            ]);
        }
    });

    test("storage: private, TLS 1.2, HTTPS only; the package container is private", () => {
        const account = run.named("hosting-storage").inputs;
        expect(account.accountName).toBe(`stcontosodev${unique}`);
        expect(account.allowBlobPublicAccess).toBe(false);
        expect(account.enableHttpsTrafficOnly).toBe(true);
        expect(account.minimumTlsVersion).toBe("TLS1_2");
        expect(account.kind).toBe("StorageV2");
        expect(account.sku).toEqual({ name: "Standard_LRS" });
        expect(run.named("hosting-packages").inputs).toEqual({
            accountName: `stcontosodev${unique}`, containerName: "packages", publicAccess: "None", resourceGroupName: "rg-contoso-dev",
        });
        expect(run.named("hosting-todos").inputs).toEqual({ accountName: `stcontosodev${unique}`, tableName: "todos", resourceGroupName: "rg-contoso-dev" });
    });

    test("role assignments: each site's identity reads the package; the API writes its table; the web app reads its secrets", () => {
        const account = `${RG}/providers/Microsoft.Storage/storageAccounts/stcontosodev${unique}`;
        const container = `${account}/blobServices/default/containers/packages`;
        expect(roleAssignments(run)).toEqual([
            { name: "hosting-api-package-reader", principalId: "hosting-api-principal", principalType: "ServicePrincipal", roleDefinitionId: BLOB_READER, scope: container },
            { name: "hosting-api-table-contributor", principalId: "hosting-api-principal", principalType: "ServicePrincipal", roleDefinitionId: TABLE_CONTRIBUTOR, scope: `${account}/tableServices/default/tables/todos` },
            { name: "hosting-web-package-reader", principalId: "hosting-web-principal", principalType: "ServicePrincipal", roleDefinitionId: BLOB_READER, scope: container },
            { name: "hosting-web-secrets-user", principalId: "hosting-web-principal", principalType: "ServicePrincipal", roleDefinitionId: SECRETS_USER, scope: `${RG}/providers/Microsoft.KeyVault/vaults/${VAULT}` },
        ]);
    });

    test("Key Vault with RBAC in the workforce tenant; both secrets are secret", () => {
        const vault = run.named("hosting-vault").inputs;
        expect(vault.vaultName).toBe(VAULT);
        expect(VAULT).toMatch(/^kvcontosodev[0-9a-f]{10}$/);
        expect(run.named("hosting-vault-suffix").inputs).toEqual({ byteLength: 5 });
        expect(vault.properties.enableSoftDelete).toBe(true);
        expect(vault.properties.softDeleteRetentionInDays).toBe(7);
        expect(vault.properties.tenantId).toBe(WORKFORCE_TENANT);
        expect(vault.properties.enableRbacAuthorization).toBe(true);
        expect(vault.properties.sku).toEqual({ family: "A", name: "standard" });
        expect(vault.properties.accessPolicies).toBeUndefined();
        const client = run.named("hosting-client-secret").inputs;
        expect(client.secretName).toBe("web-client-secret");
        expect(client.properties[SECRET_SIG]).toBe(SECRET_SIG_VALUE);
        expect(client.properties.value).toEqual({ value: CLIENT_SECRET });
        const session = run.named("hosting-session-secret").inputs;
        expect(session.secretName).toBe("web-session-secret");
        expect(session.properties[SECRET_SIG]).toBe(SECRET_SIG_VALUE);
        expect(session.properties.value.value).toMatch(/^[0-9a-f]{64}$/);
    });

    test("the web app's settings come from the registrations and the sites; secrets are Key Vault references", () => {
        const settings = run.named("hosting-web-settings").inputs;
        expect(settings.name).toBe(`contoso-dev-web-${unique}`);
        expect(settings.resourceGroupName).toBe("rg-contoso-dev");
        expect(settings.properties).toEqual({
            AUTHORITY,
            CLIENT_ID: "web-client-id",
            CLIENT_SECRET: versionedReference(run, "hosting-client-secret"),
            SESSION_SECRET: versionedReference(run, "hosting-session-secret"),
            REDIRECT_URI: `https://contoso-dev-web-${unique}.azurewebsites.net/auth/redirect`,
            POST_LOGOUT_REDIRECT_URI: `https://contoso-dev-web-${unique}.azurewebsites.net/`,
            KNOWN_AUTHORITIES: `contoso.ciamlogin.com,${TENANT}.ciamlogin.com`,
            API_BASE_URL: `https://contoso-dev-api-${unique}.azurewebsites.net`,
            API_SCOPES: "api://api-client-id/ToDoList.Read api://api-client-id/ToDoList.ReadWrite",
            REDIS_URL: `rediss://contoso-dev-${unique}.westeurope.redis.azure.net:10000`,
            REDIS_AUTH: "entra",
            WEBSITE_RUN_FROM_PACKAGE: `https://stcontosodev${unique}.blob.core.windows.net/packages/${run.hosting.webPackageName}`,
            WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: "SystemAssigned",
        });
        expect(run.outputs.webAppSettings).toEqual(settings.properties);
    });

    test("the settings are not secret (Key Vault references only) while the secret values stay secret", async () => {
        expect(await run.pulumi.isSecret(run.hosting.webAppSettings)).toBe(false);
        expect(await run.pulumi.isSecret(run.hosting.apiAppSettings!)).toBe(false);
        expect(run.named("hosting-web-settings").inputs.properties[SECRET_SIG]).toBeUndefined();
    });

    test("the API's settings: tenant, audience, its table through its identity", () => {
        const settings = run.named("hosting-api-settings").inputs;
        expect(settings.name).toBe(`contoso-dev-api-${unique}`);
        expect(settings.properties).toEqual({
            AUTHORITY,
            TENANT_ID: TENANT,
            API_CLIENT_ID: "api-client-id",
            TODO_TABLE_ENDPOINT: `https://stcontosodev${unique}.table.core.windows.net/`,
            TODO_TABLE_NAME: "todos",
            WEBSITE_RUN_FROM_PACKAGE: `https://stcontosodev${unique}.blob.core.windows.net/packages/${run.hosting.apiPackageName}`,
            WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: "SystemAssigned",
        });
    });

    test("no secret value and no SAS anywhere in the settings or any recorded input", () => {
        const settingsText = JSON.stringify([run.named("hosting-web-settings").inputs, run.named("hosting-api-settings").inputs]);
        expect(settingsText).not.toContain(CLIENT_SECRET);
        expect(settingsText).not.toContain(run.named("hosting-session-secret").inputs.properties.value.value);
        const everything = allInputsText(run);
        expect(everything).not.toContain("sig=");
        expect(everything).not.toContain("?sv=");
        expect(everything).not.toContain("SharedAccessSignature");
        expect(everything).not.toContain("AccountKey=");
    });

    test("the package blobs: content-addressed names, the zips the program wrote", async () => {
        for (const label of ["web", "api"] as const) {
            const blob = run.named(`hosting-${label}-package`).inputs;
            const zipPath = await blob.source.path;
            const bytes = readFileSync(zipPath);
            const hash = createHash("sha256").update(bytes).digest("hex");
            expect(blob.blobName).toBe(`${label}-${hash.slice(0, 16)}.zip`);
            expect(blob.containerName).toBe("packages");
            expect(blob.accountName).toBe(`stcontosodev${unique}`);
            expect(blob.type).toBe("Block");
            expect(blob.contentType).toBe("application/zip");
        }
        expect(run.hosting.webPackageName).toBe(run.named("hosting-web-package").inputs.blobName);
    });

    test("outputs: URLs and the deployed redirect URIs", () => {
        expect(run.outputs).toMatchObject({
            webUrl: `https://contoso-dev-web-${unique}.azurewebsites.net`,
            apiUrl: `https://contoso-dev-api-${unique}.azurewebsites.net`,
            webHostName: `contoso-dev-web-${unique}.azurewebsites.net`,
            redirectUri: `https://contoso-dev-web-${unique}.azurewebsites.net/auth/redirect`,
            postLogoutRedirectUri: `https://contoso-dev-web-${unique}.azurewebsites.net/`,
        });
    });
});

describe("the sign-in-only scenario (F1, Node 22)", () => {
    let run: HostingRun;
    let unique: string;
    beforeAll(async () => {
        run = await runHosting("hosting", args("signIn"));
        unique = createHash("sha256").update(RG.toLowerCase()).digest("hex").slice(0, 10);
    });

    test("one site, no table, no API settings", () => {
        expect(run.byType("azure-native:web:WebApp").map((r) => r.name)).toEqual(["hosting-web"]);
        expect(run.byType("azure-native:storage:Table")).toEqual([]);
        expect(run.byType("azure-native:storage:Blob").map((r) => r.name)).toEqual(["hosting-web-package"]);
        expect(run.byType("azure-native:web:WebAppApplicationSettings").map((r) => r.name)).toEqual(["hosting-web-settings"]);
        expect(run.outputs.apiUrl).toBeUndefined();
        expect(run.hosting.apiAppSettings).toBeUndefined();
    });

    test("no Redis: one instance, no REDIS_* settings, no Redis resource", () => {
        expect(run.named("hosting-plan").inputs.sku).toEqual({ name: "F1", capacity: 1 });
        expect(run.resources.filter((r) => r.type.startsWith("azure-native:redisenterprise:"))).toEqual([]);
        expect(Object.keys(run.outputs.webAppSettings).filter((k) => k.startsWith("REDIS"))).toEqual([]);
        expect(run.hosting.redisUrl).toBeUndefined();
    });

    test("Node 22, and no Always On on the Free tier", () => {
        const site = run.named("hosting-web").inputs;
        expect(site.siteConfig.linuxFxVersion).toBe("NODE|22-lts");
        expect(site.siteConfig.alwaysOn).toBe(false);
        expect(site.httpsOnly).toBe(true);
        expect(site.identity).toEqual({ type: "SystemAssigned" });
        expect(run.named("hosting-plan").inputs.sku).toEqual({ name: "F1", capacity: 1 });
    });

    test("settings without API_BASE_URL or API_SCOPES; the same Key Vault references", () => {
        expect(run.named("hosting-web-settings").inputs.properties).toEqual({
            AUTHORITY,
            CLIENT_ID: "web-client-id",
            CLIENT_SECRET: versionedReference(run, "hosting-client-secret"),
            SESSION_SECRET: versionedReference(run, "hosting-session-secret"),
            REDIRECT_URI: `https://contoso-dev-web-${unique}.azurewebsites.net/auth/redirect`,
            POST_LOGOUT_REDIRECT_URI: `https://contoso-dev-web-${unique}.azurewebsites.net/`,
            KNOWN_AUTHORITIES: `contoso.ciamlogin.com,${TENANT}.ciamlogin.com`,
            WEBSITE_RUN_FROM_PACKAGE: `https://stcontosodev${unique}.blob.core.windows.net/packages/${run.hosting.webPackageName}`,
            WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: "SystemAssigned",
        });
        expect(roleAssignments(run).map((r) => [r.name, r.roleDefinitionId])).toEqual([
            ["hosting-web-package-reader", BLOB_READER],
            ["hosting-web-secrets-user", SECRETS_USER],
        ]);
        expect(allInputsText(run)).not.toContain("sig=");
    });
});

describe("explicit Azure tenant and known authorities; bad input", () => {
    test("uses the given tenant and subscription without asking the provider", async () => {
        const run = await runHosting("hosting", args("signIn", {
            azure: { tenantId: "tttttttt-0000-4000-8000-000000000000", subscriptionId: "ssssssss-0000-4000-8000-000000000000" },
            web: { ...args("signIn").web, knownAuthorities: ["login.example.test"] },
        }));
        expect(run.invokes).toEqual([]);
        expect(run.named("hosting-vault").inputs.properties.tenantId).toBe("tttttttt-0000-4000-8000-000000000000");
        expect(run.named("hosting-web-secrets-user").inputs.roleDefinitionId).toBe(
            "/subscriptions/ssssssss-0000-4000-8000-000000000000/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
        );
        expect(run.outputs.webAppSettings.KNOWN_AUTHORITIES).toBe("login.example.test");
    });

    test("rejects a bad name prefix, runtime or a missing API bundle, naming the argument", async () => {
        await expect(runHosting("bad", args("signIn", { namePrefix: "Bad_Prefix" }))).rejects.toThrow(
            'AppServiceHosting: namePrefix "Bad_Prefix" must be 3-20 lower-case letters, digits or hyphens, starting with a letter',
        );
        await expect(runHosting("bad", args("signIn", { nodeVersion: "20-lts" as never }))).rejects.toThrow(
            'AppServiceHosting: nodeVersion "20-lts" is not one of 22-lts, 24-lts',
        );
        await expect(runHosting("bad", args("api", { packages: { web: fixtureBundle("web") } }))).rejects.toThrow(
            "AppServiceHosting: packages.api (the API bundle folder) is required when api is set",
        );
    });
});

describe("Azure Managed Redis for sessions and token caches (Entra auth, no keys)", () => {
    let run: HostingRun;
    let unique: string;
    beforeAll(async () => {
        run = await runHosting("hosting", args("api"));
        unique = createHash("sha256").update(RG.toLowerCase()).digest("hex").slice(0, 10);
    });

    test("the cluster: Azure Managed Redis, TLS 1.2, highly available, in the stack's region", () => {
        expect(run.named("hosting-redis").inputs).toEqual({
            clusterName: `contoso-dev-${unique}`,
            resourceGroupName: "rg-contoso-dev",
            location: "westeurope",
            sku: { name: "Balanced_B0" },
            minimumTlsVersion: "1.2",
            highAvailability: "Enabled",
            publicNetworkAccess: "Enabled",
        });
    });

    test("the database: TLS only, access keys disabled, one endpoint for a plain client, no silent eviction", () => {
        expect(run.named("hosting-redis-db").inputs).toEqual({
            clusterName: `contoso-dev-${unique}`,
            databaseName: "default",
            resourceGroupName: "rg-contoso-dev",
            clientProtocol: "Encrypted",
            port: 10000,
            clusteringPolicy: "EnterpriseCluster",
            evictionPolicy: "NoEviction",
            accessKeysAuthentication: "Disabled",
        });
    });

    test("the web site's identity, and only it, gets the default access policy", () => {
        expect(run.byType("azure-native:redisenterprise:AccessPolicyAssignment").map((r) => r.inputs)).toEqual([{
            accessPolicyAssignmentName: "webapp",
            accessPolicyName: "default",
            clusterName: `contoso-dev-${unique}`,
            databaseName: "default",
            resourceGroupName: "rg-contoso-dev",
            user: { objectId: "hosting-web-principal" },
        }]);
    });

    test("the web site's settings carry the endpoint and the auth mode, never a credential", () => {
        const settings = run.named("hosting-web-settings").inputs.properties;
        expect(settings.REDIS_URL).toBe(`rediss://contoso-dev-${unique}.westeurope.redis.azure.net:10000`);
        expect(new URL(settings.REDIS_URL)).toMatchObject({ protocol: "rediss:", username: "", password: "" });
        expect(settings.REDIS_AUTH).toBe("entra");
        expect(run.outputs.webAppSettings.REDIS_URL).toBe(settings.REDIS_URL);
        expect(run.named("hosting-api-settings").inputs.properties).not.toHaveProperty("REDIS_URL");
    });

    test("no key is ever asked for or stored: no key listing invoke, no key-like input anywhere", () => {
        expect(run.invokes.map((i) => i.token)).toEqual(["azure-native:authorization:getClientConfig"]);
        const everything = allInputsText(run);
        for (const word of ["listDatabaseKeys", "primaryKey", "secondaryKey", "accessKey\"", "password="]) expect(everything).not.toContain(word);
        const redisState = JSON.stringify(run.resources.filter((r) => r.type.startsWith("azure-native:redisenterprise:")).map((r) => r.state));
        expect(redisState).not.toMatch(/primaryKey|secondaryKey/);
    });

    test("the web site's settings are written only after its role and Redis access assignments exist", () => {
        expect(run.dependsOn.get("hosting-web-settings")).toEqual(["hosting-web-package-reader", "hosting-web-secrets-user", "hosting-redis-web-access"]);
        expect(run.dependsOn.get("hosting-api-settings")).toEqual(["hosting-api-package-reader", "hosting-api-table-contributor"]);
    });

    test("several instances without Redis are refused, naming the argument", async () => {
        await expect(runHosting("bad", args("signIn", { instances: 2 }))).rejects.toThrow(
            "AppServiceHosting: 2 instances need redis (the shared session store)",
        );
        await expect(runHosting("bad", args("signIn", { instances: 0 }))).rejects.toThrow(
            "AppServiceHosting: instances 0 must be a whole number, at least 1",
        );
    });
});

describe("destroy, then up again within Key Vault's soft-delete retention", () => {
    test("the re-created stack gets a new vault name (the old one stays reserved while soft-deleted); every other name is the same", async () => {
        const first = await runHosting("hosting", args("api"), { randomSeed: "first life" });
        const second = await runHosting("hosting", args("api"), { randomSeed: "after destroy" });
        const names = (run: HostingRun) => Object.fromEntries(run.resources
            .filter((r) => r.type.startsWith("azure-native:"))
            .map((r) => [r.name, r.inputs.vaultName ?? r.inputs.accountName ?? r.inputs.clusterName ?? r.inputs.resourceGroupName]));
        const before = names(first);
        const after = names(second);
        expect(after["hosting-vault"]).toMatch(/^kvcontosodev[0-9a-f]{10}$/);
        expect(after["hosting-vault"]).not.toBe(before["hosting-vault"]);
        const inVault = ["hosting-vault", "hosting-client-secret", "hosting-session-secret"];
        expect(after["hosting-client-secret"]).toBe(after["hosting-vault"]);
        const others = (n: Record<string, string>) => Object.entries(n).filter(([k]) => !inVault.includes(k));
        expect(others(after)).toEqual(others(before));
        expect(others(after).length).toBeGreaterThan(10);
        // Only a new vault takes the name; an existing stack's vault (named before the suffix existed) is kept.
        expect(second.ignoreChanges.get("hosting-vault")).toEqual(["vaultName"]);
        // The settings follow the new vault.
        expect(second.named("hosting-web-settings").inputs.properties.CLIENT_SECRET).toContain(`https://${after["hosting-vault"]}.vault.azure.net/`);
    });
});

describe("the web app accepts the settings the program writes (the contract, checked against its own parser)", () => {
    let run: HostingRun;
    beforeAll(async () => {
        run = await runHosting("hosting", args("api"));
    });

    test("with the Key Vault references resolved: Redis through Entra at the program's endpoint", () => {
        const { parseWebEnv } = require("../../webapp/src/web/config") as typeof import("../../webapp/src/web/config");
        // What Azure and the registration provide: the resolved secrets, a real client id (the fixture's is a name).
        const env = {
            ...run.outputs.webAppSettings, CLIENT_ID: "0a1b2c3d-0000-4000-8000-00000000000a", CLIENT_SECRET: CLIENT_SECRET,
            SESSION_SECRET: "s".repeat(64), WEBSITE_SITE_NAME: "contoso-dev-web",
        };
        const config = parseWebEnv(env);
        expect(config.store).toEqual({ kind: "redis", url: run.outputs.webAppSettings.REDIS_URL, auth: "entra" });
        expect(config.clientSecret).toBe(CLIENT_SECRET);
        expect(config.api?.baseUrl).toBe(run.outputs.apiUrl);
    });

    test("with the references unresolved (Azure still propagating the role assignment): refused, naming both variables", () => {
        const { parseWebEnv } = require("../../webapp/src/web/config") as typeof import("../../webapp/src/web/config");
        let message = "";
        try {
            parseWebEnv({ ...run.outputs.webAppSettings, WEBSITE_SITE_NAME: "contoso-dev-web" });
        } catch (err) {
            message = (err as Error).message;
        }
        expect(message).toContain("CLIENT_SECRET is an unresolved Key Vault reference");
        expect(message).toContain("SESSION_SECRET is an unresolved Key Vault reference");
        expect(message).not.toContain("vault.azure.net");
    });
});
