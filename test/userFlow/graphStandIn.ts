/**
 * A Microsoft Graph v1.0 stand-in for user flows: an https server on 127.0.0.1 that keeps state, answers with the
 * documented status codes and bodies (Microsoft Graph v1.0 reference for user flows), validates every request against the
 * OpenAPI excerpt (see contract.ts), and injects faults.
 *
 * Time is virtual: `clock` (ms) only moves when a test advances it (the provider's injected `sleep` does), so
 * "404 for 30 s after create" is exact and instant.
 */
import { BUILT_IN_ATTRIBUTES } from "../../components/config";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { loadContract } from "./contract";
import type { TestCertificate } from "./tls";

const FLOW_TYPE = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const AMLS_TYPE = "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp";
const OAC_TYPE = "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp";
const IAFS_TYPE = "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp";
const T_FLOWS = "/identity/authenticationEventsFlows";
const T_FLOW = "/identity/authenticationEventsFlows/{authenticationEventsFlow-id}";
const T_APPS = `${T_FLOW}/conditions/applications/includeApplications`;
const T_APP = `${T_APPS}/{authenticationConditionApplication-appId}`;
const T_IDPS = `${T_FLOW}/graph.externalUsersSelfServiceSignUpEventsFlow/onAuthenticationMethodLoadStart/graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders`;
const T_ATTRS = `${T_FLOW}/graph.externalUsersSelfServiceSignUpEventsFlow/onAttributeCollection/graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes`;
const T_UFAS = "/identity/userFlowAttributes";
const T_UFA = "/identity/userFlowAttributes/{identityUserFlowAttribute-id}";

export interface StoredFlow {
    id: string;
    displayName: string;
    signUpAllowed: boolean;
    idps: string[];
    attrs: string[];
    inputs: Record<string, unknown>[];
    apps: string[];
    /** Virtual time from which GETs see the flow. */
    visibleAt: number;
}

export interface StoredAttribute {
    id: string;
    displayName: string;
    description: string | null;
    userFlowAttributeType: "builtIn" | "custom";
    dataType: string;
    visibleAt: number;
}

export interface RecordedRequest {
    readonly method: string;
    /** Path below /v1.0, as sent (not normalised), without the query. */
    readonly path: string;
    readonly query: string;
    readonly body: unknown;
    /** Status answered, or "reset" / "lost". */
    status: number | "reset" | "lost";
}

export type Fault =
    | { kind: "status"; status: number; retryAfter?: string; message?: string; method?: string; path?: RegExp; times: number }
    /** The connection is dropped before the request is processed. */
    | { kind: "reset"; method?: string; path?: RegExp; times: number }
    /** The request is processed, then the connection is dropped before the answer. */
    | { kind: "lose"; method?: string; path?: RegExp; times: number };

export interface StandInOptions {
    /** Whether GET on a flow expands identityProviders, attributes and includeApplications (as the docs show). */
    expandNavigation?: boolean;
    /** Page size of collection GETs. */
    pageSize?: number;
}

/** The tenant's built-in user attributes (id → display name), as the program knows them. */
const BUILT_INS: Readonly<Record<string, string>> = BUILT_IN_ATTRIBUTES;

const IDPS: Record<string, Record<string, unknown>> = {
    "EmailPassword-OAUTH": { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "EmailPassword-OAUTH", displayName: "Email with password", identityProviderType: "EmailPassword", state: null },
    "EmailOtpSignup-OAUTH": { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "EmailOtpSignup-OAUTH", displayName: "Email one-time passcode", identityProviderType: "EmailOTP", state: null },
    "Google-OAUTH": { "@odata.type": "#microsoft.graph.socialIdentityProvider", id: "Google-OAUTH", displayName: "Google", identityProviderType: "Google", clientId: "google-client-id", clientSecret: "******" },
};

/** Endpoints of other Graph areas served by the same tenant (test/signInExperience/standIn*.ts), asked in turn. */
export interface StandInExtension {
    /** Undefined when the path is not one of its own; else contract problems (answered 400) or its answer. */
    handle(req: { method: string; path: string; query: URLSearchParams; body: unknown; contentType: string }): { problems: string[]; answer?: [number, unknown, Record<string, string>?] } | undefined;
    /** An identity provider it has configured in the tenant, by Graph id (what a flow may list). */
    identityProvider?(id: string): Record<string, unknown> | undefined;
}

class HttpError extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
        super(message);
    }
}

export class GraphStandIn {
    /** https://127.0.0.1:<port> (no trailing slash). */
    url = "";
    /** Virtual time in ms. */
    clock = 0;
    /** The bearer token requests must carry (see also issueToken / revoke). */
    readonly token = `standin-${randomBytes(12).toString("hex")}`;
    /** Tokens Graph accepts; a revoked one is answered 401 with a claims challenge (continuous access evaluation). */
    private readonly accepted = new Set<string>([this.token]);
    private readonly revoked = new Set<string>();
    /** When true every request is answered 401 (an expired token). */
    expiredToken = false;
    /** Replication delays (virtual ms) applied to new flows and custom attributes. */
    flowReplicationMs = 0;
    attributeReplicationMs = 0;
    /** How long a deleted flow stays in the flow list (GET by id answers 404 at once): lists lag behind deletes. */
    deleteReplicationMs = 0;
    /** Deleted flows still listed, with the virtual time they leave the list. */
    private readonly ghosts: { flow: StoredFlow; until: number }[] = [];
    readonly requests: RecordedRequest[] = [];
    /** Contract violations and missing auth headers; tests assert this stays empty. */
    readonly violations: string[] = [];
    readonly flows = new Map<string, StoredFlow>();
    readonly attributes = new Map<string, StoredAttribute>();
    /** Applications known to the tenant: appId → virtual time their service principal becomes visible. */
    readonly apps = new Map<string, number>();
    readonly extensions: StandInExtension[] = [];
    private readonly faults: Fault[] = [];
    private server?: Server;
    private readonly sockets = new Set<Socket>();
    private readonly hex = randomBytes(16).toString("hex");
    private readonly contract = loadContract();

    constructor(private readonly tls: TestCertificate, private readonly options: StandInOptions = {}) {
        for (const [id, name] of Object.entries(BUILT_INS)) {
            this.attributes.set(id, { id, displayName: name, description: `${name} of the user`, userFlowAttributeType: "builtIn", dataType: "string", visibleAt: 0 });
        }
    }

    async start(): Promise<void> {
        this.server = createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => void this.handle(req, res));
        this.server.on("connection", (s: Socket) => {
            this.sockets.add(s);
            s.on("close", () => this.sockets.delete(s));
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async close(): Promise<void> {
        for (const s of this.sockets) s.destroy();
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /** A further valid token (e.g. what the credential hands out after a renewal). */
    issueToken(): string {
        const t = `standin-${randomBytes(12).toString("hex")}`;
        this.accepted.add(t);
        return t;
    }

    /** From now on `token` is answered 401 with a claims challenge. */
    revoke(token: string): void {
        this.accepted.delete(token);
        this.revoked.add(token);
    }

    inject(fault: Fault): void {
        this.faults.push({ ...fault });
    }

    /** Registers an application whose service principal becomes visible after `spDelayMs` of virtual time. */
    addApp(appId: string, spDelayMs = 0): void {
        this.apps.set(appId.toLowerCase(), this.clock + spDelayMs);
    }

    /** Requests that change state (POST, PATCH, DELETE). */
    writes(): RecordedRequest[] {
        return this.requests.filter((r) => r.method !== "GET");
    }

    /** "METHOD shape" of every request, with ids replaced, for exact call-sequence assertions. */
    calls(): string[] {
        return this.requests.map((r) => `${r.method} ${this.shape(r.path)}${r.query ? `?${decodeURIComponent(r.query).replace(/'[^']*'/g, "'…'")}` : ""}`);
    }

    private shape(path: string): string {
        return path
            .replace(/\/microsoft\.graph\.(externalUsersSelfServiceSignUpEventsFlow|onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp|onAttributeCollectionExternalUsersSelfServiceSignUp)/g, "/{cast}")
            .replace(/authenticationEventsFlows\/[0-9a-f-]{36}/g, "authenticationEventsFlows/{id}")
            .replace(/includeApplications\/[0-9a-f-]{36}/g, "includeApplications/{appId}");
    }

    /** Flows with this name; names are compared without regard to case, as Graph's uniqueness rule does. */
    flowByName(name: string): StoredFlow[] {
        return [...this.flows.values()].filter((f) => f.displayName.toLowerCase() === name.toLowerCase());
    }

    // -----------------------------------------------------------------------------------------------------------

    private takeFault(method: string, path: string): Fault | undefined {
        const i = this.faults.findIndex((f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(path)));
        if (i < 0) return undefined;
        const f = this.faults[i];
        f.times--;
        return f;
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const url = new URL(req.url ?? "/", this.url);
        const method = req.method ?? "GET";
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        const rec: RecordedRequest = { method, path: url.pathname.replace(/^\/v1\.0/, ""), query: url.search.replace(/^\?/, ""), body: undefined, status: 0 };
        this.requests.push(rec);
        const contentType = String(req.headers["content-type"] ?? "");
        const binary = raw !== "" && contentType.startsWith("image/");
        try {
            body = raw === "" ? undefined : binary ? Buffer.concat(chunks) : JSON.parse(raw);
        } catch {
            this.violations.push(`${method} ${url.pathname}: the body is not JSON`);
        }
        (rec as { body: unknown }).body = body;
        if (!url.pathname.startsWith("/v1.0/")) this.violations.push(`${method} ${url.pathname}: not a v1.0 URL`);
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
        const revoked = this.revoked.has(bearer);
        if (!this.accepted.has(bearer) && !revoked) this.violations.push(`${method} ${url.pathname}: missing or wrong bearer token`);
        if (body !== undefined && !binary && !contentType.startsWith("application/json")) this.violations.push(`${method} ${url.pathname}: body without a JSON content type`);

        const fault = this.takeFault(method, rec.path);
        if (fault?.kind === "reset") {
            rec.status = "reset";
            req.socket.destroy();
            return;
        }
        if (fault?.kind === "status") {
            rec.status = fault.status;
            return this.send(res, fault.status, this.errorBody(fault.status === 429 ? "TooManyRequests" : "ServiceUnavailable", fault.message ?? "Injected fault"), fault.retryAfter ? { "Retry-After": fault.retryAfter } : {});
        }
        if (revoked) {
            rec.status = 401;
            const claims = Buffer.from(JSON.stringify({ access_token: { nbf: { essential: true, value: "1700000000" } } })).toString("base64");
            return this.send(res, 401, this.errorBody("InvalidAuthenticationToken", "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp"),
                { "WWW-Authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${claims}"` });
        }
        if (this.expiredToken) {
            rec.status = 401;
            return this.send(res, 401, this.errorBody("InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."));
        }
        for (const ext of this.extensions) {
            const r = ext.handle({ method, path: rec.path, query: url.searchParams, body, contentType });
            if (!r) continue;
            this.violations.push(...r.problems);
            const [status, out, headers = {}] = r.problems.length > 0 ? [400, this.errorBody("BadRequest", r.problems.join("; "))] : r.answer!;
            rec.status = fault?.kind === "lose" ? "lost" : status;
            if (fault?.kind === "lose") return void req.socket.destroy();
            return this.send(res, status, out, headers);
        }
        const { problems, match } = this.contract.check(method, rec.path, url.searchParams, body);
        if (problems.length > 0 || !match) {
            this.violations.push(...problems);
            rec.status = 400;
            return this.send(res, 400, this.errorBody("BadRequest", problems.join("; ")));
        }
        let status = 500;
        let out: unknown;
        let headers: Record<string, string> = {};
        try {
            [status, out, headers = {}] = this.route(method, match.template, match.params, url.searchParams, body as Record<string, any>, rec.path);
        } catch (e) {
            if (!(e instanceof HttpError)) throw e;
            status = e.status;
            out = this.errorBody(e.code, e.message);
        }
        if (fault?.kind === "lose") {
            rec.status = "lost";
            req.socket.destroy();
            return;
        }
        rec.status = status;
        this.send(res, status, out, headers);
    }

    private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
        const text = body === undefined ? "" : JSON.stringify(body);
        res.writeHead(status, { ...(text ? { "Content-Type": "application/json" } : {}), "request-id": randomUUID(), ...headers });
        res.end(text);
    }

    private errorBody(code: string, message: string): unknown {
        return { error: { code, message, innerError: { "request-id": randomUUID(), date: new Date(0).toISOString() } } };
    }

    private idp(id: string): Record<string, unknown> | undefined {
        return IDPS[id] ?? this.extensions.map((x) => x.identityProvider?.(id)).find((p) => p !== undefined);
    }

    private visibleFlow(id: string): StoredFlow {
        const f = this.flows.get(id);
        if (!f || this.clock < f.visibleAt) throw new HttpError(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
        return f;
    }

    private page(items: unknown[], query: URLSearchParams, path: string): unknown {
        const size = this.options.pageSize ?? 100;
        const skip = Number(query.get("$skip") ?? "0");
        const value = items.slice(skip, skip + size);
        const out: Record<string, unknown> = { "@odata.context": `${this.url}/v1.0/$metadata#collection`, value };
        if (skip + size < items.length) {
            const next = new URLSearchParams(query);
            next.set("$skip", String(skip + size));
            out["@odata.nextLink"] = `${this.url}/v1.0${path}?${next.toString()}`;
        }
        return out;
    }

    private attrObject(id: string): Record<string, unknown> {
        const a = this.attributes.get(id);
        return a ? { id: a.id, displayName: a.displayName, description: a.description, userFlowAttributeType: a.userFlowAttributeType, dataType: a.dataType } : { id };
    }

    private normalizeInput(i: Record<string, any>): Record<string, unknown> {
        // What the service stores: defaults filled in, inputType lower-cased.
        return {
            attribute: i.attribute,
            label: i.label,
            inputType: String(i.inputType ?? "text").toLowerCase(),
            defaultValue: i.defaultValue ?? null,
            hidden: i.hidden ?? false,
            editable: i.editable ?? true,
            writeToDirectory: i.writeToDirectory ?? true,
            required: i.required ?? false,
            validationRegEx: i.validationRegEx ?? "^.*",
            options: i.options ?? [],
        };
    }

    private flowObject(f: StoredFlow, expand: boolean): Record<string, unknown> {
        const apps: Record<string, unknown> = { includeAllApplications: false };
        if (expand) apps.includeApplications = f.apps.map((appId) => ({ appId }));
        const amls: Record<string, unknown> = { "@odata.type": AMLS_TYPE };
        if (expand) amls.identityProviders = f.idps.map((id) => this.idp(id));
        const oac: Record<string, unknown> = {
            "@odata.type": OAC_TYPE,
            accessPackages: [],
            attributeCollectionPage: { customStringsFileId: null, views: [{ title: null, description: null, inputs: f.inputs }] },
        };
        if (expand) oac.attributes = f.attrs.map((id) => this.attrObject(id));
        return {
            "@odata.type": FLOW_TYPE,
            id: f.id,
            displayName: f.displayName,
            description: null,
            priority: 500,
            conditions: { applications: apps },
            onInteractiveAuthFlowStart: { "@odata.type": IAFS_TYPE, isSignUpAllowed: f.signUpAllowed },
            onAuthenticationMethodLoadStart: amls,
            onAttributeCollection: oac,
            onAttributeCollectionStart: null,
            onAttributeCollectionSubmit: null,
            onUserCreateStart: null,
        };
    }

    private requireType(obj: any, type: string, where: string): void {
        if (!obj || obj["@odata.type"] !== type) throw new HttpError(400, "Request_BadRequest", `${where} must carry "@odata.type": "${type}"`);
    }

    private checkInputs(inputs: any[], attrs: string[]): Record<string, unknown>[] {
        for (const i of inputs) {
            if (!attrs.includes(i.attribute)) throw new HttpError(400, "Request_BadRequest", `The attribute '${i.attribute}' of the page is not an attribute of the flow.`);
        }
        return inputs.map((i) => this.normalizeInput(i));
    }

    private filterFlows(filter: string | null): StoredFlow[] {
        const listed = [...this.flows.values(), ...this.ghosts.filter((g) => this.clock < g.until).map((g) => g.flow)];
        const visible = listed.filter((f) => this.clock >= f.visibleAt);
        if (!filter) return visible;
        const app = /^(?:microsoft\.graph\.)?externalUsersSelfServiceSignUpEventsFlow\/conditions\/applications\/includeApplications\/any\(appId:appId\/appId eq '([^']*)'\)$/.exec(filter);
        if (app) return visible.filter((f) => f.apps.includes(app[1].toLowerCase()));
        const name = /^displayName eq '((?:[^']|'')*)'$/.exec(filter);
        if (name) return visible.filter((f) => f.displayName.toLowerCase() === name[1].replace(/''/g, "'").toLowerCase());
        throw new HttpError(400, "BadRequest", `Unsupported $filter: ${filter}`);
    }

    private route(method: string, template: string, params: string[], query: URLSearchParams, body: Record<string, any>, path: string): [number, unknown, Record<string, string>?] {
        const key = `${method} ${template}`;
        switch (key) {
            case `GET ${T_FLOWS}`:
                return [200, this.page(this.filterFlows(query.get("$filter")).map((f) => this.flowObject(f, this.options.expandNavigation ?? true)), query, path)];
            case `POST ${T_FLOWS}`: {
                this.requireType(body, FLOW_TYPE, "The flow");
                if (typeof body.displayName !== "string" || body.displayName === "") throw new HttpError(400, "Request_BadRequest", "displayName is required.");
                if (this.flowByName(body.displayName).length > 0) throw new HttpError(400, "Request_BadRequest", `A user flow named '${body.displayName}' already exists.`);
                this.requireType(body.onInteractiveAuthFlowStart, IAFS_TYPE, "onInteractiveAuthFlowStart");
                this.requireType(body.onAuthenticationMethodLoadStart, AMLS_TYPE, "onAuthenticationMethodLoadStart");
                const idps: string[] = (body.onAuthenticationMethodLoadStart.identityProviders ?? []).map((p: any) => p.id);
                if (idps.length === 0) throw new HttpError(400, "Request_BadRequest", "At least one identity provider is required.");
                for (const p of idps) if (!this.idp(p)) throw new HttpError(400, "Request_BadRequest", `Identity provider '${p}' is not configured in the tenant.`);
                let attrs: string[] = [];
                let inputs: Record<string, unknown>[] = [];
                if (body.onAttributeCollection) {
                    this.requireType(body.onAttributeCollection, OAC_TYPE, "onAttributeCollection");
                    attrs = (body.onAttributeCollection.attributes ?? []).map((a: any) => a.id);
                    for (const a of attrs) {
                        const s = this.attributes.get(a);
                        if (!s || this.clock < s.visibleAt) throw new HttpError(400, "Request_BadRequest", `Attribute '${a}' does not exist.`);
                    }
                    inputs = this.checkInputs((body.onAttributeCollection.attributeCollectionPage?.views ?? []).flatMap((v: any) => v.inputs ?? []), attrs);
                }
                const f: StoredFlow = {
                    id: randomUUID(),
                    displayName: body.displayName,
                    signUpAllowed: body.onInteractiveAuthFlowStart.isSignUpAllowed ?? false,
                    idps,
                    attrs,
                    inputs,
                    apps: [],
                    visibleAt: this.clock + this.flowReplicationMs,
                };
                this.flows.set(f.id, f);
                const created = this.flowObject(f, false);
                return [201, { "@odata.context": `${this.url}/v1.0/$metadata#identity/authenticationEventsFlows/$entity`, ...created }, { Location: `${this.url}/v1.0/identity/authenticationEventsFlows/${f.id}` }];
            }
            case `GET ${T_FLOW}`:
                return [200, this.flowObject(this.visibleFlow(params[0]), this.options.expandNavigation ?? true)];
            case `PATCH ${T_FLOW}`: {
                const f = this.visibleFlow(params[0]);
                this.requireType(body, FLOW_TYPE, "The PATCH body");
                if (body.displayName !== undefined) {
                    if (this.flowByName(body.displayName).some((o) => o.id !== f.id)) throw new HttpError(400, "Request_BadRequest", `A user flow named '${body.displayName}' already exists.`);
                }
                if (body.onAuthenticationMethodLoadStart !== undefined) throw new HttpError(400, "Request_BadRequest", "Use the identityProviders/$ref endpoints.");
                if (body.onInteractiveAuthFlowStart !== undefined) this.requireType(body.onInteractiveAuthFlowStart, IAFS_TYPE, "onInteractiveAuthFlowStart");
                let inputs = f.inputs;
                if (body.onAttributeCollection !== undefined) {
                    this.requireType(body.onAttributeCollection, OAC_TYPE, "onAttributeCollection");
                    if (body.onAttributeCollection.attributes !== undefined) throw new HttpError(400, "Request_BadRequest", "Use the attributes/$ref endpoints.");
                    inputs = this.checkInputs((body.onAttributeCollection.attributeCollectionPage?.views ?? []).flatMap((v: any) => v.inputs ?? []), f.attrs);
                }
                if (body.displayName !== undefined) f.displayName = body.displayName;
                if (body.onInteractiveAuthFlowStart !== undefined) f.signUpAllowed = body.onInteractiveAuthFlowStart.isSignUpAllowed;
                f.inputs = inputs;
                return [204, undefined];
            }
            case `DELETE ${T_FLOW}`: {
                const gone = this.visibleFlow(params[0]);
                this.flows.delete(params[0]);
                if (this.deleteReplicationMs > 0) this.ghosts.push({ flow: gone, until: this.clock + this.deleteReplicationMs });
                return [204, undefined];
            }
            case `GET ${T_APPS}`:
                return [200, this.page(this.visibleFlow(params[0]).apps.map((appId) => ({ appId })), query, path)];
            case `POST ${T_APPS}`: {
                const f = this.visibleFlow(params[0]);
                const appId = String(body.appId ?? "").toLowerCase();
                const spAt = this.apps.get(appId);
                if (spAt === undefined || this.clock < spAt) throw new HttpError(400, "Request_BadRequest", `The application id '${appId}' is invalid.`);
                if ([...this.flows.values()].some((o) => o.apps.includes(appId))) throw new HttpError(400, "Request_BadRequest", `The application '${appId}' is already linked to a user flow.`);
                f.apps.push(appId);
                return [201, { "@odata.context": `${this.url}/v1.0/$metadata#includeApplications/$entity`, appId }];
            }
            case `DELETE ${T_APP}`: {
                const f = this.visibleFlow(params[0]);
                const appId = params[1].toLowerCase();
                if (!f.apps.includes(appId)) throw new HttpError(404, "Request_ResourceNotFound", `Application '${appId}' is not linked to this flow.`);
                f.apps = f.apps.filter((a) => a !== appId);
                return [204, undefined];
            }
            case `GET ${T_IDPS}`:
                return [200, this.page(this.visibleFlow(params[0]).idps.map((id) => this.idp(id)), query, path)];
            case `POST ${T_IDPS}/$ref`: {
                const f = this.visibleFlow(params[0]);
                const m = /\/identityProviders\/([^/]+)$/.exec(String(body["@odata.id"] ?? ""));
                if (!m || !this.idp(m[1])) throw new HttpError(400, "Request_BadRequest", "Invalid @odata.id: not a configured identity provider.");
                if (f.idps.includes(m[1])) throw new HttpError(400, "Request_BadRequest", "The identity provider is already in the flow.");
                f.idps.push(m[1]);
                return [204, undefined];
            }
            case `DELETE ${T_IDPS}/{identityProviderBase-id}/$ref`: {
                const f = this.visibleFlow(params[0]);
                if (!f.idps.includes(params[1])) throw new HttpError(404, "Request_ResourceNotFound", "The identity provider is not in the flow.");
                if (f.idps.length === 1) throw new HttpError(400, "Request_BadRequest", "A flow needs at least one identity provider.");
                f.idps = f.idps.filter((p) => p !== params[1]);
                return [204, undefined];
            }
            case `GET ${T_ATTRS}`: {
                const f = this.visibleFlow(params[0]);
                if (f.attrs.length === 0) throw new HttpError(400, "Request_BadRequest", "The flow has no attributes.");
                return [200, this.page(f.attrs.map((id) => this.attrObject(id)), query, path)];
            }
            case `POST ${T_ATTRS}/$ref`: {
                const f = this.visibleFlow(params[0]);
                const m = /\/identity\/userFlowAttributes\/([^/]+)$/.exec(String(body["@odata.id"] ?? ""));
                const a = m ? this.attributes.get(m[1]) : undefined;
                if (!a || this.clock < a.visibleAt) throw new HttpError(400, "Request_BadRequest", "Invalid @odata.id: no such user flow attribute.");
                if (f.attrs.includes(a.id)) throw new HttpError(400, "Request_BadRequest", "The attribute is already in the flow.");
                f.attrs.push(a.id);
                f.inputs = [...f.inputs.filter((i) => i.attribute !== a.id), this.normalizeInput({ attribute: a.id, label: a.displayName })];
                return [204, undefined];
            }
            case `DELETE ${T_ATTRS}/{identityUserFlowAttribute-id}/$ref`: {
                const f = this.visibleFlow(params[0]);
                if (!f.attrs.includes(params[1])) throw new HttpError(404, "Request_ResourceNotFound", "The attribute is not in the flow.");
                f.attrs = f.attrs.filter((a) => a !== params[1]);
                return [204, undefined];
            }
            case `GET ${T_UFAS}`: {
                const filter = query.get("$filter");
                let list = [...this.attributes.values()].filter((a) => this.clock >= a.visibleAt);
                if (filter) {
                    const m = /^(displayName|userFlowAttributeType) eq '((?:[^']|'')*)'$/.exec(filter);
                    if (!m) throw new HttpError(400, "BadRequest", `Unsupported $filter: ${filter}`);
                    // eq on strings ignores case in the directory (learn.microsoft.com/answers/questions/1274766).
                    list = list.filter((a) => a[m[1] as "displayName"].toLowerCase() === m[2].replace(/''/g, "'").toLowerCase());
                }
                return [200, this.page(list.map((a) => this.attrObject(a.id)), query, path)];
            }
            case `POST ${T_UFAS}`: {
                const name = body.displayName;
                if (typeof name !== "string" || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new HttpError(400, "Request_BadRequest", "displayName is invalid.");
                if (!["string", "boolean", "int64"].includes(body.dataType)) throw new HttpError(400, "Request_BadRequest", "dataType is invalid.");
                if ([...this.attributes.values()].some((a) => a.displayName.toLowerCase() === name.toLowerCase())) throw new HttpError(409, "Request_MultipleObjectsWithSameKeyValue", `An attribute named '${name}' already exists.`);
                const a: StoredAttribute = { id: `extension_${this.hex}_${name}`, displayName: name, description: body.description ?? null, userFlowAttributeType: "custom", dataType: body.dataType, visibleAt: this.clock + this.attributeReplicationMs };
                this.attributes.set(a.id, a);
                return [201, this.attrObject(a.id), { Location: `/identity/userFlowAttributes('${a.id}')` }];
            }
            case `GET ${T_UFA}`: {
                const a = this.attributes.get(params[0]);
                if (!a || this.clock < a.visibleAt) throw new HttpError(404, "Request_ResourceNotFound", `Attribute '${params[0]}' does not exist.`);
                return [200, this.attrObject(a.id)];
            }
            case `PATCH ${T_UFA}`: {
                const a = this.attributes.get(params[0]);
                if (!a || this.clock < a.visibleAt) throw new HttpError(404, "Request_ResourceNotFound", `Attribute '${params[0]}' does not exist.`);
                if (a.userFlowAttributeType !== "custom") throw new HttpError(400, "Request_BadRequest", "Built-in attributes are read-only.");
                const extra = Object.keys(body).filter((k) => k !== "description");
                if (extra.length > 0) throw new HttpError(400, "Request_BadRequest", `Only description can be updated (got ${extra.join(", ")}).`);
                a.description = body.description;
                return [204, undefined];
            }
            case `DELETE ${T_UFA}`: {
                const a = this.attributes.get(params[0]);
                if (!a || a.userFlowAttributeType !== "custom" || this.clock < a.visibleAt) throw new HttpError(404, "Request_ResourceNotFound", `Attribute '${params[0]}' does not exist.`);
                this.attributes.delete(params[0]);
                return [204, undefined];
            }
            default:
                this.violations.push(`${key}: in the OpenAPI excerpt but not implemented by the stand-in`);
                throw new HttpError(501, "NotImplemented", key);
        }
    }
}
