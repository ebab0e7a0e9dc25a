/**
 * The web app's Key Vault and its two secrets, declared by `AppServiceHosting` (children of it, so their URNs are
 * those of the hosting component's own resources).
 *
 * - The vault's name ends in a random suffix kept in the stack's state (`random.RandomId`): stable for the stack's
 *   whole life, new after `pulumi destroy`. A deleted vault stays soft-deleted, its name taken, for the retention
 *   period, so a name derived only from the stack would make `destroy` then `up` fail until it is purged. The name
 *   only matters when the vault is created (`ignoreChanges`): a stack whose vault predates the suffix keeps it, and
 *   with it its session secret (a new vault would sign everybody out once).
 * - The sites reference the secrets by their VERSIONED URI. App Service re-reads a versionless reference only about
 *   every 24 hours or when the site's configuration changes; a versioned URI is new text whenever the secret
 *   changes, so the settings change and the site restarts on the new value in the same `up` (Microsoft Learn, "Use
 *   Key Vault references as app settings in Azure App Service", rotation section).
 */
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as random from "@pulumi/random";

/** Days a deleted vault is kept (and its name reserved); 7 is the minimum Key Vault allows. */
export const SOFT_DELETE_RETENTION_DAYS = 7;

/** `@Microsoft.KeyVault(SecretUri=...)` - App Service resolves it with the site's identity. */
export function keyVaultReference(secretUri: string): string {
    return `@Microsoft.KeyVault(SecretUri=${secretUri})`;
}

export interface WebSecretsArgs {
    /** Lower-case letters and digits of the name prefix; the vault is `kv<first 12 of them><10 hex>`. */
    readonly alnumPrefix: string;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** The workforce tenant that owns the subscription. */
    readonly tenantId: pulumi.Input<string>;
    /** The web app's client secret (kept secret). */
    readonly clientSecret: pulumi.Input<string>;
}

export interface WebSecrets {
    readonly vault: keyvault.Vault;
    /** `@Microsoft.KeyVault(SecretUri=<versioned URI>)` of the client secret; not secret (the value is). */
    readonly clientSecretReference: pulumi.Output<string>;
    /** `@Microsoft.KeyVault(SecretUri=<versioned URI>)` of the session secret. */
    readonly sessionSecretReference: pulumi.Output<string>;
}

/** Declares the vault (RBAC, soft delete) and the web app's client and session secrets under `parent`. */
export function declareWebSecrets(name: string, args: WebSecretsArgs, parent: pulumi.Resource): WebSecrets {
    const suffix = new random.RandomId(`${name}-vault-suffix`, { byteLength: 5 }, { parent });
    const vault = new keyvault.Vault(`${name}-vault`, {
        vaultName: pulumi.interpolate`kv${args.alnumPrefix.slice(0, 12)}${suffix.hex}`,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        properties: {
            tenantId: args.tenantId,
            sku: { family: keyvault.SkuFamily.A, name: keyvault.SkuName.Standard },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: SOFT_DELETE_RETENTION_DAYS,
        },
    }, { parent, ignoreChanges: ["vaultName"] });

    const clientSecret = new keyvault.Secret(`${name}-client-secret`, {
        secretName: "web-client-secret",
        vaultName: vault.name,
        resourceGroupName: args.resourceGroupName,
        properties: { value: pulumi.secret(args.clientSecret) },
    }, { parent });
    // Generated once: later runs produce another value, ignored, so sessions survive deployments.
    const sessionSecret = new keyvault.Secret(`${name}-session-secret`, {
        secretName: "web-session-secret",
        vaultName: vault.name,
        resourceGroupName: args.resourceGroupName,
        properties: { value: pulumi.secret(randomBytes(32).toString("hex")) },
    }, { parent, ignoreChanges: ["properties.value"] });

    // The secrets' `properties` output is secret as a whole (its value is); the URI alone is not.
    const reference = (secret: keyvault.Secret) =>
        pulumi.unsecret(secret.properties.apply((p) => keyVaultReference(p.secretUriWithVersion)));
    return { vault, clientSecretReference: reference(clientSecret), sessionSecretReference: reference(sessionSecret) };
}
