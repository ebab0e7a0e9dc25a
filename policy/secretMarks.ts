/**
 * Which top-level properties of a resource reached the pack marked secret.
 *
 * The engine sends a policy pack every secret in Pulumi's secret wire form (pulumi/pulumi
 * pkg/resource/plugin/analyzer_plugin.go marshals the properties of `Analyze` and `AnalyzeStack` with
 * `KeepSecrets: true`; the Node.js SDK keeps the marker on unknown values too, @pulumi/pulumi runtime/rpc.js
 * `serializeProperty`). @pulumi/policy (1.21) unwraps them before a policy sees them: its server calls
 * `deserializeProperties(properties, false)` for `validateResource` and `validateStack`, so a secret and a plain value
 * look alike, and the SDK has no way to ask (pulumi/pulumi-policy#241, open; its FAQ: "secrets are unencrypted in
 * policy-pack checks"). No library offers this, hence these few lines: the pack wraps the SDK's deserializer once, at
 * start-up, notes which top-level properties were secret on the wire and attaches that list under a symbol to the
 * object the SDK then hands the policies (the values are untouched; the SDK's unknown-checking proxy passes a frozen
 * property through as is).
 *
 * Should a later SDK stop deserializing through that module, `secretMarks` answers undefined and the policies that
 * need it report a violation (they fail closed); test/policy/resourcePolicies.test.ts runs the pack over the real
 * Analyzer protocol, so such a change fails the tests first.
 */
import { createRequire } from "node:module";

const sdkRequire = createRequire(require.resolve("@pulumi/policy"));
// The wire form's signature key and the secret signature, from the Pulumi SDK the policy SDK itself uses.
const rpc = sdkRequire("@pulumi/pulumi/runtime/rpc") as { specialSigKey: string; specialSecretSig: string };

const MARKS = Symbol.for("entra-ciam-policy.secretMarks");
const WRAPPED = Symbol.for("entra-ciam-policy.secretMarks.wrapped");

type Deserialize = ((struct: { toJavaScript(): Record<string, unknown> }, proxySecrets: boolean) => object) & { [WRAPPED]?: true };

/** Whether a value in Pulumi's wire form is a secret. */
export function isWireSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig;
}

/** The top-level properties of wire-form properties that are secrets, sorted. */
export function secretPropertyNames(wire: Record<string, unknown>): string[] {
    return Object.keys(wire).filter((k) => isWireSecret(wire[k])).sort();
}

/** Wraps @pulumi/policy's deserializer so that every deserialized property object carries its secret marks. Idempotent. */
export function installSecretMarks(): void {
    const deserialize = sdkRequire("./deserialize") as { deserializeProperties: Deserialize };
    const original = deserialize.deserializeProperties;
    if (typeof original !== "function") throw new Error("@pulumi/policy no longer exports deserializeProperties: the secret marks cannot be read (policy/secretMarks.ts)");
    if (original[WRAPPED]) return;
    const wrapped: Deserialize = (struct, proxySecrets) => {
        const props = original(struct, proxySecrets);
        const marks = Object.freeze(secretPropertyNames(struct.toJavaScript()));
        Object.defineProperty(props, MARKS, { value: marks, enumerable: false, writable: false, configurable: false });
        return props;
    };
    wrapped[WRAPPED] = true;
    deserialize.deserializeProperties = wrapped;
}

/**
 * The top-level properties that arrived marked secret, for `args.props` of a resource policy or a resource of a stack
 * policy; undefined when the pack could not see the marks (installSecretMarks not run, or the SDK changed).
 */
export function secretMarks(props: object): ReadonlySet<string> | undefined {
    const marks = (props as { [MARKS]?: readonly string[] })[MARKS];
    return Array.isArray(marks) ? new Set(marks) : undefined;
}
