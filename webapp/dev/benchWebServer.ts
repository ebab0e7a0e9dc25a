/**
 * The web app for `scripts/bench-web.mjs`: createWebApp with the memory store or Redis (STORE, REDIS_URL), USERS
 * signed-in sessions made up front (their cookies written as a JSON array to COOKIES_FILE), then listens on a free
 * port and prints `listening on port N`. /profile needs no tenant, so the authority is a placeholder.
 */
import { writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "../src/shared/log";
import { SERVER_OPTIONS } from "../src/shared/serve";
import { createWebApp } from "../src/web/app";
import { parseWebEnv } from "../src/web/config";
import { Sealer } from "../src/web/seal";
import { Sessions } from "../src/web/session";

async function main(): Promise<void> {
    const env = process.env;
    const config = parseWebEnv({
        AUTHORITY: "https://contoso.ciamlogin.com/", CLIENT_ID: "11111111-2222-3333-4444-555555555555", CLIENT_SECRET: "bench-client-secret",
        REDIRECT_URI: "http://localhost:3000/auth/redirect", POST_LOGOUT_REDIRECT_URI: "http://localhost:3000/",
        SESSION_SECRET: env.SESSION_SECRET ?? "b".repeat(40), LOG_LEVEL: "error",
        ...(env.STORE === "redis" ? { REDIS_URL: env.REDIS_URL } : {}),
    });
    const app = createWebApp({ config, logger: createLogger({ level: "error", name: "web" }) });
    for (let i = 0; i < 100 && !(await app.store.ready()); i++) await new Promise((r) => setTimeout(r, 50));
    const sessions = new Sessions({ store: app.store, sealer: new Sealer(config.sessionSecret), idleMs: config.sessionIdleSeconds * 1000, absoluteMs: config.sessionMaxSeconds * 1000, secureCookies: false });
    const cookies: string[] = [];
    const users = Number(env.USERS ?? "1000");
    for (let i = 0; i < users; i++) {
        let header: string[] = [];
        const res = { getHeader: () => header, setHeader: (_n: string, v: string[]) => (header = v) } as unknown as ServerResponse;
        const oid = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
        await sessions.create(res, {
            homeAccountId: `${oid}.tenant`, name: `User ${i}`, username: `user${i}@contoso.example`,
            claims: { name: `User ${i}`, oid, preferred_username: `user${i}@contoso.example`, tid: "tenant", ver: "2.0", city: "Seattle" },
        });
        cookies.push(header[0]!.split(";")[0]!);
    }
    writeFileSync(env.COOKIES_FILE!, JSON.stringify(cookies));
    const server = createServer(SERVER_OPTIONS, app.handler);
    server.listen(0, "127.0.0.1", () => process.stderr.write(`listening on port ${(server.address() as AddressInfo).port}\n`));
}

main().catch((e: unknown) => {
    process.stderr.write(`bench web server: ${(e as Error).message}\n`);
    process.exit(1);
});
