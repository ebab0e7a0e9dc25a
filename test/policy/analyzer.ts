/**
 * Runs the policy pack the way the Pulumi engine does: `policy/index.ts` is started as its own process (through tsx,
 * as PulumiPolicy.yaml says), @pulumi/policy serves the Analyzer gRPC service and prints its port, and the test talks
 * to it with the engine's own protocol (`@pulumi/pulumi/proto/analyzer_grpc_pb`): `Analyze` for one resource's
 * inputs (what the engine sends before it registers a resource), `AnalyzeStack` for every resource's outputs (at the
 * end of a preview or update), `GetAnalyzerInfo` and `Configure`. Nothing of the pack is called directly, so the
 * SDK's deserialization, unknown-value proxy, secrets unwrapping, config and enforcement levels are all in play.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { PROJECT, STACK } from "../support/mocks";

// The engine's generated protobuf modules (CommonJS, untyped here).
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const structPb = require("google-protobuf/google/protobuf/struct_pb");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb");

export const POLICY_DIR = path.join(__dirname, "..", "..", "policy");

/** Pulumi's wire sentinel for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Pulumi's wire form of a secret value. */
export const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** A resource as the engine describes it to an analyzer. */
export interface PolicyInput {
    readonly type: string;
    readonly name: string;
    /** Inputs (for `analyze`) or outputs (for `analyzeStack`), in Pulumi's wire form (secrets, unknowns). */
    readonly props: Record<string, unknown>;
    /** Resource options the engine passes on (AnalyzerResourceOptions). */
    readonly opts?: { readonly additionalSecretOutputs?: readonly string[] };
}

export interface Violation {
    readonly policy: string;
    /** What the policy reported (the SDK sends "<description>\n<message>"; this is the part after the description). */
    readonly message: string;
    readonly level: "advisory" | "mandatory" | "disabled" | "remediate";
    readonly urn: string;
}

export interface PackInfo {
    readonly name: string;
    readonly version: string;
    readonly supportsConfig: boolean;
    readonly policies: ReadonlyArray<{ name: string; level: Violation["level"] }>;
}

export interface Pack {
    analyze(resource: PolicyInput): Promise<Violation[]>;
    analyzeStack(resources: readonly PolicyInput[]): Promise<Violation[]>;
    info(): Promise<PackInfo>;
    /** Policy config as `pulumi --policy-pack-config` would send it (every policy's enforcement level is kept). */
    configure(config: Record<string, Record<string, unknown>>): Promise<void>;
    close(): void;
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

export const urnOf = (type: string, name: string) => `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;

/** Top-level keys starting with "__" (a dynamic resource's serialized `__provider`) are not sent, as by the engine. */
function wireProps(props: Record<string, unknown>) {
    const plain = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")))));
    return structPb.Struct.fromJavaScript(plain);
}

function describe(r: PolicyInput, message: any) {
    message.setType(r.type);
    message.setName(r.name);
    message.setUrn(urnOf(r.type, r.name));
    message.setProperties(wireProps(r.props));
    const options = new analyzerPb.AnalyzerResourceOptions();
    options.setAdditionalsecretoutputsList([...(r.opts?.additionalSecretOutputs ?? [])]);
    message.setOptions(options);
    return message;
}

function violations(response: any): Violation[] {
    return response.getDiagnosticsList().map((d: any) => ({
        policy: d.getPolicyname(),
        message: d.getMessage().slice(d.getMessage().indexOf("\n") + 1),
        level: LEVELS[d.getEnforcementlevel()],
        urn: d.getUrn(),
    }));
}

/** Starts policy/index.ts as the engine would and connects to it. */
export async function startPack(): Promise<Pack> {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
        cwd: POLICY_DIR,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => { stderr += d; });
    const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d) => {
            out += d;
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) resolve(Number(m[1]));
        });
        child.once("exit", (code) => reject(new Error(`the policy pack exited (${code}) before serving: ${stderr}`)));
    });
    const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = <T>(method: string, request: unknown) => new Promise<T>((resolve, reject) =>
        client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));

    return {
        analyze: async (r) => violations(await call("analyze", describe(r, new analyzerPb.AnalyzeRequest()))),
        analyzeStack: async (rs) => {
            const req = new analyzerPb.AnalyzeStackRequest();
            req.setResourcesList(rs.map((r) => describe(r, new analyzerPb.AnalyzerResource())));
            return violations(await call("analyzeStack", req));
        },
        info: async () => {
            const res: any = await call("getAnalyzerInfo", new emptyPb.Empty());
            return {
                name: res.getName(),
                version: res.getVersion(),
                supportsConfig: res.getSupportsconfig(),
                policies: res.getPoliciesList().map((p: any) => ({ name: p.getName(), level: LEVELS[p.getEnforcementlevel()] })),
            };
        },
        configure: async (config) => {
            const req = new analyzerPb.ConfigureAnalyzerRequest();
            const map = req.getPolicyconfigMap();
            for (const [policy, props] of Object.entries(config)) {
                const pc = new analyzerPb.PolicyConfig();
                pc.setEnforcementlevel(analyzerPb.EnforcementLevel.MANDATORY);
                pc.setProperties(structPb.Struct.fromJavaScript(props));
                map.set(policy, pc);
            }
            await call("configure", req);
        },
        close: () => {
            client.close();
            child.kill();
        },
    };
}
