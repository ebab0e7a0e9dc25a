/**
 * Signed-in sessions and token caches in-process (memory store, controllable clock) against the stand-in tenant:
 * idle timeout and absolute lifetime with matching cookie lifetimes, token caches partitioned per user and sealed,
 * anonymous sign-in floods that cost nothing and sign nobody out.
 */
import { Agent, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TenantInfo } from "../../webapp/dev/stack";
import { createLogger } from "../../webapp/src/shared/log";
import { createWebApp, type WebApp } from "../../webapp/src/web/app";
import { Auth } from "../../webapp/src/web/auth";
import { parseWebEnv, type WebConfig } from "../../webapp/src/web/config";
import { createHttpClient } from "../../webapp/src/web/http";
import { Sealer } from "../../webapp/src/web/seal";
import { MemoryStore } from "../../webapp/src/web/store/memory";
import { TokenCaches, tokenCacheKey } from "../../webapp/src/web/tokenCache";
import { client, Jar, throughTenant, type Client } from "./client";
import { startTestTenant, webEnvFor, type TestTenant } from "./tenant";

describe("sessions and token caches", () => {
    let testTenant: TestTenant;
    let tenant: TenantInfo;
    let server: Server;
    let app: WebApp;
    let store: MemoryStore;
    let base: string;
    let config: WebConfig;
    let ca: string;
    let c: Client;
    let nowMs = Date.now();
    const secret = "sessions-test-client-secret-0123";
    const sessionSecret = "q".repeat(40);

    beforeAll(async () => {
        server = createServer((q, r) => app.handler(q, r));
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://localhost:${(server.address() as AddressInfo).port}`;
        testTenant = await startTestTenant(base, secret);
        tenant = testTenant.info;
        ca = testTenant.ca;
        c = client(ca);
        config = parseWebEnv({
            ...webEnvFor(tenant, base, secret, sessionSecret),
            SESSION_IDLE_MINUTES: "60", SESSION_MAX_HOURS: "12",
        });
        store = new MemoryStore({ now: () => nowMs });
        app = createWebApp({ config, http: createHttpClient({ ca }), logger: createLogger({ level: "silent" }), store, now: () => nowMs });
    });

    afterAll(async () => {
        await app?.close();
        await store?.close();
        await new Promise((r) => server.close(r));
        await testTenant?.stop();
    });

    const signIn = async (jar: Jar, user: { email: string; password: string; signUp?: Record<string, string> }) => {
        const callback = await throughTenant(c, jar, `${base}/auth/${user.signUp ? "signup" : "signin"}`, user);
        const r = await c.send(jar, "GET", callback);
        expect(r.status).toBe(302);
        return r;
    };
    const maxAge = (r: { headers: Record<string, unknown> }) => Number(/Max-Age=(\d+)/.exec(String(r.headers["set-cookie"]))?.[1]);
    const sessionCookie = (r: { headers: Record<string, unknown> }) => ([] as string[]).concat(r.headers["set-cookie"] as string[]).find((x) => x.startsWith("session="));

    it("ends a session after the idle timeout, and the cookie's lifetime always matches the server's", async () => {
        nowMs = Date.now();
        const jar = new Jar();
        const done = await signIn(jar, tenant.demoUser);
        expect(sessionCookie(done)).toMatch(/; Max-Age=3600$/);
        expect(store.size).toBe(2); // the session and the user's token cache

        nowMs += 59 * 60_000;
        const still = await c.send(jar, "GET", `${base}/profile`);
        expect(still.status).toBe(200);
        expect(maxAge(still)).toBe(3600);

        nowMs += 61 * 60_000;
        const gone = await c.send(jar, "GET", `${base}/profile`);
        expect([gone.status, gone.headers.location]).toEqual([302, "/auth/signin?returnTo=%2Fprofile"]);
        expect(sessionCookie(gone)).toMatch(/^session=; .*Max-Age=0/);
    });

    it("ends an active session at its absolute lifetime; near the end the cookie lives only as long as the session", async () => {
        nowMs = Date.now();
        const jar = new Jar();
        await signIn(jar, tenant.demoUser);
        const start = nowMs;
        for (let i = 1; i <= 14; i++) {
            nowMs = start + i * 50 * 60_000; // a request every 50 minutes: never idle
            const r = await c.send(jar, "GET", `${base}/profile`);
            expect(r.status).toBe(200);
            expect(maxAge(r)).toBe(Math.min(3600, Math.floor((start + 12 * 3600_000 - nowMs) / 1000)));
        }
        nowMs = start + 12 * 3600_000;
        expect((await c.send(jar, "GET", `${base}/profile`)).status).toBe(302);
    });

    it("keeps each user's token cache in a partition of its own, sealed, and never mixes them", async () => {
        nowMs = Date.now();
        const a = new Jar();
        const b = new Jar();
        await signIn(a, tenant.demoUser);
        const newUser = { email: `cache.user.${Date.now()}@contoso.example`, password: "Cache-Passw0rd!", signUp: { displayName: "Cache User", city: "Oslo", FavoriteColor: "red" } };
        await signIn(b, newUser);
        const claimsOf = async (jar: Jar) => {
            const html = (await c.send(jar, "GET", `${base}/profile`)).body;
            const claim = (n: string) => new RegExp(`<td data-claim="${n}">([^<]*)</td>`).exec(html)![1]!;
            return { oid: claim("oid"), tid: claim("tid") };
        };
        const ua = await claimsOf(a);
        const ub = await claimsOf(b);
        expect(ua.oid).not.toBe(ub.oid);
        const homeA = `${ua.oid}.${ua.tid}`;
        const homeB = `${ub.oid}.${ub.tid}`;

        const sealer = new Sealer(sessionSecret);
        const caches = new TokenCaches(store, sealer, 3600_000);
        const cacheOf = async (home: string) => JSON.parse(await caches.cacheClient.get(home)) as Record<string, Record<string, { home_account_id: string }>>;
        for (const [home, other] of [[homeA, homeB], [homeB, homeA]] as const) {
            const cache = await cacheOf(home);
            const entries = [...Object.values(cache.Account ?? {}), ...Object.values(cache.RefreshToken ?? {}), ...Object.values(cache.AccessToken ?? {}), ...Object.values(cache.IdToken ?? {})];
            expect(entries.length).toBeGreaterThanOrEqual(3);
            for (const e of entries) expect(e.home_account_id).toBe(home);
            expect(JSON.stringify(cache)).not.toContain(other);
            // Sealed at rest: the stored text shows neither the account nor a token.
            const stored = (await store.get(tokenCacheKey(home)))!;
            expect(stored).not.toContain(home.split(".")[0]);
            expect(stored).not.toContain("secret");
        }
        // A sealed cache copied under another user's key does not open there.
        await store.set(tokenCacheKey(homeB), (await store.get(tokenCacheKey(homeA)))!, 60_000);
        expect(await caches.cacheClient.get(homeB)).toBe("");
        // A partition never stores another account than its own.
        await expect(caches.partition(homeA).extractKey({ homeAccountId: homeB } as never)).rejects.toThrow("a token cache held another account");
        // Access tokens for the API come from each user's own partition.
        const auth = new Auth(config, createHttpClient({ ca }), createLogger({ level: "silent" }), caches);
        const oidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()).oid;
        expect(oidOf(await auth.apiToken(homeA))).toBe(ua.oid);
        await expect(auth.apiToken(homeB)).rejects.toMatchObject({ interactionRequired: true }); // its cache was overwritten above
    });

    it("lets 60 000 anonymous sign-in starts store nothing and sign nobody out", async () => {
        nowMs = Date.now();
        const victim = new Jar();
        await signIn(victim, tenant.demoUser);
        const before = store.size;
        const agent = new Agent({ keepAlive: true, maxSockets: 16 });
        const flood = client(ca, agent);
        let n = 0;
        let ok = 0;
        await Promise.all(Array.from({ length: 16 }, async () => {
            while (n < 60_000) {
                n++;
                if ((await flood.send(undefined, "GET", `${base}/auth/signin?returnTo=%2Ftodos`)).status === 302) ok++;
            }
        }));
        agent.destroy();
        expect(ok).toBe(60_000);
        expect(store.size).toBe(before);
        expect((await c.send(victim, "GET", `${base}/profile`)).status).toBe(200);
    });
});
