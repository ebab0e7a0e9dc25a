/**
 * Drives the user-flow providers the way a real `pulumi up` / `refresh` / `destroy` does, without the CLI:
 *
 * - the provider object is serialized exactly as `pulumi.dynamic.Resource` does it (`serializeFunction`), and the
 *   text is loaded in a fresh module outside jest's sandbox, as the Node dynamic-provider host does;
 * - every value that crosses the gRPC boundary goes through google-protobuf's Struct (so `undefined` in state fails
 *   here as it fails for real), and `__provider` is carried the way `@pulumi/pulumi/cmd/dynamic-provider/index.js`
 *   carries it: check → inputs + `__provider`; create/update/read → outputs + `__provider`; an `update` the provider
 *   does not implement leaves only `{__provider}` as state;
 * - the engine's order: check(prior inputs, news) → diff(prior outputs, checked inputs) → create, update, or (with
 *   deleteBeforeReplace) delete with the old provider then create; refresh = read(id, prior outputs), an empty id
 *   drops the resource. There is no import: the engine's import step reads a dynamic-provider resource by id alone,
 *   which the Node dynamic-provider host cannot serve (pulumi/pulumi#3550, #16175).
 *
 * Test hooks (virtual sleep, a token credential) reach the deserialized code through the real global object, the
 * only thing a serialized closure can share with the test: `hooks()`.
 */
import Module from "node:module";
import { join } from "node:path";
import type { ProviderOptions } from "../../components/userFlow/provider";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, any>;

interface Stored {
    id: string;
    outputs: Props;
    inputs: Props;
}

/** What the test controls inside the deserialized providers. */
export interface Hooks {
    sleep(ms: number): Promise<void>;
    getToken(scope: string, options: { tenantId?: string; claims?: string }): Promise<{ token: string; expiresOnTimestamp: number }>;
}

function compileOutsideJest<T>(code: string, file: string): T {
    const m = new Module(file) as Module & { _compile(code: string, filename: string): void; paths: string[] };
    m.filename = file;
    m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(join(__dirname, "..", ".."));
    m._compile(code, file);
    return m.exports as T;
}

/** The real process's global object and environment (jest gives the test its own copies). */
export const realGlobal = compileOutsideJest<typeof globalThis & { __userFlowTestHooks?: Hooks }>("module.exports = globalThis;", join(__dirname, "__real_global.js"));
export const realEnv = compileOutsideJest<NodeJS.ProcessEnv>("module.exports = process.env;", join(__dirname, "__real_env.js"));

export function setHooks(hooks: Hooks): void {
    realGlobal.__userFlowTestHooks = hooks;
}

/** Provider options whose functions only name the global hooks, so the provider serializes without test objects;
 * no baseUrl: the providers read GRAPH_BASE_URL at call time, as in production. */
export function hookedOptions(extra: Partial<ProviderOptions> = {}): ProviderOptions {
    return {
        backoffBaseMs: 1000,
        maxWaitMs: 120_000,
        credential: { getToken: (scope: string | string[], o?: any) => (globalThis as any).__userFlowTestHooks.getToken(scope, o ?? {}) },
        sleep: (ms: number) => (globalThis as any).__userFlowTestHooks.sleep(ms),
        ...extra,
    };
}

/** The provider's text, as `pulumi.dynamic.Resource` would put it in `__provider`. */
export async function serialize(provider: object): Promise<string> {
    const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction(f: () => unknown, o: object): Promise<{ text: string }> };
    return (await sc.serializeFunction(() => provider, { allowSecrets: true })).text;
}

/** A JSON value after a trip through protobuf's Struct, as every value between engine and host travels. */
export function wire(value: Props): Props {
    // The same module the dynamic-provider host uses (a dependency of @pulumi/pulumi).
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(v: Props): { toJavaScript(): Props } } };
    return Struct.fromJavaScript(value).toJavaScript();
}

export class CheckFailed extends Error {}

export class Engine {
    readonly state = new Map<string, Stored>();
    private readonly loaded = new Map<string, any>();

    /** The deserialized provider, once per text (the host's providerCache). */
    provider(text: string): any {
        let p = this.loaded.get(text);
        if (!p) {
            p = compileOutsideJest<{ handler(): any }>(text, join(__dirname, "..", "..", "components", "userFlow", "__provider.js")).handler();
            this.loaded.set(text, p);
        }
        return p;
    }

    private async check(text: string, olds: Props, inputs: Props): Promise<Props> {
        const news = wire({ ...inputs, __provider: text });
        const result = await this.provider(text).check(olds, news);
        if (result.failures?.length) throw new CheckFailed(result.failures.map((f: { property: string; reason: string }) => `${f.property}: ${f.reason}`).join("; "));
        return wire({ ...result.inputs, __provider: text });
    }

    /** `pulumi preview` of one resource: check and diff only; "create" for a new one. */
    async preview(name: string, text: string, inputs: Props): Promise<"create" | { changes: boolean; replaces: string[] }> {
        const prior = this.state.get(name);
        const checked = await this.check(text, prior?.inputs ?? {}, inputs);
        if (!prior) return "create";
        const d = await this.provider(text).diff(prior.id, prior.outputs, checked);
        return { changes: d.changes === true, replaces: d.replaces ?? [] };
    }

    /** `pulumi up` of one resource. Returns what the engine did. */
    async up(name: string, text: string, inputs: Props): Promise<"create" | "update" | "replace" | "same"> {
        const prior = this.state.get(name);
        const checked = await this.check(text, prior?.inputs ?? {}, inputs);
        const p = this.provider(text);
        if (!prior) {
            await this.create(name, text, checked);
            return "create";
        }
        const d = await p.diff(prior.id, prior.outputs, checked);
        if (!d.changes) {
            this.state.set(name, { ...prior, inputs: checked });
            return "same";
        }
        if (d.replaces?.length) {
            if (!d.deleteBeforeReplace) throw new Error("these providers always delete before replace");
            await this.destroy(name);
            await this.create(name, text, checked);
            return "replace";
        }
        const result = p.update ? ((await p.update(prior.id, prior.outputs, checked)) ?? {}) : {};
        this.state.set(name, { id: prior.id, outputs: wire({ ...(result.outs ?? {}), __provider: text }), inputs: checked });
        return "update";
    }

    private async create(name: string, text: string, checked: Props): Promise<void> {
        const result = await this.provider(text).create(checked);
        this.state.set(name, { id: result.id, outputs: wire({ ...result.outs, __provider: text }), inputs: checked });
    }

    /** `pulumi refresh` of one resource. Returns false when the provider reported it gone. */
    async refresh(name: string): Promise<boolean> {
        const prior = this.mustHave(name);
        const text = prior.outputs.__provider as string;
        const result = await this.provider(text).read(prior.id, prior.outputs);
        if (!result?.id) {
            this.state.delete(name);
            return false;
        }
        this.state.set(name, {
            id: result.id,
            outputs: wire({ ...result.props, __provider: text }),
            inputs: result.inputs ? wire({ ...result.inputs, __provider: text }) : prior.inputs,
        });
        return true;
    }

    /** `pulumi destroy` of one resource: delete with the provider recorded in its state. */
    async destroy(name: string): Promise<void> {
        const prior = this.mustHave(name);
        await this.provider(prior.outputs.__provider).delete(prior.id, prior.outputs);
        this.state.delete(name);
    }

    private mustHave(name: string): Stored {
        const s = this.state.get(name);
        if (!s) throw new Error(`${name} is not in the state`);
        return s;
    }
}
