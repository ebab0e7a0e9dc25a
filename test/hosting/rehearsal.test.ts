/**
 * Deployment rehearsal: the zips the program produced under mocks, unpacked into empty folders, started with exactly
 * the app settings the program computed - except what only Azure can provide, replaced and listed below - then a
 * real browser signs in against the local stand-in tenant, adds a to-do, and the item survives an API restart
 * (Azure Table Storage played by Azurite). The hosting is declared with two instances and Redis, so two web
 * processes run the same package behind a round-robin proxy and share sessions in a TLS-only redis-server (Azure
 * Managed Redis played locally; Entra authentication exists only in Azure); one of them is then killed and the
 * user stays signed in. Needs `npm run build` first (npm test does it) and redis-server (scripts/ensure-redis.mjs).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Azurite } from "../../scripts/azurite.cjs";
import { startAzurite } from "../../scripts/azurite.cjs";
import type { ProcessHandle } from "../../webapp/dev/processes";
import { freePort, startProcess, stopAll, stopProcess } from "../../webapp/dev/processes";
import { startProxy, type LocalProxy } from "../../webapp/dev/proxy";
import { startRedis, type LocalRedis } from "../../webapp/dev/redis";
import { runHosting, type HostingRun } from "./harness";
import { CHROMIUM_FLAGS, chromiumPath, runJourney, standInTenantPages } from "../e2e/flow";

const ROOT = path.join(__dirname, "..", "..");
const CIAM_AUTHORITY = "https://contoso.ciamlogin.com/";

interface TenantInfo {
    authority: string;
    knownAuthority: string;
    caPath: string;
    tenantId: string;
    webClientId: string;
    api: { clientId: string; scopes: string[] } | null;
    demoUser: { email: string; password: string };
}

let work: string;
let azurite: Azurite;
let redis: LocalRedis;
let proxy: LocalProxy | undefined;
const served: string[] = [];
let browser: Browser | undefined;
let run: HostingRun;
let info: TenantInfo;
let webPort: number;
let apiPort: number;
let apiEnv: NodeJS.ProcessEnv;
let apiDir: string;
const processes: ProcessHandle[] = [];
const webClientSecret = randomBytes(24).toString("base64url");

/** Unpacks a zip into a new, empty folder. */
function unpack(zipPath: string, into: string): string[] {
    mkdirSync(into);
    expect(readdirSync(into)).toEqual([]);
    const entries = unzipSync(readFileSync(zipPath));
    for (const [name, data] of Object.entries(entries)) {
        const target = path.join(into, name);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, data);
    }
    return Object.keys(entries).sort();
}

function startApi(): Promise<ProcessHandle> {
    return startProcess({
        name: "api", command: process.execPath, args: ["server.js"], cwd: apiDir, env: apiEnv, ready: /API listening on port/,
    });
}

beforeAll(async () => {
    for (const bundle of ["webapp/dist/web/server.js", "webapp/dist/api/server.js"]) {
        if (!existsSync(path.join(ROOT, bundle))) throw new Error(`${bundle} is missing: run npm run build first`);
    }
    work = mkdtempSync(path.join(tmpdir(), "rehearsal-"));
    webPort = await freePort();
    apiPort = await freePort();
    const webUrl = `http://localhost:${webPort}`;

    const tenant = await startProcess({
        name: "tenant",
        command: process.execPath,
        args: ["--import", "tsx", path.join(ROOT, "webapp/dev/server.ts")],
        cwd: ROOT,
        env: {
            ...process.env,
            TENANT_PORT: "0",
            WEB_CLIENT_SECRET: webClientSecret,
            REDIRECT_URIS: `${webUrl}/auth/redirect`,
            POST_LOGOUT_REDIRECT_URIS: `${webUrl}/`,
            DEV_DIR: path.join(work, "certs"),
        },
        ready: /^STAND_IN_TENANT_READY (.*)$/,
    });
    processes.push(tenant);
    info = JSON.parse(tenant.match![1]);
    if (info.api === null) throw new Error("the stand-in tenant has no API: Pulumi.dev.yaml must use scenario signInAndCallApi");

    azurite = await startAzurite({ location: path.join(work, "azurite") });
    // TLS only, with the stand-in tenant's certificate (its CA is trusted through NODE_EXTRA_CA_CERTS).
    const certs = path.join(work, "certs");
    redis = await startRedis({
        dir: path.join(work, "redis"),
        tls: { certFile: path.join(certs, "server.pem"), keyFile: path.join(certs, "server-key.pem"), caFile: path.join(certs, "ca.pem") },
    });

    // The program's hosting component under mocks, fed the (stand-in) tenant's registrations and the real bundles.
    run = await runHosting("rehearsal", {
        namePrefix: "rehearsal",
        location: "westeurope",
        sku: "B1",
        nodeVersion: "24-lts",
        web: { clientId: info.webClientId, clientSecret: webClientSecret, authority: CIAM_AUTHORITY, tenantId: info.tenantId, apiScopes: info.api.scopes },
        api: { clientId: info.api.clientId, tenantId: info.tenantId, authority: CIAM_AUTHORITY },
        instances: 2,
        redis: { sku: "Balanced_B0" },
        packages: { web: path.join(ROOT, "webapp/dist/web"), api: path.join(ROOT, "webapp/dist/api") },
        packageOutputDir: path.join(work, "packages"),
    });
});

afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await stopAll(processes);
    await redis?.stop();
    await azurite?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
});

test("the packaged web app and API, with the program's settings, sign a user in and keep to-dos across an API restart", async () => {
    const webZip: string = await run.named("rehearsal-web-package").inputs.source.path;
    const apiZip: string = await run.named("rehearsal-api-package").inputs.source.path;
    const webDir = path.join(work, "site-web");
    apiDir = path.join(work, "site-api");
    expect(unpack(webZip, webDir)).toContain("server.js");
    expect(unpack(apiZip, apiDir)).toContain("server.js");

    const web = run.outputs.webAppSettings;
    const api = run.outputs.apiAppSettings!;
    // What only Azure provides, replaced: Key Vault references, the tenant's and sites' host names, the table
    // reached by managed identity, Azure Managed Redis's host (Entra authentication to it exists only in Azure, so
    // REDIS_AUTH is left out). Everything else is passed exactly as computed.
    expect(web.CLIENT_SECRET).toMatch(/^@Microsoft\.KeyVault\(SecretUri=https:\/\/[a-z0-9]+\.vault\.azure\.net\/secrets\/web-client-secret\/[0-9a-f]{32}\)$/);
    expect(web.SESSION_SECRET).toMatch(/^@Microsoft\.KeyVault\(SecretUri=https:\/\/[a-z0-9]+\.vault\.azure\.net\/secrets\/web-session-secret\/[0-9a-f]{32}\)$/);
    const webReplaced = {
        AUTHORITY: info.authority,
        KNOWN_AUTHORITIES: info.knownAuthority,
        CLIENT_SECRET: webClientSecret,
        SESSION_SECRET: randomBytes(32).toString("hex"),
        REDIRECT_URI: `http://localhost:${webPort}/auth/redirect`,
        POST_LOGOUT_REDIRECT_URI: `http://localhost:${webPort}/`,
        API_BASE_URL: `http://localhost:${apiPort}`,
        REDIS_URL: redis.url,
    };
    for (const key of Object.keys(webReplaced)) expect(web).toHaveProperty(key);
    expect(new URL(web.REDIS_URL).protocol).toBe(new URL(redis.url).protocol);
    const { REDIS_AUTH, ...webKept } = web;
    expect(REDIS_AUTH).toBe("entra");
    const webEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...webKept, ...webReplaced, NODE_EXTRA_CA_CERTS: info.caPath };
    expect(Object.keys(webEnv).sort()).toEqual([...Object.keys(web).filter((k) => k !== "REDIS_AUTH"), "NODE_EXTRA_CA_CERTS", "PATH"].sort());
    expect(run.named("rehearsal-plan").inputs.sku.capacity).toBe(2);

    const { TODO_TABLE_ENDPOINT, ...apiKept } = api;
    expect(TODO_TABLE_ENDPOINT).toMatch(/^https:\/\/st[a-z0-9]+\.table\.core\.windows\.net\/$/);
    apiEnv = {
        PATH: process.env.PATH, ...apiKept, AUTHORITY: info.authority, TODO_TABLE_CONNECTION_STRING: azurite.connectionString,
        PORT: String(apiPort), NODE_EXTRA_CA_CERTS: info.caPath,
    };
    expect(apiEnv.API_CLIENT_ID).toBe(info.api!.clientId);
    expect(apiEnv.TENANT_ID).toBe(info.tenantId);
    expect(apiEnv.TODO_TABLE_NAME).toBe("todos");

    let apiProcess = await startApi();
    processes.push(apiProcess);
    // Two instances of the one package, as App Service runs them, behind a round-robin front end on the web port.
    const webInstances: { name: string; port: number; handle: ProcessHandle }[] = [];
    for (const name of ["web-1", "web-2"]) {
        const port = await freePort();
        const handle = await startProcess({
            name, command: process.execPath, args: ["server.js"], cwd: webDir, env: { ...webEnv, PORT: String(port) }, ready: /web app listening on port/,
        });
        processes.push(handle);
        webInstances.push({ name, port, handle });
    }
    proxy = await startProxy({ port: webPort, backends: webInstances.map(({ name, port }) => ({ name, port })), onRequest: (line) => served.push(line) });

    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page: Page = await context.newPage();
    const base = `http://localhost:${webPort}`;

    // The same journey as the browser test: sign up, profile, to-dos, sign out, sign in again.
    const user = {
        email: `rehearsal.${randomBytes(4).toString("hex")}@contoso.example`,
        password: "Rehearsal-Passw0rd!",
        attributes: { displayName: "Grace Hopper", city: "Arlington", FavoriteColor: "blue" },
    };
    const description = `rehearsal item ${randomBytes(4).toString("hex")}`;
    const journey = await runJourney(page, { baseUrl: base, user, tenant: standInTenantPages, todos: ["first item", description] });
    expect(journey.nameAfterSignUp).toBe("Grace Hopper");
    expect(journey.claims.city).toBe("Arlington");
    expect(journey.todosAfterAdding).toEqual(["first item", description]);
    expect(journey.todosAfterDeleting).toEqual([description]);
    expect(journey.signedOutHome).toBe(true);
    expect(journey.tenantAskedForPasswordAgain).toBe(true);
    expect(journey.nameAfterSignInAgain).toBe("Grace Hopper");
    await page.goto(`${base}/todos`);
    expect(await page.locator("#todos .description").allTextContents()).toEqual([description]);
    const pages = served.filter((l) => / \/(profile|todos|auth\/redirect) -> /.test(l));
    expect(pages.some((l) => l.includes("-> web-1"))).toBe(true);
    expect(pages.some((l) => l.includes("-> web-2"))).toBe(true);

    // One instance goes away (a restart, a scale-in): the other serves the same session.
    await stopProcess(webInstances[0].handle);
    processes.splice(processes.indexOf(webInstances[0].handle), 1);
    for (let i = 0; i < 2; i++) {
        await page.goto(`${base}/todos`);
        expect(await page.locator("#todos .description").allTextContents()).toEqual([description]);
    }
    expect(served.slice(-2).every((l) => l.includes("-> web-2"))).toBe(true);

    // Restart the API process: the items live in the table, not in the process.
    await stopProcess(apiProcess);
    processes.splice(processes.indexOf(apiProcess), 1);
    apiProcess = await startApi();
    processes.push(apiProcess);
    await page.goto(`${base}/todos`);
    expect(await page.locator("#todos .description").allTextContents()).toEqual([description]);
});
