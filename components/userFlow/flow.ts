/**
 * The UserFlow dynamic provider (an externalUsersSelfServiceSignUpEventsFlow). Graph calls, relative to /v1.0:
 *   create  GET  /identity/authenticationEventsFlows                      look for a flow with the same displayName
 *           POST /identity/authenticationEventsFlows                      (skipped when one is found: it is adopted)
 *   read    GET  /identity/authenticationEventsFlows/{id}                 (+ the identityProviders / attributes lists
 *                                                                          only when the service does not expand them)
 *   update  POST/DELETE …/{cast}/onAuthenticationMethodLoadStart/{cast}/identityProviders/$ref   per added/removed IdP
 *           POST/DELETE …/{cast}/onAttributeCollection/{cast}/attributes/$ref                    per added/removed attribute
 *           PATCH /identity/authenticationEventsFlows/{id}                one call, only the changed parts
 *   delete  DELETE /identity/authenticationEventsFlows/{id}               (404 = already gone)
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderOptions, UserFlowInputs, UserFlowOutputs } from "./types";
import { FLOWS, RECENT_CREATE_MS, flowPath } from "./constants";
import { type GraphFailure, call, graphRootOf, makeContext, untilReplicated } from "./graph";
import { checkUserFlow, createFlowBody, diffUserFlow } from "./flowInputs";
import { convergeFlow, findFlowByName, outputsOf, readFlow } from "./flowGraph";

type ResourceProvider = pulumi.dynamic.ResourceProvider;

export function makeUserFlowProvider(opts: ProviderOptions = {}): ResourceProvider {
    return {
        check: async (_olds: unknown, news: Record<string, unknown>) => checkUserFlow(news),
        diff: async (_id: string, olds: UserFlowOutputs, news: UserFlowInputs) => diffUserFlow(olds, news),
        create: async (inputs: UserFlowInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const createdAt = new Date().toISOString();
            const adopt = async (id: string) => {
                const live = await readFlow(ctx, id, true);
                if (!live) throw new Error(`user flow "${inputs.displayName}" (${id}) disappeared while it was being adopted`);
                await convergeFlow(ctx, id, outputsOf(inputs, live, createdAt), inputs, graphRootOf(opts));
                return { id, outs: { ...inputs, createdAt } };
            };
            const existing = await findFlowByName(ctx, inputs.displayName);
            if (existing) return adopt(existing.id);
            const body = createFlowBody(inputs);
            // A 400 can be replication delay when a custom attribute was just created, or when an earlier attempt
            // whose answer was lost did create the flow (the name is taken but not listed yet); otherwise it is final.
            let mayBeReplication = (inputs.attributes ?? []).some((a) => a.attribute.startsWith("extension_"));
            return untilReplicated(ctx, `creating user flow "${inputs.displayName}"`, async () => {
                try {
                    const created = await call(ctx, "POST", FLOWS, body);
                    return { done: true as const, value: { id: String(created.id), outs: { ...inputs, createdAt } } };
                } catch (e) {
                    const f = e as GraphFailure;
                    // The answer was lost, or the name is taken (e.g. by our own earlier attempt): look again.
                    if (!f.lost && f.status !== 400 && f.status !== 409) throw e;
                    if (f.lost) mayBeReplication = true;
                    const found = await findFlowByName(ctx, inputs.displayName);
                    if (found) return { done: true as const, value: await adopt(found.id) };
                    if (mayBeReplication) return { done: false as const, reason: f.message };
                    throw e;
                }
            });
        },
        read: async (id: string, props: UserFlowOutputs) => {
            const ctx = makeContext(props.tenantId, opts);
            const recent = props.createdAt !== undefined && Date.now() - Date.parse(props.createdAt) < RECENT_CREATE_MS;
            const live = await readFlow(ctx, id, recent);
            if (!live) return {};
            const outs = outputsOf(props, live, props.createdAt);
            const { createdAt: _c, ...inputs } = outs;
            return { id, props: outs, inputs };
        },
        update: async (id: string, olds: UserFlowOutputs, news: UserFlowInputs) => {
            const ctx = makeContext(news.tenantId, opts);
            await convergeFlow(ctx, id, olds, news, graphRootOf(opts));
            return { outs: { ...news, createdAt: olds.createdAt } };
        },
        delete: async (id: string, props: UserFlowOutputs) => {
            const ctx = makeContext(props.tenantId, opts);
            try {
                await call(ctx, "DELETE", flowPath(id));
            } catch (e) {
                if ((e as GraphFailure).status !== 404) throw e;
            }
        },
    };
}
