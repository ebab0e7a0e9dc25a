/**
 * Stack config of the sign-in experience, through the program's own `parseStackConfig`: every bad value is
 * rejected before any resource, with a message naming the key (and the file), never showing a secret.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, parseStackConfig } from "../../components/config";
import { sniffImage } from "../../components/signInExperience/images";

const GOOGLE_SECRET = "GOCSPX-9sTq2Xv7LmN4pR8wYz1Ab3Cd";
const FACEBOOK_SECRET = "0123456789abcdef0123456789abcdef";
const base = { tenantId: "11111111-2222-3333-4444-555555555555", subdomain: "contoso", hosting: { enabled: false } };
const google = { google: { clientId: "123456789012-abc123.apps.googleusercontent.com" } };

function parse(raw: Record<string, unknown>, files: Record<string, Uint8Array> = {}) {
    const readFile = (p: string) => {
        if (files[p]) return files[p];
        if (p.startsWith("branding/")) return readFileSync(p);
        throw Object.assign(new Error("nope"), { code: "ENOENT" });
    };
    return parseStackConfig({ ...base, ...raw } as any, { project: "entra-ciam", stack: "test", signIn: { readFile } });
}

function problems(raw: Record<string, unknown>, files: Record<string, Uint8Array> = {}): readonly string[] {
    try {
        parse(raw, files);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    throw new Error("expected a ConfigError");
}

/** A PNG header with the given size, padded to `bytes`. */
function png(width: number, height: number, bytes = 64): Uint8Array {
    const b = Buffer.alloc(Math.max(bytes, 24));
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(b);
    b.write("IHDR", 12, "latin1");
    b.writeUInt32BE(width, 16);
    b.writeUInt32BE(height, 20);
    return b;
}

/** A JPEG with an APP0 segment then SOF0 of the given size. */
function jpeg(width: number, height: number): Uint8Array {
    return Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 0, 0, 0, 0, 0]);
}

test("Google, Facebook and branding from the example files: parsed, secrets kept for the providers", () => {
    const cfg = parse({
        identityProviders: { ...google, facebook: { clientId: "1234567890123456", displayName: "Facebook account" } },
        googleClientSecret: GOOGLE_SECRET,
        facebookClientSecret: FACEBOOK_SECRET,
        branding: {
            backgroundColor: "#0F3D2E", signInPageText: "Welcome", usernameHintText: "you@example.com",
            bannerLogo: "branding/banner-logo.png", squareLogo: "branding/square-logo.png", backgroundImage: "branding/background.png",
            localizations: [{ locale: "fr-FR", signInPageText: "Bienvenue" }],
        },
    });
    expect(cfg.signInExperience!.socialProviders).toEqual([
        { kind: "google", graphType: "Google", graphId: "Google-OAUTH", displayName: "Google", clientId: "123456789012-abc123.apps.googleusercontent.com", clientSecret: GOOGLE_SECRET, adoptExisting: false },
        { kind: "facebook", graphType: "Facebook", graphId: "Facebook-OAUTH", displayName: "Facebook account", clientId: "1234567890123456", clientSecret: FACEBOOK_SECRET, adoptExisting: false },
    ]);
    const b = cfg.signInExperience!.branding!;
    expect(b.images.bannerLogo).toMatchObject({ path: "branding/banner-logo.png", file: join(process.cwd(), "branding/banner-logo.png"), contentType: "image/png", width: 245, height: 36 });
    expect(b.images.backgroundImage!.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.localizations).toEqual([{ locale: "fr-FR", signInPageText: "Bienvenue" }]);
});

test("nothing configured: no sign-in experience at all", () => {
    expect(parse({}).signInExperience).toBeUndefined();
});

test.each<[string, Record<string, unknown>, string[]]>([
    ["an unknown provider type", { identityProviders: { github: { clientId: "x" } } },
        ['identityProviders.github: "github" is not a provider type this program declares (allowed: google, facebook)']],
    ["an inherited name as provider type", { identityProviders: { constructor: { clientId: "x" } } },
        ['identityProviders.constructor: "constructor" is not a provider type this program declares (allowed: google, facebook)']],
    ["a missing secret", { identityProviders: google },
        ["googleClientSecret is required when identityProviders.google is set: `pulumi config set --secret googleClientSecret <the Google client secret>`"]],
    ["a secret without its provider", { facebookClientSecret: FACEBOOK_SECRET },
        ["facebookClientSecret is set but identityProviders.facebook is not; declare the provider (its clientId) or remove the secret"]],
    ["a secret in the stack file", { identityProviders: { google: { ...google.google, clientSecret: GOOGLE_SECRET } }, googleClientSecret: GOOGLE_SECRET },
        ["identityProviders.google.clientSecret must not be in the stack file: set it as secret config with `pulumi config set --secret googleClientSecret <secret>`"]],
    ["a client id of the wrong shape", { identityProviders: { facebook: { clientId: "my-app" } }, facebookClientSecret: FACEBOOK_SECRET },
        ['identityProviders.facebook.clientId: "my-app" does not look like a Facebook client id (e.g. 1234567890123456 (the App ID))']],
    ["a missing client id", { identityProviders: { google: {} }, googleClientSecret: GOOGLE_SECRET },
        ["identityProviders.google.clientId is required (e.g. 123456789012-abc123def456.apps.googleusercontent.com)"]],
    ["a takeover flag that is not a boolean", { identityProviders: { google: { ...google.google, adoptExisting: "yes" } }, googleClientSecret: GOOGLE_SECRET, branding: { adoptExisting: 1 } },
        ['identityProviders.google.adoptExisting: "yes" must be true or false', "branding.adoptExisting: 1 must be true or false"]],
    ["a secret with whitespace", { identityProviders: google, googleClientSecret: `${GOOGLE_SECRET} ` },
        ["googleClientSecret: the value contains whitespace; paste the Google client secret exactly (the value is not shown)"]],
    ["a bad colour, a long hint, an unknown key", { branding: { backgroundColor: "green", usernameHintText: "x".repeat(65), logo: "a.png" } },
        ["branding.logo is not a known setting (allowed: backgroundColor, headerBackgroundColor, signInPageText, usernameHintText, bannerLogo, squareLogo, backgroundImage, localizations, adoptExisting)",
            'branding.backgroundColor: "green" must be a colour in hexadecimal form such as "#0F6CBD"',
            "branding.usernameHintText: 65 characters; at most 64"]],
    ["a bad or repeated locale", { branding: { localizations: [{ locale: "french" }, { locale: "fr-FR" }, { locale: "fr-fr" }] } },
        ['branding.localizations[0].locale: "french" must be a language tag such as "fr-FR" ("0"/"default" is the default branding itself)',
            'branding.localizations[2].locale: "fr-fr" must be a language tag such as "fr-FR" ("0"/"default" is the default branding itself)']],
])("%s is rejected with a message naming the key", (_what, raw, expected) => {
    const found = problems(raw);
    expect(found).toEqual(expected);
    expect(found.join("\n")).not.toContain(GOOGLE_SECRET);
    expect(found.join("\n")).not.toContain(FACEBOOK_SECRET);
});

test.each<[string, string, Uint8Array | undefined, string]>([
    ["bannerLogo", "logo.gif", Buffer.from("GIF89a\x01\x00\x01\x00", "latin1"), 'branding.bannerLogo: "logo.gif" is a GIF image; allowed: PNG or JPEG'],
    ["squareLogo", "logo.svg", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), 'branding.squareLogo: "logo.svg" is an SVG/XML file; allowed: PNG or JPEG'],
    ["bannerLogo", "big.png", png(245, 36, 11 * 1024), 'branding.bannerLogo: "big.png" is 11 KB; at most 10 KB is allowed for bannerLogo'],
    ["backgroundImage", "huge.jpg", Buffer.concat([jpeg(1920, 1080), Buffer.alloc(301 * 1024)]), 'branding.backgroundImage: "huge.jpg" is 301 KB; at most 300 KB is allowed for backgroundImage'],
    ["bannerLogo", "wide.png", png(300, 36), 'branding.bannerLogo: "wide.png" is 300 × 36 pixels; bannerLogo allows at most 245 × 36'],
    ["squareLogo", "tall.jpg", jpeg(240, 480), 'branding.squareLogo: "tall.jpg" is 240 × 480 pixels; squareLogo allows at most 240 × 240'],
    ["squareLogo", "photo.png", jpeg(100, 100), 'branding.squareLogo: "photo.png" is a JPEG image but its name says .png; rename it so the upload\'s content type is right'],
    ["backgroundImage", "missing.png", undefined, 'branding.backgroundImage: "missing.png" cannot be read (no such file); give a PNG or JPEG file path relative to the project directory'],
])("image %s %s is rejected before any resource", (slot, file, data, message) => {
    expect(problems({ branding: { [slot]: file } }, data ? { [file]: data } : {})).toEqual([message]);
});

test("JPEG and PNG headers are read for type and size", () => {
    expect(sniffImage(jpeg(640, 480))).toEqual({ type: "image/jpeg", width: 640, height: 480 });
    expect(sniffImage(png(245, 36))).toEqual({ type: "image/png", width: 245, height: 36 });
    expect(sniffImage(Buffer.from("not an image"))).toBeUndefined();
});

test("the local stand-in reads the stack file without decrypting: an encrypted secret counts as present", () => {
    const cfg = parseStackConfig({ ...base, identityProviders: google, googleClientSecret: { secure: "v1:abc" } } as any, { project: "entra-ciam", stack: "dev", signIn: { secretsAvailable: false } });
    expect(cfg.signInExperience!.socialProviders[0]).toMatchObject({ kind: "google", clientSecret: undefined });
    expect(() => parseStackConfig({ ...base, identityProviders: google, googleClientSecret: { secure: "v1:abc" } } as any, { project: "entra-ciam", stack: "dev" }))
        .toThrow("googleClientSecret must be a string set with `pulumi config set --secret googleClientSecret <secret>` (the value is not shown)");
});

test("Pulumi.yaml declares every sign-in experience key, the client secrets as secret", () => {
    const declared = (require("yaml") as typeof import("yaml")).parse(readFileSync("Pulumi.yaml", "utf8")).config as Record<string, { secret?: boolean; type?: string }>;
    for (const key of ["identityProviders", "googleClientSecret", "facebookClientSecret", "branding"]) expect(declared[key]).toBeDefined();
    expect([declared.googleClientSecret.secret, declared.facebookClientSecret.secret]).toEqual([true, true]);
});
