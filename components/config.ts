/**
 * Stack configuration: read once, validated in one place.
 *
 * `parseStackConfig` is a pure function over the raw key/value pairs of a stack (as Pulumi stores them: strings,
 * with structured values as JSON text). Every problem is collected and reported together; each message names the
 * key, the offending value and what is allowed. Nothing here declares a resource, so a bad config fails before any
 * resource is planned.
 */
import { createHash } from "node:crypto";
import { parseSignInExperience, type SignInExperienceConfig, type SignInExperienceOptions } from "./signInExperience/config";

export type Scenario = "signIn" | "signInAndCallApi";
export const SCENARIOS: readonly Scenario[] = ["signIn", "signInAndCallApi"];

/** A delegated permission (OAuth2 scope) the API exposes. */
export interface ApiScope {
    readonly value: string;
    readonly adminConsentDisplayName: string;
    readonly adminConsentDescription: string;
    readonly userConsentDisplayName: string;
    readonly userConsentDescription: string;
    /** Stable GUID: from config, or derived deterministically from tenant, prefix and value. */
    readonly id: string;
}

export type AppRoleMemberType = "Application" | "User";

/** An application role the API defines. */
export interface ApiRole {
    readonly value: string;
    readonly displayName: string;
    readonly description: string;
    readonly allowedMemberTypes: readonly AppRoleMemberType[];
    /** Stable GUID: from config, or derived deterministically from tenant, prefix and value. */
    readonly id: string;
}

export type AttributeInputType = "text" | "radioSingleSelect" | "checkboxMultiSelect" | "boolean";
export const ATTRIBUTE_INPUT_TYPES: readonly AttributeInputType[] = ["text", "radioSingleSelect", "checkboxMultiSelect", "boolean"];

export type CustomAttributeDataType = "string" | "boolean" | "int64";
export const CUSTOM_ATTRIBUTE_DATA_TYPES: readonly CustomAttributeDataType[] = ["string", "boolean", "int64"];

/** A custom user attribute (`/identity/userFlowAttributes`) created by the program. */
export interface CustomAttribute {
    /** The attribute's display name; Graph derives the id `extension_<hex>_<name>` from it. */
    readonly name: string;
    readonly dataType: CustomAttributeDataType;
    readonly description: string;
}

/** An attribute collected on the sign-up page. */
export interface SignUpAttribute {
    /** Built-in attribute id (e.g. `city`) or the `name` of a custom attribute. */
    readonly attribute: string;
    /** True when `attribute` names one of `userFlow.customAttributes`. */
    readonly custom: boolean;
    readonly label: string;
    readonly required: boolean;
    readonly inputType: AttributeInputType;
    /** Choices for radio/checkbox inputs. */
    readonly options: readonly { readonly label: string; readonly value: string }[];
}

export interface UserFlowConfig {
    readonly displayName: string;
    readonly signUpAllowed: boolean;
    /** Graph identity provider ids, e.g. `EmailPassword-OAUTH`. */
    readonly identityProviders: readonly string[];
    readonly customAttributes: readonly CustomAttribute[];
    readonly attributes: readonly SignUpAttribute[];
    /** Existing objects to take over at their create, pinned by id (`userFlow.adopt`); absent when not set. */
    readonly adopt?: UserFlowAdopt;
}

/**
 * `userFlow.adopt`: consent to take over same-name objects this stack did not create, each pinned by its exact id.
 * Create adopts an object only when the one it finds by name has this id; otherwise the ownership error stays.
 */
export interface UserFlowAdopt {
    /** The id (GUID) of the flow named `userFlow.displayName`. */
    readonly flow?: string;
    /** Custom attribute ids (`extension_<32 hex>_<name>`) by `userFlow.customAttributes` name (own keys only). */
    readonly attributes: Readonly<Record<string, string>>;
}

export type NodeRuntime = "22-lts" | "24-lts";
export const NODE_RUNTIMES: readonly NodeRuntime[] = ["22-lts", "24-lts"];

export interface HostingConfig {
    /** Deploy the web app (and API) to Azure App Service. */
    readonly enabled: boolean;
    /** Azure region of the resource group, e.g. `westeurope`. Empty only when hosting is disabled. */
    readonly location: string;
    /** App Service plan SKU, e.g. `B1`. */
    readonly sku: string;
    readonly nodeVersion: NodeRuntime;
    /** Instances of the web plan (and so of each site); at most the SKU tier's limit. */
    readonly instances: number;
    /**
     * Azure Managed Redis for the web app's sessions and token caches, reached with Microsoft Entra (no keys).
     * Off only for a single instance (then sessions live in the process and a restart signs everybody out).
     */
    readonly redis: { readonly enabled: boolean; readonly sku: string };
}

export interface StackConfig {
    /** Prefix of every display name and Azure resource name. */
    readonly namePrefix: string;
    /** The external (customer) tenant's id. */
    readonly tenantId: string;
    /** The tenant's subdomain: `<subdomain>.onmicrosoft.com`, `<subdomain>.ciamlogin.com`. */
    readonly subdomain: string;
    /** `https://<subdomain>.ciamlogin.com/` */
    readonly authority: string;
    readonly scenario: Scenario;
    readonly web: {
        readonly displayName: string;
        /** Redirect URI used when the app runs locally. */
        readonly redirectUri: string;
        /** Where the tenant sends the browser after sign-out, locally. */
        readonly postLogoutRedirectUri: string;
    };
    /** Present only in the `signInAndCallApi` scenario. */
    readonly api?: {
        readonly displayName: string;
        readonly scopes: readonly ApiScope[];
        readonly roles: readonly ApiRole[];
    };
    readonly clientSecret: {
        /** Days from the start of the rotation window until the secret expires. */
        readonly lifetimeDays: number;
        /** A new secret is created at the start of every window of this many days. */
        readonly rotationDays: number;
        /** Start of the current rotation window (ISO date), the rotation trigger. */
        readonly rotationWindowStart: string;
        /** Expiry of the current secret (RFC 3339). */
        readonly endDate: string;
        /** The current rotation window: its password is the one the web app uses. */
        readonly current: SecretWindow;
        /**
         * The previous window, while its password has not expired: kept so a site still holding it keeps working
         * until it has moved to the current one. Absent once its end date has passed.
         */
        readonly previous?: SecretWindow;
    };
    readonly userFlow: UserFlowConfig;
    readonly hosting: HostingConfig;
    /** Social identity providers and company branding (components/signInExperience/config.ts); undefined when neither is set. */
    readonly signInExperience?: SignInExperienceConfig;
}

/**
 * One rotation window of the client secret. Windows alternate between two slots (`a` for even, `b` for odd
 * window numbers), so the password of window N stays untouched while window N+1's is created in the other slot,
 * and is replaced only when window N+2 starts.
 */
export interface SecretWindow {
    /** Window number since 2024-01-01 UTC. */
    readonly index: number;
    readonly slot: "a" | "b";
    /** First day of the window (ISO date): the password's rotation trigger. */
    readonly start: string;
    /** The password's expiry (RFC 3339): the window's start plus the lifetime. */
    readonly endDate: string;
}

/** The platform maximum for an application password's lifetime (two years). */
export const MAX_SECRET_LIFETIME_DAYS = 730;

/** Friendly identity-provider names accepted in config, mapped to Graph ids. */
export const IDENTITY_PROVIDERS: Readonly<Record<string, string>> = {
    emailPassword: "EmailPassword-OAUTH",
    emailOtp: "EmailOtpSignup-OAUTH",
    google: "Google-OAUTH",
    facebook: "Facebook-OAUTH",
};

/** Built-in user attributes of an External ID tenant that a sign-up page may collect. */
export const BUILT_IN_ATTRIBUTES: Readonly<Record<string, string>> = {
    email: "Email Address",
    displayName: "Display Name",
    givenName: "Given Name",
    surname: "Surname",
    city: "City",
    country: "Country/Region",
    postalCode: "Postal Code",
    state: "State/Province",
    streetAddress: "Street Address",
    jobTitle: "Job Title",
};

export const APP_SERVICE_SKUS: readonly string[] = [
    "F1", "B1", "B2", "B3", "S1", "S2", "S3", "P0v3", "P1v3", "P2v3", "P3v3", "P1mv3", "P2mv3",
];

/**
 * Most instances a plan of each tier can run: Free 1; "Basic, Standard, and Premium service plans scale out to as many
 * as 3, 10, and 30 instances" (Microsoft Learn, "Scale up an app in Azure App Service").
 */
export function maxInstances(sku: string): number {
    if (sku.startsWith("F")) return 1;
    if (sku.startsWith("B")) return 3;
    if (sku.startsWith("S")) return 10;
    return 30;
}

/**
 * Azure Managed Redis SKUs (Microsoft.Cache/redisEnterprise), the current Redis offer: every Azure Cache for Redis
 * tier is retiring (Enterprise 2027-03-31, Basic/Standard/Premium 2028-09-30) in favour of it.
 */
export const REDIS_SKUS: readonly string[] = [
    ...["B0", "B1", "B3", "B5", "B10", "B20", "B50", "B100", "B150", "B250", "B350", "B500", "B700", "B1000"].map((s) => `Balanced_${s}`),
    ...["M10", "M20", "M50", "M100", "M150", "M250", "M350", "M500", "M700", "M1000", "M1500", "M2000"].map((s) => `MemoryOptimized_${s}`),
    ...["X3", "X5", "X10", "X20", "X50", "X100", "X150", "X250", "X350", "X500", "X700"].map((s) => `ComputeOptimized_${s}`),
];
export const DEFAULT_REDIS_SKU = "Balanced_B0";

export const DEFAULT_SCOPES = [
    {
        value: "ToDoList.Read",
        adminConsentDisplayName: "Read users' to-do items",
        adminConsentDescription: "Allows the app to read the signed-in user's to-do items.",
        userConsentDisplayName: "Read your to-do items",
        userConsentDescription: "Allows the app to read your to-do items.",
    },
    {
        value: "ToDoList.ReadWrite",
        adminConsentDisplayName: "Read and write users' to-do items",
        adminConsentDescription: "Allows the app to read, add and delete the signed-in user's to-do items.",
        userConsentDisplayName: "Read and write your to-do items",
        userConsentDescription: "Allows the app to read, add and delete your to-do items.",
    },
] as const;

export const DEFAULT_ROLES = [
    {
        value: "ToDoList.Read.All",
        displayName: "Read all to-do items",
        description: "Allows the app to read every user's to-do items without a signed-in user.",
        allowedMemberTypes: ["Application"],
    },
    {
        value: "ToDoList.ReadWrite.All",
        displayName: "Read and write all to-do items",
        description: "Allows the app to read, add and delete every user's to-do items without a signed-in user.",
        allowedMemberTypes: ["Application"],
    },
] as const;

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

/** Raised when the stack configuration is invalid; `problems` lists every problem found. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,25}[a-z0-9])?$/;
const NAME_PREFIX = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
/** Scope and role values: no spaces, printable ASCII, not starting with a dot (Entra's rules). */
const PERMISSION_VALUE = /^[A-Za-z0-9!#$%&'()*+,\-/:;<=>?@[\]^+_`{|}~]+(?:\.[A-Za-z0-9!#$%&'()*+,\-/:;<=>?@[\]^+_`{|}~]+)*$/;
const CUSTOM_ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9]{0,39}$/;
const ROTATION_EPOCH = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

/** Shows a config value in an error message, shortened. */
function show(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** RFC 4122 version-5 (name-based, SHA-1) UUID: the same name always gives the same id. */
export function uuidV5(name: string, namespace = "6ba7b811-9dad-11d1-80b4-00c04fd430c8"): string {
    const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
    const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
    hash[6] = (hash[6] & 0x0f) | 0x50;
    hash[8] = (hash[8] & 0x3f) | 0x80;
    const hex = hash.subarray(0, 16).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Checks a redirect-style URL: absolute, https (or http on localhost), no fragment. */
function checkRedirectUrl(key: string, value: string, problems: string[]): void {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        problems.push(`${key}: ${show(value)} is not an absolute URL; use e.g. "http://localhost:3000/auth/redirect"`);
        return;
    }
    const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
    if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
        problems.push(`${key}: ${show(value)} must use https (http is allowed only for localhost)`);
    }
    if (url.hash) problems.push(`${key}: ${show(value)} must not contain a fragment (#...)`);
    if (url.username || url.password) problems.push(`${key}: ${show(value)} must not contain credentials`);
}

type Raw = Partial<Record<ConfigKey, unknown>>;

/** Reads an optional string; reports a non-string. */
function str(raw: Raw, key: ConfigKey, problems: string[]): string | undefined {
    const v = raw[key];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") {
        problems.push(`${key}: ${show(v)} must be a string`);
        return undefined;
    }
    return v;
}

/**
 * A table entry only when the table itself defines it: `"constructor"` or `"toString"` are inherited by every object
 * and must read as unknown names, not as functions.
 */
function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
    return Object.hasOwn(table, key) ? table[key] : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads a string field of a structured value; reports a wrong type. */
function field(obj: Record<string, unknown>, name: string, where: string, problems: string[], opts: { required?: boolean } = {}): string | undefined {
    const v = obj[name];
    if (v === undefined || v === null) {
        if (opts.required) problems.push(`${where}.${name} is required`);
        return undefined;
    }
    if (typeof v !== "string" || v.trim() === "") {
        problems.push(`${where}.${name}: ${show(v)} must be a non-empty string`);
        return undefined;
    }
    return v;
}

function bool(obj: Record<string, unknown>, name: string, where: string, fallback: boolean, problems: string[]): boolean {
    const v = obj[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    problems.push(`${where}.${name}: ${show(v)} must be true or false`);
    return fallback;
}

function unknownFields(obj: Record<string, unknown>, allowed: readonly string[], where: string, problems: string[]): void {
    for (const k of Object.keys(obj)) {
        if (!allowed.includes(k)) problems.push(`${where}.${k} is not a known setting (allowed: ${allowed.join(", ")})`);
    }
}

function parseScopes(value: unknown, idName: (v: string) => string, problems: string[]): ApiScope[] {
    if (value === undefined) return DEFAULT_SCOPES.map((s) => ({ ...s, id: idName(`scope:${s.value}`) }));
    if (!Array.isArray(value) || value.length === 0) {
        problems.push(`apiScopes: ${show(value)} must be a non-empty list of scopes`);
        return [];
    }
    const seen = new Set<string>();
    const out: ApiScope[] = [];
    value.forEach((s, i) => {
        const where = `apiScopes[${i}]`;
        if (!isRecord(s)) {
            problems.push(`${where}: ${show(s)} must be an object with value and consent texts`);
            return;
        }
        unknownFields(s, ["value", "id", "adminConsentDisplayName", "adminConsentDescription", "userConsentDisplayName", "userConsentDescription"], where, problems);
        const v = field(s, "value", where, problems, { required: true });
        if (v !== undefined) {
            if (!PERMISSION_VALUE.test(v)) problems.push(`${where}.value: ${show(v)} must have no spaces and not start or end with a dot (e.g. "ToDoList.Read")`);
            if (seen.has(v.toLowerCase())) problems.push(`${where}.value: ${show(v)} is a duplicate scope value`);
            seen.add(v.toLowerCase());
        }
        const id = field(s, "id", where, problems);
        if (id !== undefined && !GUID.test(id)) problems.push(`${where}.id: ${show(id)} must be a GUID`);
        const text = (name: string, fallback: string) => field(s, name, where, problems) ?? fallback;
        const val = v ?? "";
        out.push({
            value: val,
            id: (id ?? idName(`scope:${val}`)).toLowerCase(),
            adminConsentDisplayName: text("adminConsentDisplayName", val),
            adminConsentDescription: text("adminConsentDescription", `Allows the app to use ${val} on behalf of the signed-in user.`),
            userConsentDisplayName: text("userConsentDisplayName", val),
            userConsentDescription: text("userConsentDescription", `Allows the app to use ${val} on your behalf.`),
        });
    });
    const ids = new Map<string, string>();
    for (const s of out) {
        const other = ids.get(s.id);
        // Same value twice is already reported; only distinct values sharing an id are a further problem.
        if (other !== undefined && other !== s.value.toLowerCase()) problems.push(`apiScopes: id ${show(s.id)} is used by more than one scope`);
        ids.set(s.id, s.value.toLowerCase());
    }
    return out;
}

function parseRoles(value: unknown, idName: (v: string) => string, problems: string[]): ApiRole[] {
    if (value === undefined) return DEFAULT_ROLES.map((r) => ({ ...r, allowedMemberTypes: [...r.allowedMemberTypes], id: idName(`role:${r.value}`) }));
    if (!Array.isArray(value)) {
        problems.push(`apiRoles: ${show(value)} must be a list of roles`);
        return [];
    }
    const seen = new Set<string>();
    const out: ApiRole[] = [];
    value.forEach((r, i) => {
        const where = `apiRoles[${i}]`;
        if (!isRecord(r)) {
            problems.push(`${where}: ${show(r)} must be an object with value, displayName, description and allowedMemberTypes`);
            return;
        }
        unknownFields(r, ["value", "id", "displayName", "description", "allowedMemberTypes"], where, problems);
        const v = field(r, "value", where, problems, { required: true });
        if (v !== undefined) {
            if (!PERMISSION_VALUE.test(v)) problems.push(`${where}.value: ${show(v)} must have no spaces and not start or end with a dot (e.g. "ToDoList.Read.All")`);
            if (seen.has(v.toLowerCase())) problems.push(`${where}.value: ${show(v)} is a duplicate role value`);
            seen.add(v.toLowerCase());
        }
        const id = field(r, "id", where, problems);
        if (id !== undefined && !GUID.test(id)) problems.push(`${where}.id: ${show(id)} must be a GUID`);
        const types = r.allowedMemberTypes;
        let members: AppRoleMemberType[] = [];
        if (!Array.isArray(types) || types.length === 0) {
            problems.push(`${where}.allowedMemberTypes: ${show(types)} must list at least one of "Application", "User"`);
        } else {
            for (const t of types) {
                if (t !== "Application" && t !== "User") problems.push(`${where}.allowedMemberTypes: ${show(t)} is not one of "Application", "User"`);
            }
            members = [...new Set(types.filter((t): t is AppRoleMemberType => t === "Application" || t === "User"))];
        }
        const val = v ?? "";
        out.push({
            value: val,
            id: (id ?? idName(`role:${val}`)).toLowerCase(),
            displayName: field(r, "displayName", where, problems) ?? val,
            description: field(r, "description", where, problems) ?? val,
            allowedMemberTypes: members,
        });
    });
    const ids = new Map<string, string>();
    for (const r of out) {
        const other = ids.get(r.id);
        // Same value twice is already reported; only distinct values sharing an id are a further problem.
        if (other !== undefined && other !== r.value.toLowerCase()) problems.push(`apiRoles: id ${show(r.id)} is used by more than one role`);
        ids.set(r.id, r.value.toLowerCase());
    }
    return out;
}

function parseUserFlow(value: unknown, namePrefix: string, problems: string[]): UserFlowConfig {
    const defaults: UserFlowConfig = {
        displayName: `${namePrefix} sign-up and sign-in`,
        signUpAllowed: true,
        identityProviders: [IDENTITY_PROVIDERS.emailPassword],
        customAttributes: [],
        attributes: [{ attribute: "displayName", custom: false, label: BUILT_IN_ATTRIBUTES.displayName, required: true, inputType: "text", options: [] }],
    };
    if (value === undefined) return defaults;
    if (!isRecord(value)) {
        problems.push(`userFlow: ${show(value)} must be an object`);
        return defaults;
    }
    unknownFields(value, ["displayName", "signUpAllowed", "identityProviders", "customAttributes", "attributes", "adopt"], "userFlow", problems);
    const displayName = field(value, "displayName", "userFlow", problems) ?? defaults.displayName;
    if (displayName.length > 64) problems.push(`userFlow.displayName: ${show(displayName)} is longer than 64 characters`);
    const signUpAllowed = bool(value, "signUpAllowed", "userFlow", true, problems);

    let identityProviders = defaults.identityProviders;
    if (value.identityProviders !== undefined) {
        const idps = value.identityProviders;
        if (!Array.isArray(idps) || idps.length === 0) {
            problems.push(`userFlow.identityProviders: ${show(idps)} must list at least one of ${Object.keys(IDENTITY_PROVIDERS).join(", ")}`);
        } else {
            const mapped: string[] = [];
            for (const p of idps) {
                const id = typeof p === "string" ? ownValue(IDENTITY_PROVIDERS, p) : undefined;
                if (id === undefined) problems.push(`userFlow.identityProviders: ${show(p)} is not one of ${Object.keys(IDENTITY_PROVIDERS).join(", ")}`);
                else if (mapped.includes(id)) problems.push(`userFlow.identityProviders: ${show(p)} is listed twice`);
                else mapped.push(id);
            }
            if (mapped.includes(IDENTITY_PROVIDERS.emailPassword) && mapped.includes(IDENTITY_PROVIDERS.emailOtp)) {
                problems.push(`userFlow.identityProviders: choose either "emailPassword" or "emailOtp", not both (a flow has one local account method)`);
            }
            identityProviders = mapped;
        }
    }

    const customAttributes: CustomAttribute[] = [];
    if (value.customAttributes !== undefined) {
        if (!Array.isArray(value.customAttributes)) {
            problems.push(`userFlow.customAttributes: ${show(value.customAttributes)} must be a list`);
        } else {
            value.customAttributes.forEach((c, i) => {
                const where = `userFlow.customAttributes[${i}]`;
                if (!isRecord(c)) {
                    problems.push(`${where}: ${show(c)} must be an object with name and dataType`);
                    return;
                }
                unknownFields(c, ["name", "dataType", "description"], where, problems);
                const name = field(c, "name", where, problems, { required: true });
                if (name !== undefined) {
                    if (!CUSTOM_ATTRIBUTE_NAME.test(name)) problems.push(`${where}.name: ${show(name)} must start with a letter and contain only letters and digits (at most 40)`);
                    if (ownValue(BUILT_IN_ATTRIBUTES, name) !== undefined) problems.push(`${where}.name: ${show(name)} is a built-in attribute; list it under userFlow.attributes instead`);
                    if (customAttributes.some((x) => x.name.toLowerCase() === name.toLowerCase())) problems.push(`${where}.name: ${show(name)} is a duplicate custom attribute`);
                }
                const dataType = c.dataType ?? "string";
                if (!CUSTOM_ATTRIBUTE_DATA_TYPES.includes(dataType as CustomAttributeDataType)) {
                    problems.push(`${where}.dataType: ${show(dataType)} is not one of ${CUSTOM_ATTRIBUTE_DATA_TYPES.join(", ")}`);
                }
                customAttributes.push({
                    name: name ?? "",
                    dataType: dataType as CustomAttributeDataType,
                    description: field(c, "description", where, problems) ?? name ?? "",
                });
            });
        }
    }

    let attributes = defaults.attributes;
    if (value.attributes !== undefined) {
        if (!Array.isArray(value.attributes)) {
            problems.push(`userFlow.attributes: ${show(value.attributes)} must be a list`);
        } else {
            const list: SignUpAttribute[] = [];
            value.attributes.forEach((a, i) => {
                const where = `userFlow.attributes[${i}]`;
                const entry = typeof a === "string" ? { attribute: a } : a;
                if (!isRecord(entry)) {
                    problems.push(`${where}: ${show(a)} must be an attribute id or an object with "attribute"`);
                    return;
                }
                unknownFields(entry, ["attribute", "label", "required", "inputType", "options"], where, problems);
                const id = field(entry, "attribute", where, problems, { required: true });
                if (id === undefined) return;
                const customDef = customAttributes.find((c) => c.name === id);
                if (ownValue(BUILT_IN_ATTRIBUTES, id) === undefined && customDef === undefined) {
                    problems.push(`${where}.attribute: ${show(id)} is neither a built-in attribute (${Object.keys(BUILT_IN_ATTRIBUTES).join(", ")}) nor a name in userFlow.customAttributes`);
                    return;
                }
                if (id === "email") {
                    problems.push(`${where}.attribute: "email" is always collected by the tenant; do not list it`);
                    return;
                }
                if (list.some((x) => x.attribute === id)) problems.push(`${where}.attribute: ${show(id)} is listed twice`);
                const inputType = (entry.inputType ?? (customDef?.dataType === "boolean" ? "boolean" : "text")) as AttributeInputType;
                if (!ATTRIBUTE_INPUT_TYPES.includes(inputType)) problems.push(`${where}.inputType: ${show(entry.inputType)} is not one of ${ATTRIBUTE_INPUT_TYPES.join(", ")}`);
                const options: { label: string; value: string }[] = [];
                if (entry.options !== undefined) {
                    if (!Array.isArray(entry.options) || !entry.options.every((o) => isRecord(o) && typeof o.label === "string" && typeof o.value === "string")) {
                        problems.push(`${where}.options: must be a list of {"label": "...", "value": "..."}`);
                    } else {
                        for (const o of entry.options as { label: string; value: string }[]) options.push({ label: o.label, value: o.value });
                    }
                }
                if ((inputType === "radioSingleSelect" || inputType === "checkboxMultiSelect") && options.length === 0) {
                    problems.push(`${where}.options: a ${inputType} input needs at least one option`);
                }
                list.push({
                    attribute: id,
                    custom: customDef !== undefined,
                    label: field(entry, "label", where, problems) ?? ownValue(BUILT_IN_ATTRIBUTES, id) ?? id,
                    required: bool(entry, "required", where, false, problems),
                    inputType,
                    options,
                });
            });
            attributes = list;
        }
    }
    const adopt = value.adopt === undefined ? undefined : parseAdopt(value.adopt, customAttributes, problems);
    return { displayName, signUpAllowed, identityProviders, customAttributes, attributes, ...(adopt ? { adopt } : {}) };
}

/** A custom attribute's Graph id: `extension_<the b2c-extensions-app's appId without hyphens>_<name>`. */
const CUSTOM_ATTRIBUTE_ID = /^extension_[0-9a-f]{32}_([A-Za-z][A-Za-z0-9]{0,39})$/i;

function parseAdopt(value: unknown, customAttributes: readonly CustomAttribute[], problems: string[]): UserFlowAdopt {
    if (!isRecord(value)) {
        problems.push(`userFlow.adopt: ${show(value)} must be an object such as {"flow": "<id of the existing flow>", "attributes": {"<name>": "<id of the existing attribute>"}}`);
        return { attributes: {} };
    }
    unknownFields(value, ["flow", "attributes"], "userFlow.adopt", problems);
    let flow = field(value, "flow", "userFlow.adopt", problems);
    if (flow !== undefined && !GUID.test(flow)) {
        problems.push(`userFlow.adopt.flow: ${show(flow)} is not a GUID (the id of the existing user flow that the ownership error names)`);
        flow = undefined;
    }
    const attributes: [string, string][] = [];
    if (value.attributes !== undefined) {
        if (!isRecord(value.attributes)) {
            problems.push(`userFlow.adopt.attributes: ${show(value.attributes)} must be an object mapping a userFlow.customAttributes name to the existing attribute's id`);
        } else {
            for (const [name, id] of Object.entries(value.attributes)) {
                const where = `userFlow.adopt.attributes.${name}`;
                // The declared names, not an object's properties: "constructor" is unknown unless it is declared.
                if (!customAttributes.some((c) => c.name === name)) {
                    const names = customAttributes.map((c) => c.name).filter((n) => n !== "");
                    problems.push(`${where}: ${show(name)} is not a name in userFlow.customAttributes (${names.length > 0 ? `declared: ${names.join(", ")}` : "none declared"})`);
                    continue;
                }
                const m = typeof id === "string" ? CUSTOM_ATTRIBUTE_ID.exec(id) : null;
                if (!m || m[1].toLowerCase() !== name.toLowerCase()) {
                    problems.push(`${where}: ${show(id)} is not the id of a custom attribute named ${show(name)} (expected extension_<32 hex digits>_${name}, as the ownership error names it)`);
                    continue;
                }
                attributes.push([name, id as string]);
            }
        }
    }
    return { ...(flow !== undefined ? { flow } : {}), attributes: Object.fromEntries(attributes) };
}

function parseHosting(value: unknown, problems: string[]): HostingConfig {
    const defaults: HostingConfig = {
        enabled: true, location: "", sku: "B1", nodeVersion: "24-lts", instances: 1, redis: { enabled: true, sku: DEFAULT_REDIS_SKU },
    };
    if (value === undefined) {
        problems.push(`hosting.location is required (an Azure region such as "westeurope"), or set hosting.enabled to false`);
        return defaults;
    }
    if (!isRecord(value)) {
        problems.push(`hosting: ${show(value)} must be an object such as {"location": "westeurope"}`);
        return defaults;
    }
    unknownFields(value, ["enabled", "location", "sku", "nodeVersion", "instances", "redis", "redisSku"], "hosting", problems);
    const enabled = bool(value, "enabled", "hosting", true, problems);
    const location = field(value, "location", "hosting", problems) ?? "";
    if (enabled && location === "" && value.location === undefined) {
        problems.push(`hosting.location is required (an Azure region such as "westeurope"), or set hosting.enabled to false`);
    } else if (location !== "" && !/^[a-z][a-z0-9]{2,30}$/.test(location)) {
        problems.push(`hosting.location: ${show(location)} must be an Azure region name such as "westeurope" (lower case, no spaces)`);
    }
    const sku = field(value, "sku", "hosting", problems) ?? defaults.sku;
    const skuKnown = APP_SERVICE_SKUS.includes(sku);
    if (!skuKnown) problems.push(`hosting.sku: ${show(sku)} is not one of ${APP_SERVICE_SKUS.join(", ")}`);
    const nodeVersion = (field(value, "nodeVersion", "hosting", problems) ?? defaults.nodeVersion) as NodeRuntime;
    if (!NODE_RUNTIMES.includes(nodeVersion)) problems.push(`hosting.nodeVersion: ${show(nodeVersion)} is not one of ${NODE_RUNTIMES.join(", ")}`);

    let instances = defaults.instances;
    if (value.instances !== undefined && value.instances !== null) {
        const v = value.instances;
        const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n < 1) {
            problems.push(`hosting.instances: ${show(v)} must be a whole number of instances, at least 1`);
        } else if (skuKnown && n > maxInstances(sku)) {
            problems.push(`hosting.instances: ${n} is more than a ${sku} plan can run (at most ${maxInstances(sku)}); choose a larger hosting.sku or fewer instances`);
        } else {
            instances = n;
        }
    }
    const redisEnabled = bool(value, "redis", "hosting", true, problems);
    const redisSku = field(value, "redisSku", "hosting", problems) ?? DEFAULT_REDIS_SKU;
    if (!REDIS_SKUS.includes(redisSku)) {
        problems.push(`hosting.redisSku: ${show(redisSku)} is not an Azure Managed Redis SKU (e.g. ${DEFAULT_REDIS_SKU}, Balanced_B1, MemoryOptimized_M10, ComputeOptimized_X3)`);
    }
    if (enabled && !redisEnabled && instances > 1) {
        // Sessions and token caches in one process's memory would sign people out whenever another instance answers.
        problems.push(`hosting.instances: ${instances} instances need the shared session store; remove hosting.redis: false, or set hosting.instances to 1`);
    }
    return { enabled, location, sku, nodeVersion, instances, redis: { enabled: redisEnabled, sku: redisSku } };
}

function positiveInt(raw: Raw, key: ConfigKey, fallback: number, problems: string[]): number {
    const v = raw[key];
    if (v === undefined || v === null || v === "") return fallback;
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n <= 0) {
        problems.push(`${key}: ${show(v)} must be a whole number of days greater than 0`);
        return fallback;
    }
    return n;
}

/**
 * Validates raw stack config. `project` is the Pulumi project name (the config namespace); `now` fixes the
 * secret rotation window. Throws `ConfigError` listing every problem.
 */
export function parseStackConfig(raw: Raw, opts: { project: string; stack: string; now?: Date; signIn?: SignInExperienceOptions }): StackConfig {
    const problems: string[] = [];
    const now = opts.now ?? new Date();

    const tenantId = str(raw, "tenantId", problems);
    if (tenantId === undefined) {
        if (raw.tenantId === undefined || raw.tenantId === "") problems.push(`tenantId is required: the external tenant's id (a GUID), e.g. \`pulumi config set tenantId 00000000-0000-0000-0000-000000000000\``);
    } else if (!GUID.test(tenantId)) {
        problems.push(`tenantId: ${show(tenantId)} is not a GUID (expected the form 00000000-0000-0000-0000-000000000000)`);
    }
    const subdomainRaw = str(raw, "subdomain", problems);
    if (subdomainRaw === undefined) {
        if (raw.subdomain === undefined || raw.subdomain === "") problems.push(`subdomain is required: the tenant's subdomain, as in <subdomain>.ciamlogin.com`);
    } else if (!SUBDOMAIN.test(subdomainRaw)) {
        problems.push(`subdomain: ${show(subdomainRaw)} must be the bare subdomain (lower-case letters, digits and hyphens, e.g. "contoso" for contoso.ciamlogin.com)`);
    }
    const subdomain = subdomainRaw ?? "";

    const scenarioRaw = str(raw, "scenario", problems) ?? "signIn";
    if (!SCENARIOS.includes(scenarioRaw as Scenario)) problems.push(`scenario: ${show(scenarioRaw)} is not one of ${SCENARIOS.map((s) => `"${s}"`).join(", ")}`);
    const scenario = scenarioRaw as Scenario;

    const defaultPrefix = `${opts.project}-${opts.stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 20).replace(/-+$/, "");
    const namePrefix = str(raw, "namePrefix", problems) ?? defaultPrefix;
    if (!NAME_PREFIX.test(namePrefix)) problems.push(`namePrefix: ${show(namePrefix)} must be 3-20 lower-case letters, digits or hyphens, starting with a letter`);

    const redirectUri = str(raw, "redirectUri", problems) ?? "http://localhost:3000/auth/redirect";
    checkRedirectUrl("redirectUri", redirectUri, problems);
    const postLogoutRedirectUri = str(raw, "postLogoutRedirectUri", problems) ?? "http://localhost:3000/";
    checkRedirectUrl("postLogoutRedirectUri", postLogoutRedirectUri, problems);

    const lifetimeDays = positiveInt(raw, "clientSecretLifetimeDays", 180, problems);
    const rotationDays = positiveInt(raw, "clientSecretRotationDays", 90, problems);
    if (lifetimeDays > MAX_SECRET_LIFETIME_DAYS) problems.push(`clientSecretLifetimeDays: ${lifetimeDays} exceeds the platform maximum of ${MAX_SECRET_LIFETIME_DAYS} days`);
    if (rotationDays >= lifetimeDays) problems.push(`clientSecretRotationDays: ${rotationDays} must be less than clientSecretLifetimeDays (${lifetimeDays}), so a new secret exists before the old one expires`);

    const idName = (what: string) => uuidV5(`${(tenantId ?? "").toLowerCase()}/${namePrefix}/${what}`);
    const apiJsonGiven = raw.apiScopes !== undefined || raw.apiRoles !== undefined;
    const scopes = parseScopes(raw.apiScopes, idName, problems);
    const roles = parseRoles(raw.apiRoles, idName, problems);
    const sharedIds = scopes.filter((s) => roles.some((r) => r.id === s.id));
    for (const s of sharedIds) problems.push(`apiScopes/apiRoles: id ${show(s.id)} is used by both a scope and a role`);
    if (scenario === "signIn" && apiJsonGiven) {
        problems.push(`apiScopes/apiRoles are set but scenario is "signIn", which declares no API; set scenario to "signInAndCallApi" or remove them`);
    }

    const userFlow = parseUserFlow(raw.userFlow, namePrefix, problems);
    const hosting = parseHosting(raw.hosting, problems);
    const signIn = parseSignInExperience(raw, problems, opts.signIn);
    const signInExperience = signIn.socialProviders.length > 0 || signIn.branding ? signIn : undefined;

    if (problems.length > 0) throw new ConfigError(problems);

    const windowIndex = Math.floor((now.getTime() - ROTATION_EPOCH) / (rotationDays * DAY_MS));
    const window = (index: number): SecretWindow => {
        const start = ROTATION_EPOCH + index * rotationDays * DAY_MS;
        return {
            index,
            slot: index % 2 === 0 ? "a" : "b",
            start: new Date(start).toISOString().slice(0, 10),
            endDate: new Date(start + lifetimeDays * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z"),
        };
    };
    const current = window(windowIndex);
    const previousWindow = window(windowIndex - 1);
    // Nothing is declared past its end date: a lifetime shorter than two windows lets the previous one lapse early.
    const previous = Date.parse(previousWindow.endDate) > now.getTime() ? previousWindow : undefined;
    return {
        namePrefix,
        tenantId: tenantId!.toLowerCase(),
        subdomain,
        authority: `https://${subdomain}.ciamlogin.com/`,
        scenario,
        web: {
            displayName: str(raw, "webDisplayName", problems) ?? `${namePrefix} web app`,
            redirectUri,
            postLogoutRedirectUri,
        },
        api: scenario === "signInAndCallApi"
            ? { displayName: str(raw, "apiDisplayName", problems) ?? `${namePrefix} to-do API`, scopes, roles }
            : undefined,
        clientSecret: {
            lifetimeDays,
            rotationDays,
            rotationWindowStart: current.start,
            endDate: current.endDate,
            current,
            previous,
        },
        userFlow,
        hosting,
        signInExperience,
    };
}

/**
 * Turns Pulumi's flat config map (`<project>:<key>` → string) into raw values: JSON keys are parsed, unknown keys
 * of this project's namespace are reported (they are almost always typos).
 */
export function rawFromPulumiConfig(all: Record<string, string>, project: string): Raw {
    const problems: string[] = [];
    const raw: Raw = {};
    for (const [fullKey, value] of Object.entries(all)) {
        const sep = fullKey.indexOf(":");
        const ns = fullKey.slice(0, sep);
        const key = fullKey.slice(sep + 1);
        if (ns !== project) continue;
        if (!Object.hasOwn(CONFIG_KEYS, key)) {
            problems.push(`${key} is not a known setting of this project (known: ${Object.keys(CONFIG_KEYS).join(", ")})`);
            continue;
        }
        const k = key as ConfigKey;
        if (CONFIG_KEYS[k] === "json") {
            try {
                raw[k] = JSON.parse(value);
            } catch {
                problems.push(`${key}: the value is not valid structured config (JSON); set it with \`pulumi config set --path\` or as a YAML object`);
            }
        } else {
            raw[k] = value;
        }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return raw;
}
