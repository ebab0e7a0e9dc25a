/**
 * Two web instances (the bundles, as child processes) sharing a real redis-server started on a free port, behind the
 * round-robin proxy, with the stand-in tenant and the API: sign in through one instance and use the site through the
 * other; kill one mid-session; restart both; stop Redis (and freeze it) mid-session and bring it back; 60 000
 * anonymous sign-in starts. Build first (`npm run build`; `npm test` does). Needs redis-server
 * (`node scripts/ensure-redis.mjs`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { freePort } from "../../webapp/dev/processes";
import { startRedis, type LocalRedis } from "../../webapp/dev/redis";
import { ROOT, startLocalStack, type LocalStack } from "../../webapp/dev/stack";
import { client, Jar, throughTenant, type Client } from "../web/client";
import { flood } from "./flood";

const bundle = join(ROOT, "webapp/dist/web/server.js");

describe("two web instances sharing sessions in Redis", () => {
    let dir: string;
    let redis: LocalRedis;
    let stack: LocalStack;
    let c: Client;
    let inst: Record<string, string>;
    let redisClient: ReturnType<typeof createClient>;
    const jar = new Jar();
    const demo = { email: "", password: "" };
    const proxyLog: string[] = [];

    const until = async (what: string, f: () => Promise<boolean>) => {
        for (let i = 0; i < 200; i++) {
            if (await f()) return;
            await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`gave up waiting for ${what}`);
    };
    const userName = (html: string) => /<span id="user-name">([^<]*)<\/span>/.exec(html)?.[1];

    beforeAll(async () => {
        if (!existsSync(bundle)) throw new Error("webapp/dist/web/server.js is missing: run `npm run build` first");
        dir = mkdtempSync(join(tmpdir(), "web-redis-"));
        redis = await startRedis({ dir: join(dir, "redis") });
        stack = await startLocalStack({
            webPort: await freePort(), apiPort: await freePort(), devDir: join(dir, "dev"), instances: 2, redisUrl: redis.url,
            onProxyRequest: (line) => proxyLog.push(line),
        });
        c = client(readFileSync(stack.tenant.caPath, "utf8"));
        inst = Object.fromEntries(stack.webs.map((w) => [w.name, `http://localhost:${w.port}`]));
        Object.assign(demo, stack.tenant.demoUser);
        redisClient = createClient({ url: redis.url });
        redisClient.on("error", () => undefined);
        await redisClient.connect();
        await until("both instances ready", async () => (await c.send(undefined, "GET", `${inst["web-1"]}/healthz`)).status === 200 && (await c.send(undefined, "GET", `${inst["web-2"]}/healthz`)).status === 200);
    });

    afterAll(async () => {
        redisClient?.destroy();
        await stack?.stop();
        await redis?.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("signs in through one instance and serves profile and to-dos through the other", async () => {
        const callback = await throughTenant(c, jar, `${inst["web-1"]}/auth/signin?returnTo=%2Fprofile`, demo, inst["web-1"]);
        const done = await c.send(jar, "GET", callback);
        expect([done.status, done.headers.location]).toEqual([302, "/profile"]);
        const profile = await c.send(jar, "GET", `${inst["web-2"]}/profile`);
        expect(profile.status).toBe(200);
        expect(profile.body).toContain(`<td data-claim="preferred_username">${demo.email}</td>`);

        const todos = await c.send(jar, "GET", `${inst["web-2"]}/todos`);
        expect(todos.status).toBe(200);
        const csrf = /name="csrf" value="([^"]+)"/.exec(todos.body)![1]!;
        const added = await c.send(jar, "POST", `${inst["web-2"]}/todos`, { csrf, description: "Through instance two" });
        expect(added.status).toBe(303);
        const list = await c.send(jar, "GET", `${inst["web-1"]}/todos`);
        expect(list.body).toContain(`<span class="description">Through instance two</span>`);
        // What Redis holds is sealed: no claim, no token, no session id in clear.
        const keys = await redisClient.keys("*");
        expect(keys.filter((k) => k.startsWith("web:sess:"))).toHaveLength(1);
        expect(keys.filter((k) => k.startsWith("web:tc:"))).toHaveLength(1);
        for (const k of keys) {
            const v = (await redisClient.get(k))!;
            const parts = v.split(".");
            expect(parts).toHaveLength(5);
            expect(JSON.parse(Buffer.from(parts[0]!, "base64url").toString())).toEqual({ alg: "dir", enc: "A256GCM" });
            expect(parts[1]).toBe("");
            expect(v).not.toContain(demo.email);
            expect(v).not.toContain("refresh");
        }
    });

    it("keeps the session when an instance is killed mid-session, and after both restart", async () => {
        await stack.killWeb("web-1");
        for (let i = 0; i < 4; i++) {
            const r = await c.send(jar, "GET", `${stack.webUrl}/profile`);
            expect(r.status).toBe(200);
            expect(r.headers["x-served-by"]).toBe("web-2");
        }
        await stack.killWeb("web-2");
        await stack.startWeb("web-1");
        await stack.startWeb("web-2");
        for (const name of ["web-1", "web-2"]) {
            const home = await c.send(jar, "GET", `${inst[name]}/`);
            expect(userName(home.body)).toBe("Demo User");
            const list = await c.send(jar, "GET", `${inst[name]}/todos`);
            expect(list.body).toContain("Through instance two");
        }
        const served = new Set<string>();
        for (let i = 0; i < 4; i++) {
            const r = await c.send(jar, "GET", `${stack.webUrl}/profile`);
            expect(r.status).toBe(200);
            served.add(String(r.headers["x-served-by"]));
        }
        expect([...served].sort()).toEqual(["web-1", "web-2"]);
    });

    it("answers 'try again' (503) while Redis is down or frozen, never a signed-out page, and the session is back with Redis", async () => {
        await redis.stop();
        await until("readiness to fail", async () => (await c.send(undefined, "GET", `${inst["web-1"]}/healthz`)).status === 503);
        const health = await c.send(undefined, "GET", `${inst["web-2"]}/healthz`);
        expect([health.status, health.body]).toEqual([503, `{"status":"unavailable","store":"redis"}`]);
        for (const path of ["/", "/profile", "/todos"]) {
            const r = await c.send(jar, "GET", `${inst["web-2"]}${path}`);
            expect(r.status).toBe(503);
            expect(r.body).toContain("<h1>Try again in a moment</h1>");
            expect(r.headers["retry-after"]).toBe("5");
            expect(r.headers["set-cookie"]).toBeUndefined();
        }
        // Anonymous visitors need no store: the home page and a sign-in start still work.
        expect((await c.send(new Jar(), "GET", `${inst["web-1"]}/`)).status).toBe(200);
        expect((await c.send(new Jar(), "GET", `${inst["web-1"]}/auth/signin`)).status).toBe(302);

        redis = await startRedis({ dir: redis.dir, port: redis.port });
        await until("readiness to recover", async () => (await c.send(undefined, "GET", `${inst["web-1"]}/healthz`)).status === 200 && (await c.send(undefined, "GET", `${inst["web-2"]}/healthz`)).status === 200);
        for (const name of ["web-1", "web-2"]) expect(userName((await c.send(jar, "GET", `${inst[name]}/`)).body)).toBe("Demo User");
        expect((await c.send(jar, "GET", `${inst["web-1"]}/todos`)).body).toContain("Through instance two");

        // A Redis that accepts connections but does not answer (frozen): the command timeout turns it into a 503.
        redis.handle.child.kill("SIGSTOP");
        try {
            const r = await c.send(jar, "GET", `${inst["web-2"]}/profile`);
            expect(r.status).toBe(503);
        } finally {
            redis.handle.child.kill("SIGCONT");
        }
        await until("the frozen Redis to answer again", async () => (await c.send(jar, "GET", `${inst["web-2"]}/profile`)).status === 200);
    });

    it("lets 60 000 anonymous sign-in starts add no key to Redis and sign nobody out", async () => {
        redisClient.destroy();
        redisClient = createClient({ url: redis.url });
        redisClient.on("error", () => undefined);
        await redisClient.connect();
        // A signed-in user of its own, so the test proves the same alone (`-t "60 000"`) as after the others.
        const victim = new Jar();
        expect((await c.send(victim, "GET", await throughTenant(c, victim, `${inst["web-1"]}/auth/signin`, demo, inst["web-1"]))).status).toBe(302);
        for (const name of ["web-1", "web-2"]) expect(userName((await c.send(victim, "GET", `${inst[name]}/`)).body)).toBe("Demo User");
        const before = (await redisClient.keys("*")).sort();
        expect(before.filter((k) => k.startsWith("web:sess:")).length).toBeGreaterThanOrEqual(1);

        const r = await flood({
            total: 60_000, concurrency: 32, cookiePrefix: "signin=",
            urls: (i) => `${i % 2 === 0 ? inst["web-1"] : inst["web-2"]}/auth/signin?returnTo=%2Fprofile`,
        });
        expect([...r.statuses]).toEqual([[302, 60_000]]);
        expect(r.withCookie).toBe(60_000);
        // Keep-alive races retried (see flood.ts) stay rare: at most one in a thousand.
        expect(r.retried).toBeLessThanOrEqual(60);
        expect((await redisClient.keys("*")).sort()).toEqual(before);
        for (const name of ["web-1", "web-2"]) expect(userName((await c.send(victim, "GET", `${inst[name]}/`)).body)).toBe("Demo User");

        const home = await c.send(victim, "GET", `${inst["web-2"]}/`);
        const csrf = /name="csrf" value="([^"]+)"/.exec(home.body)![1]!;
        expect((await c.send(victim, "POST", `${inst["web-2"]}/auth/signout`, { csrf })).status).toBe(302);
    });

    it("signs out on one instance and is signed out on both", async () => {
        const home = await c.send(jar, "GET", `${inst["web-2"]}/`);
        const csrf = /name="csrf" value="([^"]+)"/.exec(home.body)![1]!;
        const out = await c.send(jar, "POST", `${inst["web-2"]}/auth/signout`, { csrf });
        expect(out.status).toBe(302);
        expect((await c.send(jar, "GET", `${inst["web-1"]}/profile`)).status).toBe(302);
        expect(await redisClient.keys("*")).toEqual([]);
        expect(proxyLog.some((l) => /-> web-2 \(200\)/.test(l))).toBe(true);
    });
});
