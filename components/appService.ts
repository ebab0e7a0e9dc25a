/**
 * Hosting on Azure App Service: a resource group, a Linux plan, a site for the web app and (in the API scenario)
 * one for the API, each running a zip the program builds from the bundle folder.
 *
 * - The zip is uploaded as a private blob (`packageStorage.ts`) and run with `WEBSITE_RUN_FROM_PACKAGE` = the blob URL (no SAS); the
 *   site's system-assigned identity reads it ("Storage Blob Data Reader" on the container).
 * - The web app's client secret and session secret live in Key Vault (RBAC, `keyVault.ts`); the app settings hold
 *   versioned Key Vault references, read by the web site's identity ("Key Vault Secrets User" on the vault).
 * - The web app's sessions and token caches live in Azure Managed Redis (`redis.ts`), reached with the web site's
 *   identity through Microsoft Entra (no access keys); `REDIS_URL` and `REDIS_AUTH=entra` tell the site so.
 * - The plan runs `instances` instances of each site.
 * - The API keeps to-do items in an Azure table, reached with its identity ("Storage Table Data Contributor" on
 *   the table).
 * - App settings are a separate resource (`WebAppApplicationSettings`) declared after the sites and the role
 *   assignments (and the Redis access policy assignment): the web app's redirect URI needs its own host name (no
 *   cycle), and the site only starts reading the package, secrets and sessions once it has been allowed to.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import { writePackage } from "./package";
import { declareWebSecrets } from "./keyVault";
import { declareSessionStore } from "./redis";
import { declarePackageStorage } from "./packageStorage";

export { keyVaultReference } from "./keyVault";

/** Built-in Azure role definition ids (the same GUID in every subscription). */
export const ROLE_IDS = {
    storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
} as const;

/** SKUs without "Always On" (Free and Shared tiers). */
const NO_ALWAYS_ON = new Set(["F1", "D1", "FREE", "SHARED"]);

export { PACKAGE_CONTAINER } from "./packageStorage";
export const TODO_TABLE = "todos";
export const DEFAULT_HEALTH_CHECK_PATH = "/healthz";

export interface AppServiceHostingArgs {
    /** Prefix of every Azure resource name (3-20 lower-case letters, digits, hyphens). */
    readonly namePrefix: string;
    /** Azure region, e.g. `westeurope`. */
    readonly location: pulumi.Input<string>;
    /** App Service plan SKU, e.g. `B1`. "Always On" is enabled except on F1/D1. */
    readonly sku: string;
    /** Node runtime: `22-lts` or `24-lts` (becomes `NODE|<version>`). */
    readonly nodeVersion: "22-lts" | "24-lts";
    /** Instances of the plan, so of each site. Default 1. More than one needs `redis`. */
    readonly instances?: number;
    /**
     * Azure Managed Redis for the web app's sessions and token caches (`sku`, e.g. `Balanced_B0`). Without it the web
     * app keeps them in memory: one instance only, and a restart signs everybody out.
     */
    readonly redis?: { readonly sku: string };
    /** The web app's settings from its registration. */
    readonly web: {
        readonly clientId: pulumi.Input<string>;
        /** The client secret (kept secret; stored in Key Vault). */
        readonly clientSecret: pulumi.Input<string>;
        /** `https://<subdomain>.ciamlogin.com/` */
        readonly authority: pulumi.Input<string>;
        readonly tenantId: pulumi.Input<string>;
        /** Full scope URIs requested for the API; empty in the sign-in-only scenario. */
        readonly apiScopes: pulumi.Input<pulumi.Input<string>[]>;
        /**
         * Hosts MSAL may trust. Default for a `*.ciamlogin.com` authority: `<subdomain>.ciamlogin.com` and
         * `<tenantId>.ciamlogin.com`.
         */
        readonly knownAuthorities?: pulumi.Input<pulumi.Input<string>[]>;
    };
    /** The API's settings; present only in the API scenario (then a second site is created). */
    readonly api?: {
        readonly clientId: pulumi.Input<string>;
        readonly tenantId: pulumi.Input<string>;
        readonly authority: pulumi.Input<string>;
    };
    /** The built bundle folders (e.g. `webapp/dist/web`, `webapp/dist/api`); zipped while the program runs. */
    readonly packages: { readonly web: string; readonly api?: string };
    /** Where the zips are written before upload. Default: `<os tmpdir>/<namePrefix>-packages`. */
    readonly packageOutputDir?: string;
    /** Health-check path of both sites. Default `/healthz`. */
    readonly healthCheckPath?: string;
    /**
     * The workforce tenant (of the subscription) for Key Vault and the subscription for role definitions.
     * Default: from the azure-native provider (`authorization.getClientConfig`).
     */
    readonly azure?: { readonly tenantId: pulumi.Input<string>; readonly subscriptionId: pulumi.Input<string> };
}

/** Hex digest used to make globally unique names stable per resource group. */
function shortHash(text: string, length: number): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** The hosts MSAL must trust for a CIAM authority (`<subdomain>.ciamlogin.com`, `<tenantId>.ciamlogin.com`). */
export function ciamKnownAuthorities(authority: string, tenantId: string): string[] {
    const host = new URL(authority).host.toLowerCase();
    const hosts = [host];
    if (host.endsWith(".ciamlogin.com")) hosts.push(`${tenantId.toLowerCase()}.ciamlogin.com`);
    return [...new Set(hosts)];
}

export class AppServiceHosting extends pulumi.ComponentResource {
    public readonly resourceGroupName: pulumi.Output<string>;
    /** `https://<web host>` */
    public readonly webUrl: pulumi.Output<string>;
    /** `https://<api host>`; only in the API scenario. */
    public readonly apiUrl?: pulumi.Output<string>;
    public readonly webHostName: pulumi.Output<string>;
    public readonly apiHostName?: pulumi.Output<string>;
    /** `https://<web host>/auth/redirect`: add to the client registration's redirect URIs. */
    public readonly redirectUri: pulumi.Output<string>;
    /** `https://<web host>/`: add to the client registration's post-logout redirect URIs. */
    public readonly postLogoutRedirectUri: pulumi.Output<string>;
    /** `rediss://<host>:<port>` of the session store (no credentials); absent without Redis. */
    public readonly redisUrl?: pulumi.Output<string>;
    /** The web site's app settings (Key Vault references, no secret values). */
    public readonly webAppSettings: pulumi.Output<Record<string, string>>;
    /** The API site's app settings; only in the API scenario. */
    public readonly apiAppSettings?: pulumi.Output<Record<string, string>>;
    /** Blob names of the packages (content-addressed). */
    public readonly webPackageName: string;
    public readonly apiPackageName?: string;

    constructor(name: string, args: AppServiceHostingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-ciam:index:AppServiceHosting", name, {}, opts);
        if (!/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/.test(args.namePrefix)) {
            throw new Error(`AppServiceHosting: namePrefix "${args.namePrefix}" must be 3-20 lower-case letters, digits or hyphens, starting with a letter`);
        }
        if (args.nodeVersion !== "22-lts" && args.nodeVersion !== "24-lts") {
            throw new Error(`AppServiceHosting: nodeVersion "${String(args.nodeVersion)}" is not one of 22-lts, 24-lts`);
        }
        const instances = args.instances ?? 1;
        if (!Number.isInteger(instances) || instances < 1) {
            throw new Error(`AppServiceHosting: instances ${String(args.instances)} must be a whole number, at least 1`);
        }
        if (instances > 1 && args.redis === undefined) {
            throw new Error(`AppServiceHosting: ${instances} instances need redis (the shared session store)`);
        }
        if (args.api !== undefined && args.packages.api === undefined) {
            throw new Error("AppServiceHosting: packages.api (the API bundle folder) is required when api is set");
        }
        const parent = { parent: this };
        const prefix = args.namePrefix;
        const alnum = prefix.replace(/[^a-z0-9]/g, "");
        const healthCheckPath = args.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;

        // Zipped now, while the program runs (plain folders in, files out: nothing here waits on an output).
        const outDir = args.packageOutputDir ?? path.join(tmpdir(), `${prefix}-packages`);
        const webPackage = writePackage(args.packages.web, "web", outDir);
        const apiPackage = args.api !== undefined ? writePackage(args.packages.api!, "api", outDir) : undefined;
        this.webPackageName = webPackage.name;
        this.apiPackageName = apiPackage?.name;

        const azure = args.azure ?? authorization.getClientConfigOutput(parent);
        const subscriptionId = pulumi.output(azure.subscriptionId);
        const roleDefinition = (guid: string) =>
            pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

        const rg = new resources.ResourceGroup(`${name}-rg`, {
            resourceGroupName: `rg-${prefix}`,
            location: args.location,
        }, parent);
        this.resourceGroupName = rg.name;
        // Globally unique names, stable for this resource group (its id includes the subscription).
        const unique = rg.id.apply((id) => shortHash(id.toLowerCase(), 10));

        const plan = new web.AppServicePlan(`${name}-plan`, {
            name: `asp-${prefix}`,
            resourceGroupName: rg.name,
            location: args.location,
            kind: "linux",
            reserved: true,
            sku: { name: args.sku, capacity: instances },
        }, parent);

        const { account, container, blobs } = declarePackageStorage(name, {
            alnumPrefix: alnum,
            unique,
            resourceGroupName: rg.name,
            location: args.location,
            packages: apiPackage !== undefined ? { web: webPackage, api: apiPackage } : { web: webPackage },
        }, this);
        const webBlob = blobs.web;
        const apiBlob = blobs.api as storage.Blob | undefined;

        const secrets = declareWebSecrets(name, {
            alnumPrefix: alnum,
            resourceGroupName: rg.name,
            location: args.location,
            tenantId: azure.tenantId,
            clientSecret: args.web.clientSecret,
        }, this);

        const siteArgs = (label: string) => ({
            name: pulumi.interpolate`${prefix}-${label}-${unique}`,
            resourceGroupName: rg.name,
            location: args.location,
            kind: "app,linux",
            serverFarmId: plan.id,
            httpsOnly: true,
            // Sessions are shared (Redis), so any instance may answer any request: spread the load evenly.
            clientAffinityEnabled: false,
            identity: { type: web.ManagedServiceIdentityType.SystemAssigned },
            siteConfig: {
                linuxFxVersion: `NODE|${args.nodeVersion}`,
                appCommandLine: "node server.js",
                minTlsVersion: web.SupportedTlsVersions.SupportedTlsVersions_1_2,
                scmMinTlsVersion: web.SupportedTlsVersions.SupportedTlsVersions_1_2,
                ftpsState: web.FtpsState.Disabled,
                http20Enabled: true,
                healthCheckPath,
                alwaysOn: !NO_ALWAYS_ON.has(args.sku.toUpperCase()),
                remoteDebuggingEnabled: false,
            },
        });
        const webSite = new web.WebApp(`${name}-web`, siteArgs("web"), parent);
        const apiSite = args.api !== undefined ? new web.WebApp(`${name}-api`, siteArgs("api"), parent) : undefined;
        // No publishing with a user name and password (SCM/Kudu, FTP): the sites run a package read by their identity,
        // and nobody who can read the sites' configuration can deploy code with their publishing credentials.
        for (const [label, site] of [["web", webSite], ["api", apiSite]] as const) {
            if (site === undefined) continue;
            const basicAuthOff = { name: site.name, resourceGroupName: rg.name, allow: false };
            new web.WebAppScmAllowed(`${name}-${label}-scm-basic-auth`, basicAuthOff, parent);
            new web.WebAppFtpAllowed(`${name}-${label}-ftp-basic-auth`, basicAuthOff, parent);
        }

        const principalOf = (site: web.WebApp) => site.identity.apply((i) => i?.principalId as string);
        const grant = (suffix: string, site: web.WebApp, role: string, scope: pulumi.Input<string>) =>
            new authorization.RoleAssignment(`${name}-${suffix}`, {
                principalId: principalOf(site),
                principalType: authorization.PrincipalType.ServicePrincipal,
                roleDefinitionId: roleDefinition(role),
                scope,
            }, parent);

        const webGrants: pulumi.Resource[] = [
            grant("web-package-reader", webSite, ROLE_IDS.storageBlobDataReader, container.id),
            grant("web-secrets-user", webSite, ROLE_IDS.keyVaultSecretsUser, secrets.vault.id),
        ];
        let redisSettings: Record<string, pulumi.Input<string>> = {};
        if (args.redis !== undefined) {
            const store = declareSessionStore(name, {
                clusterName: pulumi.interpolate`${prefix.replace(/-+/g, "-")}-${unique}`,
                resourceGroupName: rg.name,
                location: args.location,
                sku: args.redis.sku,
                principalId: principalOf(webSite),
            }, this);
            webGrants.push(store.accessPolicyAssignment);
            this.redisUrl = store.url;
            // The contract with the web app: the URL carries no credentials; `entra` = authenticate with a Microsoft
            // Entra token for the site's system-assigned managed identity.
            redisSettings = { REDIS_URL: store.url, REDIS_AUTH: "entra" };
        }

        const webHost = webSite.defaultHostName;
        this.webHostName = webHost;
        this.webUrl = pulumi.interpolate`https://${webHost}`;
        this.redirectUri = pulumi.interpolate`https://${webHost}/auth/redirect`;
        this.postLogoutRedirectUri = pulumi.interpolate`https://${webHost}/`;

        const packageSettings = (blob: storage.Blob) => ({
            WEBSITE_RUN_FROM_PACKAGE: blob.url,
            WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: "SystemAssigned",
        });

        const knownAuthorities = args.web.knownAuthorities !== undefined
            ? pulumi.output(args.web.knownAuthorities)
            : pulumi.all([args.web.authority, args.web.tenantId]).apply(([a, t]) => ciamKnownAuthorities(a, t));

        if (apiSite !== undefined && apiBlob !== undefined && args.api !== undefined) {
            const table = new storage.Table(`${name}-todos`, {
                tableName: TODO_TABLE,
                accountName: account.name,
                resourceGroupName: rg.name,
            }, parent);
            const apiGrants = [
                grant("api-package-reader", apiSite, ROLE_IDS.storageBlobDataReader, container.id),
                grant("api-table-contributor", apiSite, ROLE_IDS.storageTableDataContributor, table.id),
            ];
            this.apiHostName = apiSite.defaultHostName;
            this.apiUrl = pulumi.interpolate`https://${apiSite.defaultHostName}`;
            const apiSettingsResource = new web.WebAppApplicationSettings(`${name}-api-settings`, {
                name: apiSite.name,
                resourceGroupName: rg.name,
                properties: {
                    AUTHORITY: args.api.authority,
                    TENANT_ID: args.api.tenantId,
                    API_CLIENT_ID: args.api.clientId,
                    TODO_TABLE_ENDPOINT: account.primaryEndpoints.table,
                    TODO_TABLE_NAME: table.name,
                    ...packageSettings(apiBlob),
                },
            }, { parent: this, dependsOn: apiGrants });
            this.apiAppSettings = apiSettingsResource.properties;
        }

        const apiSettings: Record<string, pulumi.Input<string>> = this.apiUrl !== undefined
            ? {
                API_BASE_URL: this.apiUrl,
                API_SCOPES: pulumi.output(args.web.apiScopes).apply((s) => s.join(" ")),
            }
            : {};
        const webSettingsResource = new web.WebAppApplicationSettings(`${name}-web-settings`, {
            name: webSite.name,
            resourceGroupName: rg.name,
            properties: {
                AUTHORITY: args.web.authority,
                CLIENT_ID: args.web.clientId,
                // The secrets' `properties` output is secret as a whole (its value is); the URI alone is not.
                CLIENT_SECRET: secrets.clientSecretReference,
                SESSION_SECRET: secrets.sessionSecretReference,
                REDIRECT_URI: this.redirectUri,
                POST_LOGOUT_REDIRECT_URI: this.postLogoutRedirectUri,
                KNOWN_AUTHORITIES: knownAuthorities.apply((hosts) => hosts.join(",")),
                ...apiSettings,
                ...redisSettings,
                ...packageSettings(webBlob),
            },
        }, { parent: this, dependsOn: webGrants });
        this.webAppSettings = webSettingsResource.properties;

        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            webUrl: this.webUrl,
            apiUrl: this.apiUrl,
            webHostName: this.webHostName,
            redirectUri: this.redirectUri,
            postLogoutRedirectUri: this.postLogoutRedirectUri,
            redisUrl: this.redisUrl,
        });
    }
}
