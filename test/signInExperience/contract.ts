/**
 * The request contract for the sign-in experience endpoints of the Graph stand-in: method and path must be an
 * operation of test/userFlow/openapi/openapi-sign-in-experience.v1.0.yaml, `$` query options declared parameters,
 * a JSON body valid against the operation's schema, a binary body sent with one of the operation's declared media
 * types. OpenAPI 3.0 → JSON Schema as in test/userFlow/contract.ts: `nullable` becomes a "null" type, the
 * generator's `{type: object, nullable: true}` anyOf branch becomes `{type: "null"}`, `@odata.type` is not required
 * on nested objects, and an object naming a mapped subtype in `@odata.type` is validated against that subtype too.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

export const SPEC_FILE = join(__dirname, "..", "userFlow", "openapi", "openapi-sign-in-experience.v1.0.yaml");

type Json = any;

interface Operation {
    readonly template: string;
    readonly regex: RegExp;
    readonly params: number;
    readonly method: string;
    readonly queryNames: Set<string>;
    readonly json?: ValidateFunction;
    readonly mediaTypes: string[];
}

export interface Match {
    readonly template: string;
    readonly params: string[];
}

function convert(node: Json): Json {
    if (Array.isArray(node)) return node.map(convert);
    if (node === null || typeof node !== "object") return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
        if (k === "discriminator" || k.startsWith("x-ms-") || k === "example" || k === "externalDocs" || k === "nullable") continue;
        if (k === "$ref") out.$ref = String(v).replace("#/components/schemas/", "#/definitions/");
        else if (k === "anyOf") out.anyOf = (v as Json[]).map((m) => (m?.type === "object" && m?.nullable === true && Object.keys(m).length === 2 ? { type: "null" } : convert(m)));
        else if (k === "required") {
            const r = (v as string[]).filter((x) => x !== "@odata.type");
            if (r.length) out.required = r;
        } else out[k] = convert(v);
    }
    if (node.nullable === true) {
        if (typeof out.type === "string") out.type = [out.type, "null"];
        if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    }
    return out;
}

function definitions(schemas: Record<string, Json>): Record<string, Json> {
    const defs: Record<string, Json> = {};
    for (const [name, schema] of Object.entries(schemas)) {
        const mapping = schema?.discriminator?.mapping ?? (schema?.allOf ?? []).find((m: Json) => m?.discriminator?.mapping)?.discriminator?.mapping;
        const plain = convert(schema);
        if (!mapping || name === "microsoft.graph.entity") {
            defs[name] = plain;
            continue;
        }
        defs[`${name}__plain`] = plain;
        defs[name] = {
            allOf: [
                { $ref: `#/definitions/${name}__plain` },
                { properties: { "@odata.type": { enum: [`#${name}`, ...Object.keys(mapping)] } } },
                ...Object.entries(mapping).map(([key, ref]) => ({
                    if: { type: "object", required: ["@odata.type"], properties: { "@odata.type": { const: key } } },
                    then: { $ref: String(ref).replace("#/components/schemas/", "#/definitions/") },
                })),
            ],
        };
    }
    // Subtypes refer to their base plainly (no cycle through the base's discriminator).
    for (const [name, def] of Object.entries(defs)) {
        if (name.endsWith("__plain")) continue;
        for (const m of def.allOf ?? []) if (typeof m.$ref === "string" && defs[`${m.$ref.split("/").pop()}__plain`] && !m.$ref.endsWith("__plain") && name !== m.$ref.split("/").pop()) m.$ref = `${m.$ref}__plain`;
    }
    return defs;
}

function resolve(spec: Json, node: Json): Json {
    let n = node;
    while (n && typeof n.$ref === "string") n = n.$ref.replace(/^#\//, "").split("/").reduce((acc: Json, p: string) => acc?.[p], spec);
    return n;
}

let cached: { check(method: string, path: string, query: URLSearchParams, body: unknown, contentType: string): { problems: string[]; match?: Match }; operationCount: number } | undefined;

export function loadSignInContract(): NonNullable<typeof cached> {
    if (cached) return cached;
    const spec = parse(readFileSync(SPEC_FILE, "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("base64url", /^[A-Za-z0-9_-]*={0,2}$/);
    const defs = definitions(spec.components.schemas);
    const ops: Operation[] = [];
    for (const [template, item] of Object.entries<Json>(spec.paths)) {
        let params = 0;
        const regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, (c) => `\\${c}`).replace(/\{[^}]+\}/g, () => { params++; return "([^/]+)"; })}$`);
        for (const method of ["get", "post", "patch", "put", "delete"]) {
            const op = item[method];
            if (!op) continue;
            const all = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => resolve(spec, p));
            const rb = op.requestBody ? resolve(spec, op.requestBody) : undefined;
            const content = rb?.content ?? {};
            const schema = content["application/json"]?.schema;
            ops.push({
                template, regex, params, method: method.toUpperCase(),
                queryNames: new Set(all.filter((p: Json) => p?.in === "query").map((p: Json) => p.name)),
                json: schema ? ajv.compile({ definitions: defs, ...convert(schema) }) : undefined,
                mediaTypes: Object.keys(content).filter((t) => t !== "application/json"),
            });
        }
    }
    ops.sort((a, b) => a.params - b.params);
    cached = {
        operationCount: ops.length,
        check(method, path, query, body, contentType) {
            const candidates = ops.filter((o) => o.regex.test(path));
            if (candidates.length === 0) return { problems: [`${method} ${path}: no such path in the sign-in experience excerpt`] };
            const op = candidates.find((o) => o.method === method);
            if (!op) return { problems: [`${method} ${path}: the path has no ${method} operation`] };
            const problems: string[] = [];
            for (const name of query.keys()) if (name.startsWith("$") && !op.queryNames.has(name)) problems.push(`${method} ${path}: query option ${name} is not a parameter of this operation`);
            const type = contentType.split(";")[0].trim().toLowerCase();
            if (op.mediaTypes.length > 0) {
                if (!op.mediaTypes.includes(type)) problems.push(`${method} ${path}: content type ${JSON.stringify(type)} is not one of ${op.mediaTypes.join(", ")}`);
                if (!Buffer.isBuffer(body) || body.length === 0) problems.push(`${method} ${path}: a binary body is required`);
            } else if (op.json) {
                if (body === undefined) problems.push(`${method} ${path}: a JSON request body is required`);
                else if (!op.json(body)) {
                    const errors = (op.json.errors ?? []).filter((e) => e.keyword !== "anyOf" && e.keyword !== "if" && !(e.keyword === "type" && e.params?.type === "null"));
                    for (const e of errors.length ? errors : op.json.errors ?? []) problems.push(`${method} ${path}: body${e.instancePath} ${e.message}`);
                }
            } else if (body !== undefined && method !== "GET" && method !== "DELETE") problems.push(`${method} ${path}: this operation takes no body`);
            return { problems, match: { template: op.template, params: (op.regex.exec(path) ?? []).slice(1).map(decodeURIComponent) } };
        },
    };
    return cached;
}
