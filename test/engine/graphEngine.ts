/**
 * What the engine suites (test/engine/userFlow.test.ts, test/signInExperience/engine.test.ts) share: the Pulumi CLI
 * (a skipped suite outside CI when there is none, a failure under CI=true), the https Graph stand-in of test/userFlow
 * whose certificate the provider plugin trusts through NODE_EXTRA_CA_CERTS, the managed-identity endpoint the
 * provider gets its token from, the engine workspace (workspace.ts), and one engine operation run as a test step.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent, PulumiFn } from "@pulumi/pulumi/automation";
import { GraphStandIn } from "../userFlow/graphStandIn";
import { selfSignedCertificate } from "../userFlow/tls";
import { errors, recorder, warnings } from "./events";
import { IdentityEndpoint } from "./identityEndpoint";
import { containMonitorTermination, type Containment } from "./monitorTermination";
import { createEngineWorkspace, findPulumiCli, type EngineWorkspace } from "./workspace";

const cli = findPulumiCli();

/**
 * `describe` when a Pulumi CLI was found or under CI=true (where a missing CLI fails in `startGraphEngine`: never a
 * silent skip there), otherwise `describe.skip` with a line on stderr naming `suite`.
 */
export function describeEngine(suite: string): jest.Describe {
    if (cli || process.env.CI === "true") return describe;
    process.stderr.write(`${suite}: no Pulumi CLI found (run \`node scripts/ensure-pulumi.mjs\`, see the README); the engine tests are skipped\n`);
    return describe.skip;
}

export type EngineOp = "preview" | "up" | "refresh" | "destroy";

export interface GraphEngineOptions {
    readonly projectName: string;
    readonly stackName: string;
    readonly program: PulumiFn;
    /** A client id the stand-in knows as an application with a service principal. */
    readonly appId: string;
    /** Called once the stand-in runs, before the workspace exists (e.g. to add extensions). */
    readonly prepare?: (standIn: GraphStandIn) => void;
}

export interface GraphEngine {
    readonly standIn: GraphStandIn;
    readonly identity: IdentityEndpoint;
    readonly ws: EngineWorkspace;
    /** Index into standIn.requests where the current step began. */
    readonly mark: number;
    /** Runs one operation as a step; fails the test on any engine error or warning or a contract violation. */
    run(op: EngineOp): Promise<EngineEvent[]>;
    /**
     * An up that must fail: the engine's error diagnostics. From the first one until `close`, the SDK's expected
     * "Resource monitor is terminating" rejections of the cancelled program's RPCs are contained (monitorTermination.ts).
     */
    failingUp(): Promise<string>;
    /** `pulumi stack export` without --show-secrets (the Automation API's exportStack decrypts). */
    plainExport(): string;
    /** The checkpoint the file backend keeps on disk. */
    stateFile(): string;
    close(): Promise<void>;
}

export async function startGraphEngine(opts: GraphEngineOptions): Promise<GraphEngine> {
    if (!cli) throw new Error("CI=true but no Pulumi CLI was found: `node scripts/ensure-pulumi.mjs` builds one (it runs first in `npm test`)");
    const cert = selfSignedCertificate();
    const caDir = mkdtempSync(join(tmpdir(), "engine-ca-"));
    writeFileSync(join(caDir, "ca.pem"), cert.cert);
    const standIn = new GraphStandIn(cert);
    await standIn.start();
    standIn.addApp(opts.appId);
    opts.prepare?.(standIn);
    const identity = new IdentityEndpoint(standIn.token);
    await identity.start();
    const ws = await createEngineWorkspace({
        cli,
        projectName: opts.projectName,
        stackName: opts.stackName,
        program: opts.program,
        env: {
            GRAPH_BASE_URL: standIn.url,
            NODE_EXTRA_CA_CERTS: join(caDir, "ca.pem"),
            IDENTITY_ENDPOINT: identity.url,
            IDENTITY_HEADER: identity.header,
        },
    });
    let mark = 0;
    // Stays until close: the cancelled program's RPCs fail whenever the worker sees the CLI's connection close,
    // which may be after the failing up's promise settled.
    let containment: Containment | undefined;
    return {
        standIn,
        identity,
        ws,
        get mark() { return mark; },
        async run(op) {
            mark = standIn.requests.length;
            const rec = recorder();
            try {
                if (op === "preview") await ws.stack.preview({ onEvent: rec.onEvent });
                else if (op === "up") await ws.stack.up({ onEvent: rec.onEvent });
                else if (op === "refresh") await ws.stack.refresh({ onEvent: rec.onEvent });
                else await ws.stack.destroy({ onEvent: rec.onEvent });
            } catch (e) {
                // The engine's own diagnostics say more than the CLI's exit status.
                throw new Error(`pulumi ${op} failed: ${errors(rec.events).join("\n") || (e as Error).message}`);
            }
            expect(errors(rec.events)).toEqual([]);
            expect(warnings(rec.events)).toEqual([]);
            expect(standIn.violations).toEqual([]);
            return rec.events;
        },
        async failingUp() {
            mark = standIn.requests.length;
            const rec = recorder();
            containment ??= containMonitorTermination();
            await expect(ws.stack.up({ onEvent: rec.onEvent })).rejects.toThrow(/update failed/);
            return errors(rec.events).join("\n");
        },
        plainExport: () => ws.cli(["stack", "export", "--stack", opts.stackName]),
        stateFile: () => readFileSync(join(ws.dir, "state", ".pulumi", "stacks", opts.projectName, `${opts.stackName}.json`), "utf8"),
        async close() {
            containment?.release();
            ws.dispose();
            await identity.close();
            await standIn.close();
            rmSync(caDir, { recursive: true, force: true });
        },
    };
}
