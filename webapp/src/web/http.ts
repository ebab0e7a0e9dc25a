/** A small HTTP(S) client on node:http/https (MSAL's network module, the tenant's metadata, the API calls). */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface HttpResult {
    readonly status: number;
    readonly headers: Record<string, string>;
    readonly body: string;
}

export interface HttpClient {
    send(method: string, url: string, options?: { headers?: Record<string, string>; body?: string; timeoutMs?: number }): Promise<HttpResult>;
    close(): void;
}

const MAX_RESPONSE = 1024 * 1024;

/** `ca`: trust only this CA (tests); otherwise Node's defaults, including NODE_EXTRA_CA_CERTS. */
export function createHttpClient(options: { ca?: string } = {}): HttpClient {
    const https = new HttpsAgent({ keepAlive: true, ca: options.ca });
    const http = new HttpAgent({ keepAlive: true });
    return {
        send(method, url, opts = {}) {
            const u = new URL(url);
            const isHttps = u.protocol === "https:";
            const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
            return new Promise((resolve, reject) => {
                const req = (isHttps ? httpsRequest : httpRequest)(u, {
                    method,
                    agent: isHttps ? https : http,
                    headers: { ...opts.headers, ...(body ? { "Content-Length": String(body.length) } : {}) },
                    timeout: opts.timeoutMs ?? 15_000,
                }, (res) => {
                    const chunks: Buffer[] = [];
                    let size = 0;
                    res.on("data", (c: Buffer) => {
                        size += c.length;
                        if (size > MAX_RESPONSE) {
                            req.destroy(new Error(`response from ${u.host} is larger than ${MAX_RESPONSE} bytes`));
                            return;
                        }
                        chunks.push(c);
                    });
                    res.on("end", () => {
                        const headers: Record<string, string> = {};
                        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
                        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
                    });
                    res.on("error", reject);
                });
                req.on("timeout", () => req.destroy(new Error(`request to ${u.host} timed out`)));
                req.on("error", reject);
                req.end(body);
            });
        },
        close() {
            https.destroy();
            http.destroy();
        },
    };
}
