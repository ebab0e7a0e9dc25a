/**
 * What the providers store and how they treat objects they did not create: state without undefined values (the
 * dynamic-provider host turns outputs into a protobuf Struct, which rejects `undefined`), the tenant of a resource
 * read with only an id, and the "not created by this stack" error.
 */
import { GUID_RE } from "./constants";
import { brief } from "./graph";

/** `obj` without its undefined-valued keys (google-protobuf's Struct.fromJavaScript throws on undefined). */
export function compact<T extends object>(obj: T): T {
    return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The tenant of a resource: its recorded `tenantId`, or, when a resource is read with only an id (the `import`
 * resource option passes the program's inputs, which always hold it; other callers may not), ARM_TENANT_ID or
 * AZURE_TENANT_ID.
 */
export function tenantIdOf(props: { tenantId?: unknown } | undefined, env: Record<string, string | undefined> = process.env): string {
    const recorded = props?.tenantId;
    if (typeof recorded === "string" && GUID_RE.test(recorded)) return recorded;
    const fromEnv = env.ARM_TENANT_ID ?? env.AZURE_TENANT_ID;
    if (recorded === undefined && fromEnv && GUID_RE.test(fromEnv.trim())) return fromEnv.trim();
    throw new Error(`tenantId ${brief(recorded)} is not a GUID${recorded === undefined ? " (set ARM_TENANT_ID to the external tenant's id to read a resource by id alone)" : ""}`);
}

/**
 * The error for an object that already exists under the name a create wants, when this create did not make it:
 * nothing is changed, and the message says how to bring it under management instead.
 */
export function notCreatedHere(kind: string, name: string, id: string, tenantId: string): Error {
    return new Error(
        `${kind} ${brief(name)} already exists in tenant ${tenantId} with id ${id}, and this stack did not create it, so it was left untouched ` +
        "(names are unique in a tenant, whatever their case). " +
        `To manage it with this stack, declare the resource with the resource option { import: "${id}" } and run pulumi up once ` +
        "(the `pulumi import` command cannot import dynamic-provider resources, pulumi/pulumi#16175); otherwise choose another name.",
    );
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
