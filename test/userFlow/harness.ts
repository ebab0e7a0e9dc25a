/**
 * Shared set-up for the user-flow tests: a Graph stand-in with a fresh self-signed certificate that this process
 * trusts (the in-process equivalent of NODE_EXTRA_CA_CERTS), and providers pointed at it with a virtual clock.
 */
import * as tls from "node:tls";
import type { TokenCredential } from "@azure/identity";
import {
    makeUserFlowApplicationProvider,
    makeUserFlowAttributeProvider,
    makeUserFlowProvider,
    type ProviderOptions,
} from "../../components/userFlow/provider";
import { GraphStandIn, type StandInOptions } from "./graphStandIn";
import { selfSignedCertificate, type TestCertificate } from "./tls";

export const TENANT = "11111111-2222-4333-8444-555555555555";
export const APP = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const OTHER_APP = "99999999-8888-4777-8666-555555555555";

/** The message a promise is rejected with; fails when it resolves. */
export async function errorOf(p: Promise<unknown>): Promise<string> {
    try {
        await p;
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected a failure");
}

let cert: TestCertificate | undefined;
let defaultCAs: string[] | undefined;

/** Generates the certificate once per test file and adds it to this process's trusted CAs. */
export function trustTestCertificate(): TestCertificate {
    if (!cert) {
        cert = selfSignedCertificate();
        defaultCAs = tls.getCACertificates("default");
        tls.setDefaultCACertificates([...defaultCAs, cert.cert]);
    }
    return cert;
}

export function untrustTestCertificate(): void {
    if (defaultCAs) tls.setDefaultCACertificates(defaultCAs);
    defaultCAs = undefined;
    cert = undefined;
}

export interface Harness {
    readonly server: GraphStandIn;
    /** Every wait the providers asked for, in ms (virtual: the stand-in's clock advances by it). */
    readonly sleeps: number[];
    readonly flow: ReturnType<typeof makeUserFlowProvider>;
    readonly link: ReturnType<typeof makeUserFlowApplicationProvider>;
    readonly attribute: ReturnType<typeof makeUserFlowAttributeProvider>;
    readonly options: ProviderOptions;
}

export function tokenCredential(token: string): TokenCredential {
    return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

export async function startHarness(standIn: StandInOptions = {}, overrides: Partial<ProviderOptions> = {}): Promise<Harness> {
    const server = new GraphStandIn(trustTestCertificate(), standIn);
    await server.start();
    const sleeps: number[] = [];
    const options: ProviderOptions = {
        credential: tokenCredential(server.token),
        baseUrl: server.url,
        backoffBaseMs: 1000,
        maxWaitMs: 120_000,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            server.clock += ms;
        },
        ...overrides,
    };
    return {
        server,
        sleeps,
        options,
        flow: makeUserFlowProvider(options),
        link: makeUserFlowApplicationProvider(options),
        attribute: makeUserFlowAttributeProvider(options),
    };
}
