#!/usr/bin/env node
/**
 * Cold start of the web bundle vs a bare node:http server: time from spawn to the first 200 on `/`, several runs
 * each (alternating, to share the machine's noise), medians and their ratio. Target: ratio <= 2.0.
 * Usage: node scripts/bench-web.mjs [runs]   (build first: npm run build)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bundle = join(root, "webapp/dist/web/server.js");
if (!existsSync(bundle)) {
    console.error("bench-web: webapp/dist/web/server.js is missing; run `npm run build` first");
    process.exit(1);
}
const runs = Number(process.argv[2] ?? 15);
const dir = mkdtempSync(join(tmpdir(), "bench-web-"));
const bare = join(dir, "bare.js");
writeFileSync(bare, `require("node:http").createServer((q, r) => r.end("ok")).listen(Number(process.env.PORT), "127.0.0.1");\n`);

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

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
try {
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
} finally {
    rmSync(dir, { recursive: true, force: true });
}
