/**
 * Pulumi mocks that record every resource and invoke, with deterministic outputs synthesised from the resource
 * name (e.g. the API registration's client id is `api-app-client-id`). Free of jest, so scripts can use it too.
 */
import { createHash } from "node:crypto";
import type * as PulumiType from "@pulumi/pulumi";

export const PROJECT = "entra-ciam";
export const STACK = "test";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly state: Record<string, any>;
    readonly provider?: string;
}

export interface RecordedInvoke {
    readonly token: string;
    readonly inputs: Record<string, any>;
}

export const SUBSCRIPTION = "99999999-8888-4777-8666-555555555555";
export const WORKFORCE_TENANT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const TENANT = "12345678-1234-4234-8234-123456789abc";

/** How secret values are marked in serialized property values (Pulumi's wire format). */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function armId(type: string, inputs: Record<string, any>): string | undefined {
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
        case "azure-native:redisenterprise:RedisEnterprise": return `${rg}/providers/Microsoft.Cache/redisEnterprise/${inputs.clusterName}`;
        case "azure-native:redisenterprise:Database":
            return `${rg}/providers/Microsoft.Cache/redisEnterprise/${inputs.clusterName}/databases/${inputs.databaseName}`;
        case "azure-native:redisenterprise:AccessPolicyAssignment":
            return `${rg}/providers/Microsoft.Cache/redisEnterprise/${inputs.clusterName}/databases/${inputs.databaseName}/accessPolicyAssignments/${inputs.accessPolicyAssignmentName}`;
        default: return undefined;
    }
}

export function synthesiseAzure(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
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
            // Like Key Vault: every new value is a new version (here named after the value, so it is deterministic).
            const wrapped = inputs.properties?.[SECRET_SIG] === SECRET_SIG_VALUE;
            const value = wrapped ? inputs.properties.value.value : inputs.properties?.value;
            const computed = { secretUri: uri, secretUriWithVersion: `${uri}/${secretVersion(String(value))}` };
            // Like the engine: an output whose input was secret is secret too (here the whole `properties`).
            return {
                name: inputs.secretName,
                properties: wrapped ? { [SECRET_SIG]: SECRET_SIG_VALUE, value: { ...inputs.properties.value, ...computed } } : computed,
            };
        }
        case "azure-native:redisenterprise:RedisEnterprise":
            return { name: inputs.clusterName, hostName: `${inputs.clusterName}.${inputs.location}.redis.azure.net` };
        case "azure-native:redisenterprise:Database": return { name: inputs.databaseName };
        case "azure-native:redisenterprise:AccessPolicyAssignment": return { name: inputs.accessPolicyAssignmentName };
        default: return { name: inputs.name ?? `${name}-auto` };
    }
}

/** The version Key Vault would give a secret value: 32 hex characters, here derived from the value. */
export function secretVersion(value: string): string {
    return createHash("sha256").update(value).digest("hex").slice(0, 32);
}

/** The fixed "random" suffix `random.RandomId` yields under these mocks (hex of `byteLength` bytes). */
export function randomHex(name: string, byteLength: number): string {
    return createHash("sha256").update(name).digest("hex").slice(0, byteLength * 2);
}

/** Deterministic values for outputs the real providers would compute. `randomSeed` varies `random:*` results. */
export function synthesise(type: string, name: string, inputs: Record<string, any>, randomSeed = ""): Record<string, any> {
    switch (type) {
        case "azuread:index/applicationRegistration:ApplicationRegistration":
            return { clientId: `${name}-client-id`, objectId: `${name}-object-id` };
        case "azuread:index/servicePrincipal:ServicePrincipal":
            return { objectId: `${name}-object-id` };
        case "azuread:index/applicationPassword:ApplicationPassword": {
            // One value per slot and window, as a new password each window would have.
            const window = inputs.rotateWhenChanged?.rotationWindowStart ?? "none";
            return { value: `${name}-${window}-value-not-for-display`, keyId: `${name}-${window}-key-id` };
        }
        case "random:index/randomId:RandomId": {
            const hex = randomHex(`${randomSeed}${name}`, inputs.byteLength);
            return { hex, b64Url: Buffer.from(hex, "hex").toString("base64url"), dec: BigInt(`0x${hex}`).toString() };
        }
        default:
            return type.startsWith("azure-native:") ? synthesiseAzure(type, name, inputs) : {};
    }
}

export function resourceId(type: string, name: string, inputs: Record<string, any> = {}): string {
    if (type === "azuread:index/applicationRegistration:ApplicationRegistration") return `/applications/${name}-object-id`;
    return armId(type, inputs) ?? `${name}-id`;
}

/**
 * Mocks that append to `resources` and `invokes` as the program declares and calls. A different `randomSeed` gives
 * different `random:*` results, as a stack created again after `pulumi destroy` would get.
 */
export function recordingMocks(resources: RecordedResource[], invokes: RecordedInvoke[], options: { randomSeed?: string } = {}): PulumiType.runtime.Mocks {
    return {
        newResource(args) {
            const state = { ...args.inputs, ...synthesise(args.type, args.name, args.inputs, options.randomSeed) };
            resources.push({ type: args.type, name: args.name, inputs: args.inputs, state, provider: args.provider });
            return { id: resourceId(args.type, args.name, args.inputs), state };
        },
        call(args) {
            invokes.push({ token: args.token, inputs: args.inputs });
            if (args.token === "azuread:index/getServicePrincipal:getServicePrincipal") {
                return { objectId: `sp-of-${args.inputs.clientId}`, clientId: args.inputs.clientId, displayName: "Microsoft Graph" };
            }
            if (args.token === "azure-native:authorization:getClientConfig") {
                return { subscriptionId: SUBSCRIPTION, tenantId: WORKFORCE_TENANT, clientId: "deployer-client-id", objectId: "deployer-object-id" };
            }
            // A throwing mock yields an empty message and a hanging output; say which invoke was unexpected instead.
            console.error(`unexpected invoke ${args.token}`);
            return {};
        },
    };
}

/** Stack config keys (without the project prefix) as Pulumi stores them: objects as JSON text. */
export function flattenConfig(config: Record<string, unknown>): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) flat[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return flat;
}
