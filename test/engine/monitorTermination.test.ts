/**
 * The containment of the SDK's expected post-cancellation rejections (monitorTermination.ts): exactly the gRPC
 * UNAVAILABLE/CANCELLED "Resource monitor is terminating" errors are marked handled; anything else still reaches jest.
 */
import { containMonitorTermination, isMonitorTermination } from "./monitorTermination";

const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });
const nextTurns = () => new Promise((r) => setTimeout(r, 50));

describe("monitor-termination rejections", () => {
    test("matches only the SDK's termination errors", () => {
        expect(isMonitorTermination(grpcError(14, "Resource monitor is terminating"))).toBe(true);
        expect(isMonitorTermination(grpcError(1, "Resource monitor is terminating"))).toBe(true);
        expect(isMonitorTermination(grpcError(14, "failed to register new resource signup-signin-flow [pulumi-nodejs:dynamic/entra:UserFlow]: Resource monitor is terminating"))).toBe(true);
        expect(isMonitorTermination(grpcError(2, "Resource monitor is terminating"))).toBe(false);
        expect(isMonitorTermination(new Error("Resource monitor is terminating"))).toBe(false);
        expect(isMonitorTermination(grpcError(14, "failed to register new resource x [t]: connect ECONNREFUSED"))).toBe(false);
        expect(isMonitorTermination(grpcError(14, "Resource monitor is terminating; and something else"))).toBe(false);
        expect(isMonitorTermination("Resource monitor is terminating")).toBe(false);
        expect(isMonitorTermination(undefined)).toBe(false);
    });

    test("a termination rejection left unhandled is marked handled; another one is not", async () => {
        const containment = containMonitorTermination();
        // Watched on the real process (where Node emits): which rejections went unhandled, and which were handled
        // later. The other rejection is handled here only after the check, so it cannot fail this suite.
        const real = (process.on.constructor as FunctionConstructor)("return process")() as NodeJS.Process;
        const unhandled: Promise<unknown>[] = [];
        const handled: Promise<unknown>[] = [];
        const onUnhandled = (_: unknown, p: Promise<unknown>) => { unhandled.push(p); };
        const onHandled = (p: Promise<unknown>) => { handled.push(p); };
        real.on("unhandledRejection", onUnhandled);
        real.on("rejectionHandled", onHandled);
        try {
            const termination = Promise.reject(grpcError(14, "Resource monitor is terminating"));
            const other = Promise.reject(grpcError(14, "failed to register new resource x [t]: permission denied"));
            await nextTurns();
            expect(unhandled).toEqual([termination, other]);
            expect(containment.contained).toBe(1);
            expect(handled).toEqual([termination]);
            other.catch(() => undefined);
            await nextTurns();
        } finally {
            real.off("unhandledRejection", onUnhandled);
            real.off("rejectionHandled", onHandled);
            containment.release();
        }
    });
});
