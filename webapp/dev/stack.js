// @ts-check
/**
 * Starts the whole local stack as child processes: the stand-in tenant, the API bundle and the web bundle
 * (build them first: `npm run build`). Used by `npm start` and the browser tests. To add a process (e.g. a storage
 * emulator), add an entry to `services` in `startLocalStack`.
 *
 * `instances` > 1 (with `redisUrl`): that many web processes on free ports sharing sessions in Redis, behind a
 * round-robin proxy (proxy.js) on `webPort`, as App Service runs scaled-out instances behind its front end.
 */
"use strict";
const { randomBytes } = require("node:crypto");
const { join } = require("node:path");
const { freePort, startProcess, stopAll } = require("./processes");
const { startProxy } = require("./proxy");

const ROOT = join(__dirname, "..", "..");

/**
 * @param {{ webPort: number, apiPort: number, tenantPort?: number, devDir?: string, node?: string, onLine?: (line: string, name: string) => void, extraEnv?: NodeJS.ProcessEnv, instances?: number, redisUrl?: string, onProxyRequest?: (line: string) => void, stackFile?: string }} o
 */
async function startLocalStack(o) {
    const node = o.node ?? process.execPath;
    const webUrl = `http://localhost:${o.webPort}`;
    const secrets = {
        web: randomBytes(24).toString("base64url"),
        daemon: randomBytes(24).toString("base64url"),
        session: randomBytes(32).toString("base64url"),
    };
    const instances = o.instances ?? 1;
    if (!Number.isInteger(instances) || instances < 1) throw new Error(`instances must be a whole number of at least 1 (got ${instances})`);
    if (instances > 1 && !o.redisUrl) throw new Error("more than one web instance needs redisUrl (the shared session store)");
    /** @type {import("./processes").ProcessHandle[]} */
    const started = [];
    /** @type {import("./proxy").LocalProxy | undefined} */
    let proxy;
    try {
        const tenant = await startProcess({
            name: "tenant",
            command: node,
            args: ["--import", "tsx", join(ROOT, "webapp/dev/server.ts")],
            cwd: ROOT,
            env: {
                ...process.env,
                TENANT_PORT: String(o.tenantPort ?? 0),
                WEB_CLIENT_SECRET: secrets.web,
                DAEMON_CLIENT_SECRET: secrets.daemon,
                REDIRECT_URIS: `${webUrl}/auth/redirect`,
                POST_LOGOUT_REDIRECT_URIS: `${webUrl}/`,
                ...(o.devDir ? { DEV_DIR: o.devDir } : {}),
                ...(o.stackFile ? { STACK_FILE: o.stackFile } : {}),
            },
            ready: /^STAND_IN_TENANT_READY (.*)$/,
            onLine: o.onLine,
        });
        started.push(tenant);
        /** @type {{ port: number, authority: string, knownAuthority: string, caPath: string, spkiSha256: string, tenantId: string, webClientId: string, daemonClientId: string, api: { clientId: string, scopes: string[] } | null, attributes: { attribute: string, label: string, required: boolean, inputType: string, options: { label: string, value: string }[], claim: string }[], demoUser: { email: string, password: string } }} */
        const info = JSON.parse(/** @type {RegExpMatchArray} */ (tenant.match)[1]);
        const trust = { NODE_EXTRA_CA_CERTS: info.caPath };
        const services = [];
        if (info.api) {
            services.push({
                name: "api",
                bundle: "webapp/dist/api/server.js",
                ready: /API listening on port/,
                env: { AUTHORITY: info.authority, TENANT_ID: info.tenantId, API_CLIENT_ID: info.api.clientId, PORT: String(o.apiPort) },
            });
        }
        const webEnv = {
            AUTHORITY: info.authority,
            KNOWN_AUTHORITIES: info.knownAuthority,
            CLIENT_ID: info.webClientId,
            CLIENT_SECRET: secrets.web,
            REDIRECT_URI: `${webUrl}/auth/redirect`,
            POST_LOGOUT_REDIRECT_URI: `${webUrl}/`,
            API_BASE_URL: info.api ? `http://localhost:${o.apiPort}` : "",
            API_SCOPES: info.api ? info.api.scopes.join(" ") : "",
            SESSION_SECRET: secrets.session,
            ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
        };
        /** @type {{ name: string, port: number }[]} */
        const webs = [];
        for (let i = 1; i <= instances; i++) webs.push({ name: instances === 1 ? "web" : `web-${i}`, port: instances === 1 ? o.webPort : await freePort() });
        for (const w of webs) {
            services.push({ name: w.name, bundle: "webapp/dist/web/server.js", ready: /web app listening on port/, env: { ...webEnv, PORT: String(w.port) } });
        }
        /** @param {{ name: string, bundle: string, ready: RegExp, env: NodeJS.ProcessEnv }} s */
        const launch = (s) => startProcess({
            name: s.name,
            command: node,
            args: [join(ROOT, s.bundle)],
            cwd: ROOT,
            // NODE_EXTRA_CA_CERTS must be in the real environment: Node reads it once, at start.
            env: { ...process.env, ...o.extraEnv, ...s.env, ...trust },
            ready: s.ready,
            onLine: o.onLine,
        });
        for (const s of services) started.push(await launch(s));
        if (instances > 1) proxy = await startProxy({ port: o.webPort, backends: webs, onRequest: o.onProxyRequest });
        const serviceOf = (/** @type {string} */ name) => {
            const s = services.find((x) => x.name === name);
            if (!s || !webs.some((w) => w.name === name)) throw new Error(`no web instance named ${name}`);
            return s;
        };
        return {
            webUrl,
            tenant: info,
            daemonClientSecret: secrets.daemon,
            processes: started,
            webs,
            /** Kills one web instance at once (SIGKILL: a crash, not a graceful stop). */
            async killWeb(/** @type {string} */ name) {
                serviceOf(name);
                const h = started.find((p) => p.name === name && p.child.exitCode === null && p.child.signalCode === null);
                if (h) {
                    h.child.kill("SIGKILL");
                    await h.exited;
                }
            },
            /** Starts a web instance again (after killWeb or a crash) on the same port. */
            async startWeb(/** @type {string} */ name) {
                const h = await launch(serviceOf(name));
                const i = started.findIndex((p) => p.name === name);
                if (i >= 0) started[i] = h;
                else started.push(h);
                return h;
            },
            stop: async () => {
                await proxy?.close();
                await stopAll(started);
            },
        };
    } catch (e) {
        await proxy?.close();
        await stopAll(started);
        throw e;
    }
}

module.exports = { startLocalStack, ROOT };
