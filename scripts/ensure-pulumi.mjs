#!/usr/bin/env node
/**
 * Makes sure a Pulumi CLI the engine tests (test/engine) can run is present (runs in `npm test`).
 *
 * Order: PULUMI_CLI (a path to a `pulumi` executable), then `pulumi` on PATH, when its version is at least the
 * installed @pulumi/pulumi SDK's; then a CLI built earlier by this script; otherwise, where Go is available, it builds
 * the CLI at the version pinned in tools/pulumi/go.mod into a cache folder (keyed by that version and a hash of
 * go.mod + go.sum). With no CLI and no Go it says how to install one and exits 0 locally (the engine tests then report
 * themselves skipped) but fails under CI=true, so CI never skips the engine tests silently.
 *
 * Quiet when there is nothing to do. `--find` prints the CLI's path (or nothing) and never builds: the tests use it.
 *
 * Why a wrapper module: the CLI is the Go module github.com/pulumi/pulumi/pkg/v3 (cmd/pulumi). Its go.mod has
 * `replace` directives, and `go install module@version` refuses such modules, so tools/pulumi/go.mod requires it
 * and repeats the replace that matters outside the upstream repository (see the comment there).
 * The version is stamped with -ldflags -X …/sdk/v3/go/common/version.Version, as upstream's release build does
 * (sdk/go/common/version/version.go: "initialized by the Go linker"); without it `pulumi version` prints nothing
 * and the Automation API cannot parse it.
 *
 * Only the CLI is built: the Node.js language host (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
 * is not served by the Go module proxy these machines reach. The engine tests run their program through the
 * Automation API's inline programs, whose language runtime is @pulumi/pulumi's own (test/engine/workspace.ts; the
 * README's "Engine tests").
 */
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TOOLS = join(ROOT, "tools", "pulumi");
const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const VERSION_SYMBOL = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
const findOnly = process.argv.includes("--find");

function fail(message) {
    process.stderr.write(`ensure-pulumi: ${message}\n`);
    process.exit(1);
}

/** [major, minor, patch] of "v3.274.1", "3.270.0-alpha.x" etc.; undefined when it is not a version. */
function parseVersion(text) {
    const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(text).trim());
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function atLeast(v, min) {
    for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
    return true;
}

function pinnedVersion() {
    const mod = readFileSync(join(TOOLS, "go.mod"), "utf8");
    const m = /^\s*github\.com\/pulumi\/pulumi\/pkg\/v3\s+(v\d+\.\d+\.\d+)/m.exec(mod);
    if (!m) fail(`tools/pulumi/go.mod does not require github.com/pulumi/pulumi/pkg/v3 at a version`);
    return m[1];
}

/** The CLI should be at least as new as the SDK the program uses. */
function minimumVersion() {
    const sdk = join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json");
    const v = existsSync(sdk) ? parseVersion(JSON.parse(readFileSync(sdk, "utf8")).version) : undefined;
    return v ?? parseVersion(pinnedVersion());
}

function cliVersion(path) {
    const r = spawnSync(path, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 60_000 });
    if (r.error || r.status !== 0) return undefined;
    return parseVersion(r.stdout);
}

function onPath(name) {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
        if (!dir) continue;
        const p = join(dir, name);
        try {
            accessSync(p, constants.X_OK);
            return p;
        } catch { /* not here */ }
    }
    return undefined;
}

function cacheDir() {
    const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
    const hash = createHash("sha256")
        .update(readFileSync(join(TOOLS, "go.mod")))
        .update(readFileSync(join(TOOLS, "go.sum")))
        .digest("hex")
        .slice(0, 12);
    return join(base, "entra-ciam-pulumi-cli", `${pinnedVersion()}-${hash}`);
}

const show = (v) => v.join(".");
const min = minimumVersion();

/** An existing, recent-enough CLI, or undefined. Explains why a named one is not used. */
function findExisting() {
    const explicit = process.env.PULUMI_CLI;
    if (explicit) {
        const v = existsSync(explicit) ? cliVersion(explicit) : undefined;
        if (!v) fail(`PULUMI_CLI=${explicit} is not a working pulumi executable (\`${explicit} version\` failed)`);
        if (!atLeast(v, min)) fail(`PULUMI_CLI=${explicit} is version ${show(v)}; the engine tests need ${show(min)} or newer`);
        return explicit;
    }
    const ambient = onPath("pulumi");
    if (ambient) {
        const v = cliVersion(ambient);
        if (v && atLeast(v, min)) return ambient;
        if (!findOnly) process.stderr.write(`ensure-pulumi: ignoring ${ambient} (version ${v ? show(v) : "unknown"}; need ${show(min)} or newer)\n`);
    }
    const built = join(cacheDir(), "pulumi");
    if (existsSync(built) && cliVersion(built)) return built;
    return undefined;
}

function findGo() {
    return onPath("go");
}

function build(go) {
    const version = pinnedVersion();
    const dir = cacheDir();
    const target = join(dir, "pulumi");
    const partial = join(dir, `pulumi.partial-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const started = Date.now();
    process.stdout.write(`ensure-pulumi: building the Pulumi CLI ${version} with ${go} into ${dir} ` +
        "(with empty Go caches: 1.4 GB of modules and about 4 minutes on 2 free cores, 15 when they are busy; later builds reuse Go's caches)\n");
    const r = spawnSync(go, [
        "build", "-ldflags", `-X ${VERSION_SYMBOL}=${version}`, "-o", partial, CLI_PACKAGE,
    ], { cwd: TOOLS, stdio: ["ignore", "inherit", "inherit"] });
    if (r.error || r.status !== 0) {
        rmSync(partial, { force: true });
        fail(`building the Pulumi CLI failed (${r.error ? r.error.message : `go build exited with status ${r.status}`}); ` +
            `the command was: (cd tools/pulumi && go build -ldflags "-X ${VERSION_SYMBOL}=${version}" ${CLI_PACKAGE}). ` +
            "Fix the error above, or install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/) and put it on PATH or in PULUMI_CLI");
    }
    const v = cliVersion(partial);
    if (!v || show(v) !== version.replace(/^v/, "")) {
        rmSync(partial, { force: true });
        fail(`the CLI built from tools/pulumi reports version ${v ? show(v) : "nothing"} instead of ${version}`);
    }
    renameSync(partial, target);
    // CLIs built for other pins (or other go.mod/go.sum contents) are no longer used: ~170 MB each.
    for (const other of readdirSync(dirname(dir))) {
        if (other !== basename(dir)) rmSync(join(dirname(dir), other), { recursive: true, force: true });
    }
    process.stdout.write(`ensure-pulumi: built ${target} in ${Math.round((Date.now() - started) / 1000)} s\n`);
    return target;
}

const existing = findExisting();
if (findOnly) {
    if (existing) process.stdout.write(`${existing}\n`);
    process.exit(0);
}
if (existing) process.exit(0);

const go = findGo();
if (go) {
    build(go);
    process.exit(0);
}
const howTo = "install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/) and put it on PATH or set PULUMI_CLI, " +
    `or install Go (1.21 or newer) so that this script can build it from tools/pulumi (${pinnedVersion()})`;
if (process.env.CI === "true") fail(`no Pulumi CLI ${show(min)} or newer and no Go toolchain, so the engine tests cannot run in CI; ${howTo}`);
process.stderr.write(`ensure-pulumi: no Pulumi CLI ${show(min)} or newer and no Go toolchain; the engine tests (test/engine) will be skipped. To run them, ${howTo}\n`);
