/**
 * The web app's shared session and token-cache store: Azure Managed Redis, declared by `AppServiceHosting` (children
 * of it).
 *
 * - Azure Managed Redis (`Microsoft.Cache/redisEnterprise`, `@pulumi/azure-native/redisenterprise`) rather than Azure
 *   Cache for Redis: every Azure Cache for Redis tier is retiring (Enterprise 2027-03-31, Basic/Standard/Premium
 *   2028-09-30) and customers are directed to Azure Managed Redis (Microsoft Learn, Azure Cache for Redis retirement
 *   FAQ / "What's new").
 * - No access key anywhere: the database has `accessKeysAuthentication: Disabled` and the web site's system-assigned
 *   identity is given the `default` access policy (the only one Azure Managed Redis supports; Microsoft Learn,
 *   `Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments`). The site gets a Microsoft Entra token for
 *   it at run time; nothing here lists keys, so none reaches settings, outputs or state.
 * - TLS only: Entra authentication works over TLS connections only (Microsoft Learn, "Use Microsoft Entra for cache
 *   authentication" with Azure Managed Redis), so the database speaks `Encrypted` and the cluster requires TLS 1.2.
 * - `EnterpriseCluster` policy: one endpoint, a proxy routes keys to shards, so a standard (non-cluster-aware) client
 *   works (Microsoft Learn, "Choose a clustering policy for Azure Managed Redis").
 * - `NoEviction`: under memory pressure writes fail loudly (the app answers "try again") instead of Redis silently
 *   evicting signed-in users' sessions.
 */
import * as pulumi from "@pulumi/pulumi";
import * as redisenterprise from "@pulumi/azure-native/redisenterprise";

/** The TLS port Azure Managed Redis databases listen on. */
export const REDIS_PORT = 10000;
/** Azure Managed Redis has exactly one database, named `default`. */
export const REDIS_DATABASE = "default";
/** The only access policy Azure Managed Redis supports for Entra users: full data access. */
export const REDIS_ACCESS_POLICY = "default";

export interface SessionStoreArgs {
    /** Cluster name: 1-60 letters, digits and single hyphens. */
    readonly clusterName: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** An Azure Managed Redis SKU, e.g. `Balanced_B0`. */
    readonly sku: string;
    /** Object (principal) id of the web site's system-assigned identity. */
    readonly principalId: pulumi.Input<string>;
}

export interface SessionStore {
    readonly cluster: redisenterprise.RedisEnterprise;
    readonly database: redisenterprise.Database;
    /** Grants the web site's identity data access; the site's settings wait for it. */
    readonly accessPolicyAssignment: redisenterprise.AccessPolicyAssignment;
    /** `rediss://<host>:<port>`: no user, no password. */
    readonly url: pulumi.Output<string>;
}

export function declareSessionStore(name: string, args: SessionStoreArgs, parent: pulumi.Resource): SessionStore {
    const cluster = new redisenterprise.RedisEnterprise(`${name}-redis`, {
        clusterName: args.clusterName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: args.sku },
        minimumTlsVersion: redisenterprise.TlsVersion.TlsVersion_1_2,
        highAvailability: redisenterprise.HighAvailability.Enabled,
        publicNetworkAccess: redisenterprise.PublicNetworkAccess.Enabled,
    }, { parent });

    const database = new redisenterprise.Database(`${name}-redis-db`, {
        clusterName: cluster.name,
        databaseName: REDIS_DATABASE,
        resourceGroupName: args.resourceGroupName,
        clientProtocol: redisenterprise.Protocol.Encrypted,
        port: REDIS_PORT,
        clusteringPolicy: redisenterprise.ClusteringPolicy.EnterpriseCluster,
        evictionPolicy: redisenterprise.EvictionPolicy.NoEviction,
        accessKeysAuthentication: redisenterprise.AccessKeysAuthentication.Disabled,
    }, { parent });

    const accessPolicyAssignment = new redisenterprise.AccessPolicyAssignment(`${name}-redis-web-access`, {
        accessPolicyAssignmentName: "webapp",
        accessPolicyName: REDIS_ACCESS_POLICY,
        clusterName: cluster.name,
        databaseName: database.name,
        resourceGroupName: args.resourceGroupName,
        user: { objectId: args.principalId },
    }, { parent });

    const url = pulumi.interpolate`rediss://${cluster.hostName}:${database.port.apply((p) => p ?? REDIS_PORT)}`;
    return { cluster, database, accessPolicyAssignment, url };
}
