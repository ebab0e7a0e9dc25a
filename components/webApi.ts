import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { ApiRole, ApiScope } from "./config";

export interface WebApiArgs {
    /** Display name of the API registration. */
    readonly displayName: pulumi.Input<string>;
    /** Delegated scopes the API exposes; ids must be stable GUIDs. */
    readonly scopes: readonly ApiScope[];
    /** Application roles the API defines; ids must be stable GUIDs. */
    readonly roles: readonly ApiRole[];
}

/**
 * The protected web API's registration in the external tenant: a single-tenant app exposing delegated scopes and
 * application roles, identifier URI `api://<clientId>`, v2 access tokens carrying the `idtyp` claim, and its
 * service principal. Pass the external tenant's `azuread.Provider` in `opts.providers`/`opts.provider`.
 */
export class WebApi extends pulumi.ComponentResource {
    /** The API's client (application) id: the `aud` of its access tokens. */
    public readonly clientId: pulumi.Output<string>;
    /** The application's resource id (`/applications/<objectId>`), for split resources. */
    public readonly applicationId: pulumi.Output<string>;
    /** `api://<clientId>` */
    public readonly identifierUri: pulumi.Output<string>;
    /** Object id of the API's service principal (the resource of grants and role assignments). */
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** Full scope strings, e.g. `api://<clientId>/ToDoList.Read`, in config order. */
    public readonly scopeUris: pulumi.Output<string[]>;
    public readonly scopes: readonly ApiScope[];
    public readonly roles: readonly ApiRole[];

    constructor(name: string, args: WebApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-ciam:index:WebApi", name, {}, opts);
        const child = { parent: this };

        const app = new azuread.ApplicationRegistration(`${name}-app`, {
            displayName: args.displayName,
            signInAudience: "AzureADMyOrg",
            requestedAccessTokenVersion: 2,
        }, child);

        const identifierUri = new azuread.ApplicationIdentifierUri(`${name}-identifier-uri`, {
            applicationId: app.id,
            identifierUri: pulumi.interpolate`api://${app.clientId}`,
        }, child);

        const scopeResources = args.scopes.map((s) => new azuread.ApplicationPermissionScope(`${name}-scope-${s.value}`, {
            applicationId: app.id,
            scopeId: s.id,
            value: s.value,
            type: "User",
            adminConsentDisplayName: s.adminConsentDisplayName,
            adminConsentDescription: s.adminConsentDescription,
            userConsentDisplayName: s.userConsentDisplayName,
            userConsentDescription: s.userConsentDescription,
        }, child));

        const roleResources = args.roles.map((r) => new azuread.ApplicationAppRole(`${name}-role-${r.value}`, {
            applicationId: app.id,
            roleId: r.id,
            value: r.value,
            displayName: r.displayName,
            description: r.description,
            allowedMemberTypes: [...r.allowedMemberTypes],
        }, child));

        // `idtyp` lets the API tell app-only tokens (`app`) from delegated ones (`user`).
        new azuread.ApplicationOptionalClaims(`${name}-optional-claims`, {
            applicationId: app.id,
            accessTokens: [{ name: "idtyp", essential: false }],
        }, child);

        const sp = new azuread.ServicePrincipal(`${name}-sp`, {
            clientId: app.clientId,
            appRoleAssignmentRequired: false,
        }, { parent: this, dependsOn: [...scopeResources, ...roleResources] });

        this.clientId = app.clientId;
        this.applicationId = app.id;
        this.identifierUri = identifierUri.identifierUri;
        this.servicePrincipalObjectId = sp.objectId;
        this.scopes = args.scopes;
        this.roles = args.roles;
        this.scopeUris = pulumi.all([identifierUri.identifierUri, ...scopeResources.map((s) => s.value)])
            .apply(([uri, ...values]) => values.map((v) => `${uri}/${v}`));

        this.registerOutputs({
            clientId: this.clientId,
            identifierUri: this.identifierUri,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            scopeUris: this.scopeUris,
        });
    }
}
