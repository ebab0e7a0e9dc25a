/**
 * The UserFlowApplication dynamic provider: an application linked to a user flow. Graph calls, relative to /v1.0:
 *   create  POST …/{flowId}/conditions/applications/includeApplications   on 400: GET flows filtered by the app to
 *                                                                          tell "linked elsewhere" (fail, naming that
 *                                                                          flow) from "already linked to this flow"
 *                                                                          (done: the link is the pair of this stack's
 *                                                                          own flow and app, so it needs no adoption
 *                                                                          key) from replication (retry)
 *   read    GET  …/{flowId}/conditions/applications/includeApplications    (the id `<flowId>/<appId>` is enough)
 *   update  none: only `version` can change in place (everything else replaces the link)
 *   delete  DELETE …/{flowId}/conditions/applications/includeApplications/{appId}   (404 = gone; within 10 min of
 *                                                                          the create, only after 3 consecutive misses)
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderOptions, UserFlowApplicationInputs, UserFlowApplicationOutputs } from "./types";
import * as constantsModule from "./constants";
import type { Ctx, GraphFailure } from "./graph";
import * as graphModule from "./graph";
import * as flowInputsModule from "./flowInputs";
import * as stateModule from "./state";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { CAST, FLOWS, GUID_RE, UNKNOWN, linksPath } = constantsModule;
const { brief, call, deleteConfirmed, done, isRecent, listAll, makeContext, notYet, odataQuote, untilReplicated } = graphModule;
const { isUnknown } = flowInputsModule;
const { compact, tenantIdOf } = stateModule;

type ResourceProvider = pulumi.dynamic.ResourceProvider;
type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

export function checkUserFlowApplication(news: Record<string, unknown>): { inputs: UserFlowApplicationInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    for (const k of ["tenantId", "appId"] as const) {
        const v = news[k];
        if (v !== UNKNOWN && (typeof v !== "string" || !GUID_RE.test(v))) failures.push({ property: k, reason: `${k} must be a GUID (${k === "appId" ? "the application's client id" : "the external tenant's id"}), got ${brief(v)}` });
    }
    const f = news.userFlowId;
    if (f !== UNKNOWN && (typeof f !== "string" || f.trim() === "" || f.includes("/"))) failures.push({ property: "userFlowId", reason: `userFlowId must be a user flow id, got ${brief(f)}` });
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

/** `<flowId>/<appId>` → its parts (the resource id alone says what the link is). */
export function parseLinkId(id: string): { userFlowId: string; appId: string } {
    const m = /^([^/]+)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(id ?? "");
    if (!m) throw new Error(`user flow application id ${brief(id)} is not <userFlowId>/<appId>`);
    return { userFlowId: m[1], appId: m[2].toLowerCase() };
}

/** Whether `appId` is linked to `flowId`; within the recent-create window a miss is retried (replication). */
async function isLinked(ctx: Ctx, flowId: string, appId: string, recent: boolean): Promise<boolean> {
    const listed = async () => (await linkedAppIds(ctx, flowId))?.includes(appId) ?? false;
    if (!recent) return listed();
    return untilReplicated<boolean>(ctx, `reading the link of ${appId} to user flow ${flowId}`, async () => ((await listed()) ? done(true) : notYet("not listed yet")))
        .catch((e) => {
            if ((e as { gaveUp?: boolean }).gaveUp) return false;
            throw e;
        });
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
                    return done(undefined);
                } catch (e) {
                    const f = e as GraphFailure;
                    if (f.lost) {
                        const linked = await linkedAppIds(ctx, flowId);
                        if (linked?.includes(appId)) return done(undefined);
                        return notYet(f.message);
                    }
                    if (f.status === 404) return notYet(`the user flow is not visible yet (${f.message})`);
                    if (f.status !== 400 && f.status !== 409) throw e;
                    const owners = await listAll(ctx, FLOWS, {
                        $filter: `${CAST}/conditions/applications/includeApplications/any(appId:appId/appId eq ${odataQuote(appId)})`,
                    });
                    if (owners.some((o) => o.id === flowId)) return done(undefined);
                    const other = owners[0];
                    if (other) {
                        throw new Error(`application ${appId} is already linked to user flow ${brief(other.displayName)} (${other.id}); an application can be linked to only one user flow, so unlink it there first`);
                    }
                    // Most often the app's service principal is not visible yet in the tenant.
                    return notYet(`the application's service principal is not visible yet (${f.message})`);
                }
            });
            return { id: `${flowId}/${appId}`, outs: compact({ ...inputs, appId, createdAt: new Date().toISOString() }) };
        },
        read: async (id: string, props: UserFlowApplicationOutputs) => {
            const { userFlowId, appId } = parseLinkId(id);
            const tenantId = tenantIdOf(props);
            const ctx = makeContext(tenantId, opts);
            if (!(await isLinked(ctx, userFlowId, appId, isRecent(props?.createdAt)))) return {};
            const inputs = compact({ tenantId, userFlowId, appId, version: props?.version });
            return { id, props: compact({ ...inputs, createdAt: props?.createdAt }), inputs };
        },
        update: async (_id: string, olds: UserFlowApplicationOutputs, news: UserFlowApplicationInputs) => {
            // diff replaces the link for any change but `version`, so there is nothing to change in Graph.
            return { outs: compact({ ...news, appId: news.appId.toLowerCase(), createdAt: olds.createdAt }) };
        },
        delete: async (id: string, props: UserFlowApplicationOutputs) => {
            const ctx = makeContext(tenantIdOf(props), opts);
            const { userFlowId, appId } = parseLinkId(id);
            await deleteConfirmed(ctx, `${linksPath(userFlowId)}/${encodeURIComponent(appId)}`,
                async () => (await linkedAppIds(ctx, userFlowId))?.includes(appId) ?? false, isRecent(props.createdAt));
        },
    };
}
