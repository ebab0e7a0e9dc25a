// Builds one self-contained file per process with esbuild: webapp/dist/<api|web>/server.js.
// Each runs from an empty folder with only `node server.js` (no node_modules at run time).
// Usage: node webapp/build.mjs [--sourcemap]
import { build } from "esbuild";
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const sourcemap = process.argv.includes("--sourcemap");

const entries = [
    { name: "api", entry: join(here, "src/api/server.ts"), out: join(here, "dist/api/server.js") },
    { name: "web", entry: join(here, "src/web/server.ts"), out: join(here, "dist/web/server.js") },
];

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
let failed = false;
for (const { name, entry, out } of entries) {
    if (!existsSync(entry)) {
        console.log(`build: skipping ${name}: ${relative(root, entry)} does not exist yet`);
        continue;
    }
    try {
        await build({
            entryPoints: [entry],
            outfile: out,
            bundle: true,
            platform: "node",
            target: "node22",
            format: "cjs",
            minify: true,
            sourcemap,
            legalComments: "none",
            logLevel: "warning",
            // Nothing is external: the bundles run without node_modules.
        });
        console.log(`build: ${name.padEnd(3)} ${relative(root, out)}  ${kib(statSync(out).size)}`);
    } catch (e) {
        failed = true;
        console.error(`build: ${name} failed: ${e.message}`);
    }
}
if (failed) process.exit(1);
