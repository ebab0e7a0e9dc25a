#!/usr/bin/env node
/**
 * `npm start`: the whole thing on your machine, no Azure account needed. Builds the bundles, then starts the local
 * stand-in tenant, the API and the web app as child processes, prints the URL and the demo credentials, and stops
 * everything on Ctrl-C (SIGINT) or SIGTERM. Ports: WEB_PORT (3000), API_PORT (3001), TENANT_PORT (44321).
 * The API keeps to-do items in Azurite's Table service (data in .dev/azurite), so they survive a restart.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { startLocalStack, ROOT } = require("../webapp/dev/stack.js");
const { startAzurite } = require("./azurite.cjs");

const port = (name, fallback) => {
    const v = process.env[name];
    if (v === undefined || v === "") return fallback;
    if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) {
        console.error(`start: ${name} must be a port number (got ${JSON.stringify(v)})`);
        process.exit(2);
    }
    return Number(v);
};
const webPort = port("WEB_PORT", 3000);
const apiPort = port("API_PORT", 3001);
const tenantPort = port("TENANT_PORT", 44321);

const build = spawnSync(process.execPath, ["webapp/build.mjs"], { cwd: ROOT, stdio: "inherit" });
if (build.status !== 0) {
    console.error("start: the build failed; see above");
    process.exit(1);
}

const verbose = process.env.VERBOSE === "1";
const onLine = (line, name) => {
    if (verbose || /"level":"(warn|error)"|error|Error/.test(line)) console.log(`[${name}] ${line}`);
};

let stack;
let azurite;
try {
    azurite = await startAzurite({ location: `${ROOT}/.dev/azurite` });
    stack = await startLocalStack({ webPort, apiPort, tenantPort, onLine, extraEnv: { TODO_TABLE_CONNECTION_STRING: azurite.connectionString } });
} catch (e) {
    console.error(`start: ${e.message}`);
    await azurite?.stop();
    process.exit(1);
}
const t = stack.tenant;
console.log(`
  Web app            ${stack.webUrl}
  To-do API          ${t.api ? `http://localhost:${apiPort}/api/todos` : "(scenario signIn: no API)"}
  Stand-in tenant    ${t.issuer}
  To-do storage      ${azurite.endpoint} (Azurite; data in ${azurite.location})
  Demo user          ${t.demoUser.email}  /  ${t.demoUser.password}
  Sign-up page asks  ${t.attributes.map((a) => a.label + (a.required ? " *" : "")).join(", ") || "(no extra attributes)"}

  The tenant uses a certificate from a local CA made on first run: ${t.caPath}
  Your browser will warn about https://localhost:${t.port} until you trust that CA (or choose to proceed).
  Users you sign up live in memory until you stop. Press Ctrl-C to stop everything.
`);

let stopping = false;
const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstart: ${signal}: stopping web, API and tenant...`);
    await stack.stop();
    await azurite.stop();
    process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
for (const p of stack.processes) {
    p.exited.then(({ code, signal }) => {
        if (stopping) return;
        console.error(`start: ${p.name} stopped unexpectedly (${signal ?? `code ${code}`}); last output:\n${p.output.slice(-20).join("\n")}`);
        void stop("child exit");
    });
}
