#!/usr/bin/env node
/**
 * Starts Azurite's Table service (the npm package, from node_modules) on 127.0.0.1 for local runs and tests.
 *
 *   const { startAzurite } = require("./scripts/azurite.cjs");   // or: import { startAzurite } from "./azurite.cjs"
 *   const azurite = await startAzurite({ location: ".dev/azurite" });
 *   // azurite.endpoint, azurite.connectionString ... await azurite.stop();
 *
 * Run directly (`node scripts/azurite.cjs [--location DIR] [--port N]`) it prints the endpoint and keeps running.
 * The account is Azurite's published development account; its key is public and not a secret.
 */
"use strict";
const { spawn } = require("node:child_process");
const { mkdirSync } = require("node:fs");
const { createServer } = require("node:net");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

/** Azurite's well-known development account (documented publicly; not a secret). */
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Asks the OS for a free port on 127.0.0.1. */
function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.unref();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/** Starts one azurite-table process on `port`; resolves once it listens, rejects with its output if it exits. */
function launch(port, location) {
    const script = path.join(ROOT, "node_modules", ".bin", "azurite-table");
    const args = [
        script,
        "--tableHost", "127.0.0.1",
        "--tablePort", String(port),
        "--location", location,
        "--disableTelemetry",
        "--skipApiVersionCheck",
    ];
    // process.execPath: the project's Node (>= 22), whatever `node` is first on PATH.
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let output = "";
        const onData = (chunk) => {
            output += chunk.toString();
            if (/successfully (started|listening)/i.test(output)) {
                cleanup();
                resolve(child);
            }
        };
        const onExit = (code, signal) => {
            cleanup();
            reject(new Error(`azurite-table exited (${signal ?? code}) before listening on 127.0.0.1:${port}: ${output.trim()}`));
        };
        const cleanup = () => {
            child.stdout.off("data", onData);
            child.stderr.off("data", onData);
            child.off("exit", onExit);
            // Keep draining the pipes so the child never blocks on a full buffer.
            child.stdout.resume();
            child.stderr.resume();
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.once("exit", onExit);
    });
}

/**
 * Starts Azurite's Table service.
 * @param {{ location?: string, port?: number }} [options] `location`: data folder (kept between runs; default
 *   `.dev/azurite`); `port`: fixed port (default: a free one).
 * @returns {Promise<{ endpoint: string, port: number, location: string, accountName: string, accountKey: string,
 *   connectionString: string, stop: () => Promise<void> }>}
 */
async function startAzurite(options = {}) {
    const location = path.resolve(options.location ?? path.join(ROOT, ".dev", "azurite"));
    mkdirSync(location, { recursive: true });
    let child;
    let port = options.port;
    for (let attempt = 1; ; attempt++) {
        const candidate = port ?? (await freePort());
        try {
            child = await launch(candidate, location);
            port = candidate;
            break;
        } catch (err) {
            // Another process may take a probed free port before Azurite binds it: try another one.
            if (options.port !== undefined || attempt >= 5 || !/EADDRINUSE/.test(String(err.message))) throw err;
        }
    }
    const endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
    let stopped;
    const stop = () => {
        stopped ??= new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
        });
        return stopped;
    };
    return {
        endpoint,
        port,
        location,
        accountName: AZURITE_ACCOUNT,
        accountKey: AZURITE_KEY,
        connectionString:
            `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=${endpoint};`,
        stop,
    };
}

exports.AZURITE_ACCOUNT = AZURITE_ACCOUNT;
exports.AZURITE_KEY = AZURITE_KEY;
exports.startAzurite = startAzurite;

if (require.main === module) {
    const arg = (name) => {
        const i = process.argv.indexOf(name);
        return i > 0 ? process.argv[i + 1] : undefined;
    };
    const portArg = arg("--port");
    if (portArg !== undefined && !/^\d+$/.test(portArg)) {
        console.error(`--port: "${portArg}" is not a port number`);
        process.exit(2);
    }
    startAzurite({ location: arg("--location"), port: portArg === undefined ? undefined : Number(portArg) }).then(
        (azurite) => {
            console.log(`Azurite Table service: ${azurite.endpoint} (data in ${azurite.location})`);
            const shutdown = () => azurite.stop().then(() => process.exit(0));
            process.on("SIGINT", shutdown);
            process.on("SIGTERM", shutdown);
        },
        (err) => {
            console.error(err.message);
            process.exit(1);
        },
    );
}
