/**
 * Pulumi dynamic providers for Microsoft Entra External ID sign-up/sign-in user flows, over Microsoft Graph v1.0.
 * This file only gathers the public surface; each concern lives in its own module:
 *
 *   graph.ts        the Graph HTTP layer (context, token, retries, replication polling, paging, safe errors)
 *   credentials.ts  which Azure credential to use, from environment variables
 *   constants.ts    Graph paths and OData types, input rules
 *   types.ts        resource inputs/outputs and ProviderOptions
 *   flowInputs.ts   UserFlow validation, diff and create body (pure)
 *   flowGraph.ts    a flow's live state: read, find by name, converge
 *   flow.ts         the UserFlow provider
 *   application.ts  the UserFlowApplication provider (app ↔ flow link)
 *   attribute.ts    the UserFlowAttribute provider (custom attributes)
 *
 * Which Graph call each operation makes is listed at the top of flow.ts, application.ts and attribute.ts.
 *
 * Imports between the modules the providers run (these, graph*.ts, state.ts, ../signInExperience/{common,media,
 * socialProvider,branding}.ts) are bound to local constants once at load (`import * as m` + `const { f } = m`) rather
 * than used as `import { f }`. tsx transpiles a named import to a read through the other module's exports object,
 * whose properties are getters (`() => from[key]`); Pulumi's closure serialization (runtime/closure/createClosure.js)
 * cannot follow a computed `from[key]`, so it captured every export of every module touched, plus one getter
 * function per export: ~80 % of the functions it analysed were getters. Bound constants let it capture just the
 * functions and values a provider reaches: the five providers serialize ~3× faster and each dynamic resource's
 * `__provider` in state shrinks by 30-60 % (README, Tests and benchmarks).
 */
export type {
    AttributeInputType,
    FlowAttributeInputs,
    ProviderOptions,
    UserFlowApplicationInputs,
    UserFlowAttributeInputs,
    UserFlowAttributeOutputs,
    UserFlowInputs,
    UserFlowOutputs,
} from "./types";
export { credentialFromEnv } from "./credentials";
export type { CredentialChoice } from "./credentials";
export { changedFlowFields, checkUserFlow, createFlowBody, diffUserFlow } from "./flowInputs";
export { makeUserFlowProvider } from "./flow";
export { checkUserFlowApplication, diffUserFlowApplication, makeUserFlowApplicationProvider } from "./application";
export { checkUserFlowAttribute, diffUserFlowAttribute, makeUserFlowAttributeProvider } from "./attribute";
