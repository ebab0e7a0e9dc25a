/**
 * How the user flow refers to the declared identity providers: a resource transformation for the `SignUpSignIn`
 * component that replaces each Graph id the flow lists (e.g. `Google-OAUTH`) by the declared provider's `id`
 * output. The flow then depends on the providers, so Pulumi creates them first, and on a removal updates the flow
 * before deleting the provider. Ids of providers not declared here (built-in ones, or one set up by hand) stay.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserFlow } from "../userFlow";
import type { SocialIdentityProvider } from "./resources";

export function referToDeclaredProviders(declared: Readonly<Record<string, SocialIdentityProvider>>): pulumi.ResourceTransformation {
    return (args) => {
        if (!(args.resource instanceof UserFlow) || Object.keys(declared).length === 0) return undefined;
        const listed = args.props.identityProviders as pulumi.Input<string>[] | undefined;
        if (!Array.isArray(listed)) return undefined;
        const identityProviders = listed.map((id) => (typeof id === "string" && declared[id] ? declared[id].id : id));
        return { props: { ...args.props, identityProviders }, opts: args.opts };
    };
}
