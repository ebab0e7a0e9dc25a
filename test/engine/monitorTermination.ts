/**
 * Containment of one expected rejection of an `up` the engine refuses.
 *
 * When a provider's create fails, the engine cancels the update and shuts its resource monitor down while the inline
 * program still has RPCs in flight (a component's `registerOutputs`, a dependent's registration). @pulumi/pulumi
 * answers each with a gRPC UNAVAILABLE/CANCELLED error renamed "Resource monitor is terminating" and, on purpose,
 * re-raises it as an unhandled rejection (runtime/resource.js, `runAsyncResourceOp`: `resourceOp.catch((err) =>
 * Promise.reject(err))`), counting on its language host's `unhandledRejection` handler to drop gRPC errors
 * (automation/server.js `newUncaughtHandler`, errors.js `isGrpcError`; the SDK's history of this error being uncatchable
 * under the Automation API: pulumi/pulumi#10744, #12970, #13070). Under jest that handler never sees them: the SDK
 * registers it on the test sandbox's copy of `process` (jestjs/jest#5620, #11165: listeners on a test's `process` get
 * no native rejection), while Node emits on the worker's real `process`, where jest-circus's own listener records
 * every unhandled rejection; one it cannot give to a running test fails the suite ("Test suite failed to run: Resource
 * monitor is terminating", every test passed; seen with the stack of a component's `registerResourceOutputs`).
 * Whether an RPC is still in flight when the monitor goes depends on timing, so under load it is a flake.
 *
 * `containMonitorTermination` adds a listener on the real `process` that marks exactly those rejections handled
 * (Node then emits `rejectionHandled`, on which jest forgets them), as the SDK's own host would drop them. Anything
 * else — another message, another code, a non-Error — is left alone and still fails the suite.
 */

/** gRPC status codes the SDK treats as "the monitor is going away" (@grpc/grpc-js `Status`). */
const CANCELLED = 1;
const UNAVAILABLE = 14;

/** The messages @pulumi/pulumi gives a gRPC UNAVAILABLE/CANCELLED answer of the resource monitor (runtime/resource.js, invoke.js). */
const TERMINATING = /^(?:failed to (?:register new resource|read resource|get resource)[^\n]*: )?Resource monitor is terminating$/;

export function isMonitorTermination(reason: unknown): boolean {
    if (!(reason instanceof Error) && !(typeof reason === "object" && reason !== null && "message" in reason)) return false;
    const { code, message } = reason as { code?: unknown; message?: unknown };
    return (code === CANCELLED || code === UNAVAILABLE) && typeof message === "string" && TERMINATING.test(message);
}

/**
 * The jest worker's real `process`: jest gives each test file a copy whose `on` registers on the copy. A function of
 * the outer realm (the copy's inherited `on`) reaches the outer realm's global.
 */
function realProcess(): NodeJS.Process {
    return (process.on.constructor as FunctionConstructor)("return process")() as NodeJS.Process;
}

export interface Containment {
    /** How many monitor-termination rejections were marked handled. */
    readonly contained: number;
    release(): void;
}

export function containMonitorTermination(): Containment {
    const proc = realProcess();
    let contained = 0;
    const listener = (reason: unknown, promise: Promise<unknown>) => {
        if (!isMonitorTermination(reason)) return;
        contained++;
        promise.catch(() => undefined);
    };
    proc.on("unhandledRejection", listener);
    return {
        get contained() { return contained; },
        release: () => { proc.off("unhandledRejection", listener); },
    };
}
