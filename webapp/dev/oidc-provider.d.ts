// oidc-provider ships no type declarations; the stand-in tenant uses it through `any`.
declare module "oidc-provider";
