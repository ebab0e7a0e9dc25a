/**
 * The UserFlow dynamic provider (an externalUsersSelfServiceSignUpEventsFlow). Graph calls, relative to /v1.0:
 *   create  GET  /identity/authenticationEventsFlows                      look for a flow with the same displayName
 *                                                                          (case-insensitively): found = fail, naming it
 *                                                                          and userFlow.adopt.flow; found with exactly
 *                                                                          the pinned adoptId = read it by id (as read
 *                                                                          does) and converge it as update does, no POST
 *           POST /identity/authenticationEventsFlows                      on a lost answer or 400: look again; adopt
 *                                                                          only what our own lost POST made or the
 *                                                                          pinned id (appeared meanwhile); on a 400
 *                                                                          that names custom attributes, GET each: one
 *                                                                          unknown yet = retry, else fail with Graph's
 *                                                                          message at once
 *   read    GET  /identity/authenticationEventsFlows/{id}                 (+ the identityProviders / attributes lists
 *                                                                          only when the service does not expand them);
 *                                                                          needs only the id
 *   update  POST/DELETE …/{cast}/onAuthenticationMethodLoadStart/{cast}/identityProviders/$ref   per added/removed IdP
 *           POST/DELETE …/{cast}/onAttributeCollection/{cast}/attributes/$ref                    per added/removed attribute
 *           PATCH /identity/authenticationEventsFlows/{id}                one call, only the changed parts
 *   delete  DELETE /identity/authenticationEventsFlows/{id}               (404 = already gone; within 10 min of the
 *                                                                          create, only after 3 consecutive 404 GETs)
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderOptions, UserFlowInputs, UserFlowOutputs } from "./types";
import * as constantsModule from "./constants";
import type { GraphFailure } from "./graph";
import * as graphModule from "./graph";
import * as flowInputsModule from "./flowInputs";
import * as flowGraphModule from "./flowGraph";
import * as stateModule from "./state";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { FLOWS, flowPath } = constantsModule;
const { brief, call, confirmedLive, deleteConfirmed, done, exists, graphRootOf, isRecent, makeContext, notYet, untilReplicated } = graphModule;
const { checkUserFlow, createFlowBody, diffUserFlow } = flowInputsModule;
const { convergeFlow, findFlowByName, outputsOf, readFlow, unknownCustomAttributes } = flowGraphModule;
const { adoptsThis, compact, notCreatedHere, tenantIdOf, withoutAdopt } = stateModule;

/** The stack-config entry that pins a same-name flow for adoption (config.ts `userFlow.adopt`). */
const ADOPT_KEY = "userFlow.adopt.flow";

type ResourceProvider = pulumi.dynamic.ResourceProvider;

export function makeUserFlowProvider(opts: ProviderOptions = {}): ResourceProvider {
    return {
        check: async (_olds: unknown, news: Record<string, unknown>) => checkUserFlow(news),
        diff: async (_id: string, olds: UserFlowOutputs, news: UserFlowInputs) => diffUserFlow(olds, news),
        create: async (inputs: UserFlowInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const createdAt = new Date().toISOString();
            const name = inputs.displayName;
            const state = (extra: { createdAt?: string }) => compact({ ...withoutAdopt(inputs), ...extra });
            const ours = (found: { id: string; displayName?: string }) =>
                notCreatedHere("user flow", found.displayName ?? name, found.id, inputs.tenantId, ADOPT_KEY, inputs.adoptId);
            // Reads the flow's complete state by id and converges it to the inputs (PATCH and $ref calls only for what
            // differs; never a POST of the flow).
            const converge = async (id: string, recent: boolean) => {
                const live = await readFlow(ctx, id, recent);
                if (!live) throw new Error(`user flow ${brief(name)} (${id}) disappeared while it was being taken over`);
                await convergeFlow(ctx, id, outputsOf(inputs, live, undefined), inputs, graphRootOf(opts), recent);
            };
            // Never adopt what exists already, unless the stack pinned exactly its id (userFlow.adopt.flow): it may
            // belong to another stack or to the portal.
            const existing = await confirmedLive(ctx, () => findFlowByName(ctx, name), (f) => flowPath(f.id));
            const adoptPinned = async (id: string) => {
                await converge(id, false);
                // No createdAt: this program did not create it, so a 404 is never taken for replication delay.
                return { id, outs: state({}) };
            };
            if (existing && !adoptsThis(inputs.adoptId, existing.id)) throw ours(existing);
            if (existing) return adoptPinned(existing.id);
            const body = createFlowBody(inputs);
            const customAttributes = (inputs.attributes ?? []).map((a) => a.attribute);
            // Set once a POST went out and its answer was lost: from then on a flow with our name (absent in the
            // lookup just before) is the one our own POST made.
            let lost = false;
            const adoptLost = async (id: string) => {
                await converge(id, true);
                return { id, outs: state({ createdAt }) };
            };
            return untilReplicated(ctx, `creating user flow ${brief(name)}`, async () => {
                try {
                    const created = await call(ctx, "POST", FLOWS, body);
                    return done({ id: String(created.id), outs: state({ createdAt }) });
                } catch (e) {
                    const f = e as GraphFailure;
                    if (!f.lost && f.status !== 400 && f.status !== 409) throw e;
                    if (f.lost) lost = true;
                    const found = await findFlowByName(ctx, name);
                    if (found && lost) return done(await adoptLost(found.id));
                    // Made by someone else between our lookup and our POST: the same rule as for one found before.
                    if (found && adoptsThis(inputs.adoptId, found.id)) return done(await adoptPinned(found.id));
                    if (found) throw ours(found);
                    if (lost) return notYet(f.message);
                    // The one 400 worth waiting for: a custom attribute created moments ago that Graph does not know yet.
                    const unknown = await unknownCustomAttributes(ctx, customAttributes);
                    if (unknown.length > 0) return notYet(`custom attribute ${unknown.join(", ")} is not known to the tenant yet (${f.message})`);
                    throw e;
                }
            });
        },
        read: async (id: string, props: UserFlowOutputs) => {
            const tenantId = tenantIdOf(props);
            const ctx = makeContext(tenantId, opts);
            const live = await readFlow(ctx, id, isRecent(props?.createdAt));
            if (!live) return {};
            const outs = outputsOf({ ...props, tenantId }, live, props?.createdAt);
            const { createdAt: _c, ...inputs } = outs;
            return { id, props: outs, inputs };
        },
        update: async (id: string, olds: UserFlowOutputs, news: UserFlowInputs) => {
            const ctx = makeContext(news.tenantId, opts);
            await convergeFlow(ctx, id, olds, news, graphRootOf(opts), isRecent(olds.createdAt));
            return { outs: compact({ ...withoutAdopt(news), createdAt: olds.createdAt }) };
        },
        delete: async (id: string, props: UserFlowOutputs) => {
            const ctx = makeContext(tenantIdOf(props), opts);
            await deleteConfirmed(ctx, flowPath(id), () => exists(ctx, flowPath(id)), isRecent(props.createdAt));
        },
    };
}
