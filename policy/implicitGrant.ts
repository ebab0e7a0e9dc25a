import type { ResourceValidationPolicy } from "@pulumi/policy";
import { known } from "./secrets";
import { T } from "./types";

export const noImplicitGrant: ResourceValidationPolicy = {
    name: "no-implicit-grant",
    description: "App registrations do not enable the OAuth 2.0 implicit grant (access or ID tokens from the authorization endpoint); the web app uses the authorization code flow with PKCE.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const flags: Array<[string, unknown]> = [];
        if (args.type === T.applicationRegistration) {
            flags.push(["implicitAccessTokenIssuanceEnabled", known(() => args.props.implicitAccessTokenIssuanceEnabled)]);
            flags.push(["implicitIdTokenIssuanceEnabled", known(() => args.props.implicitIdTokenIssuanceEnabled)]);
        } else if (args.type === T.application) {
            flags.push(["web.implicitGrant.accessTokenIssuanceEnabled", known(() => args.props.web?.implicitGrant?.accessTokenIssuanceEnabled)]);
            flags.push(["web.implicitGrant.idTokenIssuanceEnabled", known(() => args.props.web?.implicitGrant?.idTokenIssuanceEnabled)]);
        }
        for (const [name, value] of flags) {
            if (value === true) reportViolation(`${name} is true: the implicit grant must stay off`);
        }
    },
};
