/**
 * The small Pulumi program the engine tests run: the project's own `SignUpSignIn` component (custom attribute, user
 * flow, the web app's link), declared from stack config through the project's own config parser, exactly as
 * index.ts does, plus what the tests need to steer it:
 *
 * - `engine-test:appClientId`: the client id of the app to link (the app registrations are not part of this program);
 * - `engine-test:marker` (secret): passed through to a stack output. The user-flow resources carry no secret
 *   (credentials come from the environment, never from inputs), so this is the secret whose encryption in the state
 *   the tests check;
 * - `engine-test:providerVersion`: when set, a transform on the component replaces the `version` input of every
 *   user-flow resource, as a release that bumps PROVIDER_VERSION does.
 *
 * Objects created outside Pulumi are taken over through the project's own stack config (`userFlow.adopt`), as an
 * operator does it; nothing here uses the `import` resource option, which the engine cannot apply to dynamic-provider
 * resources (see the README, "User flows").
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, rawFromPulumiConfig } from "../../components/config";
import { declareUserFlow } from "../../components/userFlow";

export const PROJECT = "entra-ciam";
const TEST_NS = "engine-test";

export async function userFlowProgram(): Promise<Record<string, unknown>> {
    const cfg = parseStackConfig(rawFromPulumiConfig(pulumi.runtime.allConfig(), PROJECT), { project: PROJECT, stack: pulumi.getStack() });
    const test = new pulumi.Config(TEST_NS);
    const providerVersion = test.get("providerVersion");
    const bumpVersion: pulumi.ResourceTransform = (args) =>
        args.custom ? { props: { ...args.props, version: providerVersion }, opts: args.opts } : undefined;

    const { flow, link, attributes } = declareUserFlow("signup", {
        tenantId: cfg.tenantId,
        config: cfg.userFlow,
        appClientId: test.require("appClientId"),
    }, providerVersion ? { transforms: [bumpVersion] } : undefined);

    return {
        flowId: flow.id,
        linkId: link.id,
        attributeIds: attributes.map((a) => a.id),
        marker: test.requireSecret("marker"),
    };
}
