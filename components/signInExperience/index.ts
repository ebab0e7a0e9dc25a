/** The sign-in experience as code: social identity providers and company branding (Graph dynamic providers). */
export { CompanyBranding, PROVIDER_VERSION, SignInExperience, SocialIdentityProvider } from "./resources";
export type { CompanyBrandingArgs, SignInExperienceArgs, SocialIdentityProviderArgs } from "./resources";
export { makeCompanyBrandingProvider } from "./branding";
export { makeSocialIdentityProviderProvider } from "./socialProvider";
export { parseSignInExperience, SOCIAL_PROVIDERS, SOCIAL_PROVIDER_KINDS } from "./config";
export type { BrandingConfig, SignInExperienceConfig, SocialProviderConfig } from "./config";
