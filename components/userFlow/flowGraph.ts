/** A user flow's live state in Graph: read it, find it by name, and converge it to the desired inputs. */
import type { AttributeInputType, FlowAttributeInputs, UserFlowInputs, UserFlowOutputs } from "./types";
import { FLOWS, FLOW_TYPE, IAFS_TYPE, INPUT_TYPES, attrPath, flowPath, idpPath } from "./constants";
import { type Ctx, type GraphFailure, call, listAll, untilReplicated } from "./graph";
import { attributeCollection, changedFlowFields } from "./flowInputs";

export interface LiveFlow {
    readonly id: string;
    readonly displayName: string;
    readonly signUpAllowed: boolean;
    readonly identityProviders: string[];
    readonly attributes: FlowAttributeInputs[];
}

/** Reads a flow's live state; undefined when it does not exist (after the replication window when `recent`). */
export async function readFlow(ctx: Ctx, id: string, recent: boolean): Promise<LiveFlow | undefined> {
    const flow = await untilReplicated(ctx, `reading user flow ${id}`, async () => {
        try {
            return { done: true as const, value: await call(ctx, "GET", flowPath(id)) };
        } catch (e) {
            if ((e as GraphFailure).status !== 404) throw e;
            if (!recent) return { done: true as const, value: undefined };
            return { done: false as const, reason: `GET ${flowPath(id)} still answers 404 Not Found` };
        }
    }).catch((e) => {
        if (/gave up after/.test(String((e as Error).message))) return undefined;
        throw e;
    });
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
            return typeof a.dataType === "string" && a.dataType !== "string" ? { ...out, dataType: a.dataType } : out;
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

export async function addRef(ctx: Ctx, listPath: string, refUrl: string, id: string, what: string): Promise<void> {
    await untilReplicated(ctx, `adding ${what} ${id}`, async () => {
        try {
            await call(ctx, "POST", `${listPath}/$ref`, { "@odata.id": refUrl });
            return { done: true as const, value: undefined };
        } catch (e) {
            const f = e as GraphFailure;
            if (!f.lost && f.status !== 400 && f.status !== 404 && f.status !== 409) throw e;
            // Lost answer, "already there", or not replicated yet: look at the list before trying again.
            let present = false;
            try {
                present = (await listAll(ctx, listPath)).some((x) => x?.id === id);
            } catch (le) {
                if ((le as GraphFailure).status !== 400) throw le;
            }
            if (present) return { done: true as const, value: undefined };
            return { done: false as const, reason: f.message };
        }
    });
}

export async function removeRef(ctx: Ctx, listPath: string, id: string): Promise<void> {
    try {
        await call(ctx, "DELETE", `${listPath}/${encodeURIComponent(id)}/$ref`);
    } catch (e) {
        if ((e as GraphFailure).status !== 404) throw e;
    }
}

/** Brings flow `id` from `from` to `to` with the fewest calls: $ref adds, $ref removes, then one PATCH. */
export async function convergeFlow(ctx: Ctx, id: string, from: UserFlowOutputs, to: UserFlowInputs, graphRoot: string): Promise<void> {
    const changed = changedFlowFields(from, to);
    const idpRef = (p: string) => `${graphRoot}/v1.0/identity/identityProviders/${p}`;
    const attrRef = (a: string) => `${graphRoot}/v1.0/identity/userFlowAttributes/${a}`;
    const oldIdps = from.identityProviders ?? [];
    const newIdps = to.identityProviders ?? [];
    // Add before remove, so the flow always keeps at least one identity provider.
    for (const p of newIdps.filter((x) => !oldIdps.includes(x))) await addRef(ctx, idpPath(id), idpRef(p), p, "identity provider");
    for (const p of oldIdps.filter((x) => !newIdps.includes(x))) await removeRef(ctx, idpPath(id), p);
    const oldAttrs = (from.attributes ?? []).map((a) => a.attribute);
    const newAttrs = (to.attributes ?? []).map((a) => a.attribute);
    for (const a of newAttrs.filter((x) => !oldAttrs.includes(x))) await addRef(ctx, attrPath(id), attrRef(a), a, "attribute");
    for (const a of oldAttrs.filter((x) => !newAttrs.includes(x))) await removeRef(ctx, attrPath(id), a);
    const patch: Record<string, unknown> = { "@odata.type": FLOW_TYPE };
    if (changed.includes("displayName")) patch.displayName = to.displayName;
    if (changed.includes("signUpAllowed")) patch.onInteractiveAuthFlowStart = { "@odata.type": `#${IAFS_TYPE}`, isSignUpAllowed: to.signUpAllowed ?? true };
    if (changed.includes("attributes")) patch.onAttributeCollection = attributeCollection(to.attributes ?? [], false);
    if (Object.keys(patch).length > 1) await call(ctx, "PATCH", flowPath(id), patch);
}

export async function findFlowByName(ctx: Ctx, displayName: string): Promise<{ id: string } | undefined> {
    const flows = await listAll(ctx, FLOWS);
    return flows.find((f) => f?.displayName === displayName);
}

export function outputsOf(inputs: UserFlowInputs, live: LiveFlow | undefined, createdAt: string | undefined): UserFlowOutputs {
    const base = {
        tenantId: inputs.tenantId,
        version: inputs.version,
        createdAt,
    };
    if (!live) return { ...inputs, ...base };
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
