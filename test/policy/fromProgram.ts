/**
 * Turns what the program declared under Pulumi's mocks (test/support/program.ts) into what the engine would send a
 * policy pack: every resource's inputs for `Analyze`, and for `AnalyzeStack` every resource's outputs plus the stack
 * resource, whose properties are the stack outputs (secret outputs in Pulumi's secret wire form).
 */
import type { ProgramRun } from "../support/program";
import { secret, type PolicyInput } from "./analyzer";

export interface Declared {
    readonly inputs: PolicyInput[];
    readonly outputs: PolicyInput[];
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));

export function declared(run: ProgramRun): Declared {
    const stackOutputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(run.outputs)) stackOutputs[k] = run.secretOutputs.has(k) ? secret(v) : v;
    return {
        inputs: run.resources.map((r) => ({ type: r.type, name: r.name, props: copy(r.inputs) })),
        outputs: [
            { type: "pulumi:pulumi:Stack", name: "entra-ciam-test", props: copy(stackOutputs) },
            ...run.resources.map((r) => ({ type: r.type, name: r.name, props: copy(r.state) })),
        ],
    };
}
