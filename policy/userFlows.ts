/**
 * The program's dynamic-provider resources: the user-flow resources (components/userFlow) and the sign-in experience
 * resources (components/signInExperience), recognised by their properties (policy/dynamicKinds.ts).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { dynamicKind, kindNamedByType, SECRET_OUTPUTS, SECRET_PROPERTIES } from "./dynamicKinds";
import { secretMarks } from "./secretMarks";
import { findSecrets, isUnknown, known } from "./secrets";
import { isDynamic, T } from "./types";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const dynamicResourcesRecognised: ResourceValidationPolicy = {
    name: "dynamic-resources-are-user-flows",
    description: "Every dynamic-provider resource is one of the program's user-flow or sign-in experience resources (UserFlow, UserFlowApplication, UserFlowAttribute, SocialIdentityProvider, CompanyBranding, recognised by their properties), names its tenant by id, keeps no secret in its plain properties (the state stores them in plain text), and gets the properties that hold a secret by design (a social identity provider's clientSecret) marked secret, with their secret outputs (clientSecretFingerprint) in additionalSecretOutputs.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!isDynamic(args.type)) return;
        const kind = dynamicKind(args.props);
        if (!kind) {
            reportViolation(`a dynamic resource with properties [${Object.keys(args.props).sort().join(", ")}] is not a user-flow or sign-in experience resource of this program; dynamic providers run their own code with the deployment's identity, so each needs review and a policy`);
            return;
        }
        const named = kindNamedByType(args.type);
        if (named && named !== kind) reportViolation(`the type ${args.type} names a ${named}, but the properties are those of a ${kind}`);
        if (!isUnknown(() => args.props.tenantId) && !(typeof args.props.tenantId === "string" && GUID.test(args.props.tenantId))) {
            reportViolation(`${kind}: tenantId ${JSON.stringify(args.props.tenantId)} is not a tenant id (GUID)`);
        }
        const marks = secretMarks(args.props);
        const secretByDesign = SECRET_PROPERTIES[kind] ?? [];
        for (const k of secretByDesign) {
            if (!(k in args.props) || marks?.has(k)) continue;
            // An unknown value carries the marker too (the SDK sends a secret unknown as a secret), so it is judged now.
            reportViolation(marks
                ? `${kind}: ${k} is not marked secret, so the state would keep it in plain text (wrap it in pulumi.secret)`
                : `${kind}: cannot tell whether ${k} is marked secret (the policy SDK did not pass the marks through, see policy/secretMarks.ts), so it counts as plain`);
        }
        const listed = new Set(args.opts.additionalSecretOutputs ?? []);
        for (const k of SECRET_OUTPUTS[kind] ?? []) {
            if (!listed.has(k)) reportViolation(`${kind}: the output ${k} is not in additionalSecretOutputs, so the state would keep it in plain text`);
        }
        for (const k of Object.keys(args.props)) {
            if (secretByDesign.includes(k) || marks?.has(k)) continue;
            for (const finding of findSecrets(known(() => args.props[k]), `${kind}.${k}`)) reportViolation(`${finding}: dynamic-resource properties are stored in the state in plain text`);
        }
    },
};

export const userFlowsInThisStack: StackValidationPolicy = {
    name: "user-flows-in-this-tenant",
    description: "User-flow and sign-in experience resources (flows, their links and attributes, social identity providers, company branding) live in the tenant of this stack's azuread provider, and a flow is linked only to an application this stack registers (no takeover of someone else's app).",
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
            const kind = dynamicKind(r.props);
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
