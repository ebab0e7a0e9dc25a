/**
 * The UserFlowAttribute dynamic provider: a custom user attribute. Graph calls, relative to /v1.0:
 *   create  GET /identity/userFlowAttributes?$filter=displayName eq '…'   found (any case) = fail, naming it and
 *                                                                          userFlow.adopt.attributes.<name>; found with
 *                                                                          exactly the pinned adoptId = GET it by id,
 *                                                                          PATCH {description} if it differs, no POST;
 *                                                                          else
 *           POST /identity/userFlowAttributes                             (lost answer: look again, adopt only that)
 *   read    GET /identity/userFlowAttributes/{id}
 *   update  PATCH /identity/userFlowAttributes/{id}                       ({description}: the only mutable field;
 *                                                                          404 retried within 10 min of the create)
 *   delete  DELETE /identity/userFlowAttributes/{id}                      (404 = gone; within 10 min of the create,
 *                                                                          only after 3 consecutive 404 GETs)
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderOptions, UserFlowAttributeInputs, UserFlowAttributeOutputs } from "./types";
import * as constantsModule from "./constants";
import type { Ctx, GraphFailure } from "./graph";
import * as graphModule from "./graph";
import * as flowInputsModule from "./flowInputs";
import * as stateModule from "./state";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { CUSTOM_NAME_RE, DATA_TYPES, GUID_RE, UNKNOWN, USER_FLOW_ATTRIBUTES } = constantsModule;
const { brief, call, confirmedLive, deleteConfirmed, done, exists, getUnlessGone, isRecent, listAll, makeContext, notYet, odataQuote, untilReplicated } = graphModule;
const { isUnknown } = flowInputsModule;
const { adoptsThis, compact, notCreatedHere, sameName, tenantIdOf, withoutAdopt } = stateModule;

type ResourceProvider = pulumi.dynamic.ResourceProvider;
type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

export function checkUserFlowAttribute(news: Record<string, unknown>): { inputs: UserFlowAttributeInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const t = news.tenantId;
    if (t !== UNKNOWN && (typeof t !== "string" || !GUID_RE.test(t))) failures.push({ property: "tenantId", reason: `tenantId must be the external tenant's id (a GUID), got ${brief(t)}` });
    const n = news.displayName;
    if (n !== UNKNOWN && (typeof n !== "string" || !CUSTOM_NAME_RE.test(n))) failures.push({ property: "displayName", reason: `displayName ${brief(n)} must start with a letter and contain only letters and digits (at most 40)` });
    const dt = news.dataType ?? "string";
    if (dt !== UNKNOWN && !DATA_TYPES.includes(dt as string)) failures.push({ property: "dataType", reason: `dataType ${brief(dt)} is not one of ${DATA_TYPES.join(", ")}` });
    const d = news.description;
    if (d !== undefined && d !== UNKNOWN && typeof d !== "string") failures.push({ property: "description", reason: "description must be a string" });
    const a = news.adoptId;
    if (a !== undefined && a !== UNKNOWN && (typeof a !== "string" || !/^extension_[0-9a-f]{32}_[A-Za-z][A-Za-z0-9]{0,39}$/i.test(a))) {
        failures.push({ property: "adoptId", reason: `adoptId must be the id (extension_<32 hex digits>_<name>) of the existing custom attribute to take over, got ${brief(a)}` });
    }
    return { inputs: { ...news, dataType: dt, description: d ?? n } as unknown as UserFlowAttributeInputs, failures };
}

export function diffUserFlowAttribute(olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs): DiffResult {
    // Only the description can be changed in place (PATCH); name and data type are fixed at creation.
    const replaces = (["tenantId", "displayName", "dataType"] as const).filter((k) => isUnknown(news[k]) || olds[k] !== news[k]);
    const updates = isUnknown(news.description) || (olds.description ?? "") !== (news.description ?? "") || (olds.version ?? "") !== (news.version ?? "");
    return { changes: replaces.length > 0 || updates, replaces, deleteBeforeReplace: true };
}

/** A custom attribute whose name equals `name` the way Graph compares names (case-insensitively). */
async function findCustomByName(ctx: Ctx, name: string): Promise<any | undefined> {
    const found = await listAll(ctx, USER_FLOW_ATTRIBUTES, { $filter: `displayName eq ${odataQuote(name)}` });
    return found.find((a) => sameName(a?.displayName, name) && a?.userFlowAttributeType !== "builtIn");
}

function attributePath(id: string): string {
    return `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(id)}`;
}

export function makeUserFlowAttributeProvider(opts: ProviderOptions = {}): ResourceProvider {
    return {
        check: async (_olds: unknown, news: Record<string, unknown>) => checkUserFlowAttribute(news),
        diff: async (_id: string, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) => diffUserFlowAttribute(olds, news),
        create: async (inputs: UserFlowAttributeInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const name = inputs.displayName;
            const createdAt = new Date().toISOString();
            const adoptKey = `userFlow.adopt.attributes.${name}`;
            const ours = (found: any) => notCreatedHere("custom attribute", found.displayName ?? name, String(found.id), inputs.tenantId, adoptKey, inputs.adoptId);
            const outs = (id: string, extra: { createdAt?: string } = { createdAt }) => ({ id, outs: compact({ ...withoutAdopt(inputs), attributeId: id, ...extra }) });
            // Never adopt what exists already, unless the stack pinned exactly its id (userFlow.adopt.attributes.<name>):
            // it may belong to another stack or to the portal.
            const existing = await confirmedLive(ctx, () => findCustomByName(ctx, name), (a) => attributePath(String(a.id)));
            const adoptPinned = async (id: string) => {
                // Its complete state by id, as read does; then only what differs (the description) is written.
                const live = await getUnlessGone(ctx, attributePath(id), false);
                if (!live) throw new Error(`custom attribute ${brief(name)} (${id}) disappeared while it was being taken over`);
                if (live.displayName !== name) {
                    // A custom attribute cannot be renamed, and its id carries the name: state with another case would
                    // make the next refresh plan a replacement.
                    throw new Error(`custom attribute ${brief(name)} (${id}) is named ${brief(live.displayName)} in the tenant: a custom attribute cannot be renamed, ` +
                        `so it was not taken over; declare it as ${brief(live.displayName)} in userFlow.customAttributes (and userFlow.attributes)`);
                }
                if (live.dataType !== inputs.dataType) {
                    throw new Error(`custom attribute ${brief(name)} (${id}) has data type ${brief(live.dataType)}, but the config declares ${brief(inputs.dataType)}: ` +
                        "a data type cannot change, so it was not taken over; declare its data type or choose another name");
                }
                if ((live.description ?? "") !== (inputs.description ?? "")) await call(ctx, "PATCH", attributePath(id), { description: inputs.description ?? "" });
                // No createdAt: this program did not create it, so a 404 is never taken for replication delay.
                return outs(id, {});
            };
            if (existing && !adoptsThis(inputs.adoptId, String(existing.id))) throw ours(existing);
            if (existing) return adoptPinned(String(existing.id));
            const body = { displayName: name, description: inputs.description ?? name, dataType: inputs.dataType };
            let lost = false;
            return untilReplicated(ctx, `creating custom attribute ${brief(name)}`, async () => {
                try {
                    const created = await call(ctx, "POST", USER_FLOW_ATTRIBUTES, body);
                    return done(outs(String(created.id)));
                } catch (e) {
                    const f = e as GraphFailure;
                    if (!f.lost && f.status !== 400 && f.status !== 409) throw e;
                    if (f.lost) lost = true;
                    const found = await findCustomByName(ctx, name);
                    // Absent just before our first POST and present after a lost answer: our own POST made it.
                    if (found && lost) return done(outs(String(found.id)));
                    // Made by someone else between our lookup and our POST: the same rule as for one found before.
                    if (found && adoptsThis(inputs.adoptId, String(found.id))) return done(await adoptPinned(String(found.id)));
                    if (found) throw ours(found);
                    if (lost) return notYet(f.message);
                    throw e;
                }
            });
        },
        read: async (id: string, props: UserFlowAttributeOutputs) => {
            const tenantId = tenantIdOf(props);
            const ctx = makeContext(tenantId, opts);
            const live = await getUnlessGone(ctx, attributePath(id), isRecent(props?.createdAt));
            if (!live) return {};
            const inputs = compact({ tenantId, displayName: live.displayName, dataType: live.dataType, description: live.description ?? "", version: props?.version });
            return { id, props: compact({ ...inputs, attributeId: id, createdAt: props?.createdAt }), inputs };
        },
        update: async (id: string, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) => {
            if ((olds.description ?? "") !== (news.description ?? "")) {
                const ctx = makeContext(news.tenantId, opts);
                const recent = isRecent(olds.createdAt);
                await untilReplicated(ctx, `updating custom attribute ${id}`, async () => {
                    try {
                        await call(ctx, "PATCH", attributePath(id), { description: news.description ?? "" });
                        return done(undefined);
                    } catch (e) {
                        if ((e as GraphFailure).status === 404 && recent) return notYet((e as Error).message);
                        throw e;
                    }
                });
            }
            return { outs: compact({ ...withoutAdopt(news), attributeId: id, createdAt: olds.createdAt }) };
        },
        delete: async (id: string, props: UserFlowAttributeOutputs) => {
            const ctx = makeContext(tenantIdOf(props), opts);
            await deleteConfirmed(ctx, attributePath(id), () => exists(ctx, attributePath(id)), isRecent(props.createdAt));
        },
    };
}
