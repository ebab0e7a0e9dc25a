/** UserFlow inputs: validation, diff and the Graph create body (pure functions, no I/O). */
import type * as pulumi from "@pulumi/pulumi";
import type { FlowAttributeInputs, UserFlowInputs, UserFlowOutputs } from "./types";
import * as graphModule from "./graph";
import * as constantsModule from "./constants";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { brief } = graphModule;
const { AMLS_TYPE, DATA_TYPES, EMAIL_INPUT, FLOW_TYPE, GUID_RE, IAFS_TYPE, IDP_RE, INPUT_TYPES, OAC_TYPE, UNKNOWN } = constantsModule;

type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

export function isUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(isUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(isUnknown);
    return false;
}

export function normAttr(a: FlowAttributeInputs): Required<Omit<FlowAttributeInputs, "dataType">> & { dataType?: string } {
    const out: any = {
        attribute: a.attribute,
        label: a.label,
        required: a.required ?? false,
        inputType: a.inputType ?? "text",
        options: (a.options ?? []).map((o) => ({ label: o.label, value: o.value })),
    };
    if (a.dataType !== undefined) out.dataType = a.dataType;
    return out;
}

/** Validates UserFlow inputs; every failure names the field. Unknown values (preview) are not checked. */
export function checkUserFlow(news: Record<string, unknown>): { inputs: UserFlowInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const t = news.tenantId;
    if (t !== UNKNOWN && (typeof t !== "string" || !GUID_RE.test(t))) fail("tenantId", `tenantId must be the external tenant's id (a GUID), got ${brief(t)}`);
    const d = news.displayName;
    if (d !== UNKNOWN && (typeof d !== "string" || d.trim() === "" || d.length > 64)) fail("displayName", `displayName must be a non-empty string of at most 64 characters, got ${brief(d)}`);
    if (news.signUpAllowed !== undefined && news.signUpAllowed !== UNKNOWN && typeof news.signUpAllowed !== "boolean") {
        fail("signUpAllowed", `signUpAllowed must be true or false, got ${brief(news.signUpAllowed)}`);
    }
    const idps = news.identityProviders;
    if (idps !== UNKNOWN) {
        if (!Array.isArray(idps) || idps.length === 0) {
            fail("identityProviders", "identityProviders must list at least one identity provider id, e.g. [\"EmailPassword-OAUTH\"]");
        } else {
            idps.forEach((p, i) => {
                if (p === UNKNOWN) return;
                if (typeof p !== "string" || !IDP_RE.test(p)) fail("identityProviders", `identityProviders[${i}]: ${brief(p)} is not a Graph identity provider id such as "EmailPassword-OAUTH"`);
                else if (idps.indexOf(p) !== i) fail("identityProviders", `identityProviders[${i}]: ${brief(p)} is listed twice`);
            });
        }
    }
    const attrs = news.attributes ?? [];
    const normalized: unknown[] = [];
    if (attrs !== UNKNOWN) {
        if (!Array.isArray(attrs)) {
            fail("attributes", "attributes must be a list of {attribute, label, required?, inputType?, options?}");
        } else {
            const seen = new Set<string>();
            attrs.forEach((a, i) => {
                const where = `attributes[${i}]`;
                if (a === UNKNOWN) return void normalized.push(a);
                if (a === null || typeof a !== "object") return void fail("attributes", `${where} must be an object with attribute and label`);
                const x = a as Record<string, unknown>;
                if (x.attribute !== UNKNOWN) {
                    if (typeof x.attribute !== "string" || x.attribute.trim() === "") fail("attributes", `${where}.attribute must be an attribute id such as "city"`);
                    else if (x.attribute === "email") fail("attributes", `${where}.attribute: "email" is always collected; do not list it`);
                    else if (seen.has(x.attribute)) fail("attributes", `${where}.attribute: ${brief(x.attribute)} is listed twice`);
                    else seen.add(x.attribute);
                }
                if (x.label !== UNKNOWN && (typeof x.label !== "string" || x.label.trim() === "")) fail("attributes", `${where}.label must be a non-empty string`);
                if (x.required !== undefined && x.required !== UNKNOWN && typeof x.required !== "boolean") fail("attributes", `${where}.required must be true or false`);
                const it = x.inputType ?? "text";
                if (it !== UNKNOWN && !INPUT_TYPES.includes(it as string)) fail("attributes", `${where}.inputType ${brief(it)} is not one of ${INPUT_TYPES.join(", ")}`);
                const opts = x.options ?? [];
                if (opts !== UNKNOWN) {
                    if (!Array.isArray(opts) || !opts.every((o) => o === UNKNOWN || (o && typeof o === "object" && typeof (o as any).label === "string" && typeof (o as any).value === "string"))) {
                        fail("attributes", `${where}.options must be a list of {label, value}`);
                    } else if ((it === "radioSingleSelect" || it === "checkboxMultiSelect") && opts.length === 0) {
                        fail("attributes", `${where}.options: a ${it} input needs at least one option`);
                    }
                }
                if (x.dataType !== undefined && x.dataType !== UNKNOWN && !DATA_TYPES.includes(x.dataType as string)) fail("attributes", `${where}.dataType ${brief(x.dataType)} is not one of ${DATA_TYPES.join(", ")}`);
                normalized.push(isUnknown(x) ? { required: false, inputType: "text", options: [], ...x } : normAttr(x as unknown as FlowAttributeInputs));
            });
        }
    }
    const adopt = news.adoptId;
    if (adopt !== undefined && adopt !== UNKNOWN && (typeof adopt !== "string" || !GUID_RE.test(adopt))) {
        fail("adoptId", `adoptId must be the id (a GUID) of the existing user flow to take over, got ${brief(adopt)}`);
    }
    const inputs = {
        ...news,
        signUpAllowed: news.signUpAllowed ?? true,
        attributes: attrs === UNKNOWN ? attrs : normalized,
    } as unknown as UserFlowInputs;
    return { inputs, failures };
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
    const x = [...a].sort();
    const y = [...b].sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
}

export function attrKey(a: FlowAttributeInputs): string {
    const n = normAttr(a);
    const opts = n.options.map((o) => `${o.label}\u0000${o.value}`).sort();
    return JSON.stringify([n.attribute, n.label, n.required, String(n.inputType).toLowerCase(), opts]);
}

/** What changed between the recorded state and the desired inputs (order-insensitive, service defaults ignored). */
export function changedFlowFields(olds: UserFlowOutputs, news: UserFlowInputs): string[] {
    const changed: string[] = [];
    if (isUnknown(news.displayName) || olds.displayName !== news.displayName) changed.push("displayName");
    if (isUnknown(news.signUpAllowed) || (olds.signUpAllowed ?? true) !== (news.signUpAllowed ?? true)) changed.push("signUpAllowed");
    if (isUnknown(news.identityProviders) || !sameSet(olds.identityProviders ?? [], news.identityProviders ?? [])) changed.push("identityProviders");
    if (isUnknown(news.attributes) || !sameSet((olds.attributes ?? []).map(attrKey), (news.attributes ?? []).map(attrKey))) changed.push("attributes");
    if ((olds.version ?? "") !== (news.version ?? "") && !isUnknown(news.version)) changed.push("version");
    return changed;
}

export function diffUserFlow(olds: UserFlowOutputs, news: UserFlowInputs): DiffResult {
    const replaces = isUnknown(news.tenantId) || String(olds.tenantId).toLowerCase() !== String(news.tenantId).toLowerCase() ? ["tenantId"] : [];
    const changed = changedFlowFields(olds, news);
    return { changes: replaces.length + changed.length > 0, replaces, deleteBeforeReplace: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Graph bodies (pure): built explicitly, never from raw inputs

export function pageInput(a: FlowAttributeInputs): Record<string, unknown> {
    const n = normAttr(a);
    return {
        attribute: n.attribute,
        label: n.label,
        inputType: n.inputType,
        hidden: false,
        editable: true,
        writeToDirectory: true,
        required: n.required,
        options: n.options,
    };
}

export function attributeCollection(attrs: readonly FlowAttributeInputs[], includeAttributes: boolean): Record<string, unknown> {
    const handler: Record<string, unknown> = { "@odata.type": `#${OAC_TYPE}` };
    if (includeAttributes) {
        handler.attributes = [
            { id: "email", userFlowAttributeType: "builtIn", dataType: "string" },
            ...attrs.map((a) => ({
                id: a.attribute,
                userFlowAttributeType: a.attribute.startsWith("extension_") ? "custom" : "builtIn",
                dataType: a.dataType ?? "string",
            })),
        ];
    }
    handler.attributeCollectionPage = { views: [{ inputs: [EMAIL_INPUT, ...attrs.map(pageInput)] }] };
    return handler;
}

/** The POST /identity/authenticationEventsFlows body. */
export function createFlowBody(inp: UserFlowInputs): Record<string, unknown> {
    return {
        "@odata.type": FLOW_TYPE,
        displayName: inp.displayName,
        onInteractiveAuthFlowStart: { "@odata.type": `#${IAFS_TYPE}`, isSignUpAllowed: inp.signUpAllowed ?? true },
        onAuthenticationMethodLoadStart: {
            "@odata.type": `#${AMLS_TYPE}`,
            identityProviders: inp.identityProviders.map((id) => ({ id })),
        },
        onAttributeCollection: attributeCollection(inp.attributes ?? [], true),
    };
}
