/**
 * The program's dynamic-provider resources, told apart by their properties: to a policy pack every dynamic resource
 * has the same provider (`pulumi-nodejs`), and older SDKs give them all the type `pulumi-nodejs:dynamic:Resource`.
 * Properties as declared in components/userFlow/resources.ts and components/signInExperience/resources.ts (inputs)
 * and returned by their providers (outputs).
 */

export type DynamicKind = "UserFlow" | "UserFlowApplication" | "UserFlowAttribute" | "SocialIdentityProvider" | "CompanyBranding";

export const KINDS: readonly DynamicKind[] = ["UserFlow", "UserFlowApplication", "UserFlowAttribute", "SocialIdentityProvider", "CompanyBranding"];

/**
 * Each kind: the properties it always has (inputs and outputs alike) and the properties it never has. A row is added
 * after review, with a test in test/policy/resourcePolicies.test.ts. Every kind has one property no other kind has
 * (identityProviders, appId, dataType, identityProviderType, images) and lists the others' as forbidden, so no set of
 * properties matches two rows (test/policy/dynamicKinds.test.ts checks every pair).
 */
export const SHAPES: ReadonlyArray<readonly [DynamicKind, readonly string[], readonly string[]]> = [
    // kind, properties it must have, properties it must not have
    ["UserFlow", ["tenantId", "displayName", "identityProviders"],
        ["appId", "userFlowId", "dataType", "identityProviderType", "clientId", "clientSecret", "images", "localizations"]],
    ["UserFlowApplication", ["tenantId", "userFlowId", "appId"],
        ["displayName", "identityProviders", "dataType", "identityProviderType", "clientId", "clientSecret", "images", "localizations"]],
    ["UserFlowAttribute", ["tenantId", "displayName", "dataType"],
        ["identityProviders", "appId", "userFlowId", "identityProviderType", "clientId", "clientSecret", "images", "localizations"]],
    // Its outputs have no clientSecret (the provider never returns it), so the secret is not part of the shape.
    ["SocialIdentityProvider", ["tenantId", "identityProviderType", "displayName", "clientId"],
        ["identityProviders", "appId", "userFlowId", "dataType", "images", "localizations"]],
    // The component always sends images ({} when none) and localizations ([] when none); the provider returns both.
    ["CompanyBranding", ["tenantId", "images", "localizations"],
        ["displayName", "identityProviders", "appId", "userFlowId", "dataType", "identityProviderType", "clientId", "clientSecret"]],
];

/**
 * Properties that hold a secret by design. They must reach the pack marked secret wherever they appear (inputs and
 * outputs), so that the state keeps them encrypted; the SocialIdentityProvider's `clientSecret` is an input only, its
 * `clientSecretFingerprint` (an HMAC of it, components/signInExperience/fingerprint.ts) an output only.
 */
export const SECRET_PROPERTIES: Readonly<Partial<Record<DynamicKind, readonly string[]>>> = {
    SocialIdentityProvider: ["clientSecret", "clientSecretFingerprint"],
};

/** Outputs the resource's options must list in `additionalSecretOutputs` (the engine then encrypts them in the state). */
export const SECRET_OUTPUTS: Readonly<Partial<Record<DynamicKind, readonly string[]>>> = {
    SocialIdentityProvider: ["clientSecretFingerprint"],
};

/** Which of the program's dynamic resources these properties describe, or undefined when none. */
export function dynamicKind(props: Record<string, unknown>): DynamicKind | undefined {
    const keys = new Set(Object.keys(props));
    const match = SHAPES.find(([, has, hasNot]) => has.every((k) => keys.has(k)) && !hasNot.some((k) => keys.has(k)));
    return match?.[0];
}

/** The kind a type token names (`pulumi-nodejs:dynamic/<module>:<Kind>`), when it names one of ours. */
export function kindNamedByType(type: string): DynamicKind | undefined {
    const m = /^pulumi-nodejs:dynamic\/[^:]+:([A-Za-z]+)$/.exec(type);
    return m && (KINDS as readonly string[]).includes(m[1]) ? (m[1] as DynamicKind) : undefined;
}
