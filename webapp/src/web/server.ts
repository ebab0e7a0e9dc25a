/**
 * The web app process: parse the environment (stop with one message listing every problem), then listen on PORT.
 * Stops gracefully on SIGTERM (App Service) and SIGINT (Ctrl-C). Trust the local stand-in tenant's CA with
 * NODE_EXTRA_CA_CERTS in the process's environment (it is read at start).
 */
import { createServer } from "node:http";
import { EnvError } from "../shared/env";
import { createLogger } from "../shared/log";
import { serve, SERVER_OPTIONS } from "../shared/serve";
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
    const server = createServer(SERVER_OPTIONS, app.handler);
    serve(server, {
        port: config.port,
        log,
        onListening: (port) => log.info(`web app listening on port ${port}`, { port, authority: config.authority, api: config.api?.baseUrl ?? "none" }),
        onClose: () => app.close(),
    });
}

main();
