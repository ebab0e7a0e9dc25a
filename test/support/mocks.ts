/**
 * Pulumi mocks that record every resource and invoke, with deterministic outputs synthesised from the resource
 * name (e.g. the API registration's client id is `api-app-client-id`). Free of jest, so scripts can use it too.
 */
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

/** Deterministic values for outputs the real providers would compute. */
export function synthesise(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "azuread:index/applicationRegistration:ApplicationRegistration":
            return { clientId: `${name}-client-id`, objectId: `${name}-object-id` };
        case "azuread:index/servicePrincipal:ServicePrincipal":
            return { objectId: `${name}-object-id` };
        case "azuread:index/applicationPassword:ApplicationPassword":
            return { value: `${name}-value-not-for-display`, keyId: `${name}-key-id` };
        default:
            return type.startsWith("azure-native:") ? { name: inputs.name ?? `${name}-auto` } : {};
    }
}

export function resourceId(type: string, name: string): string {
    if (type === "azuread:index/applicationRegistration:ApplicationRegistration") return `/applications/${name}-object-id`;
    return `${name}-id`;
}

/** Mocks that append to `resources` and `invokes` as the program declares and calls. */
export function recordingMocks(resources: RecordedResource[], invokes: RecordedInvoke[]): PulumiType.runtime.Mocks {
    return {
        newResource(args) {
            const state = { ...args.inputs, ...synthesise(args.type, args.name, args.inputs) };
            resources.push({ type: args.type, name: args.name, inputs: args.inputs, state, provider: args.provider });
            return { id: resourceId(args.type, args.name), state };
        },
        call(args) {
            invokes.push({ token: args.token, inputs: args.inputs });
            if (args.token === "azuread:index/getServicePrincipal:getServicePrincipal") {
                return { objectId: `sp-of-${args.inputs.clientId}`, clientId: args.inputs.clientId, displayName: "Microsoft Graph" };
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
