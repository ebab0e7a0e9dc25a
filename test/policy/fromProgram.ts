/**
 * Turns what the program declared under Pulumi's mocks (test/support/program.ts) into what the engine would send a
 * policy pack: every resource's inputs for `Analyze`, and for `AnalyzeStack` every resource's outputs plus the stack
 * resource, whose properties are the stack outputs (secret outputs in Pulumi's secret wire form). Secret inputs keep
 * the wire form the program gave them (the mocks record it), and each resource carries the `additionalSecretOutputs`
 * the program registered it with (recordResourceOptions).
 */
import type { ProgramRun } from "../support/program";
import { secret, type PolicyInput } from "./analyzer";

export interface Declared {
    readonly inputs: PolicyInput[];
    readonly outputs: PolicyInput[];
}

/** Resource options by `type::name`, as the program registered the resource. */
export type RecordedOptions = Map<string, NonNullable<PolicyInput["opts"]>>;

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/**
 * Records the options of every resource the program registers from now on. Pulumi's mocks do not pass options to
 * `newResource`, so the mock monitor's `registerResource` (which receives the engine's RegisterResourceRequest) is
 * wrapped in each fresh copy of @pulumi/pulumi that test/support/program.ts loads. Call once per test file, before
 * the runs.
 */
export function recordResourceOptions(): RecordedOptions {
    const seen: RecordedOptions = new Map();
    jest.doMock("@pulumi/pulumi/runtime/mocks", () => {
        const actual = jest.requireActual("@pulumi/pulumi/runtime/mocks");
        const register = actual.MockMonitor.prototype.registerResource;
        actual.MockMonitor.prototype.registerResource = function (req: any, callback: unknown) {
            seen.set(`${req.getType()}::${req.getName()}`, { additionalSecretOutputs: req.getAdditionalsecretoutputsList() });
            return register.call(this, req, callback);
        };
        return actual;
    });
    return seen;
}

export function declared(run: ProgramRun, options?: RecordedOptions): Declared {
    const stackOutputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(run.outputs)) stackOutputs[k] = run.secretOutputs.has(k) ? secret(v) : v;
    const withOptions = (r: ProgramRun["resources"][number], props: Record<string, unknown>): PolicyInput => {
        const opts = options?.get(`${r.type}::${r.name}`);
        if (options && !opts) throw new Error(`no options recorded for ${r.type} ${r.name}: call recordResourceOptions() before running the program`);
        return { type: r.type, name: r.name, props: copy(props), ...(opts ? { opts: copy(opts) } : {}) };
    };
    return {
        inputs: run.resources.map((r) => withOptions(r, r.inputs)),
        outputs: [
            { type: "pulumi:pulumi:Stack", name: "entra-ciam-test", props: copy(stackOutputs) },
            ...run.resources.map((r) => withOptions(r, r.state)),
        ],
    };
}
