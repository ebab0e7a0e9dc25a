// API throughput benchmark: a bare node:http hello-world vs the API bundle (GET /api/todos with a valid bearer
// token), both in child processes on 127.0.0.1, driven alike by autocannon. Prints req/s, the ratio API/bare
// (target >= 0.50) and the bundle sizes. Stops by itself and kills its children.
// Usage: node scripts/bench-api.mjs [--duration=5] [--connections=50] [--rounds=2]
// Also importable: `import { runApiBench } from "./bench-api.mjs"` resolves { bare, api, ratio, sizes }.
import autocannon from "autocannon";
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TENANT_ID = "11111111-2222-3333-4444-555555555555";
const API_CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const USER_OID = "0000000a-0000-0000-0000-00000000000a";
const TARGET = 0.5;

const BARE = `require("node:http").createServer((req, res) => { res.writeHead(200, { "content-type": "text/plain" }); res.end("hello"); })
  .listen(0, "127.0.0.1", function () { process.stderr.write("listening on port " + this.address().port + "\\n"); });`;

/** Spawns node with `args`; resolves with the child and the port it printed ("... port N"). */
function startChild(args, env, children) {
    const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "ignore", "pipe"] });
    children.push(child);
    let err = "";
    return new Promise((resolve, reject) => {
        child.stderr.on("data", (d) => {
            err += d.toString();
            const m = /listening on port (\d+)/.exec(err);
            if (m) resolve({ child, port: Number(m[1]) });
        });
        child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}: ${err.slice(0, 2000)}`)));
    });
}

/** The tenant's metadata and keys, served from this process. */
async function startTenant(publicJwk) {
    const server = createServer((req, res) => {
        const origin = `http://127.0.0.1:${server.address().port}`;
        if (req.url === `/${TENANT_ID}/v2.0/.well-known/openid-configuration`) {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ issuer: `${origin}/${TENANT_ID}/v2.0`, jwks_uri: `${origin}/${TENANT_ID}/discovery/v2.0/keys` }));
        } else if (req.url === `/${TENANT_ID}/discovery/v2.0/keys`) {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ keys: [publicJwk] }));
        } else res.writeHead(404).end();
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    return server;
}

function token(privateKey, issuer) {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const claims = { aud: API_CLIENT_ID, iss: issuer, iat: now, nbf: now, exp: now + 3600, oid: USER_OID, scp: "ToDoList.Read ToDoList.ReadWrite", tid: TENANT_ID, ver: "2.0" };
    const input = `${b64({ alg: "RS256", typ: "JWT", kid: "bench" })}.${b64(claims)}`;
    return `${input}.${sign("RSA-SHA256", Buffer.from(input), privateKey).toString("base64url")}`;
}

function cannon(url, headers, duration, connections) {
    return new Promise((resolve, reject) => {
        autocannon({ url, headers, connections, duration, pipelining: 1 }, (err, result) => (err ? reject(err) : resolve(result)));
    });
}

const sizeOf = (p) => (existsSync(p) ? statSync(p).size : undefined);

export async function runApiBench({ duration = 5, connections = 50, rounds = 2, log = console.log } = {}) {
    execFileSync(process.execPath, [join(root, "webapp", "build.mjs"), "api"], { cwd: root, stdio: "pipe" });
    const bundle = join(root, "webapp", "dist", "api", "server.js");
    const children = [];
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const tenant = await startTenant({ ...publicKey.export({ format: "jwk" }), kid: "bench", use: "sig", alg: "RS256" });
    const tport = tenant.address().port;
    const stopAll = () => {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    };
    const onSigint = () => {
        stopAll();
        process.exit(130);
    };
    process.once("SIGINT", onSigint);
    try {
        const bare = await startChild(["-e", BARE], {}, children);
        const api = await startChild([bundle], {
            AUTHORITY: `http://127.0.0.1:${tport}/`,
            TENANT_ID,
            API_CLIENT_ID,
            PORT: "0",
            ALLOW_HTTP_AUTHORITY: "true",
        }, children);
        const bearer = token(privateKey, `http://127.0.0.1:${tport}/${TENANT_ID}/v2.0`);
        const apiUrl = `http://127.0.0.1:${api.port}/api/todos`;
        const auth = { authorization: `Bearer ${bearer}` };
        for (const d of ["Write the report", "Check the ratio", "Ship it"]) {
            const r = await fetch(apiUrl, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ description: d }) });
            if (r.status !== 201) throw new Error(`seeding the API answered ${r.status}`);
        }
        const check = await fetch(apiUrl, { headers: auth });
        const items = await check.json();
        if (check.status !== 200 || items.length !== 3) throw new Error(`GET /api/todos answered ${check.status}`);

        const targets = { bare: { url: `http://127.0.0.1:${bare.port}/`, headers: {} }, api: { url: apiUrl, headers: auth } };
        log(`bench-api: warming up (1 s each), then ${rounds} round(s) of ${duration} s, ${connections} connections`);
        for (const t of Object.values(targets)) await cannon(t.url, t.headers, 1, connections);
        const rps = { bare: [], api: [] };
        for (let i = 0; i < rounds; i++) {
            for (const [name, t] of Object.entries(targets)) {
                const r = await cannon(t.url, t.headers, duration, connections);
                if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
                    throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts`);
                }
                rps[name].push(r.requests.average);
                log(`bench-api: round ${i + 1} ${name.padEnd(4)} ${Math.round(r.requests.average)} req/s (p99 ${r.latency.p99} ms)`);
            }
        }
        const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
        const result = {
            bare: Math.round(mean(rps.bare)),
            api: Math.round(mean(rps.api)),
            ratio: Number((mean(rps.api) / mean(rps.bare)).toFixed(2)),
            sizes: { api: sizeOf(bundle), web: sizeOf(join(root, "webapp", "dist", "web", "server.js")) },
        };
        log(`bench-api: bare node:http ${result.bare} req/s, API (valid bearer token) ${result.api} req/s`);
        log(`bench-api: ratio API/bare ${result.ratio.toFixed(2)} (target >= ${TARGET.toFixed(2)}) ${result.ratio >= TARGET ? "OK" : "BELOW TARGET"}`);
        for (const [name, size] of Object.entries(result.sizes)) {
            log(`bench-api: bundle ${name} ${size === undefined ? "(not built)" : `${relative(root, join(root, "webapp", "dist", name, "server.js"))} ${(size / 1024).toFixed(1)} KiB`}`);
        }
        return result;
    } finally {
        process.off("SIGINT", onSigint);
        stopAll();
        tenant.closeAllConnections();
        await new Promise((r) => tenant.close(r));
    }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
    const opt = (name, fallback) => {
        const a = process.argv.find((x) => x.startsWith(`--${name}=`));
        const v = a === undefined ? fallback : Number(a.split("=")[1]);
        if (!Number.isInteger(v) || v < 1) {
            console.error(`bench-api: --${name} must be a positive integer`);
            process.exit(2);
        }
        return v;
    };
    runApiBench({ duration: opt("duration", 5), connections: opt("connections", 50), rounds: opt("rounds", 2) }).then(
        () => process.exit(0),
        (e) => {
            console.error(`bench-api: ${e.message}`);
            process.exit(1);
        },
    );
}
