/**
 * Stack configuration: read once, validated in one place.
 *
 * `parseStackConfig` is a pure function over the raw key/value pairs of a stack (as Pulumi stores them: strings,
 * with structured values as JSON text). Every problem is collected and reported together; each message names the
 * key, the offending value and what is allowed. Nothing here declares a resource, so a bad config fails before any
 * resource is planned.
 *
 * One concern per file: keys.ts (the keys and raw values), errors.ts (ConfigError), fields.ts (shared readers and
 * messages), ids.ts (uuidV5), api.ts (scopes and roles), userFlow.ts, hosting.ts, secret.ts (rotation windows), and
 * ../signInExperience/config.ts (social providers and branding). Everything public is exported from here.
 */
import { parseSignInExperience, type SignInExperienceConfig, type SignInExperienceOptions } from "../signInExperience/config";
import { type ApiRole, type ApiScope, parseRoles, parseScopes } from "./api";
import { ConfigError } from "./errors";
import { GUID, checkRedirectUrl, positiveInt, show, str } from "./fields";
import { type HostingConfig, parseHosting } from "./hosting";
import { uuidV5 } from "./ids";
import { CONFIG_KEYS, type ConfigKey, type Raw } from "./keys";
import { MAX_SECRET_LIFETIME_DAYS, type SecretWindow, secretWindows } from "./secret";
import { type UserFlowConfig, parseUserFlow } from "./userFlow";

export { ConfigError } from "./errors";
export { CONFIG_KEYS } from "./keys";
export type { ConfigKey, Raw } from "./keys";
export { uuidV5 } from "./ids";
export { DEFAULT_ROLES, DEFAULT_SCOPES } from "./api";
export type { ApiRole, ApiScope, AppRoleMemberType } from "./api";
export {
    ATTRIBUTE_INPUT_TYPES,
    BUILT_IN_ATTRIBUTES,
    CUSTOM_ATTRIBUTE_DATA_TYPES,
    IDENTITY_PROVIDERS,
} from "./userFlow";
export type { AttributeInputType, CustomAttribute, CustomAttributeDataType, SignUpAttribute, UserFlowAdopt, UserFlowConfig } from "./userFlow";
export { APP_SERVICE_SKUS, DEFAULT_REDIS_SKU, NODE_RUNTIMES, REDIS_SKUS, maxInstances } from "./hosting";
export type { HostingConfig, NodeRuntime } from "./hosting";
export { MAX_SECRET_LIFETIME_DAYS } from "./secret";
export type { SecretWindow } from "./secret";

export type Scenario = "signIn" | "signInAndCallApi";
export const SCENARIOS: readonly Scenario[] = ["signIn", "signInAndCallApi"];

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

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,25}[a-z0-9])?$/;
const NAME_PREFIX = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;

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

    const { current, previous } = secretWindows(now, lifetimeDays, rotationDays);
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
