/**
 * Runs the Pulumi program (index.ts) in-process under Pulumi's mocks and records what it declares.
 *
 * The program is loaded fresh for every run (jest.isolateModules), after `setMocks` and the stack config are in
 * place, as Pulumi requires. Resource outputs are synthesised deterministically from the resource name, so tests
 * can assert exact values (e.g. the API's client id is `api-app-client-id`).
 */
import type * as PulumiType from "@pulumi/pulumi";
import { PROJECT, STACK, flattenConfig, recordingMocks, type RecordedInvoke, type RecordedResource } from "./mocks";

export { PROJECT, STACK, type RecordedInvoke, type RecordedResource };


export interface ProgramRun {
    readonly resources: RecordedResource[];
    readonly invokes: RecordedInvoke[];
    /** The program's exports, resolved (secrets unwrapped); undefined exports are absent. */
    readonly outputs: Record<string, any>;
    /** Which exports are secret outputs. */
    readonly secretOutputs: Set<string>;
    /** The URN of every resource the program registered (components included), sorted. */
    readonly urns: string[];
    /** Raw module exports (Outputs), for further inspection. */
    readonly exports: Record<string, any>;
    readonly pulumi: typeof PulumiType;
    /** Resources of one type, in declaration order. */
    byType(type: string): RecordedResource[];
    /** The one resource with this logical name; throws when absent. */
    named(name: string): RecordedResource;
}

/** The program threw while loading; `resources` is what it had declared by then. */
export class ProgramFailure extends Error {
    constructor(readonly cause: unknown, readonly resources: RecordedResource[]) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = cause instanceof Error ? cause.name : "ProgramFailure";
    }
}

/** Resolves an Output (or plain value) to its value. */
export function valueOf<T>(pulumi: typeof PulumiType, o: PulumiType.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => { resolve(v as T); return v; }));
}

/**
 * Runs index.ts with the given stack config (keys without the project prefix; objects are stored as JSON, as
 * Pulumi does). Rejects with the program's error when it throws while loading.
 */
export async function runProgram(config: Record<string, unknown>, options: { preview?: boolean; now?: Date } = {}): Promise<ProgramRun> {
    if (options.now === undefined) return runProgramNow(config, options);
    // Only the clock is fake (the secret's rotation window comes from it); timers and ticks stay real.
    jest.useFakeTimers({
        now: options.now,
        doNotFake: ["hrtime", "nextTick", "performance", "queueMicrotask", "requestAnimationFrame", "cancelAnimationFrame",
            "requestIdleCallback", "cancelIdleCallback", "setImmediate", "clearImmediate", "setInterval", "clearInterval",
            "setTimeout", "clearTimeout"],
    });
    try {
        return await runProgramNow(config, options);
    } finally {
        jest.useRealTimers();
    }
}

async function runProgramNow(config: Record<string, unknown>, options: { preview?: boolean }): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    const invokes: RecordedInvoke[] = [];
    let pulumi!: typeof PulumiType;
    let exportsObj: Record<string, any> = {};
    let loadError: unknown;

    await new Promise<void>((resolve) => {
        jest.isolateModules(() => {
            pulumi = require("@pulumi/pulumi");
            resolve();
        });
    });

    await pulumi.runtime.setMocks(recordingMocks(resources, invokes), PROJECT, STACK, options.preview ?? false);

    pulumi.runtime.setAllConfig(flattenConfig(config));

    jest.isolateModules(() => {
        try {
            jest.doMock("@pulumi/pulumi", () => pulumi);
            exportsObj = require("../../index");
        } catch (err) {
            loadError = err;
        }
    });
    if (loadError !== undefined) throw new ProgramFailure(loadError, resources);

    const outputs: Record<string, any> = {};
    const secretOutputs = new Set<string>();
    for (const [k, v] of Object.entries(exportsObj)) {
        if (v === undefined) continue;
        if (pulumi.Output.isInstance(v)) {
            outputs[k] = await valueOf(pulumi, v);
            if (await pulumi.isSecret(v)) secretOutputs.add(k);
        } else {
            outputs[k] = await valueOf(pulumi, v);
        }
    }
    // Every resource's outputs have settled once the last-declared ones have; give pending registrations a turn.
    await new Promise((r) => setImmediate(r));

    const registered: Map<string, unknown> = (pulumi.runtime.getMonitor() as any).getRegisteredResources();
    return {
        resources,
        invokes,
        outputs,
        secretOutputs,
        urns: [...registered.keys()].sort(),
        exports: exportsObj,
        pulumi,
        byType: (type) => resources.filter((r) => r.type === type),
        named: (name) => {
            const found = resources.filter((r) => r.name === name);
            if (found.length !== 1) throw new Error(`expected exactly one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
            return found[0];
        },
    };
}

/** A minimal valid stack config for the given scenario. */
export function baseConfig(scenario: "signIn" | "signInAndCallApi" = "signInAndCallApi"): Record<string, unknown> {
    return {
        tenantId: "11111111-2222-3333-4444-555555555555",
        subdomain: "contoso",
        scenario,
        hosting: { enabled: false },
    };
}
