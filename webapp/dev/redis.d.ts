import type { ProcessHandle } from "./processes";

export interface LocalRedis {
    readonly port: number;
    /** `redis://127.0.0.1:<port>`, or `rediss://localhost:<port>` with TLS */
    readonly url: string;
    readonly dir: string;
    readonly handle: ProcessHandle;
    stop(): Promise<void>;
}
export function startRedis(o: { dir: string; port?: number; onLine?: (line: string, name: string) => void; tls?: { certFile: string; keyFile: string; caFile: string } }): Promise<LocalRedis>;
export function redisServerPath(): string;
