/**
 * The branding takeover that lifecycle.test.ts (providers in-process) and engine.test.ts (the real engine) both make:
 * the portal's branding (a square logo, a de-DE localization) taken over with `adoptExisting` and converged to the
 * configured one (a banner logo, "Welcome", a fr-FR localization). What it writes and where it ends are the same at
 * both levels.
 */
import type { SignInStandIn } from "./standInSignIn";

/** The writes of the adopting create, in order ({org} is the tenant id). */
export const TAKEOVER_WRITES: readonly string[] = [
    "PATCH /organization/{org}/branding",
    "PUT /organization/{org}/branding/localizations/0/bannerLogo",
    "DELETE /organization/{org}/branding/localizations/0/squareLogo",
    "POST /organization/{org}/branding/localizations",
    "DELETE /organization/{org}/branding/localizations/de-DE",
];

/** The stand-in's branding is the configured one: its text, only the banner logo, the default and fr-FR localizations. */
export function expectConfiguredBranding(signIn: SignInStandIn): void {
    expect(signIn.defaults()!.texts.signInPageText).toBe("Welcome");
    expect(Object.keys(signIn.defaults()!.images)).toEqual(["bannerLogo"]);
    expect([...signIn.branding!.localizations.keys()].sort()).toEqual(["0", "fr-FR"]);
}
