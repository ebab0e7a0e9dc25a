import type { Server, ServerOptions } from "node:http";

/**
 * Timeouts and limits of both servers (web and API): a client that sends its headers or body too slowly, or keeps an
 * idle connection open, is disconnected. Node checks the request and header timeouts every
 * `connectionsCheckingInterval` ms.
 */
export const SERVER_OPTIONS = {
    headersTimeout: 20_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: 2_000,
    maxHeaderSize: 16 * 1024,
} as const satisfies ServerOptions;
import type { Logger } from "./log";

/**
 * Listens on `port` and stops gracefully on SIGTERM (App Service) and SIGINT (Ctrl-C): stop accepting, let
 * requests in flight finish (at most 5 s), run `onClose`, exit 0. A port that cannot be bound exits 1.
 */
export function serve(server: Server, opts: { port: number; log: Logger; onListening: (port: number) => void; onClose?: () => void | Promise<void> }): void {
    const { log } = opts;
    server.on("error", (e) => {
        log.error("cannot listen", { port: opts.port, error: e });
        process.exit(1);
    });
    server.listen(opts.port, () => {
        const address = server.address();
        opts.onListening(typeof address === "object" && address !== null ? address.port : opts.port);
    });
    let stopping = false;
    const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info("stopping", { signal });
        server.close(() => {
            Promise.resolve()
                .then(() => opts.onClose?.())
                .catch((e: unknown) => log.warn("closing failed", { error: e }))
                .finally(() => process.exit(0));
        });
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
}
