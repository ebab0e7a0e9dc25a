/**
 * REDIS_AUTH=entra against a real redis-server over TLS: the web bundle gets its Redis password from a managed-
 * identity endpoint shaped like App Service's (IDENTITY_ENDPOINT + IDENTITY_HEADER, read by MSAL Node inside
 * @redis/entraid). Each token the endpoint issues is an ACL password of the user named by the token's `oid`, and
 * lives 4 seconds: the site must keep refreshing the token and re-authenticating, and keep the session, also after
 * every older token is revoked and its connection dropped. The default user is disabled: no key, no password.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { freePort } from "../../webapp/dev/processes";
import { startRedis, type LocalRedis } from "../../webapp/dev/redis";
import { startLocalStack, type LocalStack } from "../../webapp/dev/stack";
import { ensureDevCertificates } from "../../webapp/dev/certs";
import { client, Jar, throughTenant } from "../web/client";

const OID = "5f0e3c1a-7b2d-4e8f-9a61-2c3d4e5f6a7b";
const HEADER = "identity-header-for-tests";
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("Redis with Microsoft Entra authentication (managed identity) and token refresh", () => {
    let dir: string;
    let redis: LocalRedis;
    let identity: Server;
    let stack: LocalStack;
    let admin: ReturnType<typeof createClient>;
    const issued: string[] = [];
    const refused: string[] = [];

    beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), "web-entra-redis-"));
        const devDir = join(dir, "dev");
        const certs = ensureDevCertificates(devDir);
        redis = await startRedis({ dir: join(dir, "redis"), tls: { certFile: join(devDir, "server.pem"), keyFile: join(devDir, "server-key.pem"), caFile: certs.caPath } });
        const bootstrap = createClient({ url: redis.url, socket: { tls: true, ca: certs.caCert } });
        await bootstrap.connect();
        await bootstrap.sendCommand(["ACL", "SETUSER", "admin", "on", ">admin-password-for-tests", "~*", "&*", "+@all"]);
        await bootstrap.sendCommand(["ACL", "SETUSER", "default", "off"]);
        await bootstrap.close().catch(() => undefined);
        admin = createClient({ url: redis.url, username: "admin", password: "admin-password-for-tests", socket: { tls: true, ca: certs.caCert } });
        await admin.connect();

        // App Service's managed identity endpoint, as MSAL Node calls it.
        identity = createServer((req, res): void => {
            const u = new URL(req.url!, "http://x");
            if (req.headers["x-identity-header"] !== HEADER || u.searchParams.get("resource") !== "https://redis.azure.com") {
                refused.push(req.url!);
                res.writeHead(400, { "Content-Type": "application/json" });
                res.end(JSON.stringify({ error: "invalid_request" }));
                return;
            }
            const now = Math.floor(Date.now() / 1000);
            const token = `${b64({ typ: "JWT", alg: "RS256" })}.${b64({ oid: OID, aud: "https://redis.azure.com", n: issued.length, iat: now, exp: now + 4 })}.c2lnbmF0dXJl`;
            void admin.sendCommand(["ACL", "SETUSER", OID, "on", `>${token}`, "~*", "+@all"]).then(() => {
                issued.push(token);
                res.writeHead(200, { "Content-Type": "application/json" });
                res.end(JSON.stringify({ access_token: token, expires_on: String(now + 4), resource: "https://redis.azure.com", token_type: "Bearer", client_id: "00000000-0000-0000-0000-000000000001" }));
            });
        });
        await new Promise<void>((r) => identity.listen(0, "127.0.0.1", r));
        const identityEndpoint = `http://127.0.0.1:${(identity.address() as AddressInfo).port}/msi/token`;

        stack = await startLocalStack({
            webPort: await freePort(), apiPort: await freePort(), devDir, redisUrl: redis.url,
            extraEnv: { REDIS_AUTH: "entra", IDENTITY_ENDPOINT: identityEndpoint, IDENTITY_HEADER: HEADER },
        });
    });

    afterAll(async () => {
        await stack?.stop();
        await admin?.close().catch(() => undefined);
        await new Promise((r) => identity?.close(r));
        await redis?.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("connects with the identity's token, refreshes it before expiry and keeps the session across revocations", async () => {
        const c = client(readFileSync(stack.tenant.caPath, "utf8"));
        const until = async (what: string, f: () => Promise<boolean>) => {
            for (let i = 0; i < 150; i++) {
                if (await f()) return;
                await new Promise((r) => setTimeout(r, 100));
            }
            throw new Error(`gave up waiting for ${what}; issued ${issued.length}, refused ${refused.length}\n${stack.processes.map((p) => p.output.slice(-10).join("\n")).join("\n")}`);
        };
        await until("readiness", async () => (await c.send(undefined, "GET", `${stack.webUrl}/healthz`)).status === 200);
        const jar = new Jar();
        const callback = await throughTenant(c, jar, `${stack.webUrl}/auth/signin?returnTo=%2Fprofile`, stack.tenant.demoUser);
        expect((await c.send(jar, "GET", callback)).status).toBe(302);
        expect((await c.send(jar, "GET", `${stack.webUrl}/profile`)).status).toBe(200);
        const clients = String(await admin.sendCommand(["CLIENT", "LIST"]));
        expect(clients).toContain(`user=${OID}`);

        // Two refreshes later, revoke every token but the newest and drop the site's connections: it reconnects with
        // the current token, and the session is still there.
        const first = issued.length;
        await until("two token refreshes", async () => issued.length >= first + 2);
        await admin.sendCommand(["ACL", "SETUSER", OID, "resetpass", `>${issued[issued.length - 1]}`]);
        await admin.sendCommand(["CLIENT", "KILL", "USER", OID]);
        await until("the session through a new connection", async () => (await c.send(jar, "GET", `${stack.webUrl}/profile`)).status === 200);
        expect(refused).toEqual([]);
        // Nothing the site stores is readable without SESSION_SECRET, and the default user never served it.
        const keys = (await admin.keys("*")) as string[];
        expect(keys.some((k) => k.startsWith("web:sess:"))).toBe(true);
        expect(String(await admin.sendCommand(["CLIENT", "LIST"]))).not.toMatch(/user=default\b/);
    });
});
