/**
 * How the pack tells the program's five dynamic resources apart (policy/dynamicKinds.ts): each kind's properties as
 * its component sends them (inputs, with and without the optional ones) and as its provider returns them (outputs)
 * are recognised as that kind and no other, and no set of properties can match two rows.
 */
import { dynamicKind, kindNamedByType, KINDS, SHAPES, type DynamicKind } from "../../policy/dynamicKinds";

const TENANT = "11111111-2222-3333-4444-555555555555";
const image = { path: "/repo/branding/banner-logo.png", contentType: "image/png", sha256: `sha256:${"ab".repeat(32)}` };

/** Property sets per kind: inputs with every optional property, inputs with none, outputs (components/**, providers). */
const EXAMPLES: Record<DynamicKind, Record<string, unknown>[]> = {
    UserFlow: [
        { tenantId: TENANT, displayName: "Flow", signUpAllowed: true, identityProviders: ["EmailPassword-OAUTH"], attributes: [], version: "1" },
        { tenantId: TENANT, displayName: "Flow", identityProviders: [], version: "1" },
        { tenantId: TENANT, displayName: "Flow", signUpAllowed: true, identityProviders: ["Google-OAUTH"], attributes: [], version: "1", createdAt: "2026-01-01T00:00:00Z" },
    ],
    UserFlowApplication: [
        { tenantId: TENANT, userFlowId: "flow-id", appId: "app-id", version: "1" },
        { tenantId: TENANT, userFlowId: "flow-id", appId: "app-id", version: "1", createdAt: "2026-01-01T00:00:00Z" },
    ],
    UserFlowAttribute: [
        { tenantId: TENANT, displayName: "FavoriteColor", dataType: "string", description: "d", version: "1" },
        { tenantId: TENANT, displayName: "FavoriteColor", dataType: "string", version: "1" },
        { tenantId: TENANT, displayName: "FavoriteColor", dataType: "string", description: "d", version: "1", attributeId: "extension_x_FavoriteColor", createdAt: "2026-01-01T00:00:00Z" },
    ],
    SocialIdentityProvider: [
        { tenantId: TENANT, identityProviderType: "Google", displayName: "Google", clientId: "c", clientSecret: "s", adoptExisting: true, version: "1" },
        { tenantId: TENANT, identityProviderType: "Facebook", displayName: "Facebook", clientId: "c", clientSecret: "s", version: "1" },
        // Outputs: never the secret, its fingerprint instead (absent after an import).
        { tenantId: TENANT, identityProviderType: "Google", displayName: "Google", clientId: "c", clientSecretFingerprint: "hmac-sha256:a:b", createdAt: "2026-01-01T00:00:00Z", version: "1" },
        { tenantId: TENANT, identityProviderType: "Google", displayName: "Google", clientId: "c", version: "1" },
    ],
    CompanyBranding: [
        { tenantId: TENANT, backgroundColor: "#0F3D2E", headerBackgroundColor: "#FFFFFF", signInPageText: "t", usernameHintText: "u", images: { bannerLogo: image }, localizations: [{ locale: "fr-FR", signInPageText: "t" }], adoptExisting: false, version: "1" },
        { tenantId: TENANT, images: {}, localizations: [], version: "1" },
        { tenantId: TENANT, signInPageText: "t", images: { bannerLogo: image }, localizations: [], imageUrls: { bannerLogo: "dbccdn/banner.png" }, createdAt: "2026-01-01T00:00:00Z", version: "1" },
    ],
};

test("the five kinds have a row each", () => {
    expect(SHAPES.map(([k]) => k)).toEqual([...KINDS]);
});

test.each(KINDS.flatMap((kind) => EXAMPLES[kind].map((props, i) => [kind, i, props] as const)))("%s example %d is recognised as that kind", (kind, _i, props) => {
    expect(dynamicKind(props)).toBe(kind);
});

test("no two rows can match the same properties: each row requires a property the other forbids", () => {
    for (const [a, hasA, notA] of SHAPES) {
        for (const [b, hasB, notB] of SHAPES) {
            if (a === b) continue;
            const separated = hasA.some((k) => notB.includes(k)) || hasB.some((k) => notA.includes(k));
            expect([a, b, separated]).toEqual([a, b, true]);
        }
    }
});

test("a mixture of two kinds' properties is neither", () => {
    for (const a of KINDS) {
        for (const b of KINDS) {
            if (a === b) continue;
            expect([a, b, dynamicKind({ ...EXAMPLES[a][0], ...EXAMPLES[b][0] })]).toEqual([a, b, undefined]);
        }
    }
});

test("a kind's required properties alone, one missing, are not enough", () => {
    for (const [kind, has] of SHAPES) {
        const full = Object.fromEntries(has.map((k) => [k, "x"]));
        expect(dynamicKind(full)).toBe(kind);
        for (const k of has) {
            const { [k]: _dropped, ...rest } = full;
            expect([kind, k, dynamicKind(rest)]).not.toEqual([kind, k, kind]);
        }
    }
});

test("the type token names a kind only as pulumi-nodejs:dynamic/<module>:<Kind>", () => {
    expect(kindNamedByType("pulumi-nodejs:dynamic/entra-signin:SocialIdentityProvider")).toBe("SocialIdentityProvider");
    expect(kindNamedByType("pulumi-nodejs:dynamic/entra-userflow:UserFlowApplication")).toBe("UserFlowApplication");
    expect(kindNamedByType("pulumi-nodejs:dynamic:Resource")).toBeUndefined();
    expect(kindNamedByType("pulumi-nodejs:dynamic/other:Helper")).toBeUndefined();
});
