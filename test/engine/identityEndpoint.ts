/**
 * A stand-in for App Service's managed-identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER), on 127.0.0.1 over
 * http as on App Service itself. The user-flow provider runs in a process the Pulumi CLI starts, so the tests cannot
 * hand it a credential object: it gets one the way it would in production, from `DefaultAzureCredential`, whose
 * managed-identity leg (MSAL Node's App Service source: GET `<endpoint>?api-version=2019-08-01&resource=…` with the
 * `X-IDENTITY-HEADER` header, answered `{access_token, expires_on, resource, token_type}`) reaches this server. The
 * token it hands out is the one the Graph stand-in accepts.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export class IdentityEndpoint {
    url = "";
    /** The secret App Service puts in IDENTITY_HEADER (random per run). */
    readonly header = randomBytes(16).toString("hex");
    /** Resources tokens were asked for, in order; rejected requests are recorded as "rejected". */
    readonly requests: string[] = [];
    private server?: Server;

    constructor(private readonly token: string) {}

    async start(): Promise<void> {
        this.server = createServer((req, res) => {
            const url = new URL(req.url ?? "/", "http://127.0.0.1");
            const resource = url.searchParams.get("resource");
            if (req.headers["x-identity-header"] !== this.header || url.searchParams.get("api-version") !== "2019-08-01" || !resource) {
                this.requests.push("rejected");
                res.writeHead(400, { "Content-Type": "application/json" });
                res.end(JSON.stringify({ statusCode: 400, message: "missing or wrong X-IDENTITY-HEADER, api-version or resource" }));
                return;
            }
            this.requests.push(resource);
            res.writeHead(200, { "Content-Type": "application/json" });
            res.end(JSON.stringify({
                access_token: this.token,
                expires_on: String(Math.floor(Date.now() / 1000) + 3600),
                resource,
                token_type: "Bearer",
            }));
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/msi/token`;
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }
}
