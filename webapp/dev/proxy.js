// @ts-check
/**
 * A small round-robin HTTP proxy for the local multi-instance demo (`npm start -- --instances=2`) and its tests, in
 * the role App Service's front end plays in Azure: each request goes to the next web instance; an instance that
 * refuses the connection (stopped, restarting) is skipped, so killing one is invisible to the browser. Bodies are
 * small forms: read whole (at most 1 MB) so a request can be retried on the next instance. Adds
 * `X-Served-By: <instance name>` to each response and reports each request to `onRequest`. Types: proxy.d.ts.
 */
"use strict";
const { createServer, request } = require("node:http");

const MAX_BODY = 1024 * 1024;

/**
 * @param {{ port: number, backends: { name: string, port: number }[], onRequest?: (line: string) => void }} o
 */
function startProxy(o) {
    let next = 0;
    /** @type {(req: import("node:http").IncomingMessage, body: Buffer, res: import("node:http").ServerResponse, tried: number) => void} */
    const forward = (req, body, res, tried) => {
        const backend = o.backends[next++ % o.backends.length];
        const headers = { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "", "x-forwarded-host": req.headers.host ?? "" };
        const up = request({ host: "127.0.0.1", port: backend.port, method: req.method, path: req.url, headers }, (ur) => {
            res.writeHead(ur.statusCode ?? 502, { ...ur.headers, "x-served-by": backend.name });
            ur.pipe(res);
            o.onRequest?.(`${req.method} ${(req.url ?? "").split("?")[0]} -> ${backend.name} (${ur.statusCode})`);
        });
        up.on("error", (/** @type {NodeJS.ErrnoException} */ e) => {
            if (!res.headersSent && e.code === "ECONNREFUSED" && tried + 1 < o.backends.length) return forward(req, body, res, tried + 1);
            // A pooled keep-alive connection the instance closed as idle just as it was reused: the request never
            // reached it, and a GET or HEAD may be sent again (Node's `request.reusedSocket`; RFC 9112 §9.3.1).
            if (!res.headersSent && up.reusedSocket && e.code === "ECONNRESET" && (req.method === "GET" || req.method === "HEAD") && tried < o.backends.length) {
                return forward(req, body, res, tried + 1);
            }
            o.onRequest?.(`${req.method} ${(req.url ?? "").split("?")[0]} -> ${backend.name} failed: ${e.code ?? e.message}`);
            if (!res.headersSent) {
                res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
                res.end("No web instance answered.\n");
            } else res.destroy();
        });
        up.end(body);
    };
    const server = createServer((req, res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        let size = 0;
        req.on("data", (/** @type {Buffer} */ c) => {
            size += c.length;
            if (size > MAX_BODY) {
                res.writeHead(413, { connection: "close" });
                res.end();
                req.destroy();
                return;
            }
            chunks.push(c);
        });
        req.on("end", () => {
            if (size <= MAX_BODY) forward(req, Buffer.concat(chunks), res, 0);
        });
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(o.port, "127.0.0.1", () => {
            const address = server.address();
            const port = typeof address === "object" && address ? address.port : o.port;
            resolve({
                port,
                server,
                close: () => new Promise((r) => {
                    server.close(() => r(undefined));
                    server.closeAllConnections();
                }),
            });
        });
    });
}

module.exports = { startProxy };
