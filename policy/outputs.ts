import type { StackValidationPolicy } from "@pulumi/policy";
import { findSecrets, known } from "./secrets";
import { T } from "./types";

/**
 * Outputs that hold a secret on purpose. @pulumi/policy hands policies plain values (its server deserializes
 * properties with secrets unwrapped), so a policy cannot tell a secret output from a plain one: the outputs meant to
 * carry secrets are named here, and test/program.test.ts proves the program marks them secret.
 */
export const DEFAULT_SECRET_OUTPUTS = ["webClientSecret"];

export const noSecretsInOutputs: StackValidationPolicy = {
    name: "no-secrets-in-plain-outputs",
    description: "No stack output other than the configured secret outputs (secretOutputs) holds a secret-looking value.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            secretOutputs: { type: "array", items: { type: "string" }, default: DEFAULT_SECRET_OUTPUTS },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<{ secretOutputs?: string[] }>();
        const allowed = new Set(Array.isArray(config.secretOutputs) ? config.secretOutputs : DEFAULT_SECRET_OUTPUTS);
        for (const stack of args.resources.filter((r) => r.type === T.stack)) {
            for (const name of Object.keys(stack.props)) {
                if (allowed.has(name)) continue;
                for (const finding of findSecrets(known(() => stack.props[name]), `output ${name}`)) reportViolation(finding, stack.urn);
            }
        }
    },
};
