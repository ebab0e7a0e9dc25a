/**
 * What the stand-in tenant takes from a Pulumi stack file (`Pulumi.dev.yaml` by default): the tenant id, the API's
 * scopes and roles and the user flow's sign-up attributes, validated by the same `parseStackConfig` the Pulumi
 * program uses. Client ids a real tenant would assign are derived deterministically (stable across runs).
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { lookFromConfig, type LocalSignInLook } from "./signInLook";
import { parse } from "yaml";
import { CONFIG_KEYS, parseStackConfig, uuidV5, type ConfigKey, type SignUpAttribute, type StackConfig } from "../../components/config";

export interface LocalTenantSettings {
    readonly tenantId: string;
    readonly userFlowName: string;
    readonly signUpAllowed: boolean;
    /** Sign-up attributes with the claim name each one gets in the ID token. */
    readonly attributes: readonly (SignUpAttribute & { readonly claim: string })[];
    readonly webClientId: string;
    readonly webDisplayName: string;
    readonly redirectUri: string;
    readonly postLogoutRedirectUri: string;
    /** Undefined in the `signIn` scenario. */
    readonly api?: {
        readonly clientId: string;
        /** `api://<clientId>` */
        readonly resource: string;
        readonly scopes: readonly string[];
        readonly roles: readonly string[];
    };
    /** A confidential client allowed the client-credentials grant with every API role (app-only calls). */
    readonly daemonClientId: string;
    /** Social buttons and company branding of the sign-in pages (webapp/dev/signInLook.ts). */
    readonly look: LocalSignInLook;
}

/** ID-token claim names of the built-in attributes (as Entra names them); custom ones become `extension_<name>`. */
const BUILT_IN_CLAIMS: Readonly<Record<string, string>> = {
    displayName: "name",
    givenName: "given_name",
    surname: "family_name",
    city: "city",
    country: "country",
    postalCode: "postalCode",
    state: "state",
    streetAddress: "streetAddress",
    jobTitle: "jobTitle",
};

export function claimFor(attribute: SignUpAttribute): string {
    return attribute.custom ? `extension_${attribute.attribute}` : BUILT_IN_CLAIMS[attribute.attribute] ?? attribute.attribute;
}

/** Parses the YAML text of a stack file; `project` is the config namespace (the Pulumi project name). */
export function stackConfigFromYaml(text: string, project: string, stack = "dev", baseDir?: string): StackConfig {
    const doc = parse(text) as { config?: Record<string, unknown> } | null;
    const raw: Partial<Record<ConfigKey, unknown>> = {};
    for (const [fullKey, value] of Object.entries(doc?.config ?? {})) {
        const [ns, key] = fullKey.split(":", 2) as [string, string];
        if (ns !== project || !(key in CONFIG_KEYS)) continue;
        raw[key as ConfigKey] = value;
    }
    // Secure values stay encrypted here: a provider's secret only has to be present, the stand-in never uses it.
    return parseStackConfig(raw, { project, stack, signIn: { secretsAvailable: false, baseDir } });
}

export function localSettings(config: StackConfig): LocalTenantSettings {
    const id = (what: string) => uuidV5(`${config.tenantId}/${config.namePrefix}/local:${what}`);
    const apiClientId = id("api");
    return {
        tenantId: config.tenantId,
        userFlowName: config.userFlow.displayName,
        signUpAllowed: config.userFlow.signUpAllowed,
        attributes: config.userFlow.attributes.map((a) => ({ ...a, claim: claimFor(a) })),
        webClientId: id("web"),
        webDisplayName: config.web.displayName,
        redirectUri: config.web.redirectUri,
        postLogoutRedirectUri: config.web.postLogoutRedirectUri,
        api: config.api === undefined ? undefined : {
            clientId: apiClientId,
            resource: `api://${apiClientId}`,
            scopes: config.api.scopes.map((s) => s.value),
            roles: config.api.roles.filter((r) => r.allowedMemberTypes.includes("Application")).map((r) => r.value),
        },
        daemonClientId: id("daemon"),
        look: lookFromConfig(config),
    };
}

/** Reads `<file>` (a Pulumi stack file) and the project name from `Pulumi.yaml` beside it. */
export function loadLocalSettings(stackFile: string, projectFile: string): LocalTenantSettings {
    const project = (parse(readFileSync(projectFile, "utf8")) as { name?: string }).name;
    if (typeof project !== "string" || project === "") throw new Error(`${projectFile} has no project name`);
    const stack = /Pulumi\.([^.]+)\.yaml$/.exec(stackFile)?.[1] ?? "dev";
    return localSettings(stackConfigFromYaml(readFileSync(stackFile, "utf8"), project, stack, dirname(stackFile)));
}
