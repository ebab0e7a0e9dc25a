/**
 * The web app process: parse the environment (stop with one message listing every problem), then listen on PORT.
 * Stops gracefully on SIGTERM (App Service) and SIGINT (Ctrl-C). Trust the local stand-in tenant's CA with
 * NODE_EXTRA_CA_CERTS in the process's environment (it is read at start).
 */
import { createServer } from "node:http";
import { EnvError } from "../shared/env";
import { createLogger } from "../shared/log";
import { createWebApp } from "./app";
import { parseWebEnv, type WebConfig } from "./config";

function main(): void {
    let config: WebConfig;
    try {
        config = parseWebEnv(process.env);
    } catch (e) {
        process.stderr.write(`web: ${e instanceof EnvError ? e.message : (e as Error).message}\n`);
        process.exit(1);
    }
    const log = createLogger({ level: config.logLevel, name: "web" });
    const app = createWebApp({ config, logger: log });
    const server = createServer({ requestTimeout: 30_000, headersTimeout: 20_000 }, app.handler);
    server.on("error", (e) => {
        log.error("cannot listen", { port: config.port, error: e });
        process.exit(1);
    });
    server.listen(config.port, () => {
        const address = server.address();
        const port = typeof address === "object" && address !== null ? address.port : config.port;
        log.info(`web app listening on port ${port}`, { port, authority: config.authority, api: config.api?.baseUrl ?? "none" });
    });
    let stopping = false;
    const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info("stopping", { signal });
        server.close(() => {
            app.close();
            process.exit(0);
        });
        server.closeIdleConnections();
        setTimeout(() => {
            server.closeAllConnections();
        }, 5_000).unref();
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
}

main();
