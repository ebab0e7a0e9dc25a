/**
 * The web app as a request listener on plain node:http (no framework: cold start matters on App Service):
 *
 *   GET  /                 home (signed out: sign-in and sign-up links; signed in: the user's name)
 *   GET  /auth/signin      starts a sign-in (auth code + PKCE, random state and nonce) kept in a sealed cookie, nothing
 *                          on the server; `?returnTo=/same-origin/path`
 *   GET  /auth/signup      the same request with `prompt=create` (External ID's sign-up page)
 *   GET  <REDIRECT_URI>    completes it: state must match a sign-in in progress in the cookie (once), then a new
 *                          server-side session is created (the first server-side state for this visitor)
 *   POST /auth/signout     with the session's CSRF token: ends the session and the tenant's (end-session redirect)
 *   GET  /profile          the ID token's claims
 *   GET  /todos, POST /todos, POST /todos/delete   the to-do list through the API (API scenario only)
 *   GET  /healthz          readiness for App Service health checks: 503 while the session store cannot be reached
 *   GET  /favicon.ico      the site's icon
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HttpError, readLimitedBody } from "../shared/body";
import { securityHeaders } from "../shared/headers";
import { createLogger, type Logger } from "../shared/log";
import { Auth, SignInError } from "./auth";
import type { WebConfig } from "./config";
import { createHttpClient, type HttpClient } from "./http";
import { describeTenantError, FAVICON_SVG, homePage, messagePage, profilePage, STYLESHEET, todosPage, type PageContext, type TodoView } from "./html";
import { Sealer } from "./seal";
import { safeEqual, Sessions, type Session, type SignedInUser } from "./session";
import { SIGN_IN_TTL_MS, SignInCookie } from "./signInCookie";
import { createStore } from "./store/create";
import { StoreUnavailableError, type KeyValueStore } from "./store/types";
import { TokenCaches } from "./tokenCache";

export interface WebDeps {
    readonly config: WebConfig;
    /** Default: JSON lines on stderr at `config.logLevel`. */
    readonly logger?: Logger;
    /** Outgoing HTTP(S) (tenant, API). Default: node:https with Node's trusted CAs (and NODE_EXTRA_CA_CERTS). */
    readonly http?: HttpClient;
    /** Milliseconds since the epoch. Default `Date.now`. */
    readonly now?: () => number;
    /** Where sessions and token caches live. Default: from `config.store` (memory, or Redis). */
    readonly store?: KeyValueStore;
}

export interface WebApp {
    readonly handler: RequestListener;
    readonly store: KeyValueStore;
    /** Closes the store (when the app made it), timers and kept-alive outgoing connections. */
    close(): Promise<void>;
}

const FORM_LIMIT = 8 * 1024;

class HttpProblem extends Error {
    constructor(readonly status: number, readonly title: string, message: string) {
        super(message);
    }
}

/** A return path after sign-in: only a path on this site (no scheme, no `//host`, no backslashes); else `/`. */
export function safeReturnTo(value: string | null | undefined): string {
    if (typeof value !== "string" || value === "" || value.length > 2048) return "/";
    if (!value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(value)) return "/";
    let u: URL;
    try {
        u = new URL(value, "http://app.invalid");
    } catch {
        return "/";
    }
    if (u.origin !== "http://app.invalid") return "/";
    // The parser resolves dot segments (`/.//x`, `/%2e%2e//x`): a result starting with `//` would be another host.
    if (u.pathname.startsWith("//") || u.pathname.includes("\\")) return "/";
    return `${u.pathname}${u.search}`;
}

function base64url(b: Buffer): string {
    return b.toString("base64url");
}

/** A url-encoded form of at most FORM_LIMIT bytes; failures become friendly pages. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    try {
        return new URLSearchParams((await readLimitedBody(req, FORM_LIMIT, "application/x-www-form-urlencoded")).toString("utf8"));
    } catch (e) {
        const status = e instanceof HttpError ? e.status : 400;
        if (status === 415) throw new HttpProblem(415, "Unsupported form", "The form must be sent as application/x-www-form-urlencoded.");
        if (status === 413) throw new HttpProblem(413, "Form too large", `The form is larger than ${FORM_LIMIT} bytes.`);
        throw new HttpProblem(400, "Bad request", "The form could not be read.");
    }
}

export function createWebApp(deps: WebDeps): WebApp {
    const { config } = deps;
    const log = deps.logger ?? createLogger({ level: config.logLevel, name: "web" });
    const now = deps.now ?? Date.now;
    const http = deps.http ?? createHttpClient();
    const store = deps.store ?? createStore(config.store, log);
    const sealer = new Sealer(config.sessionSecret);
    const caches = new TokenCaches(store, sealer, config.sessionMaxSeconds * 1000);
    const auth = new Auth(config, http, log, caches);
    const sessions = new Sessions({ store, sealer, idleMs: config.sessionIdleSeconds * 1000, absoluteMs: config.sessionMaxSeconds * 1000, secureCookies: config.secureCookies, now });
    const signIns = new SignInCookie(sealer, config.secureCookies, now);
    const redirectPath = new URL(config.redirectUri).pathname;
    const apiEnabled = config.api !== undefined;

    const authorityOrigin = new URL(config.authority).origin;
    const formTargets = [`'self'`, authorityOrigin];
    if (new URL(config.authority).hostname.endsWith(".ciamlogin.com")) formTargets.push("https://*.ciamlogin.com");
    const csp = `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formTargets.join(" ")}; frame-ancestors 'none'; base-uri 'none'`;

    const isHttps = (req: IncomingMessage): boolean => {
        if ((req.socket as { encrypted?: boolean }).encrypted) return true;
        if (!config.trustProxy) return false;
        const proto = req.headers["x-forwarded-proto"];
        return (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim().toLowerCase() === "https";
    };

    const headersFor = (req: IncomingMessage) => securityHeaders({ csp, hsts: isHttps(req) });

    const sendHtml = (req: IncomingMessage, res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void => {
        const body = Buffer.from(html);
        // A request body left unread (refused before reading) is not read to its end: the connection ends instead.
        if (!req.complete) extra = { ...extra, Connection: "close" };
        res.writeHead(status, { ...headersFor(req), ...extra, "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length });
        res.end(req.method === "HEAD" ? undefined : body);
    };
    const redirect = (req: IncomingMessage, res: ServerResponse, location: string, status = 302): void => {
        res.writeHead(status, { ...headersFor(req), Location: location, "Content-Length": 0, ...(req.complete ? {} : { Connection: "close" }) });
        res.end();
    };
    const ctxOf = (session: Session | undefined): PageContext => ({ user: session?.record.user, csrf: session?.record.csrf, apiEnabled });
    const signInRedirect = (req: IncomingMessage, res: ServerResponse, returnTo: string) =>
        redirect(req, res, `/auth/signin?returnTo=${encodeURIComponent(returnTo)}`);

    const requireUser = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<Session | undefined> => {
        const session = await sessions.get(req, res);
        if (session) return session;
        signInRedirect(req, res, path);
        return undefined;
    };

    const checkCsrf = (session: Session | undefined, form: URLSearchParams): void => {
        const token = form.get("csrf") ?? "";
        if (session === undefined || token === "" || !safeEqual(token, session.record.csrf)) {
            throw new HttpProblem(403, "Request refused", "This form has expired or did not come from this site. Go back, reload the page and try again.");
        }
    };

    // ---- sign-in, sign-up, redirect, sign-out -------------------------------------------------------------------

    const startSignIn = async (req: IncomingMessage, res: ServerResponse, url: URL, signUp: boolean) => {
        const state = base64url(randomBytes(32));
        const nonce = base64url(randomBytes(32));
        const codeVerifier = base64url(randomBytes(32));
        const codeChallenge = base64url(createHash("sha256").update(codeVerifier).digest());
        const pending = await signIns.read(req);
        const location = await auth.authorizeUrl({ state, nonce, codeChallenge, signUp });
        await signIns.write(res, [...pending, { state, nonce, codeVerifier, returnTo: safeReturnTo(url.searchParams.get("returnTo")), expires: now() + SIGN_IN_TTL_MS }]);
        redirect(req, res, location);
    };

    const completeSignIn = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
        const q = url.searchParams;
        const state = q.get("state") ?? "";
        const all = await signIns.read(req);
        const pending = state === "" ? undefined : all.find((p) => safeEqual(p.state, state));
        // Each sign-in in progress completes (or fails) once.
        if (pending !== undefined) await signIns.write(res, all.filter((p) => p !== pending));
        const error = q.get("error");
        if (error !== null) {
            const d = describeTenantError(error, q.get("error_description") ?? "");
            log.warn("the tenant returned an error", { error: d.code });
            return sendHtml(req, res, 400, messagePage(d.title, d.message, { apiEnabled }, `<p>Reference: <code id="error-code">${d.code.replace(/[^A-Za-z0-9_.-]/g, "")}</code></p>`));
        }
        if (pending === undefined) {
            log.warn("sign-in response without a matching sign-in in progress (state mismatch, replay or expiry)");
            throw new HttpProblem(400, "Sign-in link not valid", "This sign-in response does not match a sign-in started here, or it was already used. Start again from the home page.");
        }
        const code = q.get("code");
        if (!code) throw new HttpProblem(400, "Sign-in failed", "The sign-in response has no authorization code.");
        let result;
        try {
            result = await auth.redeem({ code, state: pending.state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
        } catch (e) {
            if (e instanceof StoreUnavailableError) throw e;
            const code = e instanceof SignInError ? e.code : "sign_in_failed";
            log.warn("redeeming the authorization code failed", { error: code });
            throw new HttpProblem(400, "Sign-in failed", "The sign-in could not be completed. Start again from the home page.");
        }
        const claims = { ...(result.idTokenClaims as Record<string, unknown>) };
        if (claims.nonce !== pending.nonce || !result.account) {
            throw new HttpProblem(400, "Sign-in failed", "The sign-in response did not match this sign-in. Start again from the home page.");
        }
        const user: SignedInUser = {
            homeAccountId: result.account.homeAccountId,
            name: typeof claims.name === "string" ? claims.name : result.account.username,
            username: result.account.username,
            claims,
        };
        const previous = await sessions.get(req);
        if (previous !== undefined) await sessions.destroy(previous, res);
        await sessions.create(res, user);
        log.info("signed in", { oid: claims.oid });
        redirect(req, res, pending.returnTo);
    };

    const signOut = async (req: IncomingMessage, res: ServerResponse) => {
        const session = await sessions.get(req);
        const form = await readForm(req);
        checkCsrf(session, form);
        const metadata = await auth.metadata();
        await caches.delete(session!.record.user.homeAccountId);
        await sessions.destroy(session, res);
        const end = new URL(metadata.end_session_endpoint);
        end.searchParams.set("client_id", config.clientId);
        end.searchParams.set("post_logout_redirect_uri", config.postLogoutRedirectUri);
        redirect(req, res, end.href);
    };

    // ---- the to-do list through the API --------------------------------------------------------------------------

    const callApi = async (session: Session, method: string, path: string, body?: unknown) => {
        let token: string;
        try {
            token = await auth.apiToken(session.record.user.homeAccountId);
        } catch (e) {
            if (e instanceof SignInError && e.interactionRequired) return "sign-in" as const;
            throw e;
        }
        const r = await http.send(method, `${config.api!.baseUrl}${path}`, {
            headers: { Authorization: `Bearer ${token}`, Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (r.status === 401) return "sign-in" as const;
        return r;
    };

    const apiUnavailable = () => new HttpProblem(502, "To-do list unavailable", "The to-do service did not answer as expected. Try again in a moment.");

    const showTodos = async (req: IncomingMessage, res: ServerResponse, session: Session, status = 200, error?: string) => {
        const r = await callApi(session, "GET", "/api/todos");
        if (r === "sign-in") return signInRedirect(req, res, "/todos");
        if (r.status !== 200) {
            log.warn("the API refused to list to-dos", { status: r.status });
            throw apiUnavailable();
        }
        const items = (JSON.parse(r.body) as { id: string; description: string }[]).map((i): TodoView => ({ id: i.id, description: i.description }));
        sendHtml(req, res, status, todosPage({ ...ctxOf(session), user: session.record.user }, items, error));
    };

    const changeTodos = async (req: IncomingMessage, res: ServerResponse, action: "add" | "delete") => {
        const session = await sessions.get(req, res);
        const form = await readForm(req);
        checkCsrf(session, form);
        const s = session!;
        let r;
        if (action === "add") {
            const description = (form.get("description") ?? "").trim();
            if (description === "") return showTodos(req, res, s, 400, "Write something to add.");
            r = await callApi(s, "POST", "/api/todos", { description });
            if (r !== "sign-in" && r.status === 400) return showTodos(req, res, s, 400, "The to-do was not accepted (at most 500 characters).");
            if (r !== "sign-in" && r.status !== 201) throw apiUnavailable();
        } else {
            const id = form.get("id") ?? "";
            if (!/^[0-9a-f-]{36}$/i.test(id)) throw new HttpProblem(400, "Bad request", "That to-do item does not exist.");
            r = await callApi(s, "DELETE", `/api/todos/${id}`);
            if (r !== "sign-in" && r.status !== 204 && r.status !== 404) throw apiUnavailable();
        }
        if (r === "sign-in") return signInRedirect(req, res, "/todos");
        redirect(req, res, "/todos", 303);
    };

    // ---- routing --------------------------------------------------------------------------------------------------

    const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
        const url = new URL(req.url ?? "/", "http://app.invalid");
        const path = url.pathname;
        const method = req.method === "HEAD" ? "GET" : req.method ?? "GET";
        if (method === "GET") {
            if (path === "/") return sendHtml(req, res, 200, homePage(ctxOf(await sessions.get(req, res))));
            if (path === "/healthz") {
                const ready = await store.ready();
                res.writeHead(ready ? 200 : 503, { ...headersFor(req), "Content-Type": "application/json", ...(ready ? {} : { "Retry-After": "5" }) });
                return void res.end(req.method === "HEAD" ? undefined : JSON.stringify({ status: ready ? "ok" : "unavailable", store: store.kind }));
            }
            if (path === "/static/site.css") {
                res.writeHead(200, { ...headersFor(req), "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600" });
                return void res.end(req.method === "HEAD" ? undefined : STYLESHEET);
            }
            if (path === "/favicon.ico" || path === "/static/icon.svg") {
                res.writeHead(200, { ...headersFor(req), "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" });
                return void res.end(req.method === "HEAD" ? undefined : FAVICON_SVG);
            }
            if (path === "/auth/signin") return startSignIn(req, res, url, false);
            if (path === "/auth/signup") return startSignIn(req, res, url, true);
            if (path === redirectPath) return completeSignIn(req, res, url);
            if (path === "/profile") {
                const s = await requireUser(req, res, "/profile");
                if (s) sendHtml(req, res, 200, profilePage({ ...ctxOf(s), user: s.record.user }));
                return;
            }
            if (path === "/todos" && apiEnabled) {
                const s = await requireUser(req, res, "/todos");
                if (s) await showTodos(req, res, s);
                return;
            }
        } else if (method === "POST") {
            if (path === "/auth/signout") return signOut(req, res);
            if (path === "/todos" && apiEnabled) return changeTodos(req, res, "add");
            if (path === "/todos/delete" && apiEnabled) return changeTodos(req, res, "delete");
        }
        sendHtml(req, res, 404, messagePage("Page not found", "There is no page at this address.", ctxOf(await sessions.get(req, res))));
    };

    const handler: RequestListener = (req, res) => {
        route(req, res).catch((e: unknown) => {
            if (res.headersSent) {
                res.destroy();
                return;
            }
            // Pages after a failure show no session (looking it up again could fail the same way).
            const ctx: PageContext = { apiEnabled };
            if (e instanceof HttpProblem) return sendHtml(req, res, e.status, messagePage(e.title, e.message, ctx));
            if (e instanceof StoreUnavailableError) {
                log.warn("session store unavailable", { path: (req.url ?? "").split("?")[0], error: e.message });
                return sendHtml(req, res, 503, messagePage("Try again in a moment", "This site cannot reach the service that keeps sign-ins right now. Nothing is lost: reload this page in a moment.", ctx), { "Retry-After": "5" });
            }
            const reference = randomBytes(6).toString("hex");
            log.error("request failed", { reference, path: (req.url ?? "").split("?")[0], error: e instanceof Error ? { name: e.name, message: e.message } : String(e) });
            sendHtml(req, res, 500, messagePage("Something went wrong", `The page could not be shown. If this keeps happening, quote reference ${reference}.`, ctx));
        });
    };

    return {
        handler,
        store,
        async close() {
            http.close();
            if (deps.store === undefined) await store.close();
        },
    };
}
