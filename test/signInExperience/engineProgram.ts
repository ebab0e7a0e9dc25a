/**
 * The program the real-engine test runs: the sign-in experience from stack config and the sign-up/sign-in flow that
 * refers to its providers, wired exactly as index.ts wires them (the registrations and hosting are left out; the app
 * to link is `engine-test:appClientId`).
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, rawFromPulumiConfig } from "../../components/config";
import { SignInExperience } from "../../components/signInExperience";
import { referToDeclaredProviders } from "../../components/signInExperience/wiring";
import { SignUpSignIn } from "../../components/userFlow";

export const PROJECT = "entra-ciam";

export async function signInProgram(): Promise<Record<string, unknown>> {
    const cfg = parseStackConfig(rawFromPulumiConfig(pulumi.runtime.allConfig(), PROJECT), { project: PROJECT, stack: pulumi.getStack() });
    if (!cfg.signInExperience) throw new Error("the engine test configures identityProviders and branding");
    const experience = new SignInExperience("signin-experience", { tenantId: cfg.tenantId, config: cfg.signInExperience });
    const flow = new SignUpSignIn("signup-signin", {
        tenantId: cfg.tenantId,
        config: cfg.userFlow,
        appClientId: new pulumi.Config("engine-test").require("appClientId"),
    }, { transformations: [referToDeclaredProviders(experience.identityProviders)] });
    return {
        socialIdentityProviderIds: Object.values(experience.identityProviders).map((p) => p.id),
        userFlowId: flow.flow.id,
    };
}
