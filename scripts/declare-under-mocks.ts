/**
 * Runs the Pulumi program (index.ts) in-process under Pulumi's mocks with the config of a stack file, waits for
 * every export, and prints one JSON line: resources declared and milliseconds taken. Used by the benchmark; also a
 * quick way to see what a stack file would declare: `npx tsx scripts/declare-under-mocks.ts Pulumi.dev.yaml`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { PROJECT, STACK, recordingMocks, type RecordedInvoke, type RecordedResource } from "../test/support/mocks";

async function main(): Promise<void> {
    const stackFile = path.resolve(process.argv[2] ?? "Pulumi.dev.yaml");
    const stackConfig: Record<string, unknown> = parse(fs.readFileSync(stackFile, "utf8")).config ?? {};
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackConfig)) flat[k] = typeof v === "string" ? v : JSON.stringify(v);

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
