/**
 * Runs the AppServiceHosting component under Pulumi's mocks and records every resource and invoke.
 *
 * The mocks synthesise what Azure would compute (ids, host names, the identities' principal ids, endpoints) from
 * the inputs, deterministically, so tests can assert exact values.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as PulumiType from "@pulumi/pulumi";
import type { AppServiceHosting, AppServiceHostingArgs } from "../../components/appService";

export const SUBSCRIPTION = "99999999-8888-4777-8666-555555555555";
export const WORKFORCE_TENANT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const TENANT = "12345678-1234-4234-8234-123456789abc";

/** How secret values are marked in serialized property values (Pulumi's wire format). */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface Recorded {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly state: Record<string, any>;
}

function armId(type: string, inputs: Record<string, any>): string | undefined {
    const rg = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}`;
    switch (type) {
        case "azure-native:resources:ResourceGroup": return rg;
        case "azure-native:web:AppServicePlan": return `${rg}/providers/Microsoft.Web/serverfarms/${inputs.name}`;
        case "azure-native:web:WebApp": return `${rg}/providers/Microsoft.Web/sites/${inputs.name}`;
        case "azure-native:storage:StorageAccount": return `${rg}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}`;
        case "azure-native:storage:BlobContainer":
            return `${rg}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}/blobServices/default/containers/${inputs.containerName}`;
        case "azure-native:storage:Table":
            return `${rg}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}/tableServices/default/tables/${inputs.tableName}`;
        case "azure-native:keyvault:Vault": return `${rg}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName}`;
        default: return undefined;
    }
}

function synthesise(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "azure-native:resources:ResourceGroup": return { name: inputs.resourceGroupName };
        case "azure-native:web:WebApp":
            return {
                name: inputs.name,
                defaultHostName: `${inputs.name}.azurewebsites.net`,
                identity: { ...inputs.identity, principalId: `${name}-principal`, tenantId: WORKFORCE_TENANT },
            };
        case "azure-native:storage:StorageAccount":
            return {
                name: inputs.accountName,
                primaryEndpoints: {
                    blob: `https://${inputs.accountName}.blob.core.windows.net/`,
                    table: `https://${inputs.accountName}.table.core.windows.net/`,
                },
            };
        case "azure-native:storage:BlobContainer": return { name: inputs.containerName };
        case "azure-native:storage:Table": return { name: inputs.tableName };
        case "azure-native:storage:Blob":
            return { name: inputs.blobName, url: `https://${inputs.accountName}.blob.core.windows.net/${inputs.containerName}/${inputs.blobName}` };
        case "azure-native:keyvault:Vault": return { name: inputs.vaultName };
        case "azure-native:keyvault:Secret": {
            const uri = `https://${inputs.vaultName}.vault.azure.net/secrets/${inputs.secretName}`;
            const computed = { secretUri: uri, secretUriWithVersion: `${uri}/0123456789abcdef` };
            // Like the engine: an output whose input was secret is secret too (here the whole `properties`).
            const wrapped = inputs.properties?.[SECRET_SIG] === SECRET_SIG_VALUE;
            return {
                name: inputs.secretName,
                properties: wrapped ? { [SECRET_SIG]: SECRET_SIG_VALUE, value: { ...inputs.properties.value, ...computed } } : computed,
            };
        }
        default: return type.startsWith("azure-native:") ? { name: inputs.name ?? `${name}-auto` } : {};
    }
}

/** Resolves an Output (or plain value) to its value. */
export function valueOf<T>(pulumi: typeof PulumiType, o: PulumiType.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => { resolve(v as T); return v; }));
}

/** A stand-in bundle folder (a server.js and a nested asset), so these tests do not depend on a build. */
export function fixtureBundle(label: string, body = `console.log("${label}");\n`): string {
    const dir = mkdtempSync(path.join(tmpdir(), `bundle-${label}-`));
    writeFileSync(path.join(dir, "server.js"), body);
    mkdirSync(path.join(dir, "public"));
    writeFileSync(path.join(dir, "public", "site.css"), "body{margin:0}\n");
    return dir;
}

export interface HostingRun {
    readonly pulumi: typeof PulumiType;
    readonly resources: Recorded[];
    readonly invokes: { token: string; inputs: Record<string, any> }[];
    readonly hosting: AppServiceHosting;
    /** The component's public outputs, resolved. */
    readonly outputs: {
        webUrl: string;
        apiUrl?: string;
        webHostName: string;
        redirectUri: string;
        postLogoutRedirectUri: string;
        webAppSettings: Record<string, string>;
        apiAppSettings?: Record<string, string>;
    };
    byType(type: string): Recorded[];
    named(name: string): Recorded;
}

/** Declares one AppServiceHosting under fresh mocks (module registry isolated) and waits for every resource. */
export async function runHosting(name: string, args: AppServiceHostingArgs): Promise<HostingRun> {
    const resources: Recorded[] = [];
    const invokes: { token: string; inputs: Record<string, any> }[] = [];
    let pulumi!: typeof PulumiType;
    let mod!: typeof import("../../components/appService");
    jest.isolateModules(() => {
        pulumi = require("@pulumi/pulumi");
    });
    await pulumi.runtime.setMocks({
        newResource(a) {
            const state = { ...a.inputs, ...synthesise(a.type, a.name, a.inputs) };
            resources.push({ type: a.type, name: a.name, inputs: a.inputs, state });
            return { id: armId(a.type, a.inputs) ?? `${a.name}-id`, state };
        },
        call(a) {
            invokes.push({ token: a.token, inputs: a.inputs });
            if (a.token === "azure-native:authorization:getClientConfig") {
                return { subscriptionId: SUBSCRIPTION, tenantId: WORKFORCE_TENANT, clientId: "deployer-client-id", objectId: "deployer-object-id" };
            }
            // A throwing mock hangs the output with an empty message; name the unexpected invoke instead.
            console.error(`unexpected invoke ${a.token}`);
            return {};
        },
    }, "entra-ciam", "test", false);
    jest.isolateModules(() => {
        jest.doMock("@pulumi/pulumi", () => pulumi);
        mod = require("../../components/appService");
    });
    const hosting = new mod.AppServiceHosting(name, args);
    const [webUrl, webHostName, redirectUri, postLogoutRedirectUri, webAppSettings] = await Promise.all([
        valueOf(pulumi, hosting.webUrl),
        valueOf(pulumi, hosting.webHostName),
        valueOf(pulumi, hosting.redirectUri),
        valueOf(pulumi, hosting.postLogoutRedirectUri),
        valueOf(pulumi, hosting.webAppSettings),
    ]);
    const apiUrl = hosting.apiUrl ? await valueOf(pulumi, hosting.apiUrl) : undefined;
    const apiAppSettings = hosting.apiAppSettings ? await valueOf(pulumi, hosting.apiAppSettings) : undefined;
    return {
        pulumi,
        resources,
        invokes,
        hosting,
        outputs: { webUrl, apiUrl, webHostName, redirectUri, postLogoutRedirectUri, webAppSettings, apiAppSettings },
        byType: (type) => resources.filter((r) => r.type === type),
        named: (n) => {
            const found = resources.find((r) => r.name === n);
            if (!found) throw new Error(`no resource named ${n}; have ${resources.map((r) => r.name).join(", ")}`);
            return found;
        },
    };
}
