/** How the stand-in tenant renders the stack's branding and social buttons (webapp/dev/signInLook.ts). */
import { renderLook, textsFor, type LocalSignInLook } from "../../webapp/dev/signInLook";

const look: LocalSignInLook = {
    socialProviders: [{ kind: "google", displayName: "Google <Workspace>" }],
    branding: {
        texts: { backgroundColor: "#0F3D2E", signInPageText: "Welcome", usernameHintText: "you@example.com" },
        images: { bannerLogo: { file: "/x/banner.png", contentType: "image/png" } },
        localizations: [{ locale: "fr-FR", signInPageText: "Bienvenue" }, { locale: "de-DE", usernameHintText: "sie@beispiel.de" }],
    },
};

test.each<[string | undefined, Record<string, string>]>([
    [undefined, { backgroundColor: "#0F3D2E", signInPageText: "Welcome", usernameHintText: "you@example.com" }],
    ["fr-FR,fr;q=0.9,en;q=0.8", { backgroundColor: "#0F3D2E", signInPageText: "Bienvenue", usernameHintText: "you@example.com" }],
    ["fr", { backgroundColor: "#0F3D2E", signInPageText: "Bienvenue", usernameHintText: "you@example.com" }],
    ["es-ES,de;q=0.5", { backgroundColor: "#0F3D2E", signInPageText: "Welcome", usernameHintText: "sie@beispiel.de" }],
    ["ja-JP", { backgroundColor: "#0F3D2E", signInPageText: "Welcome", usernameHintText: "you@example.com" }],
])("Accept-Language %j picks its localization over the defaults", (header, texts) => {
    expect(textsFor(look, header)).toEqual(texts);
});

test("buttons per provider, escaped; the banner and texts only when configured", () => {
    const r = renderLook(look, { base: "/t/v2.0", uid: "abc", mode: "signin" });
    expect(r.social).toContain('<a id="social-google" href="/t/v2.0/federation/start/google?interaction=abc"');
    expect(r.social).toContain(">Sign in with Google &lt;Workspace&gt;</a>");
    expect(r.top).toContain('src="/t/v2.0/branding/bannerLogo"');
    expect(r.footer).toBe('<p class="signin-text" id="sign-in-text">Welcome</p>');
    expect(r.head).toContain("body{background-color:#0F3D2E}");
    const none = renderLook({ socialProviders: [] }, { base: "/t", uid: "u", mode: "signup" });
    expect([none.social, none.top, none.footer, none.usernameHint]).toEqual(["", "", "", undefined]);
});
