/**
 * The web app in-process (node:http on 127.0.0.1, port 0) against the stand-in tenant in a child process:
 * the sign-in request, state/code checks, open-redirect attempts, CSRF on sign-out, error pages.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebApp, safeReturnTo, type WebApp } from "../../webapp/src/web/app";
import { parseWebEnv, type WebConfig } from "../../webapp/src/web/config";
import { createHttpClient } from "../../webapp/src/web/http";
import { createLogger } from "../../webapp/src/shared/log";
import type { TenantInfo } from "../../webapp/dev/stack";
import { MemoryStore } from "../../webapp/src/web/store/memory";
import { client, Jar, type Res } from "./client";
import { startTestTenant, webEnvFor, type TestTenant } from "./tenant";

let ca: string;
const send = (jar: Jar, method: string, url: string, form?: Record<string, string>): Promise<Res> => client(ca).send(jar, method, url, form);

describe("web app sign-in and sign-out", () => {
    let testTenant: TestTenant;
    let tenant: TenantInfo;
    let server: Server;
    let app: WebApp;
    let base: string;
    let config: WebConfig;
    let store: MemoryStore;
    const secret = "test-client-secret-0123456789";
    let handler: (req: any, res: any) => void = (_q, r) => r.end();

    beforeAll(async () => {
        server = createServer((q, r) => handler(q, r));
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://localhost:${(server.address() as AddressInfo).port}`;
        testTenant = await startTestTenant(base, secret);
        tenant = testTenant.info;
        ca = testTenant.ca;
        config = parseWebEnv(webEnvFor(tenant, base, secret, "s".repeat(40)));
        store = new MemoryStore();
        app = createWebApp({ config, http: createHttpClient({ ca }), logger: createLogger({ level: "silent" }), store });
        handler = app.handler;
    });

    afterAll(async () => {
        await app?.close();
        await store?.close();
        await new Promise((r) => server.close(r));
        await testTenant?.stop();
    });

    /** Starts a sign-in and signs in at the tenant; returns the redirect back to the app (not yet followed). */
    async function signInAtTenant(jar: Jar, returnTo = "/profile"): Promise<{ authorize: URL; callback: string }> {
        const start = await send(jar, "GET", `${base}/auth/signin?returnTo=${encodeURIComponent(returnTo)}`);
        expect(start.status).toBe(302);
        const authorize = new URL(start.headers.location as string);
        let r = await send(jar, "GET", authorize.href);
        let url = new URL(r.headers.location as string, authorize);
        r = await send(jar, "GET", url.href);
        expect(r.body).toContain("<h1>Sign in</h1>");
        r = await send(jar, "POST", `${url.href}/login`, { email: tenant.demoUser.email, password: tenant.demoUser.password });
        url = new URL(r.headers.location as string, url);
        r = await send(jar, "GET", url.href);
        expect(r.status).toBe(303);
        return { authorize, callback: r.headers.location as string };
    }

    it("sends the browser to the tenant with state, nonce and a PKCE S256 challenge", async () => {
        const r = await send(new Jar(), "GET", `${base}/auth/signin`);
        expect(r.status).toBe(302);
        const u = new URL(r.headers.location as string);
        expect(`${u.origin}${u.pathname}`).toBe(`${tenant.issuer}/oauth2/v2.0/authorize`);
        const q = u.searchParams;
        expect(q.get("client_id")).toBe(tenant.webClientId);
        expect(q.get("response_type")).toBe("code");
        expect(q.get("response_mode")).toBe("query");
        expect(q.get("redirect_uri")).toBe(`${base}/auth/redirect`);
        expect(q.get("code_challenge_method")).toBe("S256");
        expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(q.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(q.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(q.get("scope")!.split(" ").sort()).toEqual([...tenant.api!.scopes, "offline_access", "openid", "profile"].sort());
        expect(q.get("prompt")).toBeNull();
        // Only a sealed, short-lived cookie: no session and nothing stored on the server for an anonymous visitor.
        expect(r.headers["set-cookie"]).toEqual([expect.stringMatching(/^signin=[A-Za-z0-9_-]*\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/)]);
        expect(store.size).toBe(0);
        // The cookie is encrypted: none of the request's secrets can be read from it.
        expect(String(r.headers["set-cookie"])).not.toContain(q.get("state")!);
    });

    it("refuses a callback whose sign-in cookie was altered or sealed with another secret", async () => {
        const jar = new Jar();
        const callback = await signInAtTenant(jar).then((x) => x.callback);
        const cookie = jar.get(new URL(base), "signin")!;
        const parts = cookie.split(".");
        const flipped = parts[3]!.startsWith("A") ? "B" + parts[3]!.slice(1) : "A" + parts[3]!.slice(1);
        const altered = new Jar();
        altered.set(new URL(base), "signin", [...parts.slice(0, 3), flipped, parts[4]].join("."));
        expect((await send(altered, "GET", callback)).status).toBe(400);
        const other = createWebApp({ config: { ...config, sessionSecret: "o".repeat(40) }, http: createHttpClient({ ca }), logger: createLogger({ level: "silent" }), store: new MemoryStore() });
        handler = other.handler;
        try {
            expect((await send(jar, "GET", callback)).status).toBe(400);
        } finally {
            handler = app.handler;
            await other.close();
        }
        const ok = await send(jar, "GET", callback);
        expect(ok.status).toBe(302);
    });

    it("keeps a few sign-ins in progress (several tabs) and completes any of them once", async () => {
        const jar = new Jar();
        const first = await signInAtTenant(jar, "/profile?first");
        // The second tab: the tenant remembers the user (single sign-on) and sends the browser straight back.
        let url = new URL((await send(jar, "GET", `${base}/auth/signin?returnTo=${encodeURIComponent("/profile?second")}`)).headers.location as string);
        for (let i = 0; i < 10 && !url.href.startsWith(base); i++) url = new URL((await send(jar, "GET", url.href)).headers.location as string, url);
        expect(url.href.startsWith(`${base}/auth/redirect?`)).toBe(true);
        expect((await send(jar, "GET", first.callback)).headers.location).toBe("/profile?first");
        expect((await send(jar, "GET", url.href)).headers.location).toBe("/profile?second");
        expect((await send(jar, "GET", first.callback)).status).toBe(400);
    });

    it("asks for the sign-up page with prompt=create", async () => {
        const r = await send(new Jar(), "GET", `${base}/auth/signup`);
        expect(new URL(r.headers.location as string).searchParams.get("prompt")).toBe("create");
    });

    it("completes a sign-in, replaces the session and returns to the same-origin path", async () => {
        const jar = new Jar();
        await send(jar, "GET", `${base}/`);
        const { callback } = await signInAtTenant(jar, "/profile?tab=1");
        const before = jar.header(new URL(base));
        const r = await send(jar, "GET", callback);
        expect(r.status).toBe(302);
        expect(r.headers.location).toBe("/profile?tab=1");
        expect(jar.header(new URL(base))).not.toBe(before);
        const profile = await send(jar, "GET", `${base}/profile`);
        expect(profile.status).toBe(200);
        expect(profile.body).toContain(`<td data-claim="preferred_username">${tenant.demoUser.email}</td>`);
        expect(profile.body).toContain(`<td data-claim="name">Demo User</td>`);
    });

    it("rejects a response whose state does not match, and a replayed code", async () => {
        const jar = new Jar();
        const { callback } = await signInAtTenant(jar);
        const forged = new URL(callback);
        forged.searchParams.set("state", "A".repeat(43));
        const mismatch = await send(jar, "GET", forged.href);
        expect(mismatch.status).toBe(400);
        expect(mismatch.body).toContain("<h1>Sign-in link not valid</h1>");

        const ok = await send(jar, "GET", callback);
        expect(ok.status).toBe(302);
        const replay = await send(jar, "GET", callback);
        expect(replay.status).toBe(400);
        expect(replay.body).toContain("<h1>Sign-in link not valid</h1>");
        const otherBrowser = await send(new Jar(), "GET", callback);
        expect(otherBrowser.status).toBe(400);
    });

    it.each(["//evil.com", "https://evil.com", "/\\evil.com", "/.//evil.com", "/%2e%2e//evil.com", "/%2E%2E/%2e%2e//evil.com"])("falls back to / for the return path %s", async (returnTo) => {
        const jar = new Jar();
        const { callback } = await signInAtTenant(jar, returnTo);
        const r = await send(jar, "GET", callback);
        expect(r.status).toBe(302);
        expect(r.headers.location).toBe("/");
    });

    it("refuses sign-out without or with a wrong CSRF token, and signs out of the tenant with the right one", async () => {
        const jar = new Jar();
        const { callback } = await signInAtTenant(jar);
        await send(jar, "GET", callback);
        const home = await send(jar, "GET", `${base}/`);
        const csrf = /name="csrf" value="([^"]+)"/.exec(home.body)![1]!;

        const none = await send(jar, "POST", `${base}/auth/signout`, {});
        expect(none.status).toBe(403);
        const wrong = await send(jar, "POST", `${base}/auth/signout`, { csrf: csrf.slice(0, -1) + (csrf.endsWith("A") ? "B" : "A") });
        expect(wrong.status).toBe(403);
        expect((await send(jar, "GET", `${base}/profile`)).status).toBe(200);

        const out = await send(jar, "POST", `${base}/auth/signout`, { csrf });
        expect(out.status).toBe(302);
        const end = new URL(out.headers.location as string);
        expect(`${end.origin}${end.pathname}`).toBe(`${tenant.issuer}/oauth2/v2.0/logout`);
        expect(end.searchParams.get("client_id")).toBe(tenant.webClientId);
        expect(end.searchParams.get("post_logout_redirect_uri")).toBe(`${base}/`);
        const after = await send(jar, "GET", `${base}/profile`);
        expect(after.status).toBe(302);
        expect(after.headers.location).toBe("/auth/signin?returnTo=%2Fprofile");
    });

    it("explains errors the tenant returns without echoing them raw", async () => {
        const r = await send(new Jar(), "GET", `${base}/auth/redirect?error=access_denied&error_description=${encodeURIComponent("AADSTS50058: <script>x</script>")}&state=x`);
        expect(r.status).toBe(400);
        expect(r.body).toContain("<h1>Sign-in cancelled</h1>");
        expect(r.body).toContain(`<code id="error-code">AADSTS50058</code>`);
        expect(r.body).not.toContain("<script>");
        const consent = await send(new Jar(), "GET", `${base}/auth/redirect?error=invalid_client&error_description=AADSTS65001%3A+no+consent`);
        expect(consent.body).toContain("<h1>Permission needed</h1>");
    });

    it("answers unknown paths with a 404 page and sets security headers", async () => {
        const r = await send(new Jar(), "GET", `${base}/nope`);
        expect(r.status).toBe(404);
        expect(r.body).toContain("<h1>Page not found</h1>");
        expect(r.headers["content-security-policy"]).toBe(`default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https://localhost:${tenant.port}; frame-ancestors 'none'; base-uri 'none'`);
        expect(r.headers["x-frame-options"]).toBe("DENY");
        expect(r.headers["x-content-type-options"]).toBe("nosniff");
        expect(r.headers["strict-transport-security"]).toBeUndefined();
        const health = await send(new Jar(), "GET", `${base}/healthz`);
        expect([health.status, health.body]).toEqual([200, `{"status":"ok","store":"memory"}`]);
        const icon = await send(new Jar(), "GET", `${base}/favicon.ico`);
        expect([icon.status, icon.headers["content-type"]]).toEqual([200, "image/svg+xml"]);
    });
});

describe("safeReturnTo", () => {
    it.each([
        ["/profile", "/profile"], ["/todos?x=1", "/todos?x=1"], ["//evil.com", "/"], ["https://evil.com", "/"], ["/\\evil.com", "/"],
        ["\\\\evil.com", "/"], ["evil.com", "/"], ["/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"], ["/a\r\nb", "/"], ["", "/"], [null, "/"],
        ["javascript:alert(1)", "/"], ["/.//evil.com", "/"], ["/%2e%2e//evil.com", "/"], ["/%2e%2e/%2e%2e//evil.com", "/"], ["/./profile", "/profile"],
        ["/a/../todos", "/todos"],
    ])("%j -> %j", (input, expected) => {
        expect(safeReturnTo(input)).toBe(expected);
    });

    it("refuses paths longer than 2048 characters", () => {
        expect(safeReturnTo("/" + "a".repeat(2048))).toBe("/");
        expect(safeReturnTo("/" + "a".repeat(2047))).toBe("/" + "a".repeat(2047));
    });
});

describe("parseWebEnv", () => {
    it("lists every problem in one message, without echoing values", () => {
        expect(() => parseWebEnv({ AUTHORITY: "http://contoso.ciamlogin.com/", CLIENT_ID: "nope", REDIRECT_URI: "https://app.example/auth/redirect", API_BASE_URL: "http://localhost:3001", SESSION_SECRET: "short" }))
            .toThrow("Invalid configuration (6 problems):\n" +
                "  - AUTHORITY must use https\n" +
                "  - CLIENT_ID must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)\n" +
                "  - CLIENT_SECRET is required but not set\n" +
                "  - POST_LOGOUT_REDIRECT_URI is required but not set\n" +
                "  - API_SCOPES is required when API_BASE_URL is set (space-separated, e.g. api://<api-client-id>/ToDoList.ReadWrite)\n" +
                "  - SESSION_SECRET must be at least 32 characters long (a random string)");
    });

    it("reads the sign-in-only scenario and App Service's proxy", () => {
        const c = parseWebEnv({
            AUTHORITY: "https://contoso.ciamlogin.com", CLIENT_ID: "11111111-2222-3333-4444-555555555555", CLIENT_SECRET: "x",
            REDIRECT_URI: "https://app.azurewebsites.net/auth/redirect", POST_LOGOUT_REDIRECT_URI: "https://app.azurewebsites.net/",
            SESSION_SECRET: "k".repeat(32), WEBSITE_SITE_NAME: "app",
        });
        expect(c).toEqual({
            authority: "https://contoso.ciamlogin.com/", clientId: "11111111-2222-3333-4444-555555555555", clientSecret: "x",
            redirectUri: "https://app.azurewebsites.net/auth/redirect", postLogoutRedirectUri: "https://app.azurewebsites.net/",
            api: undefined, knownAuthorities: ["contoso.ciamlogin.com"], sessionSecret: "k".repeat(32), port: 3000,
            trustProxy: true, secureCookies: true, sessionIdleSeconds: 3600, sessionMaxSeconds: 43200, logLevel: "info",
            store: { kind: "memory" },
        });
    });

    const minimal = {
        AUTHORITY: "https://contoso.ciamlogin.com", CLIENT_ID: "11111111-2222-3333-4444-555555555555", CLIENT_SECRET: "x",
        REDIRECT_URI: "https://app.azurewebsites.net/auth/redirect", POST_LOGOUT_REDIRECT_URI: "https://app.azurewebsites.net/",
        SESSION_SECRET: "k".repeat(32),
    };

    it("refuses CLIENT_SECRET and SESSION_SECRET that are still unresolved Key Vault references, naming each", () => {
        const ref = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/web-client-secret/0123)";
        let message = "";
        try {
            parseWebEnv({ ...minimal, CLIENT_SECRET: ref, SESSION_SECRET: ref.replace("web-client", "session").padEnd(40, "x") });
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).toMatch(/^Invalid configuration \(2 problems\):/);
        expect(message).toContain("  - CLIENT_SECRET is an unresolved Key Vault reference (App Service could not read the secret");
        expect(message).toContain("  - SESSION_SECRET is an unresolved Key Vault reference");
        expect(message).not.toContain("vault.azure.net");
        expect(() => parseWebEnv({ ...minimal, CLIENT_SECRET: " @microsoft.keyvault(VaultName=kv;SecretName=x)" })).toThrow("CLIENT_SECRET is an unresolved Key Vault reference");
    });

    it("reads REDIS_URL and REDIS_AUTH, and the session lifetimes", () => {
        expect(parseWebEnv({ ...minimal, REDIS_URL: "redis://localhost:6379" }).store).toEqual({ kind: "redis", url: "redis://localhost:6379", auth: "url" });
        expect(parseWebEnv({ ...minimal, REDIS_URL: "rediss://cache.westeurope.redis.azure.net:10000", REDIS_AUTH: "entra" }).store)
            .toEqual({ kind: "redis", url: "rediss://cache.westeurope.redis.azure.net:10000", auth: "entra" });
        const c = parseWebEnv({ ...minimal, SESSION_IDLE_MINUTES: "15", SESSION_MAX_HOURS: "2" });
        expect([c.sessionIdleSeconds, c.sessionMaxSeconds]).toEqual([900, 7200]);
        expect(() => parseWebEnv({ ...minimal, REDIS_URL: "http://localhost:6379" })).toThrow("REDIS_URL must start with redis:// or rediss://");
        expect(() => parseWebEnv({ ...minimal, REDIS_URL: "redis://cache:6380", REDIS_AUTH: "entra" })).toThrow("REDIS_URL must use rediss:// (TLS) when REDIS_AUTH is entra");
        expect(() => parseWebEnv({ ...minimal, REDIS_URL: "rediss://u:p@cache:6380", REDIS_AUTH: "entra" })).toThrow("must not carry a user name or password when REDIS_AUTH is entra");
        expect(() => parseWebEnv({ ...minimal, REDIS_AUTH: "entra" })).toThrow("REDIS_AUTH is set but REDIS_URL is not");
        expect(() => parseWebEnv({ ...minimal, REDIS_URL: "redis://x:6379", REDIS_AUTH: "key" })).toThrow("REDIS_AUTH must be one of entra");
        expect(() => parseWebEnv({ ...minimal, SESSION_IDLE_MINUTES: "0" })).toThrow("SESSION_IDLE_MINUTES must be a whole number from 1 to 1440");
        expect(() => parseWebEnv({ ...minimal, SESSION_IDLE_MINUTES: "180", SESSION_MAX_HOURS: "2" })).toThrow("SESSION_IDLE_MINUTES must not be longer than SESSION_MAX_HOURS");
    });
});
