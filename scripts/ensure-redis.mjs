#!/usr/bin/env node
/**
 * Makes sure `redis-server` is present (runs first in `npm test`, next to ensure-chromium): the tests start their own
 * on free ports, and `npm start -- --instances=2` starts one for the local web instances.
 *
 * Looks at REDIS_SERVER_PATH, then `redis-server` on the PATH and /usr/bin/redis-server. When none exists and we run
 * as root on a Debian-like system (CI), installs Debian's `redis-server` package with apt-get; otherwise stops with a
 * message saying how to install it. Prints nothing when there is nothing to do.
 */
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const DEFAULT_PATH = "/usr/bin/redis-server";
const howTo = "install Redis (Debian/Ubuntu: `sudo apt-get update && sudo apt-get install -y redis-server`) " +
    "or set REDIS_SERVER_PATH to a redis-server executable";

function onPath() {
    const r = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
}

function found() {
    const given = process.env.REDIS_SERVER_PATH;
    if (given) return existsSync(given) ? given : undefined;
    return onPath() ?? (existsSync(DEFAULT_PATH) ? DEFAULT_PATH : undefined);
}

function fail(message) {
    process.stderr.write(`ensure-redis: ${message}\n`);
    process.exit(1);
}

function run(cmd, args) {
    process.stdout.write(`ensure-redis: ${cmd} ${args.join(" ")}\n`);
    const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
    if (r.status !== 0) fail(`${cmd} ${args.join(" ")} exited with status ${r.status}; ${howTo}`);
}

if (process.env.REDIS_SERVER_PATH && !existsSync(process.env.REDIS_SERVER_PATH)) {
    fail(`REDIS_SERVER_PATH=${process.env.REDIS_SERVER_PATH} does not exist; ${howTo}`);
}
if (found() === undefined) {
    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
    if (!isRoot || !hasApt) fail(`no redis-server found on the PATH or at ${DEFAULT_PATH}; ${howTo}`);
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "redis-server"]);
    const path = found();
    if (path === undefined) fail(`apt-get installed redis-server but it is still not found; ${howTo}`);
    process.stdout.write(`ensure-redis: installed ${path}\n`);
}
