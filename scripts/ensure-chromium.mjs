#!/usr/bin/env node
/**
 * Makes sure a Chromium the browser tests can drive is present (runs first in `npm test`).
 *
 * Looks at CHROMIUM_PATH, then /usr/bin/chromium. When neither exists and we run as root on a Debian-like system
 * (CI), installs Debian's `chromium` package with apt-get; otherwise stops with a message saying how to install it.
 * Prints the path it found on success.
 */
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const DEFAULT_PATH = "/usr/bin/chromium";

function found() {
    const candidates = [process.env.CHROMIUM_PATH, DEFAULT_PATH].filter((p) => p !== undefined && p !== "");
    return candidates.find((p) => existsSync(p));
}

function fail(message) {
    process.stderr.write(`ensure-chromium: ${message}\n`);
    process.exit(1);
}

function run(cmd, args) {
    process.stdout.write(`ensure-chromium: ${cmd} ${args.join(" ")}\n`);
    const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
    if (r.status !== 0) fail(`${cmd} ${args.join(" ")} exited with status ${r.status}`);
}

let path = found();
if (path === undefined && process.env.CHROMIUM_PATH && !existsSync(process.env.CHROMIUM_PATH)) {
    process.stderr.write(`ensure-chromium: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist; trying ${DEFAULT_PATH}\n`);
}
if (path === undefined) {
    const howTo = "install Chromium (Debian/Ubuntu: `sudo apt-get update && sudo apt-get install -y chromium`) " +
        "or set CHROMIUM_PATH to a Chromium or Chrome executable";
    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
    if (!isRoot || !hasApt) fail(`no Chromium found at ${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH (${process.env.CHROMIUM_PATH}) or ` : ""}${DEFAULT_PATH}; ${howTo}`);
    run("apt-get", ["update"]);
    run("apt-get", ["install", "-y", "chromium"]);
    path = found();
    if (path === undefined) fail(`apt-get installed chromium but ${DEFAULT_PATH} is still missing; ${howTo}`);
}
process.stdout.write(`ensure-chromium: using ${path}\n`);
