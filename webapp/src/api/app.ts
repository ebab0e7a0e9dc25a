import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from "node:http";
import { HttpError, readJsonBody } from "../shared/body";
import { securityHeaders } from "../shared/headers";
import { createLogger, type Logger } from "../shared/log";
import { SERVER_OPTIONS } from "../shared/serve";
import type { ApiConfig } from "./config";
import { TrustUnavailableError, type Trust } from "./keys";
import type { TodoStore } from "./store";
import { createTokenVerifier, TokenError, type AccessTokenClaims, type TokenVerifier } from "./verify";

export interface ApiDeps {
    readonly config: ApiConfig;
    readonly store: TodoStore;
    /** The tenant's issuer and keys: `discoverTrust(config.metadataUrl, ...)` in production. */
    readonly trust: () => Promise<Trust>;
    /** Milliseconds since the epoch (token expiry). Default `Date.now`. */
    readonly now?: () => number;
    /** Default: JSON lines on stderr at `config.logLevel`. */
    readonly logger?: Logger;
}

/** Who is calling, after the token's permissions were checked. */
export type Caller =
    | { readonly kind: "user"; readonly oid: string; readonly canWrite: boolean }
    | { readonly kind: "app"; readonly canWrite: boolean };

type Access = "read" | "write";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ITEM_PATH = /^\/api\/todos\/([^/]+)$/;

/** 403 for a token without the permission a route needs. */
class ForbiddenError extends Error {}

/** Checks the delegated scopes (`scp`) or, for app-only tokens (`idtyp` = `app`), the application roles. */
export function authorize(claims: AccessTokenClaims, access: Access, config: Pick<ApiConfig, "scopes" | "roles">): Caller {
    if (claims.idtyp === "app") {
        const roles = Array.isArray(claims.roles) ? claims.roles : [];
        const canWrite = roles.includes(config.roles.write);
        if (!(canWrite || (access === "read" && roles.includes(config.roles.read)))) {
            throw new ForbiddenError(access === "read" ? `${config.roles.read} ${config.roles.write}` : config.roles.write);
        }
        return { kind: "app", canWrite };
    }
    const scopes = typeof claims.scp === "string" ? claims.scp.split(" ") : [];
    const canWrite = scopes.includes(config.scopes.write);
    if (!(canWrite || (access === "read" && scopes.includes(config.scopes.read)))) {
        throw new ForbiddenError(access === "read" ? `${config.scopes.read} ${config.scopes.write}` : config.scopes.write);
    }
    if (typeof claims.oid !== "string" || claims.oid === "") throw new TokenError("The token has no oid claim");
    return { kind: "user", oid: claims.oid, canWrite };
}

/**
 * The to-do API as a request listener (nothing listens yet):
 * `GET /healthz` (no auth), `GET /api/todos`, `POST /api/todos`, `DELETE /api/todos/:id`.
 */
export function createApiApp(deps: ApiDeps): RequestListener {
    const { config, store } = deps;
    const log = deps.logger ?? createLogger({ level: config.logLevel, name: "api" });
    const verifier: TokenVerifier = createTokenVerifier({
        trust: deps.trust,
        audience: config.audience,
        clockSkewSeconds: config.clockSkewSeconds,
        maxTokenLength: config.maxTokenLength,
        cacheSize: config.tokenCacheSize,
        now: deps.now,
    });
    const baseHeaders = securityHeaders();
    const realm = `Bearer realm="api"`;

    const send = (res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>): void => {
        const text = body === undefined ? "" : JSON.stringify(body);
        const headers: Record<string, string | number> = { ...baseHeaders, ...extra };
        if (body !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
        headers["Content-Length"] = Buffer.byteLength(text);
        // A request body left unread (refused before reading: 401, 403, 413, 415...) is not read to its end to keep
        // the connection: the connection ends after this response.
        if (!res.req.complete) headers.Connection = "close";
        res.writeHead(status, headers);
        res.end(text);
    };
    const fail = (res: ServerResponse, status: number, error: string, message: string, extra?: Record<string, string>) =>
        send(res, status, { error, message }, extra);

    /** The caller, or undefined after an error response was sent. */
    const authenticate = async (req: IncomingMessage, res: ServerResponse, access: Access): Promise<Caller | undefined> => {
        const header = req.headers.authorization;
        if (header === undefined || !/^bearer(?: |$)/i.test(header)) {
            fail(res, 401, "unauthorized", "A bearer token is required", { "WWW-Authenticate": realm });
            return undefined;
        }
        const token = header.slice(7).trim();
        try {
            if (token === "") throw new TokenError("The bearer token is empty");
            const claims = verifier.cached(token) ?? (await verifier.verify(token));
            return authorize(claims, access, config);
        } catch (e) {
            if (e instanceof TokenError) {
                fail(res, 401, "invalid_token", e.message, {
                    "WWW-Authenticate": `${realm}, error="invalid_token", error_description="${e.message}"`,
                });
            } else if (e instanceof ForbiddenError) {
                fail(res, 403, "insufficient_scope", `The token lacks the permission: one of ${e.message}`, {
                    "WWW-Authenticate": `${realm}, error="insufficient_scope", scope="${e.message}"`,
                });
            } else if (e instanceof TrustUnavailableError) {
                log.error("cannot read the tenant's metadata or keys", { error: e.message });
                fail(res, 503, "temporarily_unavailable", "The tenant's signing keys cannot be read right now", { "Retry-After": "5" });
            } else {
                throw e;
            }
            return undefined;
        }
    };

    const list = async (req: IncomingMessage, res: ServerResponse, query: string): Promise<void> => {
        const caller = await authenticate(req, res, "read");
        if (caller === undefined) return;
        if (caller.kind === "user") {
            send(res, 200, await store.list(caller.oid));
            return;
        }
        const owner = new URLSearchParams(query).get("owner");
        if (owner !== null && !GUID.test(owner)) {
            fail(res, 400, "invalid_request", "owner must be a user's object id (a GUID)");
            return;
        }
        send(res, 200, await store.list(owner === null ? undefined : owner.toLowerCase()));
    };

    const add = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
        const caller = await authenticate(req, res, "write");
        if (caller === undefined) return;
        const body = await readJsonBody(req, config.bodyLimitBytes);
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
            throw new HttpError(400, 'The body must be a JSON object: {"description": "..."}');
        }
        const allowed = caller.kind === "app" ? ["owner", "description"] : ["description"];
        const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
        if (unknown.length > 0) throw new HttpError(400, `Unknown field(s): ${unknown.join(", ")}; allowed: ${allowed.join(", ")}`);
        const { description, owner } = body as { description?: unknown; owner?: unknown };
        if (typeof description !== "string" || description.trim() === "") {
            throw new HttpError(400, "description must be a non-empty string");
        }
        const text = description.trim();
        if ([...text].length > config.maxDescriptionLength) {
            throw new HttpError(400, `description must be at most ${config.maxDescriptionLength} characters`);
        }
        let ownerId: string;
        if (caller.kind === "user") {
            ownerId = caller.oid;
        } else {
            if (typeof owner !== "string" || !GUID.test(owner)) {
                throw new HttpError(400, "owner (the user's object id, a GUID) is required for app-only callers");
            }
            ownerId = owner.toLowerCase();
        }
        const item = await store.add(ownerId, text);
        send(res, 201, item, { Location: `/api/todos/${item.id}` });
    };

    const remove = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<void> => {
        const caller = await authenticate(req, res, "write");
        if (caller === undefined) return;
        const removed = GUID.test(id) && (await store.remove(id.toLowerCase(), caller.kind === "user" ? caller.oid : undefined));
        if (removed) send(res, 204, undefined);
        else fail(res, 404, "not_found", "No such to-do item");
    };

    const methodNotAllowed = (res: ServerResponse, allow: string) =>
        fail(res, 405, "method_not_allowed", `Allowed methods: ${allow}`, { Allow: allow });

    const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
        const url = req.url ?? "/";
        const q = url.indexOf("?");
        const path = q === -1 ? url : url.slice(0, q);
        const query = q === -1 ? "" : url.slice(q + 1);
        const method = req.method ?? "GET";
        if (path === "/api/todos") {
            if (method === "GET") return list(req, res, query);
            if (method === "POST") return add(req, res);
            return methodNotAllowed(res, "GET, POST");
        }
        const m = ITEM_PATH.exec(path);
        if (m !== null) {
            if (method === "DELETE") return remove(req, res, m[1]!);
            return methodNotAllowed(res, "DELETE");
        }
        if (path === "/healthz") {
            if (method === "GET" || method === "HEAD") return send(res, 200, { status: "ok" });
            return methodNotAllowed(res, "GET, HEAD");
        }
        fail(res, 404, "not_found", "Not found");
    };

    return (req, res) => {
        route(req, res).catch((e: unknown) => {
            if (res.headersSent) {
                res.destroy();
                return;
            }
            if (e instanceof HttpError) {
                const code = e.status === 413 ? "payload_too_large" : e.status === 415 ? "unsupported_media_type" : "invalid_request";
                fail(res, e.status, code, e.message, e.headers);
                return;
            }
            log.error("request failed", { method: req.method, path: (req.url ?? "").split("?")[0], error: e as Error });
            fail(res, 500, "server_error", "Something went wrong");
        });
    };
}

/**
 * An http.Server around {@link createApiApp} (not listening) with the same timeouts as the web app's (SERVER_OPTIONS;
 * `options` overrides them in tests), that answers malformed requests instead of dropping them.
 */
export function createApiServer(deps: ApiDeps, options: ServerOptions = {}): Server {
    const server = createServer({ ...SERVER_OPTIONS, ...options }, createApiApp(deps));
    server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
        if (!socket.writable || err.code === "ECONNRESET") {
            socket.destroy();
            return;
        }
        const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large"
            : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    return server;
}
