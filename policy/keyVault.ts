import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "./secrets";
import { T } from "./types";

export const keyVaultRbac: ResourceValidationPolicy = {
    name: "key-vault-rbac",
    description: "Key Vaults use Azure RBAC for data-plane access (enableRbacAuthorization), not vault access policies.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type === T.vaultAccessPolicy) {
            reportViolation("vault access policies are not allowed: grant a Key Vault role (e.g. Key Vault Secrets User) instead");
            return;
        }
        if (args.type !== T.vault) return;
        const p = args.props;
        if (!isUnknown(() => p.properties?.enableRbacAuthorization) && p.properties?.enableRbacAuthorization !== true) {
            reportViolation(`properties.enableRbacAuthorization is ${JSON.stringify(p.properties?.enableRbacAuthorization)}: it must be true`);
        }
        if (!isUnknown(() => p.properties?.accessPolicies)) {
            const policies = p.properties?.accessPolicies;
            if (Array.isArray(policies) && policies.length > 0) reportViolation(`properties.accessPolicies has ${policies.length} entries: use RBAC role assignments instead`);
        }
    },
};
