/**
 * Hardening of the API's HTTP server and the shared logger: timeouts like the web app's, a body over its limit
 * answered 413 without reading the rest, log fields that cannot overwrite the entry's own, secrets in message text.
 */
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createApiServer } from "../../webapp/src/api/app";
import { API_DEFAULTS, type ApiConfig } from "../../webapp/src/api/config";
import { MemoryStore } from "../../webapp/src/api/memoryStore";
import { createLogger, redactText } from "../../webapp/src/shared/log";
import { SERVER_OPTIONS } from "../../webapp/src/shared/serve";
import { API_CLIENT_ID } from "./support";

const config: ApiConfig = { ...API_DEFAULTS, audience: API_CLIENT_ID, metadataUrl: "http://127.0.0.1:9/none", allowInsecureHttp: true, logLevel: "silent" };
function start(options = {}): Promise<{ server: Server; port: number; sockets: Socket[] }> {
    const server = createApiServer({ config, store: new MemoryStore(), trust: async () => { throw new Error("no tenant"); }, logger: createLogger({ level: "silent" }) }, options);
    const sockets: Socket[] = [];
    server.on("connection", (s) => sockets.push(s));
    return new Promise((r) => server.listen(0, "127.0.0.1", () => r({ server, port: (server.address() as AddressInfo).port, sockets })));
}

/** Writes `head`, then `body` in chunks while the connection lasts; resolves with what came back and how it ended. */
function raw(port: number, head: string, bodyChunks = 0, chunk = "x".repeat(16 * 1024)): Promise<{ response: string; closedByServer: boolean }> {
    return new Promise((resolve) => {
        const socket = connect(port, "127.0.0.1");
        let response = "";
        let sent = 0;
        let timer: NodeJS.Timeout | undefined;
        socket.on("data", (d) => (response += d.toString("latin1")));
        socket.on("error", () => undefined);
        const finish = (closedByServer: boolean) => {
            clearInterval(timer);
            socket.destroy();
            resolve({ response, closedByServer });
        };
        socket.on("end", () => finish(true));
        socket.on("close", () => finish(true));
        socket.write(head);
        // Keep sending `bodyChunks` chunks while the connection lasts; give the server at most 15 s to close it.
        if (bodyChunks > 0) {
            timer = setInterval(() => {
                if (sent++ < bodyChunks) socket.write(chunk);
            }, 5);
        }
        setTimeout(() => finish(false), 15_000).unref();
    });
}

describe("API server hardening", () => {
    test("uses the web app's timeouts", async () => {
        const { server } = await start();
        try {
            expect({ headersTimeout: server.headersTimeout, requestTimeout: server.requestTimeout, keepAliveTimeout: server.keepAliveTimeout })
                .toEqual({ headersTimeout: SERVER_OPTIONS.headersTimeout, requestTimeout: SERVER_OPTIONS.requestTimeout, keepAliveTimeout: SERVER_OPTIONS.keepAliveTimeout });
            expect(SERVER_OPTIONS.headersTimeout).toBeLessThanOrEqual(SERVER_OPTIONS.requestTimeout);
        } finally {
            server.close();
        }
    });

    test("drops a client that sends its headers too slowly (408)", async () => {
        const { server, port } = await start({ headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 100 });
        try {
            const r = await raw(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
            expect(r.closedByServer).toBe(true);
            expect(r.response).toMatch(/^HTTP\/1\.1 408 /);
        } finally {
            server.close();
        }
    });

    test.each([
        ["declared too large", "Content-Length: 4000000\r\n"],
        ["chunked past the limit", "Transfer-Encoding: chunked\r\n"],
    ])("refuses an unauthenticated body %s and ends the connection without reading the rest", async (_name, framing) => {
        const { server, port, sockets } = await start();
        try {
            // (413 for an authenticated caller: api.test.ts, "request bodies".)
            const head = `POST /api/todos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer x\r\n${framing}\r\n`;
            const body = framing.startsWith("Transfer") ? `4000\r\n${"x".repeat(0x4000)}\r\n` : "";
            const more = framing.startsWith("Transfer") ? `4000\r\n${"x".repeat(0x4000)}\r\n` : "x".repeat(16 * 1024);
            const r = await raw(port, head + body, 240, more);
            expect(r.closedByServer).toBe(true);
            expect(r.response).toMatch(/^HTTP\/1\.1 401 /);
            expect(r.response).toMatch(/\r\nConnection: close\r\n/i);
            expect(sockets[0]!.bytesRead).toBeLessThan(1024 * 1024);
        } finally {
            server.close();
        }
    });
});

describe("logger hardening", () => {
    test("fields cannot overwrite time, level, name or msg", () => {
        const lines: string[] = [];
        createLogger({ name: "api", write: (l) => lines.push(l) }).warn("real message", { time: "1970", level: "debug", msg: "forged", name: "web", other: 1 });
        const entry = JSON.parse(lines[0]!);
        expect(entry).toMatchObject({ level: "warn", name: "api", msg: "real message", field_time: "1970", field_level: "debug", field_msg: "forged", field_name: "web", other: 1 });
        expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    test.each([
        ["client_secret=abc123&grant_type=x", "client_secret=[redacted]&grant_type=x"],
        ["login failed: password: hunter2", "login failed: password: [redacted]"],
        ['{"refresh_token":"0.AXk"}', '{"refresh_token":"[redacted]"}'],
        ["DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k3y==;EndpointSuffix=x", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=[redacted];EndpointSuffix=x"],
        ["https://a.blob.core.windows.net/c?sv=1&sig=AbC%2F&se=2", "https://a.blob.core.windows.net/c?sv=1&sig=[redacted]&se=2"],
        ["SESSION_SECRET = s3cr3t-value", "SESSION_SECRET = [redacted]"],
        ["nothing secret here", "nothing secret here"],
    ])("masks the value in %j", (text, expected) => {
        expect(redactText(text)).toBe(expected);
        const lines: string[] = [];
        createLogger({ write: (l) => lines.push(l) }).info(text);
        expect(JSON.parse(lines[0]!).msg).toBe(expected);
    });
});
