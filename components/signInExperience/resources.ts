/**
 * Pulumi resources for the sign-in experience (dynamic providers in socialProvider.ts and branding.ts) and the
 * component that declares them from stack config.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SignInExperienceConfig } from "./config";
import { type BrandingImageInput, type BrandingLocalizationInputs, makeCompanyBrandingProvider } from "./branding";
import { type SocialType, makeSocialIdentityProviderProvider } from "./socialProvider";

/** Bump when the providers' behaviour changes, so existing stacks see an update. */
export const PROVIDER_VERSION = "1";
const MODULE = "entra-signin";

const socialProvider = makeSocialIdentityProviderProvider();
const brandingProvider = makeCompanyBrandingProvider();

export interface SocialIdentityProviderArgs {
    /** The external tenant's id (a GUID). */
    readonly tenantId: pulumi.Input<string>;
    /** "Google" or "Facebook". Changing it replaces the provider. */
    readonly identityProviderType: pulumi.Input<SocialType>;
    /** Name shown on the sign-in page's button. */
    readonly displayName: pulumi.Input<string>;
    /** The client (app) id issued by Google/Facebook. */
    readonly clientId: pulumi.Input<string>;
    /** The client (app) secret; made secret here if it is not already. */
    readonly clientSecret: pulumi.Input<string>;
    /** Take over a provider of this type that this stack did not create (explicit consent; used at create only). */
    readonly adoptExisting?: pulumi.Input<boolean>;
}

/** A Google or Facebook identity provider of the tenant. The resource id is Graph's id, e.g. `Google-OAUTH`. */
export class SocialIdentityProvider extends pulumi.dynamic.Resource {
    declare readonly tenantId: pulumi.Output<string>;
    declare readonly identityProviderType: pulumi.Output<SocialType>;
    declare readonly displayName: pulumi.Output<string>;
    declare readonly clientId: pulumi.Output<string>;
    /** A salted HMAC of the client secret last written (secret); never the secret itself. */
    declare readonly clientSecretFingerprint: pulumi.Output<string>;
    declare readonly createdAt: pulumi.Output<string>;

    constructor(name: string, args: SocialIdentityProviderArgs, opts?: pulumi.CustomResourceOptions) {
        super(socialProvider, name, {
            ...args,
            clientSecret: pulumi.secret(args.clientSecret),
            version: PROVIDER_VERSION,
            clientSecretFingerprint: undefined,
            createdAt: undefined,
        }, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecretFingerprint"] }, MODULE, "SocialIdentityProvider");
    }
}

export interface CompanyBrandingArgs {
    readonly tenantId: pulumi.Input<string>;
    readonly backgroundColor?: pulumi.Input<string>;
    readonly headerBackgroundColor?: pulumi.Input<string>;
    readonly signInPageText?: pulumi.Input<string>;
    readonly usernameHintText?: pulumi.Input<string>;
    /** Validated image files (path relative to the project directory, content type, sha256). */
    readonly images?: pulumi.Input<{ bannerLogo?: BrandingImageInput; squareLogo?: BrandingImageInput; backgroundImage?: BrandingImageInput }>;
    readonly localizations?: pulumi.Input<BrandingLocalizationInputs[]>;
    /** Take over branding that this stack did not create (explicit consent; used at create only). */
    readonly adoptExisting?: pulumi.Input<boolean>;
}

/** The tenant's default company branding and its localizations. The resource id is the tenant id. */
export class CompanyBranding extends pulumi.dynamic.Resource {
    declare readonly tenantId: pulumi.Output<string>;
    declare readonly imageUrls: pulumi.Output<Record<string, string>>;
    declare readonly createdAt: pulumi.Output<string>;

    constructor(name: string, args: CompanyBrandingArgs, opts?: pulumi.CustomResourceOptions) {
        super(brandingProvider, name, { ...args, version: PROVIDER_VERSION, imageUrls: undefined, createdAt: undefined }, opts, MODULE, "CompanyBranding");
    }
}

export interface SignInExperienceArgs {
    readonly tenantId: string;
    /**
     * `StackConfig.signInExperience`. Existing objects are taken over only with the explicit `adoptExisting` flags:
     * the engine cannot import dynamic-provider resources (pulumi/pulumi#3550, #16175), and a pinned id would add
     * nothing here, since each object's id is fixed by its kind (`Google-OAUTH`, `Facebook-OAUTH`; the branding's is
     * the tenant id), so there is only ever one candidate.
     */
    readonly config: SignInExperienceConfig;
}

/**
 * The social identity providers and the company branding from stack config. Resources are named
 * `<name>-idp-<google|facebook>` and `<name>-branding`, children of this component.
 */
export class SignInExperience extends pulumi.ComponentResource {
    /** By Graph id (e.g. `Google-OAUTH`): what a user flow lists. */
    readonly identityProviders: Readonly<Record<string, SocialIdentityProvider>>;
    readonly branding?: CompanyBranding;

    constructor(name: string, args: SignInExperienceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-ciam:index:SignInExperience", name, {}, opts);
        const { tenantId, config } = args;
        const idps: Record<string, SocialIdentityProvider> = {};
        for (const p of config.socialProviders) {
            if (p.clientSecret === undefined) throw new Error(`${p.kind}: the client secret is not available (secret config not decrypted)`);
            idps[p.graphId] = new SocialIdentityProvider(`${name}-idp-${p.kind}`, {
                tenantId,
                identityProviderType: p.graphType,
                displayName: p.displayName,
                clientId: p.clientId,
                clientSecret: pulumi.secret(p.clientSecret),
                adoptExisting: p.adoptExisting,
            }, { parent: this });
        }
        this.identityProviders = idps;
        const b = config.branding;
        if (b) {
            const images: Record<string, BrandingImageInput> = {};
            // The absolute path: the provider plugin's working directory need not be the project's. Only the hash
            // decides whether an image changed, so another machine's path is no change.
            for (const [slot, img] of Object.entries(b.images)) if (img) images[slot] = { path: img.file, contentType: img.contentType, sha256: img.sha256 };
            this.branding = new CompanyBranding(`${name}-branding`, {
                tenantId,
                backgroundColor: b.backgroundColor,
                headerBackgroundColor: b.headerBackgroundColor,
                signInPageText: b.signInPageText,
                usernameHintText: b.usernameHintText,
                images,
                localizations: b.localizations.map((l) => ({ ...l })),
                adoptExisting: b.adoptExisting,
            }, { parent: this });
        }
        this.registerOutputs({
            identityProviderIds: Object.values(idps).map((p) => p.id),
            brandingId: this.branding?.id,
        });
    }
}
