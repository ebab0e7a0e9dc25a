// @ts-check
/**
 * Child processes for the local demo (`npm start`) and the tests: start one, wait for the line that says it is
 * ready, stop them all. CommonJS so that scripts (ESM) and jest (CJS) can both load it. Types: processes.d.ts.
 */
"use strict";
const { spawn } = require("node:child_process");
const { createServer } = require("node:net");

/**
 * Starts `command args` and resolves once a line of its stdout or stderr matches `ready` (a RegExp);
 * rejects, with the output so far, if it exits first. Lines go to `onLine(line, name)` when given.
 * @param {{ name: string, command: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string, ready: RegExp, onLine?: (line: string, name: string) => void }} spec
 */
function startProcess(spec) {
    return new Promise((resolve, reject) => {
        const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
        const output = [];
        let ready = false;
        const handle = {
            name: spec.name,
            child,
            output,
            /** @type {RegExpMatchArray | null} */
            match: null,
            exited: new Promise((r) => child.once("exit", (code, signal) => r({ code, signal }))),
            stop() {
                return stopProcess(handle);
            },
        };
        const onData = (/** @type {Buffer} */ chunk) => {
            for (const line of chunk.toString("utf8").split(/\r?\n/)) {
                if (line === "") continue;
                output.push(line);
                if (output.length > 500) output.shift();
                spec.onLine?.(line, spec.name);
                if (!ready) {
                    const m = line.match(spec.ready);
                    if (m) {
                        ready = true;
                        handle.match = m;
                        resolve(handle);
                    }
                }
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.once("error", (e) => {
            if (!ready) reject(new Error(`${spec.name}: could not start ${spec.command}: ${e.message}`));
        });
        child.once("exit", (code, signal) => {
            if (!ready) reject(new Error(`${spec.name} exited (${signal ?? `code ${code}`}) before it was ready:\n${output.join("\n")}`));
        });
    });
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs` (default 5000). */
async function stopProcess(handle, graceMs = 5000) {
    const { child } = handle;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await handle.exited;
    clearTimeout(timer);
}

/** Stops processes in reverse start order. */
async function stopAll(handles) {
    for (const h of [...handles].reverse()) await stopProcess(h);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
    return new Promise((resolve, reject) => {
        const srv = createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const address = srv.address();
            const port = typeof address === "object" && address ? address.port : 0;
            srv.close(() => resolve(port));
        });
    });
}

module.exports = { startProcess, stopProcess, stopAll, freePort };
