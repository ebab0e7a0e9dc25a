/**
 * The local multi-instance demo's round-robin proxy (webapp/dev/proxy.js): a pooled keep-alive connection that the
 * instance drops just as it is reused is retried for a GET on a fresh connection, never for a POST.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startProxy } = require("../../webapp/dev/proxy.js") as typeof import("../../webapp/dev/proxy");

/** An HTTP/1.1 instance that answers the first request on each connection and drops the connection on the second. */
function droppingInstance(): Promise<{ server: Server; port: number; connections: () => number; sockets: Set<Socket> }> {
    let connections = 0;
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
        connections++;
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        let seen = "";
        let answered = 0;
        socket.on("data", (chunk) => {
            seen += chunk.toString("latin1");
            while (seen.includes("\r\n\r\n")) {
                const end = seen.indexOf("\r\n\r\n") + 4;
                const head = seen.slice(0, end);
                const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
                if (seen.length < end + length) return;
                seen = seen.slice(end + length);
                if (answered++ === 0) {
                    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=30\r\n\r\nok");
                } else {
                    socket.resetAndDestroy();
                    return;
                }
            }
        });
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port, connections: () => connections, sockets })));
}

describe("round-robin proxy", () => {
    let instance: Awaited<ReturnType<typeof droppingInstance>>;
    let proxy: { port: number; close: () => Promise<unknown> };

    beforeEach(async () => {
        instance = await droppingInstance();
        proxy = await startProxy({ port: 0, backends: [{ name: "web-1", port: instance.port }] });
    });
    afterEach(async () => {
        await proxy.close();
        for (const s of instance.sockets) s.destroy();
        await new Promise((r) => instance.server.close(r));
    });

    const send = (method: string) => fetch(`http://127.0.0.1:${proxy.port}/profile`, { method, body: method === "POST" ? "a=1" : undefined });

    test("a GET on a reused connection the instance dropped is sent again on a fresh one", async () => {
        const first = await send("GET");
        expect([first.status, await first.text()]).toEqual([200, "ok"]);
        const second = await send("GET");
        expect([second.status, await second.text(), second.headers.get("x-served-by")]).toEqual([200, "ok", "web-1"]);
        expect(instance.connections()).toBe(2);
    });

    test("a POST on a reused connection the instance dropped is not sent again: 502", async () => {
        const first = await send("GET");
        expect(first.status).toBe(200);
        await first.text();
        const second = await send("POST");
        expect([second.status, await second.text()]).toEqual([502, "No web instance answered.\n"]);
        expect(instance.connections()).toBe(1);
    });
});
