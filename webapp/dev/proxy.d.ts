import type { Server } from "node:http";

export interface LocalProxy {
    readonly port: number;
    readonly server: Server;
    close(): Promise<void>;
}
/** Round-robin over `backends` (skipping ones that refuse connections); see proxy.js. */
export function startProxy(o: { port: number; backends: { name: string; port: number }[]; onRequest?: (line: string) => void }): Promise<LocalProxy>;
