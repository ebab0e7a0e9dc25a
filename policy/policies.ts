/** Every policy of the pack, in the order they are reported. index.ts serves them; the tests import them from here. */
import type { Policies } from "@pulumi/policy";
import { appServiceTransport } from "./appService";
import { appServiceBasicAuthOff } from "./basicAuth";
import { noSecretsInAppSettings } from "./appSettings";
import { clientSecretLifetime } from "./clientSecretLifetime";
import { noImplicitGrant } from "./implicitGrant";
import { keyVaultRbac } from "./keyVault";
import { noSecretsInOutputs } from "./outputs";
import { redirectUrisHttps } from "./redirectUris";
import { storageNoPublicBlobs } from "./storage";
import { dynamicSecretsEncrypted } from "./dynamicSecrets";
import { dynamicResourcesRecognised, userFlowsInThisStack } from "./userFlows";

export const PACK_NAME = "entra-ciam-security";

export const policies: Policies = [
    redirectUrisHttps,
    noImplicitGrant,
    clientSecretLifetime,
    noSecretsInAppSettings,
    noSecretsInOutputs,
    appServiceTransport,
    appServiceBasicAuthOff,
    keyVaultRbac,
    storageNoPublicBlobs,
    dynamicResourcesRecognised,
    dynamicSecretsEncrypted,
    userFlowsInThisStack,
];
