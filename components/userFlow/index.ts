/** External ID sign-up/sign-in user flows as code: resources, wiring, and the providers behind them. */
export {
    declareUserFlow,
    PROVIDER_VERSION,
    SignUpSignIn,
    UserFlow,
    UserFlowApplication,
    UserFlowAttribute,
} from "./resources";
export type {
    SignUpSignInArgs,
    UserFlowApplicationArgs,
    UserFlowArgs,
    UserFlowAttributeArgs,
    UserFlowAttributeEntry,
} from "./resources";
export {
    credentialFromEnv,
    makeUserFlowApplicationProvider,
    makeUserFlowAttributeProvider,
    makeUserFlowProvider,
} from "./provider";
export type { AttributeInputType, CredentialChoice, ProviderOptions } from "./provider";
