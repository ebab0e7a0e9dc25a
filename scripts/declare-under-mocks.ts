/**
 * Runs the Pulumi program (index.ts) in-process under Pulumi's mocks with the config of a stack file, waits for
 * every export, and prints one JSON line: resources declared and milliseconds taken. Used by the benchmark; also a
 * quick way to see what a stack file would declare: `npx tsx scripts/declare-under-mocks.ts Pulumi.dev.yaml`.
 *
 * Secrets are never in a stack file, so every key `Pulumi.yaml` declares with `secret: true` that the file lacks gets
 * a placeholder; `--config <key>=<value>` (repeatable, key without the project prefix) sets or overrides a key.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { PROJECT, STACK, recordingMocks, type RecordedInvoke, type RecordedResource } from "../test/support/mocks";

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const overrides: string[] = [];
    for (let i = args.indexOf("--config"); i !== -1; i = args.indexOf("--config")) overrides.push(...args.splice(i, 2).slice(1));
    const stackFile = path.resolve(args[0] ?? "Pulumi.dev.yaml");
    const stackConfig: Record<string, unknown> = parse(fs.readFileSync(stackFile, "utf8")).config ?? {};
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackConfig)) flat[k] = typeof v === "string" ? v : JSON.stringify(v);
    const project: Record<string, any> = parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
    for (const [key, decl] of Object.entries<Record<string, unknown>>(project.config ?? {})) {
        if (decl?.secret === true && flat[`${PROJECT}:${key}`] === undefined) flat[`${PROJECT}:${key}`] = "placeholder-secret-not-a-real-one";
    }
    for (const pair of overrides) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new Error(`--config ${pair}: expected <key>=<value>`);
        flat[`${PROJECT}:${pair.slice(0, eq)}`] = pair.slice(eq + 1);
    }

    const started = process.hrtime.bigint();
    const resources: RecordedResource[] = [];
    const invokes: RecordedInvoke[] = [];
    await pulumi.runtime.setMocks(recordingMocks(resources, invokes), PROJECT, STACK, false);
    pulumi.runtime.setAllConfig(flat);
    const program: Record<string, unknown> = require("../index");
    await Promise.all(Object.values(program).filter(pulumi.Output.isInstance).map((o) =>
        new Promise((resolve) => (o as pulumi.Output<unknown>).apply((v) => { resolve(v); return v; }))));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(JSON.stringify({ resources: resources.length, invokes: invokes.length, ms: Math.round(ms) }) + "\n");
}

main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
