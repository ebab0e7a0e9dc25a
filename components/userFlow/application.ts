/**
 * The UserFlowApplication dynamic provider: an application linked to a user flow. Graph calls, relative to /v1.0:
 *   create  POST …/{flowId}/conditions/applications/includeApplications   on 400: GET flows filtered by the app to
 *                                                                          tell "linked elsewhere" from replication
 *   read    GET  …/{flowId}/conditions/applications/includeApplications
 *   delete  DELETE …/{flowId}/conditions/applications/includeApplications/{appId}
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderOptions, UserFlowApplicationInputs } from "./types";
import { CAST, FLOWS, GUID_RE, UNKNOWN, linksPath } from "./constants";
import { type Ctx, type GraphFailure, call, listAll, makeContext, odataQuote, untilReplicated } from "./graph";
import { isUnknown } from "./flowInputs";

type ResourceProvider = pulumi.dynamic.ResourceProvider;
type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

export function checkUserFlowApplication(news: Record<string, unknown>): { inputs: UserFlowApplicationInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    for (const k of ["tenantId", "appId"] as const) {
        const v = news[k];
        if (v !== UNKNOWN && (typeof v !== "string" || !GUID_RE.test(v))) failures.push({ property: k, reason: `${k} must be a GUID (${k === "appId" ? "the application's client id" : "the external tenant's id"}), got ${JSON.stringify(v)}` });
    }
    const f = news.userFlowId;
    if (f !== UNKNOWN && (typeof f !== "string" || f.trim() === "" || f.includes("/"))) failures.push({ property: "userFlowId", reason: `userFlowId must be a user flow id, got ${JSON.stringify(f)}` });
    return { inputs: news as unknown as UserFlowApplicationInputs, failures };
}

export function diffUserFlowApplication(olds: UserFlowApplicationInputs, news: UserFlowApplicationInputs): DiffResult {
    const replaces = (["tenantId", "userFlowId", "appId"] as const).filter((k) => isUnknown(news[k]) || String(olds[k]).toLowerCase() !== String(news[k]).toLowerCase());
    const versionChanged = (olds.version ?? "") !== (news.version ?? "");
    // An application can be linked to only one flow: the old link must go before the new one is made.
    return { changes: replaces.length > 0 || versionChanged, replaces, deleteBeforeReplace: true };
}

export async function linkedAppIds(ctx: Ctx, flowId: string): Promise<string[] | undefined> {
    try {
        return (await listAll(ctx, linksPath(flowId))).map((a) => String(a.appId).toLowerCase());
    } catch (e) {
        if ((e as GraphFailure).status === 404) return undefined;
        throw e;
    }
}

export function makeUserFlowApplicationProvider(opts: ProviderOptions = {}): ResourceProvider {
    return {
        check: async (_olds: unknown, news: Record<string, unknown>) => checkUserFlowApplication(news),
        diff: async (_id: string, olds: UserFlowApplicationInputs, news: UserFlowApplicationInputs) => diffUserFlowApplication(olds, news),
        create: async (inputs: UserFlowApplicationInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const appId = inputs.appId.toLowerCase();
            const flowId = inputs.userFlowId;
            const body = { "@odata.type": "#microsoft.graph.authenticationConditionApplication", appId };
            await untilReplicated(ctx, `linking application ${appId} to user flow ${flowId}`, async () => {
                try {
                    await call(ctx, "POST", linksPath(flowId), body);
                    return { done: true as const, value: undefined };
                } catch (e) {
                    const f = e as GraphFailure;
                    if (f.lost) {
                        const linked = await linkedAppIds(ctx, flowId);
                        if (linked?.includes(appId)) return { done: true as const, value: undefined };
                        return { done: false as const, reason: f.message };
                    }
                    if (f.status === 404) return { done: false as const, reason: `the user flow is not visible yet (${f.message})` };
                    if (f.status !== 400 && f.status !== 409) throw e;
                    const owners = await listAll(ctx, FLOWS, {
                        $filter: `${CAST}/conditions/applications/includeApplications/any(appId:appId/appId eq ${odataQuote(appId)})`,
                    });
                    if (owners.some((o) => o.id === flowId)) return { done: true as const, value: undefined };
                    const other = owners[0];
                    if (other) {
                        throw new Error(`application ${appId} is already linked to user flow "${other.displayName}" (${other.id}); an application can be linked to only one user flow, so unlink it there first`);
                    }
                    // Most often the app's service principal is not visible yet in the tenant.
                    return { done: false as const, reason: `the application's service principal is not visible yet (${f.message})` };
                }
            });
            return { id: `${flowId}/${appId}`, outs: { ...inputs, appId } };
        },
        read: async (id: string, props: UserFlowApplicationInputs) => {
            const ctx = makeContext(props.tenantId, opts);
            const linked = await linkedAppIds(ctx, props.userFlowId);
            if (!linked || !linked.includes(props.appId.toLowerCase())) return {};
            return { id, props, inputs: props };
        },
        delete: async (_id: string, props: UserFlowApplicationInputs) => {
            const ctx = makeContext(props.tenantId, opts);
            try {
                await call(ctx, "DELETE", `${linksPath(props.userFlowId)}/${encodeURIComponent(props.appId)}`);
            } catch (e) {
                if ((e as GraphFailure).status !== 404) throw e;
            }
        },
    };
}
