/**
 * Reads the stack config, declares the tenant's registrations, user flow and hosting, and exports the outputs.
 * Nothing else lives here: every concern has its own file under components/.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { ConfigError, parseStackConfig, rawFromPulumiConfig, type StackConfig } from "./components/config";
import { WebApi } from "./components/webApi";
import { WebAppRedirectUris, WebAppRegistration } from "./components/webAppRegistration";
import { SignUpSignIn } from "./components/userFlow";
import { SignInExperience } from "./components/signInExperience";
import { referToDeclaredProviders } from "./components/signInExperience/wiring";
import { AppServiceHosting } from "./components/appService";
import * as path from "node:path";

function loadConfig(): StackConfig {
    const project = pulumi.getProject();
    try {
        return parseStackConfig(rawFromPulumiConfig(pulumi.runtime.allConfig(), project), { project, stack: pulumi.getStack() });
    } catch (err) {
        // A clean, stack-trace-free failure before any resource is declared.
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
}

const cfg = loadConfig();

// The external (customer) tenant, always explicit: the hosting subscription lives in another (workforce) tenant.
const externalTenant = new azuread.Provider("external-tenant", { tenantId: cfg.tenantId });
const inTenant = { provider: externalTenant };

const api = cfg.api ? new WebApi("api", cfg.api, inTenant) : undefined;

const web = new WebAppRegistration("web", {
    displayName: cfg.web.displayName,
    secret: cfg.clientSecret,
    api: api && cfg.api ? {
        clientId: api.clientId,
        servicePrincipalObjectId: api.servicePrincipalObjectId,
        scopes: cfg.api.scopes,
        roles: cfg.api.roles,
    } : undefined,
}, inTenant);

// App Service in the workforce subscription; the sites' settings come from the registrations above.
const hosting = cfg.hosting.enabled ? new AppServiceHosting("hosting", {
    namePrefix: cfg.namePrefix,
    location: cfg.hosting.location,
    sku: cfg.hosting.sku,
    nodeVersion: cfg.hosting.nodeVersion,
    instances: cfg.hosting.instances,
    redis: cfg.hosting.redis.enabled ? { sku: cfg.hosting.redis.sku } : undefined,
    web: {
        clientId: web.clientId,
        clientSecret: web.clientSecret,
        authority: cfg.authority,
        tenantId: cfg.tenantId,
        apiScopes: api ? api.scopeUris : [],
    },
    api: api ? { clientId: api.clientId, tenantId: cfg.tenantId, authority: cfg.authority } : undefined,
    packages: {
        web: path.join(__dirname, "webapp", "dist", "web"),
        api: api ? path.join(__dirname, "webapp", "dist", "api") : undefined,
    },
}) : undefined;

// Local URLs from config plus, once the site exists, the deployed ones: no cycle between registration and site.
const redirectUris = new WebAppRedirectUris("web", {
    applicationId: web.applicationId,
    redirectUris: hosting ? [cfg.web.redirectUri, hosting.redirectUri] : [cfg.web.redirectUri],
    postLogoutRedirectUris: hosting ? [cfg.web.postLogoutRedirectUri, hosting.postLogoutRedirectUri] : [cfg.web.postLogoutRedirectUri],
}, inTenant);

// Social identity providers (Google, Facebook) and the company branding of the sign-in pages (Graph, dynamic
// providers). The flow below refers to the declared providers, so it is created after them.
const signInExperience = cfg.signInExperience ? new SignInExperience("signin-experience", { tenantId: cfg.tenantId, config: cfg.signInExperience }) : undefined;

// The sign-up/sign-in user flow and the web app's link to it (Microsoft Graph, through a dynamic provider). The link
// needs the app's service principal, so the link itself waits for the whole registration (a component's dependsOn
// would not reach its children).
const signUpSignIn = new SignUpSignIn("signup-signin", {
    tenantId: cfg.tenantId,
    config: cfg.userFlow,
    appClientId: web.clientId,
    linkDependsOn: [web],
}, { transformations: [referToDeclaredProviders(signInExperience?.identityProviders ?? {})] });

/** Space-separated scopes the web app requests for the API (empty in the sign-in-only scenario). */
const apiScopes = api ? api.scopeUris.apply((s) => s.join(" ")) : pulumi.output("");

export const tenantId = cfg.tenantId;
export const subdomain = cfg.subdomain;
export const authority = cfg.authority;
export const scenario = cfg.scenario;
export const webClientId = web.clientId;
export const webClientSecret = web.clientSecret;
export const webClientSecretEndDate = web.clientSecretEndDate;
export const webRedirectUris = redirectUris.uris;
export const userFlowId = signUpSignIn.flow.id;
/** Graph ids of the declared social identity providers, e.g. ["Google-OAUTH", "Facebook-OAUTH"]. */
export const socialIdentityProviderIds = signInExperience ? Object.values(signInExperience.identityProviders).map((p) => p.id) : undefined;
export const webUrl = hosting?.webUrl;
export const apiUrl = hosting?.apiUrl;
/** `rediss://<host>:10000` of the web app's session store (no credentials: the site signs in with its identity). */
export const redisUrl = hosting?.redisUrl;
export const apiClientId = api?.clientId;
export const apiIdentifierUri = api?.identifierUri;
export const apiScopeUris = api?.scopeUris;
export const apiRoles = cfg.api?.roles.map((r) => r.value);
/** Non-secret settings of the web app for running it locally against this tenant (`CLIENT_SECRET`: webClientSecret). */
export const webAppEnv = pulumi.all([web.clientId, apiScopes]).apply(([clientId, scopes]) => ({
    AUTHORITY: cfg.authority,
    CLIENT_ID: clientId,
    REDIRECT_URI: cfg.web.redirectUri,
    POST_LOGOUT_REDIRECT_URI: cfg.web.postLogoutRedirectUri,
    KNOWN_AUTHORITIES: `${cfg.subdomain}.ciamlogin.com,${cfg.tenantId}.ciamlogin.com`,
    API_BASE_URL: api ? "http://localhost:3001" : "",
    API_SCOPES: scopes,
}));
/** Settings of the API for running it locally against this tenant. */
export const apiEnv = api?.clientId.apply((clientId) => ({
    AUTHORITY: cfg.authority,
    TENANT_ID: cfg.tenantId,
    API_CLIENT_ID: clientId,
}));
