/**
 * The storage account that holds the sites' packages (and, in the API scenario, the to-do table), declared by
 * `AppServiceHosting` (children of it, so their URNs are those of the hosting component's own resources).
 *
 * Packages are private block blobs named after their content hash; each site reads its own with its managed identity
 * (`WEBSITE_RUN_FROM_PACKAGE` = the plain blob URL, no SAS).
 */
import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";

export const PACKAGE_CONTAINER = "packages";

export interface PackageStorageArgs {
    /** Lower-case letters and digits of the name prefix; the account is `st<first 12 of them><unique>`. */
    readonly alnumPrefix: string;
    /** 10 hex digits stable for the resource group. */
    readonly unique: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** The zips to upload, by label (`web`, `api`). */
    readonly packages: Readonly<Record<string, { readonly name: string; readonly path: string }>>;
}

export interface PackageStorage {
    readonly account: storage.StorageAccount;
    readonly container: storage.BlobContainer;
    /** The uploaded package of each label. */
    readonly blobs: Readonly<Record<string, storage.Blob>>;
}

export function declarePackageStorage(name: string, args: PackageStorageArgs, parent: pulumi.Resource): PackageStorage {
    const account = new storage.StorageAccount(`${name}-storage`, {
        accountName: pulumi.interpolate`st${args.alnumPrefix.slice(0, 12)}${args.unique}`,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: storage.Kind.StorageV2,
        sku: { name: storage.SkuName.Standard_LRS },
        allowBlobPublicAccess: false,
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
        // The sites use their identities; the deployment's Blob upload still needs shared keys
        // (pulumi/pulumi-azure-native#2015).
        allowSharedKeyAccess: true,
    }, { parent });

    const container = new storage.BlobContainer(`${name}-packages`, {
        containerName: PACKAGE_CONTAINER,
        accountName: account.name,
        resourceGroupName: args.resourceGroupName,
        publicAccess: storage.PublicAccess.None,
    }, { parent });

    const blobs: Record<string, storage.Blob> = {};
    for (const [label, pkg] of Object.entries(args.packages)) {
        blobs[label] = new storage.Blob(`${name}-${label}-package`, {
            blobName: pkg.name,
            accountName: account.name,
            containerName: container.name,
            resourceGroupName: args.resourceGroupName,
            type: storage.BlobType.Block,
            contentType: "application/zip",
            source: new pulumi.asset.FileAsset(pkg.path),
        }, { parent });
    }
    return { account, container, blobs };
}
