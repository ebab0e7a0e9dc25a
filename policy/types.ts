/** Resource type tokens the policies look at (strings, so the pack loads no provider SDK). */
export const T = {
    application: "azuread:index/application:Application",
    applicationRegistration: "azuread:index/applicationRegistration:ApplicationRegistration",
    applicationRedirectUris: "azuread:index/applicationRedirectUris:ApplicationRedirectUris",
    applicationPassword: "azuread:index/applicationPassword:ApplicationPassword",
    azureadProvider: "pulumi:providers:azuread",
    webApp: "azure-native:web:WebApp",
    webAppSlot: "azure-native:web:WebAppSlot",
    webAppSettings: "azure-native:web:WebAppApplicationSettings",
    webAppSettingsSlot: "azure-native:web:WebAppApplicationSettingsSlot",
    webAppConnectionStrings: "azure-native:web:WebAppConnectionStrings",
    webAppConnectionStringsSlot: "azure-native:web:WebAppConnectionStringsSlot",
    vault: "azure-native:keyvault:Vault",
    vaultAccessPolicy: "azure-native:keyvault:AccessPolicy",
    storageAccount: "azure-native:storage:StorageAccount",
    blobContainer: "azure-native:storage:BlobContainer",
    stack: "pulumi:pulumi:Stack",
} as const;

/** Every resource of a Node.js dynamic provider: `pulumi-nodejs:dynamic:Resource` or `pulumi-nodejs:dynamic/<module>:<Type>`. */
export function isDynamic(type: string): boolean {
    return type === "pulumi-nodejs:dynamic:Resource" || type.startsWith("pulumi-nodejs:dynamic/");
}
