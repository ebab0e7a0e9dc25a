/**
 * The user-flow resources are Pulumi dynamic resources: to a policy pack every dynamic resource has the same provider
 * (`pulumi-nodejs`), so they are told apart by their properties (components/userFlow/resources.ts).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { findSecrets, isUnknown, known } from "./secrets";
import { isDynamic, T } from "./types";

export type UserFlowKind = "UserFlow" | "UserFlowApplication" | "UserFlowAttribute";

/**
 * The dynamic resources this program declares. A new dynamic resource type (e.g. social identity providers or
 * branding) gets a row here, after review, and a test in test/policy/resourcePolicies.test.ts.
 */
const SHAPES: ReadonlyArray<readonly [UserFlowKind, readonly string[], readonly string[]]> = [
    // kind, properties it must have, properties it must not have
    ["UserFlow", ["tenantId", "displayName", "identityProviders"], ["appId", "userFlowId", "dataType"]],
    ["UserFlowApplication", ["tenantId", "userFlowId", "appId"], ["displayName", "identityProviders"]],
    ["UserFlowAttribute", ["tenantId", "displayName", "dataType"], ["identityProviders", "appId", "userFlowId"]],
];

/** Which user-flow resource these properties describe, or undefined when none. */
export function userFlowKind(props: Record<string, unknown>): UserFlowKind | undefined {
    const keys = new Set(Object.keys(props));
    const match = SHAPES.find(([, has, hasNot]) => has.every((k) => keys.has(k)) && !hasNot.some((k) => keys.has(k)));
    return match?.[0];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const dynamicResourcesRecognised: ResourceValidationPolicy = {
    name: "dynamic-resources-are-user-flows",
    description: "Every dynamic-provider resource is one of the program's user-flow resources (UserFlow, UserFlowApplication, UserFlowAttribute, recognised by their properties), names its tenant by id, and keeps no secret in its properties, which the state stores in plain text.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!isDynamic(args.type)) return;
        const kind = userFlowKind(args.props);
        if (!kind) {
            reportViolation(`a dynamic resource with properties [${Object.keys(args.props).sort().join(", ")}] is not a user-flow resource of this program; dynamic providers run their own code with the deployment's identity, so each needs review and a policy`);
            return;
        }
        if (!isUnknown(() => args.props.tenantId) && !(typeof args.props.tenantId === "string" && GUID.test(args.props.tenantId))) {
            reportViolation(`${kind}: tenantId ${JSON.stringify(args.props.tenantId)} is not a tenant id (GUID)`);
        }
        for (const finding of findSecrets(args.props, kind)) reportViolation(`${finding}: dynamic-resource properties are stored in the state in plain text`);
    },
};

export const userFlowsInThisStack: StackValidationPolicy = {
    name: "user-flows-in-this-tenant",
    description: "User-flow resources live in the tenant of this stack's azuread provider, and a flow is linked only to an application this stack registers (no takeover of someone else's app).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const tenants = new Set<string>();
        const clientIds = new Set<string>();
        for (const r of args.resources) {
            if (r.type === T.azureadProvider) {
                const t = known(() => r.props.tenantId);
                if (typeof t === "string") tenants.add(t.toLowerCase());
            }
            if (r.type === T.applicationRegistration || r.type === T.application) {
                const c = known(() => r.props.clientId);
                if (typeof c === "string") clientIds.add(c.toLowerCase());
            }
        }
        for (const r of args.resources.filter((x) => isDynamic(x.type))) {
            const kind = userFlowKind(r.props);
            if (!kind) continue;
            const tenantId = known(() => r.props.tenantId);
            if (typeof tenantId === "string" && !tenants.has(tenantId.toLowerCase())) {
                reportViolation(`${kind} ${r.name}: tenant ${tenantId} is not the tenant of this stack's azuread provider (${[...tenants].join(", ") || "none declared"})`, r.urn);
            }
            if (kind === "UserFlowApplication") {
                const appId = known(() => r.props.appId);
                if (typeof appId === "string" && !clientIds.has(appId.toLowerCase())) {
                    reportViolation(`UserFlowApplication ${r.name}: application ${appId} is not registered by this stack, so the flow would take over an application it does not manage`, r.urn);
                }
            }
        }
    },
};
