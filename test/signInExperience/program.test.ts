/**
 * The program with Google, Facebook and branding under Pulumi mocks: the declared resources and their exact inputs,
 * the user flow referring to the declared providers (so it is created after them), the client secrets secret, and
 * bad config rejected before any resource.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { baseConfig, runProgram, valueOf, ProgramFailure } from "../support/program";
import { SECRET_SIG } from "../support/mocks";

const GOOGLE_SECRET = "GOCSPX-9sTq2Xv7LmN4pR8wYz1Ab3Cd";
const FACEBOOK_SECRET = "0123456789abcdef0123456789abcdef";
const T = {
    idp: "pulumi-nodejs:dynamic/entra-signin:SocialIdentityProvider",
    branding: "pulumi-nodejs:dynamic/entra-signin:CompanyBranding",
    flow: "pulumi-nodejs:dynamic/entra-userflow:UserFlow",
    component: "entra-ciam:index:SignInExperience",
};

/** The example stack's sign-in experience and user flow (Pulumi.dev.yaml), plus secrets as `pulumi config set --secret` would give. */
function exampleConfig(): Record<string, unknown> {
    const doc = parse(readFileSync("Pulumi.dev.yaml", "utf8")).config as Record<string, unknown>;
    return {
        ...baseConfig("signIn"),
        userFlow: doc["entra-ciam:userFlow"],
        identityProviders: doc["entra-ciam:identityProviders"],
        branding: doc["entra-ciam:branding"],
        googleClientSecret: GOOGLE_SECRET,
        facebookClientSecret: FACEBOOK_SECRET,
    };
}

describe("a stack with Google, Facebook and branding", () => {
    let run: Awaited<ReturnType<typeof runProgram>>;
    beforeAll(async () => {
        run = await runProgram(exampleConfig());
    });

    test("declares one provider per type and the branding, children of one component", () => {
        expect(run.byType(T.component).map((r) => r.name)).toEqual(["signin-experience"]);
        expect(run.byType(T.idp).map((r) => [r.name, r.inputs.identityProviderType, r.inputs.displayName, r.inputs.clientId])).toEqual([
            ["signin-experience-idp-google", "Google", "Google", "123456789012-abc123def456.apps.googleusercontent.com"],
            ["signin-experience-idp-facebook", "Facebook", "Facebook", "1234567890123456"],
        ]);
        const b = run.named("signin-experience-branding").inputs;
        expect(Object.keys(b.images).sort()).toEqual(["backgroundImage", "bannerLogo", "squareLogo"]);
        // The absolute path (the provider plugin's working directory need not be the project's); only the hash is compared.
        expect(b.images.bannerLogo).toEqual({ path: join(process.cwd(), "branding/banner-logo.png"), contentType: "image/png", sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
        expect(b.localizations.map((l: { locale: string }) => l.locale)).toEqual(["fr-FR"]);
    });

    test("the client secrets are secret inputs (marked secret on the wire), in no other input, not in the serialized provider, not in outputs", () => {
        for (const r of run.byType(T.idp)) {
            expect(r.inputs.clientSecret[SECRET_SIG]).toBeDefined();
            expect(r.state.clientSecret[SECRET_SIG]).toBeDefined();
            const others = JSON.stringify({ ...r.inputs, clientSecret: undefined });
            expect(others).not.toContain(GOOGLE_SECRET);
            expect(others).not.toContain(FACEBOOK_SECRET);
        }
        expect(run.byType(T.idp).map((r) => r.inputs.clientSecret.value)).toEqual([GOOGLE_SECRET, FACEBOOK_SECRET]);
        expect(JSON.stringify(run.outputs)).not.toContain(GOOGLE_SECRET);
        expect(JSON.stringify(run.outputs)).not.toContain(FACEBOOK_SECRET);
    });

    test("the user flow lists the declared providers by reference (created after them)", async () => {
        const flow = run.byType(T.flow)[0];
        expect(flow.inputs.identityProviders).toEqual(["EmailPassword-OAUTH", "signin-experience-idp-google-id", "signin-experience-idp-facebook-id"]);
        expect(run.outputs.socialIdentityProviderIds).toEqual(["signin-experience-idp-google-id", "signin-experience-idp-facebook-id"]);
        expect(await valueOf(run.pulumi, run.exports.userFlowId)).toBe("signup-signin-flow-id");
    });
});

test("without identity providers or branding nothing extra is declared and the flow keeps its ids", async () => {
    const run = await runProgram(baseConfig("signIn"));
    expect(run.byType(T.idp)).toHaveLength(0);
    expect(run.byType(T.branding)).toHaveLength(0);
    expect(run.byType(T.flow)[0].inputs.identityProviders).toEqual(["EmailPassword-OAUTH"]);
});

test.each<[string, Record<string, unknown>, RegExp]>([
    ["unknown provider type", { identityProviders: { github: { clientId: "1" } } }, /identityProviders\.github: "github" is not a provider type this program declares/],
    ["missing secret", { identityProviders: { google: { clientId: "123456789012-abc.apps.googleusercontent.com" } } }, /googleClientSecret is required when identityProviders\.google is set/],
    ["image of the wrong type", { branding: { bannerLogo: "branding/make-images.mjs" } }, /branding\.bannerLogo: "branding\/make-images\.mjs" is not a PNG or JPEG image; allowed: PNG or JPEG/],
    ["image too large", { branding: { squareLogo: "branding/background.png" } }, /branding\.squareLogo: "branding\/background\.png" is 1920 × 1080 pixels; squareLogo allows at most 240 × 240/],
])("%s: the program fails before declaring any resource", async (_what, extra, message) => {
    const err = await runProgram({ ...baseConfig("signIn"), ...extra }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgramFailure);
    expect((err as ProgramFailure).message).toMatch(message);
    expect((err as ProgramFailure).resources).toEqual([]);
});
