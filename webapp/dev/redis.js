// @ts-check
/**
 * A local `redis-server` (Debian's package; `node scripts/ensure-redis.mjs` installs it) for `npm start --
 * --instances=N` and the tests: loopback only, on the given or a free port, data kept in `dir` (append-only file), so a
 * restart on the same dir and port finds the sessions again. Types: redis.d.ts.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync, mkdirSync } = require("node:fs");
const { freePort, startProcess } = require("./processes");

const HOW_TO = "install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu), run `node scripts/ensure-redis.mjs` as root, or set REDIS_SERVER_PATH";

/** The redis-server executable, or an Error whose message says how to install it. */
function redisServerPath() {
    const given = process.env.REDIS_SERVER_PATH;
    if (given) {
        if (existsSync(given)) return given;
        throw new Error(`REDIS_SERVER_PATH=${given} does not exist; ${HOW_TO}`);
    }
    const r = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim() !== "") return r.stdout.trim();
    if (existsSync("/usr/bin/redis-server")) return "/usr/bin/redis-server";
    throw new Error(`redis-server is not installed; ${HOW_TO}`);
}

/**
 * `tls`: TLS only (no plain port), with the given certificate, key and CA files (e.g. the stand-in tenant's from
 * `.dev/`); the URL is then `rediss://localhost:<port>`.
 * @param {{ dir: string, port?: number, onLine?: (line: string, name: string) => void, tls?: { certFile: string, keyFile: string, caFile: string } }} o
 */
async function startRedis(o) {
    const command = redisServerPath();
    const port = o.port ?? (await freePort());
    mkdirSync(o.dir, { recursive: true });
    const listen = o.tls
        ? ["--port", "0", "--tls-port", String(port), "--tls-cert-file", o.tls.certFile, "--tls-key-file", o.tls.keyFile, "--tls-ca-cert-file", o.tls.caFile, "--tls-auth-clients", "no"]
        : ["--port", String(port)];
    const handle = await startProcess({
        name: "redis",
        command,
        args: [...listen, "--bind", "127.0.0.1", "--dir", o.dir, "--appendonly", "yes", "--save", "", "--daemonize", "no", "--loglevel", "notice"],
        ready: /Ready to accept connections/,
        onLine: o.onLine,
    });
    const url = o.tls ? `rediss://localhost:${port}` : `redis://127.0.0.1:${port}`;
    return { port, url, dir: o.dir, handle, stop: () => handle.stop() };
}

module.exports = { startRedis, redisServerPath };
