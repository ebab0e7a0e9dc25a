import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { ApiRole, ApiScope, SecretWindow } from "./config";

/** Microsoft Graph's well-known client id and the ids of the two delegated scopes every sign-in needs. */
export const MICROSOFT_GRAPH = {
    clientId: "00000003-0000-0000-c000-000000000000",
    scopes: {
        openid: "37f7f235-527c-4136-accd-4a02d197296e",
        offline_access: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
    },
} as const;

export interface WebAppRegistrationArgs {
    /** Display name of the client (web app) registration. */
    readonly displayName: pulumi.Input<string>;
    /**
     * The client secret's rotation windows: the current one's password is the one the app uses; the previous one's
     * (while unexpired) stays declared so whatever still holds it keeps working until it has moved on.
     */
    readonly secret: { readonly current: SecretWindow; readonly previous?: SecretWindow };
    /** The API the app calls, in the `signInAndCallApi` scenario; undefined for sign-in only. */
    readonly api?: {
        readonly clientId: pulumi.Input<string>;
        readonly servicePrincipalObjectId: pulumi.Input<string>;
        readonly scopes: readonly ApiScope[];
        readonly roles: readonly ApiRole[];
    };
}

/**
 * The client web app's registration: a confidential client with a rotating secret, access to Microsoft Graph
 * `openid` + `offline_access` (and to the API's scopes and application roles), its service principal, and admin
 * consent declared as code (delegated permission grants, app-role assignments). Redirect URIs are declared
 * separately by `WebAppRedirectUris`, so deployed URLs can be added once the site exists without a cycle.
 */
export class WebAppRegistration extends pulumi.ComponentResource {
    /** The app's client (application) id. */
    public readonly clientId: pulumi.Output<string>;
    /** The application's resource id (`/applications/<objectId>`), for split resources. */
    public readonly applicationId: pulumi.Output<string>;
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** The current (newest) client secret; always a secret output. */
    public readonly clientSecret: pulumi.Output<string>;
    /** When the current client secret expires (RFC 3339). */
    public readonly clientSecretEndDate: pulumi.Output<string>;

    constructor(name: string, args: WebAppRegistrationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-ciam:index:WebAppRegistration", name, {}, opts);
        const child = { parent: this };

        const app = new azuread.ApplicationRegistration(`${name}-app`, {
            displayName: args.displayName,
            signInAudience: "AzureADMyOrg",
            implicitAccessTokenIssuanceEnabled: false,
            implicitIdTokenIssuanceEnabled: false,
        }, child);

        // Two overlapping passwords in two slots that alternate with the windows. At the start of window N+1 the
        // other slot's password (window N-1's, no longer used) is replaced by N+1's, while window N's - the one the
        // site holds until this same `up` moves it on - is left untouched; it goes only when window N+2 begins.
        // `rotateWhenChanged`/`endDate` replace a slot's password (create first, delete at the end of the `up`).
        const passwordFor = (w: SecretWindow, current: boolean) => new azuread.ApplicationPassword(`${name}-secret-${w.slot}`, {
            applicationId: app.id,
            displayName: `rotation window from ${w.start}`,
            endDate: w.endDate,
            rotateWhenChanged: { rotationWindowStart: w.start },
        }, {
            parent: this,
            additionalSecretOutputs: ["value"],
            // Stacks made before the two slots had one password, `${name}-secret`: it becomes the current slot's.
            aliases: current ? [{ name: `${name}-secret` }] : [],
        });
        const password = passwordFor(args.secret.current, true);
        if (args.secret.previous !== undefined) {
            if (args.secret.previous.slot === args.secret.current.slot) {
                throw new Error(`WebAppRegistration: the previous and current secret windows share slot "${args.secret.current.slot}"`);
            }
            passwordFor(args.secret.previous, false);
        }

        new azuread.ApplicationApiAccess(`${name}-graph-access`, {
            applicationId: app.id,
            apiClientId: MICROSOFT_GRAPH.clientId,
            scopeIds: [MICROSOFT_GRAPH.scopes.openid, MICROSOFT_GRAPH.scopes.offline_access],
        }, child);

        const sp = new azuread.ServicePrincipal(`${name}-sp`, { clientId: app.clientId }, child);

        // Admin consent, as code: the tenant-wide delegated grant a person would click "Grant admin consent" for.
        const graphSp = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH.clientId }, child);
        new azuread.ServicePrincipalDelegatedPermissionGrant(`${name}-graph-consent`, {
            servicePrincipalObjectId: sp.objectId,
            resourceServicePrincipalObjectId: graphSp.objectId,
            claimValues: Object.keys(MICROSOFT_GRAPH.scopes),
        }, child);

        if (args.api) {
            const api = args.api;
            const appRoles = api.roles.filter((r) => r.allowedMemberTypes.includes("Application"));
            new azuread.ApplicationApiAccess(`${name}-api-access`, {
                applicationId: app.id,
                apiClientId: api.clientId,
                scopeIds: api.scopes.map((s) => s.id),
                roleIds: appRoles.map((r) => r.id),
            }, child);
            new azuread.ServicePrincipalDelegatedPermissionGrant(`${name}-api-consent`, {
                servicePrincipalObjectId: sp.objectId,
                resourceServicePrincipalObjectId: api.servicePrincipalObjectId,
                claimValues: api.scopes.map((s) => s.value),
            }, child);
            for (const role of appRoles) {
                new azuread.AppRoleAssignment(`${name}-role-${role.value}`, {
                    appRoleId: role.id,
                    principalObjectId: sp.objectId,
                    resourceObjectId: api.servicePrincipalObjectId,
                }, child);
            }
        }

        this.clientId = app.clientId;
        this.applicationId = app.id;
        this.servicePrincipalObjectId = sp.objectId;
        // The engine marks `value` secret through additionalSecretOutputs; wrapping keeps it secret everywhere else too.
        this.clientSecret = pulumi.secret(password.value);
        this.clientSecretEndDate = password.endDate;

        this.registerOutputs({
            clientId: this.clientId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            clientSecret: this.clientSecret,
            clientSecretEndDate: this.clientSecretEndDate,
        });
    }
}

export interface WebAppRedirectUrisArgs {
    /** The client registration's resource id (`WebAppRegistration.applicationId`). */
    readonly applicationId: pulumi.Input<string>;
    /** Sign-in redirect URIs (local and deployed). */
    readonly redirectUris: pulumi.Input<pulumi.Input<string>[]>;
    /** Post-sign-out redirect URIs; Entra only returns to registered redirect URIs, so they are registered too. */
    readonly postLogoutRedirectUris: pulumi.Input<pulumi.Input<string>[]>;
}

/** The web platform redirect URIs of the client registration, as one resource that can follow the deployed site. */
export class WebAppRedirectUris extends pulumi.ComponentResource {
    /** Every registered web redirect URI, de-duplicated, in a stable order. */
    public readonly uris: pulumi.Output<string[]>;

    constructor(name: string, args: WebAppRedirectUrisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-ciam:index:WebAppRedirectUris", name, {}, opts);
        const uris = pulumi.all([args.redirectUris, args.postLogoutRedirectUris])
            .apply(([a, b]) => [...new Set([...a, ...b])]);
        const resource = new azuread.ApplicationRedirectUris(`${name}-web`, {
            applicationId: args.applicationId,
            type: "Web",
            redirectUris: uris,
        }, { parent: this });
        this.uris = resource.redirectUris;
        this.registerOutputs({ uris: this.uris });
    }
}
