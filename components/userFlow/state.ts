/**
 * What the providers store and how they treat objects they did not create: state without undefined values (the
 * dynamic-provider host turns outputs into a protobuf Struct, which rejects `undefined`), the tenant of a resource
 * read with only an id, and the "not created by this stack" error.
 */
import * as constantsModule from "./constants";
import * as graphModule from "./graph";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { GUID_RE } = constantsModule;
const { brief } = graphModule;

/** `obj` without its undefined-valued keys (google-protobuf's Struct.fromJavaScript throws on undefined). */
export function compact<T extends object>(obj: T): T {
    return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The tenant of a resource: its recorded `tenantId`, or, when a resource is read with only an id (a caller that has
 * no state, e.g. a state reduced to `__provider` by an old provider), ARM_TENANT_ID or AZURE_TENANT_ID.
 */
export function tenantIdOf(props: { tenantId?: unknown } | undefined, env: Record<string, string | undefined> = process.env): string {
    const recorded = props?.tenantId;
    if (typeof recorded === "string" && GUID_RE.test(recorded)) return recorded;
    const fromEnv = env.ARM_TENANT_ID ?? env.AZURE_TENANT_ID;
    if (recorded === undefined && fromEnv && GUID_RE.test(fromEnv.trim())) return fromEnv.trim();
    throw new Error(`tenantId ${brief(recorded)} is not a GUID${recorded === undefined ? " (set ARM_TENANT_ID to the external tenant's id to read a resource by id alone)" : ""}`);
}

/**
 * The error for an object that already exists under the name a create wants, when this create did not make it and the
 * stack did not pin it for adoption (`adoptKey`, a stack-config key such as `userFlow.adopt.flow`, absent or naming
 * another id): nothing is changed, and the message names the object's id and the exact config entry that adopts it.
 * It does not point to Pulumi's `import` option: the engine's import reads a resource with only its id, and the Node
 * dynamic-provider host cannot run a provider without the serialized one from inputs or state (pulumi/pulumi#3550,
 * #16175; pkg/resource/deploy/step.go ImportStep at v3.274.1).
 */
export function notCreatedHere(kind: string, name: string, id: string, tenantId: string, adoptKey: string, adoptId?: string): Error {
    const why = adoptId === undefined
        ? "and this stack did not create it, so it was left untouched (names are unique in a tenant, whatever their case)"
        : `but ${adoptKey} is ${brief(adoptId)}, so it was left untouched (adoption needs exactly the id of the object found)`;
    return new Error(
        `${kind} ${brief(name)} already exists in tenant ${tenantId} with id ${id}, ${why}. ` +
        `To manage it with this stack, set ${adoptKey}: "${id}" in Pulumi.<stack>.yaml ` +
        `(\`pulumi config set --path ${adoptKey} ${id}\`) and run pulumi up again: that up takes over exactly this object ` +
        "and converges it to the config; otherwise choose another name.",
    );
}

/** Whether a pinned adoption id names this object (GUIDs and attribute ids compare without regard to case). */
export function adoptsThis(adoptId: string | undefined, id: string): boolean {
    return typeof adoptId === "string" && adoptId.toLowerCase() === String(id).toLowerCase();
}

/** Outputs never carry the adoption pin: it is consent for one create, not a property of the object. */
export function withoutAdopt<T extends { adoptId?: string }>(obj: T): Omit<T, "adoptId"> {
    const { adoptId: _a, ...rest } = obj;
    return rest;
}

/**
 * Names as Graph compares them: without regard to case. Directory string comparisons ignore case (`$filter=displayName
 * eq '…'` matches any case: learn.microsoft.com/answers/questions/1274766), and the docs only say a flow's displayName
 * "must be unique"; treating names that differ in case as the same is the side that never takes over a stranger's
 * object.
 */
export function sameName(a: unknown, b: unknown): boolean {
    return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}
