/**
 * The API process: parse the environment (stop with one message listing every problem), then listen on PORT.
 * Stops gracefully on SIGTERM (App Service) and SIGINT (Ctrl-C).
 */
import { EnvError } from "../shared/env";
import { createLogger } from "../shared/log";
import { serve } from "../shared/serve";
import { createApiServer } from "./app";
import { parseApiEnv, type ApiConfig } from "./config";
import { createFetchJson, discoverTrust } from "./keys";
import type { TodoStore } from "./store";
import { createStore } from "./stores";

function configure(): { config: ApiConfig; store: TodoStore } {
    const problems: string[] = [];
    let config: ApiConfig | undefined;
    let store: TodoStore | undefined;
    try {
        config = parseApiEnv(process.env);
    } catch (e) {
        if (!(e instanceof EnvError)) throw e;
        problems.push(...e.problems);
    }
    try {
        store = createStore(process.env);
    } catch (e) {
        if (!(e instanceof EnvError)) throw e;
        problems.push(...e.problems);
    }
    if (problems.length > 0) throw new EnvError(problems);
    return { config: config!, store: store! };
}

function main(): void {
    let configured: ReturnType<typeof configure>;
    try {
        configured = configure();
    } catch (e) {
        process.stderr.write(`api: ${e instanceof EnvError ? e.message : (e as Error).message}\n`);
        process.exit(1);
    }
    const { config, store } = configured;
    const log = createLogger({ level: config.logLevel, name: "api" });
    const trust = discoverTrust(config.metadataUrl, { fetchJson: createFetchJson(), allowInsecureHttp: config.allowInsecureHttp });
    const server = createApiServer({ config, store, trust, logger: log });

    serve(server, {
        port: config.port,
        log,
        onListening: (port) => {
            log.info(`API listening on port ${port}`, { port, metadata: config.metadataUrl });
            // Read the tenant's metadata now so the first request does not wait; failures are retried on demand.
            trust().then(
                (t) => log.info("tenant metadata read", { issuer: t.issuer }),
                (e: Error) => log.warn("tenant metadata not readable yet; will retry on the first request", { error: e.message }),
            );
        },
    });
}

main();
