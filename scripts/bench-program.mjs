// Benchmark: how long the Pulumi program takes to declare all its resources under mocks (process spawn to exit,
// including module loading and transpiling), against `node -e ''` measured in the same run. Goal: <= 2 s.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.env.BENCH_RUNS ?? 7);

function timeOnce(args) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    return { ms, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const bare = [];
const program = [];
let last;
for (let i = 0; i < runs; i++) {
    bare.push(timeOnce(["-e", ""]).ms);
    const r = timeOnce(["--import", "tsx", "scripts/declare-under-mocks.ts", "Pulumi.dev.yaml"]);
    program.push(r.ms);
    last = JSON.parse(r.stdout.trim().split("\n").pop());
}
const b = median(bare);
const p = median(program);
console.log(`program under mocks (Pulumi.dev.yaml): ${last.resources} resources declared`);
console.log(`  node -e ''                 median ${b.toFixed(0)} ms over ${runs} runs`);
console.log(`  declare all resources      median ${p.toFixed(0)} ms over ${runs} runs (in-process ${last.ms} ms)`);
console.log(`  ratio program / bare node  ${(p / b).toFixed(1)}x; goal <= 2000 ms: ${p <= 2000 ? "met" : "NOT met"}`);
