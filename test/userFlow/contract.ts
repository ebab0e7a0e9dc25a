/**
 * The request contract of the Graph stand-in: every request's method and path must be an operation of
 * test/userFlow/openapi/openapi-user-flows.v1.0.yaml (or of another excerpt: `loadContract(specFile, label)`, as the
 * sign-in experience's test/signInExperience/contract.ts does), its `$` query options must be declared parameters of
 * that operation, its JSON body must validate against the operation's request-body schema, and a binary body must
 * be sent with one of the operation's declared media types.
 *
 * The excerpt is OpenAPI 3.0 (Kiota style); it is adapted for ajv as follows:
 * - `nullable: true` becomes a `"null"` type; an `anyOf` branch `{type: object, nullable: true}` (the generator's
 *   idiom for "this complex property may be null") becomes `{type: "null"}`, so the real branch is validated;
 * - `@odata.type` is dropped from `required` (the documented request examples omit it on nested objects; the stand-in
 *   checks it where the docs say it is mandatory);
 * - `discriminator.mapping` is applied: an object whose `@odata.type` names a mapped subtype is also validated
 *   against that subtype, and an `@odata.type` that is not in the mapping is rejected;
 * - additional properties stay allowed (the types are open), unknown `x-ms-*` keywords are ignored.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

/** The published Microsoft Graph v1.0 schema fragments for user flows (provenance: openapi/README.md). */
export const OPENAPI_DIR = join(__dirname, "openapi");
const SPEC_FILE = join(OPENAPI_DIR, "openapi-user-flows.v1.0.yaml");

const METHODS = ["get", "post", "patch", "put", "delete"] as const;

interface Operation {
    readonly template: string;
    readonly regex: RegExp;
    readonly params: number;
    readonly method: string;
    readonly queryNames: Set<string>;
    readonly body?: ValidateFunction;
    readonly bodyRequired: boolean;
    /** Declared request media types other than JSON (e.g. image/png for an image upload); empty for JSON bodies. */
    readonly mediaTypes: string[];
}

export interface ContractMatch {
    /** The OpenAPI path template, e.g. /identity/authenticationEventsFlows/{authenticationEventsFlow-id}. */
    readonly template: string;
    readonly params: string[];
}

export interface Contract {
    /** Problems with the request (empty when it conforms) and the matched operation. */
    check(method: string, path: string, query: URLSearchParams, body: unknown, contentType?: string): { problems: string[]; match?: ContractMatch };
    /** Number of operations loaded (a sanity check for tests). */
    readonly operationCount: number;
}

type Json = any;

function clone<T>(x: T): T {
    return JSON.parse(JSON.stringify(x));
}

/** Rewrites one OpenAPI schema node into JSON Schema for ajv. `plainBase` makes allOf-inheritance refs plain. */
function convert(node: Json, plainBase = false): Json {
    if (Array.isArray(node)) return node.map((n) => convert(n));
    if (node === null || typeof node !== "object") return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
        if (k === "discriminator" || k.startsWith("x-ms-") || k === "example" || k === "externalDocs") continue;
        if (k === "$ref" && typeof v === "string") {
            out.$ref = v.replace("#/components/schemas/", "#/definitions/");
            continue;
        }
        if (k === "allOf" && Array.isArray(v)) {
            out.allOf = v.map((m: Json) => {
                if (plainBase && m && typeof m.$ref === "string") return { $ref: `${m.$ref.replace("#/components/schemas/", "#/definitions/")}__plain` };
                return convert(m);
            });
            continue;
        }
        if (k === "anyOf" && Array.isArray(v)) {
            out.anyOf = v.map((m: Json) => (m && m.type === "object" && m.nullable === true && Object.keys(m).length === 2 ? { type: "null" } : convert(m)));
            continue;
        }
        if (k === "required" && Array.isArray(v)) {
            const r = v.filter((x) => x !== "@odata.type");
            if (r.length > 0) out.required = r;
            continue;
        }
        if (k === "nullable") continue;
        out[k] = convert(v);
    }
    if (node.nullable === true) {
        if (typeof out.type === "string") out.type = [out.type, "null"];
        if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    }
    return out;
}

/** Finds a discriminator mapping at the top of a schema or in one of its allOf members. */
function mappingOf(schema: Json): Record<string, string> | undefined {
    if (schema?.discriminator?.mapping) return schema.discriminator.mapping;
    for (const m of schema?.allOf ?? []) if (m?.discriminator?.mapping) return m.discriminator.mapping;
    return undefined;
}

function buildDefinitions(schemas: Record<string, Json>): Record<string, Json> {
    const defs: Record<string, Json> = {};
    for (const [name, schema] of Object.entries(schemas)) {
        defs[`${name}__plain`] = convert(schema, true);
        const mapping = mappingOf(schema);
        if (!mapping) {
            defs[name] = { $ref: `#/definitions/${name}__plain` };
            continue;
        }
        const self = `#${name}`;
        const branches = Object.entries(mapping)
            .filter(([key]) => key !== self)
            .map(([key, ref]) => ({
                if: { type: "object", required: ["@odata.type"], properties: { "@odata.type": { const: key } } },
                then: { $ref: `${ref.replace("#/components/schemas/", "#/definitions/")}__plain` },
            }));
        defs[name] = {
            allOf: [
                { $ref: `#/definitions/${name}__plain` },
                { properties: { "@odata.type": { enum: [self, ...Object.keys(mapping)] } } },
                ...branches,
            ],
        };
    }
    return defs;
}

function resolve(spec: Json, node: Json): Json {
    let n = node;
    while (n && typeof n.$ref === "string") {
        const parts = n.$ref.replace(/^#\//, "").split("/");
        n = parts.reduce((acc: Json, p: string) => acc?.[p.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
    }
    return n;
}

const cached = new Map<string, Contract>();

/** The contract of `specFile` (loaded once per file); `label` names the excerpt in problems. */
export function loadContract(specFile = SPEC_FILE, label = "the OpenAPI excerpt"): Contract {
    const hit = cached.get(specFile);
    if (hit) return hit;
    const spec = parse(readFileSync(specFile, "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addFormat("base64url", /^[A-Za-z0-9_-]*={0,2}$/);
    const definitions = buildDefinitions(clone(spec.components.schemas));
    const ops: Operation[] = [];
    for (const [template, item] of Object.entries<Json>(spec.paths)) {
        const paramNames: string[] = [];
        const source = template.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`).replace(/\\\{[^}]+\\\}/g, () => {
            paramNames.push("p");
            return "([^/]+)";
        });
        const regex = new RegExp(`^${source}$`);
        for (const method of METHODS) {
            const op = item[method];
            if (!op) continue;
            const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => resolve(spec, p));
            const queryNames = new Set<string>(params.filter((p: Json) => p?.in === "query").map((p: Json) => p.name));
            const rb = op.requestBody ? resolve(spec, op.requestBody) : undefined;
            const content: Record<string, Json> = rb?.content ?? {};
            const schema = content["application/json"]?.schema;
            const body = schema ? ajv.compile({ definitions, ...convert(clone(schema)) }) : undefined;
            const mediaTypes = Object.keys(content).filter((t) => t !== "application/json");
            ops.push({ template, regex, params: paramNames.length, method: method.toUpperCase(), queryNames, body, bodyRequired: rb?.required === true, mediaTypes });
        }
    }
    // Literal segments ($count, $ref, casts) win over parameters.
    ops.sort((a, b) => a.params - b.params);
    const contract: Contract = {
        operationCount: ops.length,
        check(method, path, query, body, contentType = "application/json") {
            const problems: string[] = [];
            // The docs' cast form (microsoft.graph.x) and the excerpt's (graph.x) are the same namespace.
            const normalized = path.replace(/\/microsoft\.graph\./g, "/graph.").replace(/\/+$/, "");
            const candidates = ops.filter((o) => o.regex.test(normalized));
            if (candidates.length === 0) return { problems: [`${method} ${path}: no such path in ${label}`] };
            const op = candidates.find((o) => o.method === method);
            if (!op) return { problems: [`${method} ${path}: the path has no ${method} operation (it has ${candidates.map((c) => c.method).join(", ")})`] };
            for (const name of query.keys()) {
                if (name.startsWith("$") && !op.queryNames.has(name)) problems.push(`${method} ${path}: query option ${name} is not a parameter of this operation`);
            }
            if (op.mediaTypes.length > 0) {
                const type = contentType.split(";")[0].trim().toLowerCase();
                if (!op.mediaTypes.includes(type)) problems.push(`${method} ${path}: content type ${JSON.stringify(type)} is not one of ${op.mediaTypes.join(", ")}`);
                if (!Buffer.isBuffer(body) || body.length === 0) problems.push(`${method} ${path}: a binary body is required`);
            } else if (op.body) {
                if (body === undefined) {
                    if (op.bodyRequired) problems.push(`${method} ${path}: a JSON request body is required`);
                } else if (!op.body(body)) {
                    const errors = op.body.errors ?? [];
                    // anyOf/if wrappers and the "or null" branch only repeat the real error below them.
                    const real = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "if" && !(e.keyword === "type" && e.params?.type === "null"));
                    for (const e of real.length > 0 ? real : errors) problems.push(`${method} ${path}: body${e.instancePath} ${e.message}`);
                }
            } else if (body !== undefined && method !== "GET" && method !== "DELETE") {
                problems.push(`${method} ${path}: this operation takes no body`);
            }
            const params = (op.regex.exec(normalized) ?? []).slice(1).map(decodeURIComponent);
            return { problems, match: { template: op.template, params } };
        },
    };
    cached.set(specFile, contract);
    return contract;
}
