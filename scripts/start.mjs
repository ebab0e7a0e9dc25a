#!/usr/bin/env node
/**
 * `npm start`: the whole thing on your machine, no Azure account needed. Builds the bundles, then starts the local
 * stand-in tenant, the API and the web app as child processes, prints the URL and the demo credentials, and stops
 * everything on Ctrl-C (SIGINT) or SIGTERM. Ports: WEB_PORT (3000), API_PORT (3001), TENANT_PORT (44321).
 * The API keeps to-do items in Azurite's Table service (data in .dev/azurite), so they survive a restart.
 *
 * Options (after `--`, e.g. `npm start -- --instances=2`):
 *   --instances=N        N web processes sharing sessions in a local redis-server (Debian's package; data in
 *                        .dev/redis) behind a round-robin proxy on WEB_PORT, as App Service scales out. Default 1:
 *                        one web process, sessions in its memory, no Redis needed.
 *   --scenario=signIn    the sign-in-only scenario (no API, no to-do list) from Pulumi.dev.yaml's settings.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { isAbsolute, resolve } from "node:path";
import { isScalar, parse, parseDocument, visit } from "yaml";

const require = createRequire(import.meta.url);
const { startLocalStack, ROOT } = require("../webapp/dev/stack.js");
const { startRedis } = require("../webapp/dev/redis.js");
const { startAzurite } = require("./azurite.cjs");

const fail = (message, code = 2) => {
    console.error(`start: ${message}`);
    process.exit(code);
};
let args;
try {
    args = parseArgs({ options: { instances: { type: "string", default: "1" }, scenario: { type: "string" } }, strict: true }).values;
} catch (e) {
    fail(`${e.message}; usage: npm start [-- --instances=N] [-- --scenario=signIn|signInAndCallApi]`);
}
if (!/^[1-9]$/.test(args.instances)) fail(`--instances must be a whole number from 1 to 9 (got ${JSON.stringify(args.instances)})`);
const instances = Number(args.instances);
if (args.scenario !== undefined && !["signIn", "signInAndCallApi"].includes(args.scenario)) fail(`--scenario must be signIn or signInAndCallApi (got ${JSON.stringify(args.scenario)})`);

const port = (name, fallback) => {
    const v = process.env[name];
    if (v === undefined || v === "") return fallback;
    if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) fail(`${name} must be a port number (got ${JSON.stringify(v)})`);
    return Number(v);
};
const webPort = port("WEB_PORT", 3000);
const apiPort = port("API_PORT", 3001);
const tenantPort = port("TENANT_PORT", 44321);

/**
 * Pulumi.dev.yaml with another scenario, written to .dev/ (the stand-in tenant reads the stack file). File paths in
 * it (e.g. branding images, relative to the project directory) are made absolute, as the copy lives elsewhere.
 */
function stackFileFor(scenario) {
    const project = parse(readFileSync(`${ROOT}/Pulumi.yaml`, "utf8")).name;
    const doc = parseDocument(readFileSync(`${ROOT}/Pulumi.dev.yaml`, "utf8"));
    doc.setIn(["config", `${project}:scenario`], scenario);
    visit(doc, {
        Scalar(_key, node) {
            if (isScalar(node) && typeof node.value === "string" && /^[\w.-]+(\/[\w.-]+)+\.\w+$/.test(node.value) && !isAbsolute(node.value)) {
                node.value = resolve(ROOT, node.value);
            }
        },
    });
    mkdirSync(`${ROOT}/.dev`, { recursive: true });
    const file = `${ROOT}/.dev/Pulumi.${scenario}.yaml`;
    writeFileSync(file, doc.toString());
    return file;
}

const build = spawnSync(process.execPath, ["webapp/build.mjs"], { cwd: ROOT, stdio: "inherit" });
if (build.status !== 0) fail("the build failed; see above", 1);

const verbose = process.env.VERBOSE === "1";
const onLine = (line, name) => {
    if (verbose || /"level":"(warn|error)"|error|Error/.test(line)) console.log(`[${name}] ${line}`);
};
// With several instances, show which one served each page (not the stylesheet and icon).
const onProxyRequest = (line) => {
    if (verbose || !/ \/(static\/|favicon)/.test(line)) console.log(`[proxy] ${line}`);
};

let stack;
let azurite;
let redis;
try {
    azurite = await startAzurite({ location: `${ROOT}/.dev/azurite` });
    if (instances > 1) redis = await startRedis({ dir: `${ROOT}/.dev/redis`, onLine: verbose ? onLine : undefined });
    stack = await startLocalStack({
        webPort, apiPort, tenantPort, onLine, instances, redisUrl: redis?.url, onProxyRequest,
        stackFile: args.scenario ? stackFileFor(args.scenario) : undefined,
        extraEnv: { TODO_TABLE_CONNECTION_STRING: azurite.connectionString },
    });
} catch (e) {
    console.error(`start: ${e.message}`);
    await stack?.stop();
    await redis?.stop();
    await azurite?.stop();
    process.exit(1);
}
const t = stack.tenant;
const webs = stack.processes.filter((p) => /^web(-\d+)?$/.test(p.name));
console.log(`
  Web app            ${stack.webUrl}${instances > 1 ? `  (round-robin proxy over ${stack.webs.map((w) => `${w.name} :${w.port}`).join(", ")})` : ""}
  To-do API          ${t.api ? `http://localhost:${apiPort}/api/todos` : "(scenario signIn: no API)"}
  Stand-in tenant    ${t.issuer}
  To-do storage      ${azurite.endpoint} (Azurite; data in ${azurite.location})
  Sessions           ${redis ? `${redis.url} (redis-server; data in ${redis.dir})` : "in the web process's memory (one instance)"}
  Demo user          ${t.demoUser.email}  /  ${t.demoUser.password}
  Sign-up page asks  ${t.attributes.map((a) => a.label + (a.required ? " *" : "")).join(", ") || "(no extra attributes)"}

  The tenant uses a certificate from a local CA made on first run: ${t.caPath}
  Your browser will warn about https://localhost:${t.port} until you trust that CA (or choose to proceed).
  Users you sign up are kept in .dev/users.json. Press Ctrl-C to stop everything.${instances > 1 ? `
  Stop one instance to see the other keep your session: kill ${webs.map((p) => `${p.child.pid} (${p.name})`).join(" or ")}.` : ""}
`);

let stopping = false;
const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstart: ${signal}: stopping web, API and tenant...`);
    await stack.stop();
    await redis?.stop();
    await azurite.stop();
    process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
for (const p of [...stack.processes, ...(redis ? [redis.handle] : [])]) {
    p.exited.then(({ code, signal }) => {
        if (stopping) return;
        const others = webs.filter((w) => w !== p && w.child.exitCode === null && w.child.signalCode === null);
        if (instances > 1 && webs.includes(p) && others.length > 0) {
            console.error(`start: ${p.name} stopped (${signal ?? `code ${code}`}); the proxy sends every request to ${others.map((w) => w.name).join(", ")}`);
            return;
        }
        console.error(`start: ${p.name} stopped unexpectedly (${signal ?? `code ${code}`}); last output:\n${p.output.slice(-20).join("\n")}`);
        void stop("child exit");
    });
}
