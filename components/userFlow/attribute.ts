/**
 * The UserFlowAttribute dynamic provider: a custom user attribute. Graph calls, relative to /v1.0:
 *   create  GET /identity/userFlowAttributes?$filter=displayName eq '…'   then POST /identity/userFlowAttributes
 *   read    GET /identity/userFlowAttributes/{id}
 *   update  PATCH /identity/userFlowAttributes/{id}                       ({description}: the only mutable field)
 *   delete  DELETE /identity/userFlowAttributes/{id}
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderOptions, UserFlowAttributeInputs, UserFlowAttributeOutputs } from "./types";
import { CUSTOM_NAME_RE, DATA_TYPES, GUID_RE, UNKNOWN, USER_FLOW_ATTRIBUTES } from "./constants";
import { type Ctx, type GraphFailure, call, listAll, makeContext, odataQuote, untilReplicated } from "./graph";
import { isUnknown } from "./flowInputs";

type ResourceProvider = pulumi.dynamic.ResourceProvider;
type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

export function checkUserFlowAttribute(news: Record<string, unknown>): { inputs: UserFlowAttributeInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const t = news.tenantId;
    if (t !== UNKNOWN && (typeof t !== "string" || !GUID_RE.test(t))) failures.push({ property: "tenantId", reason: `tenantId must be the external tenant's id (a GUID), got ${JSON.stringify(t)}` });
    const n = news.displayName;
    if (n !== UNKNOWN && (typeof n !== "string" || !CUSTOM_NAME_RE.test(n))) failures.push({ property: "displayName", reason: `displayName ${JSON.stringify(n)} must start with a letter and contain only letters and digits (at most 40)` });
    const dt = news.dataType ?? "string";
    if (dt !== UNKNOWN && !DATA_TYPES.includes(dt as string)) failures.push({ property: "dataType", reason: `dataType ${JSON.stringify(dt)} is not one of ${DATA_TYPES.join(", ")}` });
    const d = news.description;
    if (d !== undefined && d !== UNKNOWN && typeof d !== "string") failures.push({ property: "description", reason: "description must be a string" });
    return { inputs: { ...news, dataType: dt, description: d ?? n } as unknown as UserFlowAttributeInputs, failures };
}

export function diffUserFlowAttribute(olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs): DiffResult {
    // Only the description can be changed in place (PATCH); name and data type are fixed at creation.
    const replaces = (["tenantId", "displayName", "dataType"] as const).filter((k) => isUnknown(news[k]) || olds[k] !== news[k]);
    const updates = isUnknown(news.description) || (olds.description ?? "") !== (news.description ?? "") || (olds.version ?? "") !== (news.version ?? "");
    return { changes: replaces.length > 0 || updates, replaces, deleteBeforeReplace: true };
}

export function makeUserFlowAttributeProvider(opts: ProviderOptions = {}): ResourceProvider {
    const findByName = async (ctx: Ctx, name: string) => {
        const found = await listAll(ctx, USER_FLOW_ATTRIBUTES, { $filter: `displayName eq ${odataQuote(name)}` });
        return found.find((a) => a?.displayName === name && a?.userFlowAttributeType !== "builtIn");
    };
    const adopt = async (ctx: Ctx, existing: any, inputs: UserFlowAttributeInputs) => {
        if (existing.dataType !== inputs.dataType) {
            throw new Error(`custom attribute "${inputs.displayName}" already exists as ${existing.id} with dataType "${existing.dataType}", not "${inputs.dataType}"; the data type cannot be changed: choose another name or delete the attribute`);
        }
        if ((existing.description ?? "") !== (inputs.description ?? "")) {
            await call(ctx, "PATCH", `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(existing.id)}`, { description: inputs.description ?? "" });
        }
        return { id: String(existing.id), outs: { ...inputs, attributeId: String(existing.id) } };
    };
    return {
        check: async (_olds: unknown, news: Record<string, unknown>) => checkUserFlowAttribute(news),
        diff: async (_id: string, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) => diffUserFlowAttribute(olds, news),
        create: async (inputs: UserFlowAttributeInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const existing = await findByName(ctx, inputs.displayName);
            if (existing) return adopt(ctx, existing, inputs);
            const body = { displayName: inputs.displayName, description: inputs.description ?? inputs.displayName, dataType: inputs.dataType };
            return untilReplicated(ctx, `creating custom attribute "${inputs.displayName}"`, async () => {
                try {
                    const created = await call(ctx, "POST", USER_FLOW_ATTRIBUTES, body);
                    return { done: true as const, value: { id: String(created.id), outs: { ...inputs, attributeId: String(created.id) } } };
                } catch (e) {
                    const f = e as GraphFailure;
                    if (!f.lost && f.status !== 400 && f.status !== 409) throw e;
                    const found = await findByName(ctx, inputs.displayName);
                    if (found) return { done: true as const, value: await adopt(ctx, found, inputs) };
                    if (f.lost) return { done: false as const, reason: f.message };
                    throw e;
                }
            });
        },
        read: async (id: string, props: UserFlowAttributeOutputs) => {
            const ctx = makeContext(props.tenantId, opts);
            let live: any;
            try {
                live = await call(ctx, "GET", `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(id)}`);
            } catch (e) {
                if ((e as GraphFailure).status === 404) return {};
                throw e;
            }
            const outs = { ...props, displayName: live.displayName, dataType: live.dataType, description: live.description ?? "", attributeId: id };
            const { attributeId: _a, ...inputs } = outs;
            return { id, props: outs, inputs };
        },
        update: async (id: string, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) => {
            if ((olds.description ?? "") !== (news.description ?? "")) {
                const ctx = makeContext(news.tenantId, opts);
                await call(ctx, "PATCH", `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(id)}`, { description: news.description ?? "" });
            }
            return { outs: { ...news, attributeId: id } };
        },
        delete: async (id: string, props: UserFlowAttributeOutputs) => {
            const ctx = makeContext(props.tenantId, opts);
            try {
                await call(ctx, "DELETE", `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(id)}`);
            } catch (e) {
                if ((e as GraphFailure).status !== 404) throw e;
            }
        },
    };
}

