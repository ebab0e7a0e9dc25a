// Runs the benchmarks (scripts/bench-*.mjs) in turn. Each prints its figures as ratios against a baseline
// measured in the same run, so the numbers survive a noisy machine.
//
// Usage: npm run bench [-- <name>...] [-- <options>]
//   <name>     picks the benchmarks whose file name contains it (`api`, `web`, `program`); none: all of them.
//   <options>  everything else (`--rounds=3`, `--duration=10`, bench-web's bare run count) goes to each chosen
//              benchmark unchanged, e.g. `npm run bench -- web --rounds=3`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const dir = path.dirname(fileURLToPath(import.meta.url));
const all = readdirSync(dir).filter((f) => /^bench-.+\.mjs$/.test(f)).sort();
const args = process.argv.slice(2);
const isName = (a) => !a.startsWith("-") && !/^\d+$/.test(a);
const names = args.filter(isName);
const passOn = args.filter((a) => !isName(a));
const unknown = names.filter((n) => !all.some((f) => f.includes(n)));
if (unknown.length > 0) {
    const known = all.map((f) => f.replace(/^bench-|\.mjs$/g, "")).join(", ");
    console.error(`bench: no benchmark named ${unknown.map((n) => `'${n}'`).join(", ")}; the benchmarks are: ${known}`);
    process.exit(2);
}
const benches = all.filter((f) => names.length === 0 || names.some((n) => f.includes(n)));
let failed = 0;
for (const file of benches) {
    console.log(`\n== ${file}${passOn.length ? ` ${passOn.join(" ")}` : ""} ==`);
    const r = spawnSync(process.execPath, [path.join(dir, file), ...passOn], { stdio: "inherit", cwd: path.resolve(dir, "..") });
    if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
