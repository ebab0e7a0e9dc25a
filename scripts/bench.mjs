// Runs every benchmark (scripts/bench-*.mjs) in turn. Each prints its figures as ratios against a baseline
// measured in the same run, so the numbers survive a noisy machine.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(dir)
    .filter((f) => /^bench-.+\.mjs$/.test(f))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
let failed = 0;
for (const file of benches) {
    console.log(`\n== ${file} ==`);
    const r = spawnSync(process.execPath, [path.join(dir, file)], { stdio: "inherit", cwd: path.resolve(dir, "..") });
    if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
