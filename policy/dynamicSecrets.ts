/**
 * The state after an update: the outputs of the user-flow and sign-in experience resources (what their providers
 * returned, as the engine stores it) keep secrets encrypted. The inputs are checked before the engine registers a
 * resource (policy/userFlows.ts); this catches a provider that returns a secret, or an output the engine did not mark.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { dynamicKind, SECRET_PROPERTIES } from "./dynamicKinds";
import { secretMarks } from "./secretMarks";
import { findSecrets, known } from "./secrets";
import { isDynamic } from "./types";

export const dynamicSecretsEncrypted: StackValidationPolicy = {
    name: "dynamic-resource-secrets-encrypted",
    description: "In the outputs of the user-flow and sign-in experience resources, the properties that hold a secret by design (a social identity provider's clientSecretFingerprint, or its clientSecret should a provider return it) are marked secret, and no other output looks like a secret (the state stores them in plain text).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources.filter((x) => isDynamic(x.type))) {
            const kind = dynamicKind(r.props);
            if (!kind) continue;
            const marks = secretMarks(r.props);
            const secretByDesign = SECRET_PROPERTIES[kind] ?? [];
            for (const k of Object.keys(r.props)) {
                if (marks?.has(k)) continue;
                if (secretByDesign.includes(k)) {
                    reportViolation(marks
                        ? `${kind} ${r.name}: the output ${k} is not marked secret, so the state keeps it in plain text`
                        : `${kind} ${r.name}: cannot tell whether the output ${k} is marked secret (the policy SDK did not pass the marks through, see policy/secretMarks.ts), so it counts as plain`, r.urn);
                    continue;
                }
                for (const finding of findSecrets(known(() => r.props[k]), `${kind} ${r.name} output ${k}`)) reportViolation(`${finding}: the state stores it in plain text`, r.urn);
            }
        }
    },
};
