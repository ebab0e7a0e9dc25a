import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hasSecretName, isKeyVaultReference, known, secretKind } from "./secrets";
import { T } from "./types";

/** The name/value pairs of app settings and connection strings a resource declares. */
function settings(type: string, props: Record<string, any>): Array<[string, unknown]> {
    const pairs: Array<[string, unknown]> = [];
    const fromMap = (where: string, read: () => unknown, valueOf: (v: any) => unknown = (v) => v) => {
        const map = known(read);
        if (map === null || typeof map !== "object") return;
        for (const name of Object.keys(map)) {
            const v = known(() => valueOf((map as Record<string, unknown>)[name]));
            if (v !== undefined) pairs.push([`${where}${name}`, v]);
        }
    };
    const fromList = (where: string, read: () => unknown) => {
        const list = known(read);
        if (!Array.isArray(list)) return;
        for (let i = 0; i < list.length; i++) {
            const name = known(() => list[i]?.name);
            const v = known(() => list[i]?.value ?? list[i]?.connectionString);
            if (typeof name === "string" && v !== undefined) pairs.push([`${where}${name}`, v]);
        }
    };
    switch (type) {
        case T.webAppSettings:
        case T.webAppSettingsSlot:
            fromMap("", () => props.properties);
            break;
        case T.webAppConnectionStrings:
        case T.webAppConnectionStringsSlot:
            fromMap("connection string ", () => props.properties, (v) => v?.value);
            break;
        case T.webApp:
        case T.webAppSlot:
            fromList("siteConfig.appSettings ", () => props.siteConfig?.appSettings);
            fromList("siteConfig.connectionStrings ", () => props.siteConfig?.connectionStrings);
            break;
    }
    return pairs;
}

export const noSecretsInAppSettings: ResourceValidationPolicy = {
    name: "no-plain-secrets-in-app-settings",
    description: "App Service app settings and connection strings hold no secret in plain text: a setting named like a secret, every connection string and every secret-looking value must be a Key Vault reference.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const [name, value] of settings(args.type, args.props)) {
            if (isKeyVaultReference(value) || value === "") continue;
            const kind = secretKind(value);
            const isConnectionString = name.startsWith("connection string ") || name.startsWith("siteConfig.connectionStrings ");
            if (kind) reportViolation(`${name} looks like ${kind}; store it in Key Vault and use @Microsoft.KeyVault(SecretUri=…)`);
            else if (hasSecretName(name) || isConnectionString) reportViolation(`${name} must be a Key Vault reference (@Microsoft.KeyVault(SecretUri=…)), not a plain value`);
        }
    },
};
