// @ts-check
/**
 * Starts the whole local stack as child processes: the stand-in tenant, the API bundle and the web bundle
 * (build them first: `npm run build`). Used by `npm start` and the browser tests. To add a process (e.g. a storage
 * emulator), add an entry to `services` in `startLocalStack`.
 */
"use strict";
const { randomBytes } = require("node:crypto");
const { join } = require("node:path");
const { startProcess, stopAll } = require("./processes");

const ROOT = join(__dirname, "..", "..");

/**
 * @param {{ webPort: number, apiPort: number, tenantPort?: number, devDir?: string, node?: string, onLine?: (line: string, name: string) => void, extraEnv?: NodeJS.ProcessEnv }} o
 */
async function startLocalStack(o) {
    const node = o.node ?? process.execPath;
    const webUrl = `http://localhost:${o.webPort}`;
    const secrets = {
        web: randomBytes(24).toString("base64url"),
        daemon: randomBytes(24).toString("base64url"),
        session: randomBytes(32).toString("base64url"),
    };
    /** @type {import("./processes").ProcessHandle[]} */
    const started = [];
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
        services.push({
            name: "web",
            bundle: "webapp/dist/web/server.js",
            ready: /web app listening on port/,
            env: {
                AUTHORITY: info.authority,
                KNOWN_AUTHORITIES: info.knownAuthority,
                CLIENT_ID: info.webClientId,
                CLIENT_SECRET: secrets.web,
                REDIRECT_URI: `${webUrl}/auth/redirect`,
                POST_LOGOUT_REDIRECT_URI: `${webUrl}/`,
                API_BASE_URL: info.api ? `http://localhost:${o.apiPort}` : "",
                API_SCOPES: info.api ? info.api.scopes.join(" ") : "",
                SESSION_SECRET: secrets.session,
                PORT: String(o.webPort),
            },
        });
        for (const s of services) {
            started.push(await startProcess({
                name: s.name,
                command: node,
                args: [join(ROOT, s.bundle)],
                cwd: ROOT,
                // NODE_EXTRA_CA_CERTS must be in the real environment: Node reads it once, at start.
                env: { ...process.env, ...o.extraEnv, ...s.env, ...trust },
                ready: s.ready,
                onLine: o.onLine,
            }));
        }
        return {
            webUrl,
            tenant: info,
            daemonClientSecret: secrets.daemon,
            processes: started,
            stop: () => stopAll(started),
        };
    } catch (e) {
        await stopAll(started);
        throw e;
    }
}

module.exports = { startLocalStack, ROOT };
