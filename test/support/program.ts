/**
 * Runs the Pulumi program (index.ts) in-process under Pulumi's mocks and records what it declares.
 *
 * The program is loaded fresh for every run (jest.isolateModules), after `setMocks` and the stack config are in
 * place, as Pulumi requires. Resource outputs are synthesised deterministically from the resource name, so tests
 * can assert exact values (e.g. the API's client id is `api-app-client-id`).
 */
import type * as PulumiType from "@pulumi/pulumi";

export const PROJECT = "entra-ciam";
export const STACK = "test";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly state: Record<string, any>;
    readonly provider?: string;
}

export interface RecordedInvoke {
    readonly token: string;
    readonly inputs: Record<string, any>;
}

export interface ProgramRun {
    readonly resources: RecordedResource[];
    readonly invokes: RecordedInvoke[];
    /** The program's exports, resolved (secrets unwrapped); undefined exports are absent. */
    readonly outputs: Record<string, any>;
    /** Which exports are secret outputs. */
    readonly secretOutputs: Set<string>;
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

/** Deterministic values for outputs the real providers would compute. */
function synthesise(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "azuread:index/applicationRegistration:ApplicationRegistration":
            return { clientId: `${name}-client-id`, objectId: `${name}-object-id` };
        case "azuread:index/servicePrincipal:ServicePrincipal":
            return { objectId: `${name}-object-id` };
        case "azuread:index/applicationPassword:ApplicationPassword":
            return { value: `${name}-value-not-for-display`, keyId: `${name}-key-id` };
        default:
            return type.startsWith("azure-native:") ? { name: inputs.name ?? `${name}-auto` } : {};
    }
}

function resourceId(type: string, name: string): string {
    if (type === "azuread:index/applicationRegistration:ApplicationRegistration") return `/applications/${name}-object-id`;
    return `${name}-id`;
}

/** Resolves an Output (or plain value) to its value. */
export function valueOf<T>(pulumi: typeof PulumiType, o: PulumiType.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => { resolve(v as T); return v; }));
}

/**
 * Runs index.ts with the given stack config (keys without the project prefix; objects are stored as JSON, as
 * Pulumi does). Rejects with the program's error when it throws while loading.
 */
export async function runProgram(config: Record<string, unknown>, options: { preview?: boolean } = {}): Promise<ProgramRun> {
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

    await pulumi.runtime.setMocks({
        newResource(args) {
            const state = { ...args.inputs, ...synthesise(args.type, args.name, args.inputs) };
            resources.push({ type: args.type, name: args.name, inputs: args.inputs, state, provider: args.provider });
            return { id: resourceId(args.type, args.name), state };
        },
        call(args) {
            invokes.push({ token: args.token, inputs: args.inputs });
            if (args.token === "azuread:index/getServicePrincipal:getServicePrincipal") {
                return { objectId: `sp-of-${args.inputs.clientId}`, clientId: args.inputs.clientId, displayName: "Microsoft Graph" };
            }
            // A throwing mock yields an empty message and a hanging output; say which invoke was unexpected instead.
            console.error(`unexpected invoke ${args.token}`);
            return {};
        },
    }, PROJECT, STACK, options.preview ?? false);

    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) flat[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    pulumi.runtime.setAllConfig(flat);

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

    return {
        resources,
        invokes,
        outputs,
        secretOutputs,
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
