/** The stack-config keys of this project and the raw values read for them. */
/** Every key the program reads, with its kind; used for parsing and to reject unknown (misspelt) keys. */
export const CONFIG_KEYS = {
    tenantId: "string",
    subdomain: "string",
    scenario: "string",
    namePrefix: "string",
    webDisplayName: "string",
    apiDisplayName: "string",
    redirectUri: "string",
    postLogoutRedirectUri: "string",
    apiScopes: "json",
    apiRoles: "json",
    clientSecretLifetimeDays: "number",
    clientSecretRotationDays: "number",
    userFlow: "json",
    hosting: "json",
    identityProviders: "json",
    googleClientSecret: "string",
    facebookClientSecret: "string",
    branding: "json",
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Raw stack values by key: strings, with structured values parsed from their JSON text. */
export type Raw = Partial<Record<ConfigKey, unknown>>;
