// Builds one self-contained file per process with esbuild: webapp/dist/<api|web>/server.js.
// Each runs from an empty folder with only `node server.js` (no node_modules at run time).
// Usage: node webapp/build.mjs [--sourcemap] [api] [web]   (no names: both)
import { build } from "esbuild";
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const args = process.argv.slice(2);
const sourcemap = args.includes("--sourcemap");
const only = args.filter((a) => !a.startsWith("--"));

const all = [
    { name: "api", entry: join(here, "src/api/server.ts"), out: join(here, "dist/api/server.js") },
    { name: "web", entry: join(here, "src/web/server.ts"), out: join(here, "dist/web/server.js"), separate: { from: "src/web/store/create.ts", request: "./redis", to: "./redis-store.js" } },
    // The web app's Redis store, beside server.js and required only when REDIS_URL is set (see src/web/store/create.ts).
    { name: "web", label: "web (Redis store)", entry: join(here, "src/web/store/redis.ts"), out: join(here, "dist/web/redis-store.js") },
];
const unknown = only.filter((n) => !all.some((e) => e.name === n));
if (unknown.length > 0) {
    console.error(`build: unknown bundle name(s): ${unknown.join(", ")}; known: ${all.map((e) => e.name).join(", ")}`);
    process.exit(2);
}
const entries = only.length === 0 ? all : all.filter((e) => only.includes(e.name));

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
let failed = false;
/** Leaves `require(request)` in `from` to load `to` (a bundle of its own in the same folder) at run time. */
const separatePlugin = (s) => ({
    name: "separate",
    setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => (args.path === s.request && args.importer === join(here, s.from) ? { path: s.to, external: true } : undefined));
    },
});

for (const { name, label, entry, out, separate } of entries) {
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
            plugins: separate ? [separatePlugin(separate)] : [],
            legalComments: "none",
            logLevel: "warning",
            // Nothing is external: the bundles run without node_modules.
        });
        console.log(`build: ${(label ?? name).padEnd(3)} ${relative(root, out)}  ${kib(statSync(out).size)}`);
    } catch (e) {
        failed = true;
        console.error(`build: ${name} failed: ${e.message}`);
    }
}
if (failed) process.exit(1);
