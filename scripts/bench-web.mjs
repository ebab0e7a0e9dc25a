#!/usr/bin/env node
/**
 * The web app's benchmarks, each a ratio against a baseline measured in the same run:
 *
 * 1. Throughput of a signed-in page: `GET /profile` for many distinct users (USERS sessions made up front, each
 *    request with the next user's cookie) with sessions in Redis (a local redis-server) vs in memory vs a bare
 *    node:http hello-world, each server in its own process, driven alike by autocannon; rounds alternate and the mean
 *    of each is used. The web app runs from source through tsx (webapp/dev/benchWebServer.ts): the same code the
 *    bundle holds, with sessions created directly instead of through a tenant.
 *    Layout: with 2+ CPUs and `taskset` (util-linux), the server under test runs alone on the last CPU, the load
 *    generator (this process) and redis-server on the others, like a real site whose clients and cache are other
 *    machines. Unpinned, the kernel moves the load generator onto the server's CPU when a response wakes it, and it
 *    preempts the server: a server that answers in the same tick as the request (memory store, bare node:http) was
 *    preempted after every other request (0.5-0.6 involuntary context switches per request, against 0.01-0.13 for the
 *    Redis store, whose answers come in bursts after Redis replies), which made the memory store look slower than
 *    Redis. Each round prints the server's CPU time and involuntary context switches per request, so a run shows
 *    whether that happened.
 * 2. Cold start of the web bundle vs a bare node:http server: time from spawn to the first 200 on `/`, several runs
 *    each (alternating, to share the machine's noise), medians and their ratio. Target: ratio <= 2.0.
 *
 * Usage: node scripts/bench-web.mjs [--runs=15] [--users=10000] [--duration=5] [--connections=50] [--rounds=2]
 * (build first: npm run build). Without redis-server the Redis figure is skipped with a message.
 */
import autocannon from "autocannon";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { request } from "node:http";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const require = createRequire(import.meta.url);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { startRedis } = require("../webapp/dev/redis.js");
const bundle = join(root, "webapp/dist/web/server.js");
if (!existsSync(bundle)) {
    console.error("bench-web: webapp/dist/web/server.js is missing; run `npm run build` first");
    process.exit(1);
}
const { values: opts } = parseArgs({
    options: { runs: { type: "string", default: "15" }, users: { type: "string", default: "10000" }, duration: { type: "string", default: "5" }, connections: { type: "string", default: "50" }, rounds: { type: "string", default: "2" } },
    args: process.argv.slice(2).map((a) => (/^\d+$/.test(a) ? `--runs=${a}` : a)),
});
const runs = Number(opts.runs);
const users = Number(opts.users);
const duration = Number(opts.duration);
const connections = Number(opts.connections);
const rounds = Number(opts.rounds);
const dir = mkdtempSync(join(tmpdir(), "bench-web-"));
const bare = join(dir, "bare.js");
writeFileSync(bare, `require("node:http").createServer((q, r) => r.end("ok")).listen(Number(process.env.PORT), "127.0.0.1", () => process.stderr.write("listening on port " + process.env.PORT + "\\n"));\n`);
const children = [];

/**
 * CPU sets for the server under test and for everything else (see the layout above), or undefined when the machine
 * has one CPU or no `taskset`.
 */
const layout = (() => {
    const n = availableParallelism();
    if (n < 2 || spawnSync("taskset", ["-V"], { stdio: "ignore" }).status !== 0) return undefined;
    return { server: String(n - 1), rest: n === 2 ? "0" : `0-${n - 2}`, all: `0-${n - 1}` };
})();
/** Sets the CPU affinity of every thread of this process (children started later inherit it). */
function pinSelf(cpus) {
    const r = spawnSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`taskset -a -p -c ${cpus} ${process.pid} failed`);
}
/** The server's CPU seconds and its main thread's involuntary context switches so far (Linux /proc), else undefined. */
function serverCounters(pid) {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        return { cpu: (Number(stat[11]) + Number(stat[12])) / 100, preempted: Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)[1]) };
    } catch {
        return undefined;
    }
}

const freePort = () => new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address();
        s.close(() => resolve(port));
    });
});
const get = (port) => new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/" }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(0));
    req.end();
});
const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Spawns node with `args`; resolves with the port it printed (`listening on port N`). */
function startChild(args, env) {
    // taskset execs node: the child's pid is the server's.
    const [command, argv] = layout ? ["taskset", ["-c", layout.server, process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(command, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    children.push(child);
    let err = "";
    return new Promise((resolve, reject) => {
        child.stderr.on("data", (d) => {
            err += d.toString();
            const m = /listening on port (\d+)/.exec(err);
            if (m) resolve(Number(m[1]));
        });
        child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}: ${err.slice(0, 2000)}`)));
    }).then((port) => ({ port, pid: child.pid }));
}

/**
 * Every target gets the same client work (the next user's cookie on each request), so the client's cost is the same
 * for each. `amount`: that many requests instead of `seconds`.
 */
function cannon(port, cookies, seconds, amount) {
    let i = 0;
    const requests = [{ method: "GET", path: "/profile", setupRequest: (req) => ({ ...req, headers: { ...req.headers, cookie: cookies[i++ % cookies.length] } }) }];
    const run = amount ? { amount } : { duration: seconds };
    return new Promise((resolve, reject) => {
        autocannon({ url: `http://127.0.0.1:${port}`, requests, connections, ...run, pipelining: 1 }, (err, r) => (err ? reject(err) : resolve(r)));
    });
}

async function throughput() {
    if (layout) pinSelf(layout.rest);
    console.log(layout ? `bench-web: servers on CPU ${layout.server}; load generator and redis-server on CPU ${layout.rest}` : "bench-web: one CPU or no taskset: servers and load generator share the CPUs (figures less comparable, see the script's notes)");
    const targets = {};
    for (const store of ["memory", "redis"]) {
        let redisUrl;
        if (store === "redis") {
            try {
                const redis = await startRedis({ dir: join(dir, "redis") });
                children.push(redis.handle.child);
                redisUrl = redis.url;
            } catch (e) {
                console.log(`bench-web: skipping the Redis store: ${e.message}`);
                continue;
            }
        }
        const cookiesFile = join(dir, `${store}.json`);
        const { port, pid } = await startChild(["--import", "tsx", join(root, "webapp/dev/benchWebServer.ts")], { STORE: store, REDIS_URL: redisUrl ?? "", USERS: String(users), COOKIES_FILE: cookiesFile });
        targets[store] = { port, pid, cookies: JSON.parse(readFileSync(cookiesFile, "utf8")) };
    }
    targets.bare = { ...(await startChild([bare], { PORT: String(await freePort()) })), cookies: targets.memory.cookies };
    console.log(`bench-web: /profile for ${users} distinct signed-in users; warming up (each user once), then ${rounds} round(s) of ${duration} s, ${connections} connections`);
    for (const t of Object.values(targets)) await cannon(t.port, t.cookies, 0, users);
    const rps = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
    const order = Object.entries(targets);
    for (let i = 0; i < rounds; i++) {
        // Each round starts with another target, so no target always runs first.
        for (const [name, t] of [...order.slice(i % order.length), ...order.slice(0, i % order.length)]) {
            const before = serverCounters(t.pid);
            const r = await cannon(t.port, t.cookies, duration);
            const after = serverCounters(t.pid);
            if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts`);
            rps[name].push(r.requests.average);
            const server = before && after && r.requests.total > 0
                ? `, server ${Math.round(((after.cpu - before.cpu) * 1e6) / r.requests.total)} µs CPU and ${((after.preempted - before.preempted) / r.requests.total).toFixed(2)} preemptions per request`
                : "";
            console.log(`bench-web: round ${i + 1} ${name.padEnd(6)} ${Math.round(r.requests.average)} req/s (p99 ${r.latency.p99} ms${server})`);
        }
    }
    const m = Object.fromEntries(Object.entries(rps).map(([k, v]) => [k, mean(v)]));
    console.log(`signed-in page (GET /profile, ${users} users, means of ${rounds} rounds):`);
    console.log(`  bare node:http  ${Math.round(m.bare)} req/s`);
    console.log(`  memory store    ${Math.round(m.memory)} req/s   memory/bare ${(m.memory / m.bare).toFixed(2)}`);
    if (m.redis !== undefined) {
        console.log(`  Redis store     ${Math.round(m.redis)} req/s   redis/bare ${(m.redis / m.bare).toFixed(2)}   redis/memory ${(m.redis / m.memory).toFixed(2)}`);
    }
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    if (layout) pinSelf(layout.all);
}

async function coldStart(script) {
    const port = await freePort();
    const env = {
        ...process.env, PORT: String(port), LOG_LEVEL: "silent",
        AUTHORITY: "https://contoso.ciamlogin.com/", CLIENT_ID: "11111111-2222-3333-4444-555555555555", CLIENT_SECRET: "bench",
        REDIRECT_URI: "http://localhost:3000/auth/redirect", POST_LOGOUT_REDIRECT_URI: "http://localhost:3000/",
        API_BASE_URL: "http://localhost:3001", API_SCOPES: "api://11111111-2222-3333-4444-666666666666/ToDoList.ReadWrite",
        SESSION_SECRET: "b".repeat(32),
    };
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [script], { env, stdio: "ignore" });
    let exited = false;
    child.once("exit", () => (exited = true));
    while (!exited && (await get(port)) !== 200) await new Promise((r) => setTimeout(r, 2));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const ok = !exited;
    child.kill("SIGKILL");
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
    if (!ok) throw new Error(`${script} exited before answering`);
    return ms;
}

async function coldStarts() {
    await coldStart(bare); // warm the file cache
    await coldStart(bundle);
    const a = [];
    const b = [];
    for (let i = 0; i < runs; i++) {
        a.push(await coldStart(bare));
        b.push(await coldStart(bundle));
    }
    const ratio = median(b) / median(a);
    console.log(`web cold start (spawn to first 200 on /, ${runs} runs each, medians):`);
    console.log(`  bare node:http  ${median(a).toFixed(1)} ms`);
    console.log(`  web bundle      ${median(b).toFixed(1)} ms`);
    console.log(`  ratio           ${ratio.toFixed(2)}x  (target <= 2.00x)`);
}

process.once("SIGINT", () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    process.exit(130);
});
try {
    await throughput();
    await coldStarts();
} finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
}
