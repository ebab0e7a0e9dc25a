/** A user flow's live state in Graph: read it, find it by name, and converge it to the desired inputs. */
import type { AttributeInputType, FlowAttributeInputs, UserFlowInputs, UserFlowOutputs } from "./types";
import * as constantsModule from "./constants";
import type { Ctx, GraphFailure } from "./graph";
import * as graphModule from "./graph";
import * as flowInputsModule from "./flowInputs";
import * as stateModule from "./state";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { FLOWS, FLOW_TYPE, IAFS_TYPE, INPUT_TYPES, USER_FLOW_ATTRIBUTES, attrPath, flowPath, idpPath } = constantsModule;
const { call, done, exists, getUnlessGone, listAll, notYet, untilReplicated } = graphModule;
const { attributeCollection, changedFlowFields } = flowInputsModule;
const { compact, sameName } = stateModule;

export interface LiveFlow {
    readonly id: string;
    readonly displayName: string;
    readonly signUpAllowed: boolean;
    readonly identityProviders: string[];
    readonly attributes: FlowAttributeInputs[];
}

/** Reads a flow's live state; undefined when it does not exist (after the replication window when `recent`). */
export async function readFlow(ctx: Ctx, id: string, recent: boolean): Promise<LiveFlow | undefined> {
    const flow = await getUnlessGone(ctx, flowPath(id), recent);
    if (!flow) return undefined;
    const entity = flow.value && !flow.id ? flow.value : flow; // the docs' GET example wraps the entity in "value"
    let idps: any[] | undefined = entity.onAuthenticationMethodLoadStart?.identityProviders;
    if (!Array.isArray(idps)) idps = await listAll(ctx, idpPath(id));
    let navAttrs: any[] | undefined = entity.onAttributeCollection?.attributes;
    if (!Array.isArray(navAttrs)) {
        try {
            navAttrs = await listAll(ctx, attrPath(id));
        } catch (e) {
            if ((e as GraphFailure).status !== 400) throw e; // documented: 400 when the flow has no attributes
            navAttrs = [];
        }
    }
    const inputs: any[] = (entity.onAttributeCollection?.attributeCollectionPage?.views ?? []).flatMap((v: any) => v?.inputs ?? []);
    const attributes: FlowAttributeInputs[] = navAttrs
        .filter((a) => a?.id && a.id !== "email")
        .map((a) => {
            const input = inputs.find((i) => i?.attribute === a.id);
            const out: FlowAttributeInputs = {
                attribute: a.id,
                label: input?.label ?? "",
                required: input?.required ?? false,
                inputType: (INPUT_TYPES.find((t) => t.toLowerCase() === String(input?.inputType ?? "text").toLowerCase()) ?? input?.inputType) as AttributeInputType,
                options: (input?.options ?? []).map((o: any) => ({ label: o.label, value: o.value })),
            };
            // dataType is part of the state for custom attributes (whose create body needs it) and non-string ones.
            const withType = typeof a.dataType === "string" && (a.dataType !== "string" || String(a.id).startsWith("extension_"));
            return withType ? { ...out, dataType: a.dataType } : out;
        });
    return {
        id: entity.id ?? id,
        displayName: entity.displayName,
        signUpAllowed: entity.onInteractiveAuthFlowStart?.isSignUpAllowed === true,
        identityProviders: idps.map((p) => p.id),
        attributes,
    };
}

/** Orders `live` like `previous` (so a refresh shows only real changes), unknown entries last. */
export function orderLike<T>(live: T[], previous: readonly T[] | undefined, key: (x: T) => string): T[] {
    const prev = (previous ?? []).map(key);
    const rank = (x: T) => {
        const i = prev.indexOf(key(x));
        return i < 0 ? prev.length : i;
    };
    return [...live].sort((a, b) => rank(a) - rank(b));
}

/** The ids in a flow's navigation list; undefined when the flow answers 404 (not visible, or gone). */
async function refIds(ctx: Ctx, listPath: string): Promise<string[] | undefined> {
    try {
        return (await listAll(ctx, listPath)).map((x) => String(x?.id));
    } catch (e) {
        const status = (e as GraphFailure).status;
        if (status === 400) return []; // documented: the attributes list answers 400 when the flow has none
        if (status === 404) return undefined;
        throw e;
    }
}

/** Custom attributes (extension_…) among `ids` that GET /identity/userFlowAttributes/{id} does not know (404). */
export async function unknownCustomAttributes(ctx: Ctx, ids: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const id of ids.filter((x) => x.startsWith("extension_"))) {
        if (!(await exists(ctx, `${USER_FLOW_ATTRIBUTES}/${encodeURIComponent(id)}`))) missing.push(id);
    }
    return missing;
}

/**
 * Adds `id` to a flow's navigation list. A lost answer or a 404 (the flow not visible yet) is retried; a 400/409 is
 * "already there" when the list shows it, replication when it names a custom attribute that Graph does not know yet
 * (confirmed by a GET), and otherwise final: Graph's message is reported at once.
 */
export async function addRef(ctx: Ctx, listPath: string, refUrl: string, id: string, what: string): Promise<void> {
    await untilReplicated(ctx, `adding ${what} ${id}`, async () => {
        try {
            await call(ctx, "POST", `${listPath}/$ref`, { "@odata.id": refUrl });
            return done(undefined);
        } catch (e) {
            const f = e as GraphFailure;
            if (!f.lost && f.status !== 400 && f.status !== 404 && f.status !== 409) throw e;
            const present = await refIds(ctx, listPath);
            if (present?.includes(id)) return done(undefined);
            if (f.lost || f.status === 404 || present === undefined) return notYet(f.message);
            if ((await unknownCustomAttributes(ctx, [id])).length > 0) return notYet(`custom attribute ${id} is not known to the tenant yet (${f.message})`);
            throw e;
        }
    });
}

/** Removes `id` from a flow's navigation list; 404 is done, except for a recent flow that is not visible yet. */
export async function removeRef(ctx: Ctx, listPath: string, id: string, flowId: string, recent: boolean): Promise<void> {
    await untilReplicated(ctx, `removing ${id}`, async () => {
        try {
            await call(ctx, "DELETE", `${listPath}/${encodeURIComponent(id)}/$ref`);
        } catch (e) {
            if ((e as GraphFailure).status !== 404) throw e;
            if (recent && !(await exists(ctx, flowPath(flowId)))) return notYet(`user flow ${flowId} is not visible yet`);
        }
        return done(undefined);
    });
}

/** PATCH, retrying 404s while a recently created flow is not visible yet. */
async function patchFlow(ctx: Ctx, id: string, patch: Record<string, unknown>, recent: boolean): Promise<void> {
    await untilReplicated(ctx, `updating user flow ${id}`, async () => {
        try {
            await call(ctx, "PATCH", flowPath(id), patch);
            return done(undefined);
        } catch (e) {
            if ((e as GraphFailure).status === 404 && recent) return notYet((e as Error).message);
            throw e;
        }
    });
}

/**
 * Brings flow `id` from `from` to `to` with the fewest calls: $ref adds, $ref removes, then one PATCH. `recent`: the
 * flow was created moments ago, so 404s are replication delay and retried.
 */
export async function convergeFlow(ctx: Ctx, id: string, from: UserFlowOutputs, to: UserFlowInputs, graphRoot: string, recent = false): Promise<void> {
    const changed = changedFlowFields(from, to);
    const idpRef = (p: string) => `${graphRoot}/v1.0/identity/identityProviders/${p}`;
    const attrRef = (a: string) => `${graphRoot}/v1.0/identity/userFlowAttributes/${a}`;
    const oldIdps = from.identityProviders ?? [];
    const newIdps = to.identityProviders ?? [];
    // Add before remove, so the flow always keeps at least one identity provider.
    for (const p of newIdps.filter((x) => !oldIdps.includes(x))) await addRef(ctx, idpPath(id), idpRef(p), p, "identity provider");
    for (const p of oldIdps.filter((x) => !newIdps.includes(x))) await removeRef(ctx, idpPath(id), p, id, recent);
    const oldAttrs = (from.attributes ?? []).map((a) => a.attribute);
    const newAttrs = (to.attributes ?? []).map((a) => a.attribute);
    for (const a of newAttrs.filter((x) => !oldAttrs.includes(x))) await addRef(ctx, attrPath(id), attrRef(a), a, "attribute");
    for (const a of oldAttrs.filter((x) => !newAttrs.includes(x))) await removeRef(ctx, attrPath(id), a, id, recent);
    const patch: Record<string, unknown> = { "@odata.type": FLOW_TYPE };
    if (changed.includes("displayName")) patch.displayName = to.displayName;
    if (changed.includes("signUpAllowed")) patch.onInteractiveAuthFlowStart = { "@odata.type": `#${IAFS_TYPE}`, isSignUpAllowed: to.signUpAllowed ?? true };
    if (changed.includes("attributes")) patch.onAttributeCollection = attributeCollection(to.attributes ?? [], false);
    if (Object.keys(patch).length > 1) await patchFlow(ctx, id, patch, recent);
}

/** The flow whose name equals `displayName` the way Graph's uniqueness rule compares names (case-insensitively). */
export async function findFlowByName(ctx: Ctx, displayName: string): Promise<{ id: string; displayName: string } | undefined> {
    const flows = await listAll(ctx, FLOWS);
    return flows.find((f) => sameName(f?.displayName, displayName));
}

/** The state of a flow: its live settings ordered like `inputs`, plus tenantId, version and createdAt. */
export function outputsOf(inputs: UserFlowInputs, live: LiveFlow | undefined, createdAt: string | undefined): UserFlowOutputs {
    const base = compact({
        tenantId: inputs.tenantId,
        version: inputs.version,
        createdAt,
    });
    if (!live) return compact({ ...inputs, ...base });
    return {
        ...base,
        displayName: live.displayName,
        signUpAllowed: live.signUpAllowed,
        identityProviders: orderLike(live.identityProviders, inputs.identityProviders, (x) => x),
        attributes: orderLike(live.attributes, inputs.attributes, (a) => a.attribute).map((a) => {
            const wanted = (inputs.attributes ?? []).find((w) => w.attribute === a.attribute);
            return wanted?.dataType !== undefined && a.dataType === undefined ? { ...a, dataType: wanted.dataType } : a;
        }),
    };
}
