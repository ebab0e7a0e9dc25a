/**
 * A local stand-in for a Microsoft Entra External ID tenant (development and tests only; never bundled).
 *
 * The certified `oidc-provider`, served over https with a locally generated certificate, laid out like
 * `https://<subdomain>.ciamlogin.com/`: the issuer is `https://localhost:<port>/<tenantId>/v2.0` and discovery is at
 * `<issuer>/.well-known/openid-configuration`, so an app configured with `AUTHORITY=https://localhost:<port>/<tenantId>/`
 * and `KNOWN_AUTHORITIES=localhost:<port>` signs people in with MSAL exactly as it does against the real tenant.
 *
 * Tokens are shaped like Entra's v2 tokens: ID tokens carry `oid`, `tid`, `name`, `preferred_username`, `ver` and the
 * user flow's sign-up attributes; access tokens for the API have `aud` = the API's client id, `scp` (space-separated,
 * without the `api://` prefix), `azp`, `oid`, `tid`, `ver` `2.0`; client-credentials tokens carry `idtyp` `app` and
 * `roles`. Token responses include `client_info`. Users live in memory (a demo user is seeded); passwords are scrypt
 * hashes.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { generateKeyPairSync, randomBytes, randomUUID, scryptSync, timingSafeEqual } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ensureDevCertificates } from "./certs";
import { logoutPage, messagePage, signInPage, signUpPage, layout, esc } from "./pages";
import { createFederation } from "./federation";
import { renderLook, serveBrandingImage } from "./signInLook";
import type { LocalTenantSettings } from "./stackConfig";

export interface DemoUser {
    readonly email: string;
    readonly password: string;
    /** Attribute values by attribute id (e.g. `displayName`, `city`). */
    readonly attributes: Readonly<Record<string, string | string[]>>;
}

export interface StandInTenantOptions {
    readonly settings: LocalTenantSettings;
    /** Folder of the generated CA and certificate (created on first run). */
    readonly certDir: string;
    /** 0 picks a free port. */
    readonly port: number;
    /** Interface to listen on; default 127.0.0.1. */
    readonly host?: string;
    /** The web app's client secret (the tenant and the app must agree). */
    readonly webClientSecret: string;
    /** Registered redirect URIs of the web app (exact match, like Entra). */
    readonly redirectUris: readonly string[];
    readonly postLogoutRedirectUris: readonly string[];
    /** Secret of the app-only (client-credentials) client; omit to leave that client out. */
    readonly daemonClientSecret?: string;
    readonly demoUser: DemoUser;
    /** Lifetime of access tokens in seconds; default 3600. */
    readonly accessTokenTtl?: number;
}

export interface StandInTenant {
    readonly port: number;
    /** `https://localhost:<port>/<tenantId>/v2.0` */
    readonly issuer: string;
    /** `https://localhost:<port>/<tenantId>/` (the app's AUTHORITY) */
    readonly authority: string;
    /** `localhost:<port>` (the app's KNOWN_AUTHORITIES) */
    readonly knownAuthority: string;
    readonly caPath: string;
    readonly caCert: string;
    readonly spkiSha256: string;
    /** Registered users' emails (lower case). */
    users(): string[];
    close(): Promise<void>;
}

interface User {
    readonly oid: string;
    readonly email: string;
    readonly salt: Buffer;
    readonly hash: Buffer;
    readonly attributes: Record<string, string | string[] | boolean>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Entra's `idp` claim for users federated from Google or Facebook. */
const SOCIAL_IDP = { google: "google.com", facebook: "facebook.com" } as const;
const FORM_LIMIT = 16 * 1024;

function hashPassword(password: string, salt: Buffer = randomBytes(16)): { salt: Buffer; hash: Buffer } {
    return { salt, hash: scryptSync(password, salt, 32) };
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (c: Buffer) => {
            size += c.length;
            if (size > FORM_LIMIT) {
                reject(new Error("form too large"));
                req.destroy();
                return;
            }
            chunks.push(c);
        });
        req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
        req.on("error", reject);
    });
}

function send(res: ServerResponse, status: number, html: string): void {
    res.writeHead(status, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self' http://localhost:* http://127.0.0.1:* https:; frame-ancestors 'none'",
    });
    res.end(html);
}

function decodePayload(jwt: unknown): Record<string, unknown> | undefined {
    if (typeof jwt !== "string") return undefined;
    try {
        return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
    } catch {
        return undefined;
    }
}

export async function startStandInTenant(options: StandInTenantOptions): Promise<StandInTenant> {
    const { settings } = options;
    const certs = ensureDevCertificates(options.certDir);
    const users = new Map<string, User>();
    const mount = `/${settings.tenantId}/v2.0`;

    // Users (and so their oid, which owns their to-dos) survive a restart: kept in <certDir>/users.json, passwords
    // as scrypt hashes. A file that cannot be read starts an empty directory (and is replaced on the next sign-up).
    const usersFile = join(options.certDir, "users.json");
    try {
        const saved = JSON.parse(readFileSync(usersFile, "utf8")) as { oid: string; email: string; salt: string; hash: string; attributes: User["attributes"] }[];
        for (const u of saved) users.set(u.email, { ...u, salt: Buffer.from(u.salt, "hex"), hash: Buffer.from(u.hash, "hex") });
    } catch {
        // no file yet
    }
    const saveUsers = () => {
        const list = [...users.values()].map((u) => ({ ...u, salt: u.salt.toString("hex"), hash: u.hash.toString("hex") }));
        writeFileSync(usersFile, JSON.stringify(list, null, 1), { mode: 0o600 });
    };

    const addUser = (email: string, password: string, attributes: User["attributes"]): User => {
        const existing = users.get(email.toLowerCase());
        const user: User = { oid: existing?.oid ?? randomUUID(), email: email.toLowerCase(), ...hashPassword(password), attributes };
        users.set(user.email, user);
        saveUsers();
        return user;
    };
    addUser(options.demoUser.email, options.demoUser.password, { ...options.demoUser.attributes });

    const checkPassword = (email: string, password: string): User | undefined => {
        const user = users.get(email.toLowerCase());
        const candidate = hashPassword(password, user?.salt ?? randomBytes(16)).hash;
        return user !== undefined && timingSafeEqual(candidate, user.hash) ? user : undefined;
    };
    const byOid = (oid: string) => [...users.values()].find((u) => u.oid === oid);

    // Listen first: the issuer names the port.
    let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
        res.statusCode = 503;
        res.end();
    };
    const server: Server = createServer({ cert: certs.cert, key: certs.key }, (req, res) => handler(req, res));
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const origin = `https://localhost:${port}`;
    const issuer = `${origin}${mount}`;

    // oidc-provider is an ES module; load it at run time.
    const { default: Provider, errors } = (await import("oidc-provider")) as unknown as { default: any; errors: any };
    const { Prompt, base: basePolicy } = (await import("oidc-provider")).interactionPolicy as any;

    const api = settings.api;
    const apiScopeStrings = api ? api.scopes.map((s) => `${api.resource}/${s}`) : [];
    const daemonRoles = api?.roles ?? [];
    const attributeClaims = settings.attributes.map((a) => a.claim);

    const policy = basePolicy();
    // External ID's sign-up entry point: `prompt=create` opens the sign-up page.
    policy.add(new Prompt({ name: "create", requestable: true }), 0);

    const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });

    const clients: Record<string, unknown>[] = [{
        client_id: settings.webClientId,
        client_secret: options.webClientSecret,
        client_name: settings.webDisplayName,
        redirect_uris: [...options.redirectUris],
        post_logout_redirect_uris: [...options.postLogoutRedirectUris],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
    }];
    if (options.daemonClientSecret !== undefined && api) {
        clients.push({
            client_id: settings.daemonClientId,
            client_secret: options.daemonClientSecret,
            grant_types: ["client_credentials"],
            response_types: [],
            redirect_uris: [],
            token_endpoint_auth_method: "client_secret_post",
        });
    }

    const provider = new Provider(issuer, {
        clients,
        jwks: { keys: [{ ...signingKey, kid: randomBytes(12).toString("base64url"), use: "sig", alg: "RS256" }] },
        cookies: { keys: [randomBytes(32).toString("base64url")] },
        routes: {
            authorization: "/oauth2/v2.0/authorize",
            token: "/oauth2/v2.0/token",
            end_session: "/oauth2/v2.0/logout",
            jwks: "/discovery/v2.0/keys",
            userinfo: "/oidc/userinfo",
        },
        scopes: ["openid", "profile", "email", "offline_access"],
        claims: {
            openid: ["sub", "oid", "tid", "ver", "name", "preferred_username", "email", "idp", ...attributeClaims],
        },
        conformIdTokenClaims: false,
        responseTypes: ["code"],
        pkce: { required: () => true },
        interactions: { policy, url: (_ctx: unknown, interaction: { uid: string }) => `${mount}/interaction/${interaction.uid}` },
        features: {
            devInteractions: { enabled: false },
            clientCredentials: { enabled: api !== undefined },
            rpInitiatedLogout: {
                enabled: true,
                logoutSource: async (ctx: any, form: string) => {
                    ctx.body = logoutPage(form);
                },
                postLogoutSuccessSource: async (ctx: any) => {
                    ctx.body = messagePage("Signed out", "You have signed out.");
                },
            },
            resourceIndicators: {
                enabled: api !== undefined,
                // MSAL never sends `resource=`: infer it from `api://<clientId>/…` scopes, as Entra does.
                defaultResource: async (ctx: any, _client: unknown, oneOf?: string[]) => {
                    if (oneOf) return oneOf;
                    const scope: string = ctx.oidc.params?.scope ?? "";
                    return api && scope.split(" ").some((s) => s.startsWith(`${api.resource}/`)) ? api.resource : undefined;
                },
                useGrantedResource: async () => true,
                getResourceServerInfo: async (ctx: any, resource: string) => {
                    if (!api || resource !== api.resource) throw new errors.InvalidTarget();
                    const appOnly = ctx.oidc.route === "token" && ctx.oidc.params?.grant_type === "client_credentials";
                    return {
                        scope: appOnly ? `${api.resource}/.default` : apiScopeStrings.join(" "),
                        audience: api.clientId,
                        accessTokenFormat: "jwt",
                        accessTokenTTL: options.accessTokenTtl ?? 3600,
                        jwt: { sign: { alg: "RS256" } },
                    };
                },
            },
        },
        // Refresh tokens for the web app whatever the prompt (oidc-provider drops offline_access without prompt=consent).
        issueRefreshToken: async (_ctx: unknown, client: any) => client.grantTypeAllowed("refresh_token"),
        // Consent is granted by the administrator in a real tenant: grant what the client asks for.
        loadExistingGrant: async (ctx: any) => {
            const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
            const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
            const grant = existing ?? new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
            grant.addOIDCScope("openid profile email offline_access");
            if (api) grant.addResourceScope(api.resource, apiScopeStrings.join(" "));
            await grant.save();
            return grant;
        },
        findAccount: async (_ctx: unknown, sub: string) => {
            const user = byOid(sub);
            if (!user) return undefined;
            return {
                accountId: sub,
                claims: async () => {
                    const claims: Record<string, unknown> = {
                        sub, oid: sub, tid: settings.tenantId, ver: "2.0", preferred_username: user.email, email: user.email,
                    };
                    // Users who came through Google/Facebook carry Entra's `idp` claim (google.com, facebook.com).
                    if (typeof user.attributes.idp === "string") claims.idp = user.attributes.idp;
                    for (const a of settings.attributes) {
                        const v = user.attributes[a.attribute];
                        if (v !== undefined && v !== "") claims[a.claim] = v;
                    }
                    return claims;
                },
            };
        },
        formats: {
            customizers: {
                jwt: async (_ctx: unknown, token: any, jwt: { header?: Record<string, unknown>; payload: Record<string, any> }) => {
                    const p = jwt.payload;
                    jwt.header = { typ: "JWT" };
                    p.ver = "2.0";
                    p.tid = settings.tenantId;
                    p.nbf = p.iat;
                    p.azp = p.client_id;
                    p.azpacr = "1";
                    delete p.client_id;
                    if (token.kind === "ClientCredentials") {
                        p.idtyp = "app";
                        p.oid = p.sub;
                        p.roles = [...daemonRoles];
                        delete p.scope;
                    } else {
                        const user = byOid(String(p.sub));
                        p.idtyp = "user";
                        p.oid = p.sub;
                        if (user) {
                            p.preferred_username = user.email;
                            if (user.attributes.displayName) p.name = user.attributes.displayName;
                        }
                        p.scp = String(p.scope ?? "").split(" ").filter((s) => api && s.startsWith(`${api.resource}/`)).map((s) => s.slice(api!.resource.length + 1)).join(" ");
                        delete p.scope;
                    }
                },
            },
        },
        ttl: { AccessToken: options.accessTokenTtl ?? 3600, IdToken: 3600, Interaction: 3600, Session: 86400, Grant: 86400, RefreshToken: 86400 },
        renderError: async (ctx: any, out: Record<string, string>) => {
            ctx.type = "html";
            ctx.body = layout("Sign-in error", `<h1>Something went wrong</h1>${Object.entries(out).map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(v)}</p>`).join("")}`);
        },
    });

    // Entra returns client_info (base64url JSON {uid, utid}); MSAL builds the account's home id from it.
    provider.use(async (ctx: any, next: () => Promise<void>) => {
        await next();
        if (ctx.oidc?.route === "token" && ctx.status === 200 && ctx.body && typeof ctx.body === "object") {
            const claims = decodePayload(ctx.body.id_token);
            if (claims?.oid) ctx.body.client_info = Buffer.from(JSON.stringify({ uid: claims.oid, utid: claims.tid ?? settings.tenantId })).toString("base64url");
        }
    });
    const callback = provider.callback();

    const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined, url: URL) => {
        const details = await provider.interactionDetails(req, res);
        if (details.uid !== uid) return send(res, 400, messagePage("Sign-in error", "This sign-in request is not valid any more. Start again from the app."));
        const base = mount;
        const wantsSignUp = settings.signUpAllowed && (url.searchParams.get("screen") === "signup" ||
            (url.searchParams.get("screen") !== "signin" && details.prompt?.name === "create"));
        const look = renderLook(settings.look, { base, uid, acceptLanguage: req.headers["accept-language"], mode: wantsSignUp ? "signup" : "signin" });
        if (req.method === "GET" && action === "federated") {
            if (url.searchParams.get("error")) {
                return provider.interactionFinished(req, res, { error: "access_denied", error_description: "AADSTS90091: The user cancelled the sign-in at the identity provider." }, { mergeWithLastSubmission: false });
            }
            const who = federation.redeem(url.searchParams.get("code"));
            if (!who) return send(res, 400, messagePage("Sign-in error", "This sign-in has expired. Start again from the app."));
            const known = users.get(who.email);
            if (known && known.attributes.idp !== SOCIAL_IDP[who.kind]) {
                return send(res, 200, signInPage({ uid, base, settings, look, email: who.email, error: "An account with this email address already exists. Sign in with it instead." }));
            }
            const user = known ?? addUser(who.email, randomBytes(24).toString("base64url"), { displayName: who.name, idp: SOCIAL_IDP[who.kind] });
            return provider.interactionFinished(req, res, { login: { accountId: user.oid }, create: {} }, { mergeWithLastSubmission: false });
        }
        if (req.method === "GET" && action === undefined) {
            return send(res, 200, wantsSignUp ? signUpPage({ uid, base, settings, look }) : signInPage({ uid, base, settings, look }));
        }
        if (req.method !== "POST") return send(res, 405, messagePage("Not allowed", "Use the form."));
        const form = await readForm(req);
        if (action === "login") {
            const email = (form.get("email") ?? "").trim();
            const user = checkPassword(email, form.get("password") ?? "");
            if (!user) return send(res, 200, signInPage({ uid, base, settings, look, email, error: "Your email address or password is incorrect." }));
            return provider.interactionFinished(req, res, { login: { accountId: user.oid }, create: {} }, { mergeWithLastSubmission: false });
        }
        if (action === "signup" && settings.signUpAllowed) {
            if (form.get("cancel")) {
                return provider.interactionFinished(req, res, { error: "access_denied", error_description: "AADSTS50058: The user cancelled the sign-up." }, { mergeWithLastSubmission: false });
            }
            const values: Record<string, string | string[]> = {};
            const errors: string[] = [];
            const email = (form.get("email") ?? "").trim();
            const password = form.get("password") ?? "";
            values.email = email;
            if (!EMAIL.test(email)) errors.push("Enter a valid email address.");
            else if (users.has(email.toLowerCase())) errors.push("An account with this email address already exists. Sign in instead.");
            if (password.length < 8) errors.push("The password must have at least 8 characters.");
            const attributes: User["attributes"] = {};
            for (const a of settings.attributes) {
                const all = form.getAll(a.attribute).map((v) => v.trim()).filter((v) => v !== "");
                if (a.inputType === "checkboxMultiSelect") {
                    values[a.attribute] = all;
                    const bad = all.filter((v) => !a.options.some((o) => o.value === v));
                    if (bad.length) errors.push(`${a.label}: choose from the options given.`);
                    if (a.required && all.length === 0) errors.push(`${a.label} is required.`);
                    if (all.length) attributes[a.attribute] = all;
                    continue;
                }
                const v = all[0] ?? "";
                values[a.attribute] = v;
                if (a.inputType === "boolean") {
                    if (a.required && v !== "true") errors.push(`${a.label} is required.`);
                    attributes[a.attribute] = v === "true";
                    continue;
                }
                if (a.inputType === "radioSingleSelect" && v !== "" && !a.options.some((o) => o.value === v)) errors.push(`${a.label}: choose one of the options given.`);
                if (a.required && v === "") errors.push(`${a.label} is required.`);
                if (v.length > 256) errors.push(`${a.label} is too long (at most 256 characters).`);
                if (v !== "") attributes[a.attribute] = v;
            }
            if (errors.length) return send(res, 200, signUpPage({ uid, base, settings, look, values, errors }));
            const user = addUser(email, password, attributes);
            return provider.interactionFinished(req, res, { login: { accountId: user.oid }, create: {} }, { mergeWithLastSubmission: false });
        }
        return send(res, 404, messagePage("Not found", "There is no such page."));
    };

    const interactionPath = new RegExp(`^${mount.replace(/[.]/g, "\\.")}/interaction/([A-Za-z0-9_-]+)(?:/(login|signup|federated))?$`);
    const federation = createFederation({ mount, origin, look: settings.look, tenantName: settings.userFlowName });
    handler = (req, res) => {
        const url = new URL(req.url ?? "/", origin);
        const m = interactionPath.exec(url.pathname);
        if (m) {
            interaction(req, res, m[1]!, m[2], url).catch((err: unknown) => {
                const expired = err instanceof Error && /SessionNotFound|interaction session/i.test(`${err.name} ${err.message}`);
                if (!res.headersSent) send(res, 400, messagePage("Sign-in error", expired ? "This sign-in request has expired. Start again from the app." : "The request could not be processed."));
            });
            return;
        }
        if (serveBrandingImage(settings.look, mount, url.pathname, res)) return;
        if (url.pathname.startsWith(`${mount}/federation/`) || url.pathname.startsWith("/_providers/")) {
            federation.handle(req, res, url).then(
                (done) => { if (!done && !res.headersSent) send(res, 404, messagePage("Not found", "There is no such page.")); },
                () => { if (!res.headersSent) send(res, 400, messagePage("Sign-in error", "The request could not be processed.")); });
            return;
        }
        if (url.pathname === mount || url.pathname.startsWith(`${mount}/`)) {
            (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
            req.url = req.url!.slice(mount.length) || "/";
            callback(req, res);
            return;
        }
        if (url.pathname === "/favicon.ico") {
            // Browsers ask for it on every tenant page: an empty answer instead of a 404 in the console.
            res.writeHead(204, { "Cache-Control": "public, max-age=86400" });
            res.end();
            return;
        }
        send(res, 404, messagePage("Not found", "There is no such page."));
    };

    return {
        port,
        issuer,
        authority: `${origin}/${settings.tenantId}/`,
        knownAuthority: `localhost:${port}`,
        caPath: certs.caPath,
        caCert: certs.caCert,
        spkiSha256: certs.spkiSha256,
        users: () => [...users.keys()],
        close: () => new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}
