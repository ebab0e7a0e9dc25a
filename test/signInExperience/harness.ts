/**
 * The user-flow Graph stand-in with the sign-in experience endpoints plugged in, and the providers pointed at it
 * (virtual clock: every wait the providers ask for advances the stand-in's time, instantly).
 */
import { TENANT, startHarness, type Harness } from "../userFlow/harness";
import { makeCompanyBrandingProvider } from "../../components/signInExperience/branding";
import { makeSocialIdentityProviderProvider } from "../../components/signInExperience/socialProvider";
import { SignInStandIn } from "./standInSignIn";

export { TENANT };

export interface SignInHarness extends Harness {
    readonly signIn: SignInStandIn;
    readonly social: ReturnType<typeof makeSocialIdentityProviderProvider>;
    readonly branding: ReturnType<typeof makeCompanyBrandingProvider>;
    /** "METHOD path" of every request, the tenant id shown as {org}. */
    calls(): string[];
}

export async function startSignInHarness(): Promise<SignInHarness> {
    const h = await startHarness();
    const signIn = new SignInStandIn(h.server, TENANT);
    h.server.extensions.push(signIn);
    return {
        ...h,
        signIn,
        social: makeSocialIdentityProviderProvider(h.options),
        branding: makeCompanyBrandingProvider(h.options),
        calls: () => h.server.requests.map((r) => `${r.method} ${r.path.split(TENANT).join("{org}")}`),
    };
}
