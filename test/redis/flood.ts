/**
 * A load client for idempotent GETs over keep-alive connections, `concurrency` at a time, that stays correct on a
 * loaded machine:
 *
 * - Idle pooled sockets are dropped before the server would close them. The server closes a keep-alive connection
 *   idle for `keepAliveTimeout` (5 s, SERVER_OPTIONS) and says so in `Keep-Alive: timeout=5`. Node's Agent only
 *   honours that hint (less one second) when the agent has a `timeout` of its own; without one, idle sockets are kept
 *   forever and a request can be written on a socket the server is closing (lib/_http_agent.js keepSocketAlive).
 * - The server can still close an idle socket at the moment the client reuses it (an event-loop stall longer than the
 *   one-second margin on a busy 2-CPU machine is enough). That race is inherent to HTTP/1.1 keep-alive (RFC 9112
 *   §9.3.1, "retrying requests"): a client may retry an idempotent request whose connection closed before any
 *   response, and Node documents exactly this use of `request.reusedSocket`
 *   (https://nodejs.org/api/http.html#requestreusedsocket). Such a
 *   GET is retried once, on a fresh connection, and counted; any other failure, or a second one, fails the run.
 */
import { Agent, request } from "node:http";

export interface FloodResult {
    /** Responses per status code. */
    statuses: Map<number, number>;
    /** Responses whose `set-cookie` begins with `cookiePrefix`. */
    withCookie: number;
    /** GETs retried once after their reused keep-alive socket was closed by the server before any response. */
    retried: number;
}

/** Sends `total` GETs to `urls[i % urls.length]`, `concurrency` at a time. */
export async function flood(o: { urls: (i: number) => string; total: number; concurrency: number; cookiePrefix: string }): Promise<FloodResult> {
    // `timeout` above the server's hint, so the hint (keepAliveTimeout - 1 s) applies to idle sockets.
    const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency, timeout: 60_000, scheduling: "lifo" });
    const fresh = new Agent({ keepAlive: false });
    const result: FloodResult = { statuses: new Map(), withCookie: 0, retried: 0 };
    const get = (url: string, a: Agent) => new Promise<{ status: number; cookie: string }>((resolve, reject) => {
        const req = request(url, { agent: a }, (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode!, cookie: String(res.headers["set-cookie"] ?? "") }));
            res.on("error", reject);
        });
        req.on("error", (e: NodeJS.ErrnoException) => reject(Object.assign(e, { reused: req.reusedSocket })));
        req.end();
    });
    const one = async (url: string) => {
        try {
            return await get(url, agent);
        } catch (e) {
            const err = e as NodeJS.ErrnoException & { reused?: boolean };
            if (!(err.reused && err.code === "ECONNRESET")) throw err;
            result.retried++;
            return get(url, fresh);
        }
    };
    let next = 0;
    const worker = async () => {
        while (next < o.total) {
            const r = await one(o.urls(next++));
            result.statuses.set(r.status, (result.statuses.get(r.status) ?? 0) + 1);
            if (r.cookie.startsWith(o.cookiePrefix)) result.withCookie++;
        }
    };
    try {
        await Promise.all(Array.from({ length: o.concurrency }, worker));
    } finally {
        agent.destroy();
        fresh.destroy();
    }
    return result;
}
