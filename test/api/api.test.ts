import { request as httpRequest, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { createApiServer } from "../../webapp/src/api/app";
import { API_DEFAULTS, type ApiConfig } from "../../webapp/src/api/config";
import { discoverTrust } from "../../webapp/src/api/keys";
import { MemoryStore } from "../../webapp/src/api/memoryStore";
import { createLogger } from "../../webapp/src/shared/log";
import {
    ALICE, API_CLIENT_ID, BOB, FakeTenant, TENANT_ID, WEB_CLIENT_ID, appClaims, makeKey, signHs256, signRs256, unsigned, userClaims,
    type TestKey,
} from "./support";

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const REALM = 'Bearer realm="api"';

let key: TestKey;
let tenant: FakeTenant;
let server: Server;
let base: string;
let nowMs = T0;
let logLines: string[] = [];
let store: MemoryStore;

const nowSec = () => Math.floor(nowMs / 1000);
const header = (k: TestKey = key) => ({ alg: "RS256", typ: "JWT", kid: k.kid });
const tok = (claims: unknown, k: TestKey = key) => signRs256(header(k), claims, k.privateKey);
const userToken = (oid: string, scp: string, extra: Record<string, unknown> = {}) => tok(userClaims(tenant, oid, scp, nowSec(), extra));
const appToken = (roles: string[] | undefined, extra: Record<string, unknown> = {}) => tok(appClaims(tenant, roles, nowSec(), extra));

interface Reply {
    status: number;
    headers: Headers;
    body: any;
}

async function call(method: string, path: string, opts: { token?: string; authorization?: string; json?: unknown; raw?: string; contentType?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    if (opts.authorization !== undefined) headers.authorization = opts.authorization;
    let body: string | undefined;
    if (opts.json !== undefined) body = JSON.stringify(opts.json);
    if (opts.raw !== undefined) body = opts.raw;
    if (body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
    const res = await fetch(base + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
}

/** The API still answers a valid request after a bad one. */
async function stillServes(): Promise<void> {
    const r = await call("GET", "/api/todos", { token: userToken(BOB, "ToDoList.Read") });
    expect(r.status).toBe(200);
}

function config(overrides: Partial<ApiConfig> = {}): ApiConfig {
    return { ...API_DEFAULTS, audience: API_CLIENT_ID, metadataUrl: tenant.metadataUrl, allowInsecureHttp: true, port: 0, ...overrides };
}

beforeAll(async () => {
    key = makeKey("key-1");
    tenant = await new FakeTenant([key]).start();
});

afterAll(async () => {
    await tenant.stop();
});

beforeEach(async () => {
    nowMs = T0;
    logLines = [];
    store = new MemoryStore(() => new Date(nowMs));
    tenant.keys = [key];
    tenant.extraJwks = [];
    tenant.failMetadata = undefined;
    tenant.jwksRequests = 0;
    tenant.metadataRequests = 0;
    const now = () => nowMs;
    server = createApiServer({
        config: config(),
        store,
        trust: discoverTrust(tenant.metadataUrl, { allowInsecureHttp: true, now }),
        now,
        logger: createLogger({ level: "debug", write: (l) => logLines.push(l) }),
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("health and routing", () => {
    test("GET /healthz needs no token", async () => {
        const r = await call("GET", "/healthz");
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ status: "ok" });
        expect(r.headers.get("x-content-type-options")).toBe("nosniff");
        expect(r.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
        expect(r.headers.get("cache-control")).toBe("no-store");
    });

    test("unknown paths are 404, wrong methods 405 with Allow", async () => {
        expect((await call("GET", "/nope")).status).toBe(404);
        expect((await call("GET", "/api/todos/")).body).toEqual({ error: "not_found", message: "Not found" });
        const put = await call("PUT", "/api/todos", { token: userToken(ALICE, "ToDoList.ReadWrite") });
        expect(put.status).toBe(405);
        expect(put.headers.get("allow")).toBe("GET, POST");
        const get = await call("GET", "/api/todos/8e0f1c5a-1111-4222-8333-944445555666");
        expect(get.status).toBe(405);
        expect(get.headers.get("allow")).toBe("DELETE");
        const post = await call("POST", "/healthz");
        expect(post.status).toBe(405);
        expect(post.headers.get("allow")).toBe("GET, HEAD");
    });
});

describe("happy paths", () => {
    test("a user adds, lists and deletes their items", async () => {
        const rw = userToken(ALICE, "ToDoList.ReadWrite");
        expect((await call("GET", "/api/todos", { token: rw })).body).toEqual([]);
        const added = await call("POST", "/api/todos", { token: rw, json: { description: "  Buy milk " } });
        expect(added.status).toBe(201);
        expect(added.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), owner: ALICE, description: "Buy milk", createdAt: "2026-11-21T12:00:00.000Z" });
        expect(added.headers.get("location")).toBe(`/api/todos/${added.body.id}`);
        const second = await call("POST", "/api/todos", { token: rw, json: { description: "Walk the dog" } });
        const listed = await call("GET", "/api/todos", { token: userToken(ALICE, "ToDoList.Read") });
        expect(listed.status).toBe(200);
        expect(listed.body.map((i: { description: string }) => i.description)).toEqual(["Buy milk", "Walk the dog"]);
        const del = await call("DELETE", `/api/todos/${added.body.id}`, { token: rw });
        expect(del.status).toBe(204);
        expect(del.body).toBeUndefined();
        expect((await call("DELETE", `/api/todos/${added.body.id}`, { token: rw })).status).toBe(404);
        expect((await call("GET", "/api/todos", { token: rw })).body).toEqual([second.body]);
    });

    test("users see and delete only their own items", async () => {
        const a = await call("POST", "/api/todos", { token: userToken(ALICE, "ToDoList.ReadWrite"), json: { description: "Alice's" } });
        await call("POST", "/api/todos", { token: userToken(BOB, "ToDoList.ReadWrite"), json: { description: "Bob's" } });
        const bobs = await call("GET", "/api/todos", { token: userToken(BOB, "ToDoList.Read") });
        expect(bobs.body.map((i: { description: string }) => i.description)).toEqual(["Bob's"]);
        const steal = await call("DELETE", `/api/todos/${a.body.id}`, { token: userToken(BOB, "ToDoList.ReadWrite") });
        expect(steal.status).toBe(404);
        expect((await store.list(ALICE)).map((i) => i.description)).toEqual(["Alice's"]);
    });

    test("app-only readers see every owner's items, optionally filtered by owner", async () => {
        await store.add(ALICE, "a1");
        await store.add(BOB, "b1");
        await store.add(ALICE, "a2");
        const all = await call("GET", "/api/todos", { token: appToken(["ToDoList.Read.All"]) });
        expect(all.status).toBe(200);
        expect(all.body.map((i: { owner: string; description: string }) => `${i.owner}:${i.description}`)).toEqual([`${ALICE}:a1`, `${BOB}:b1`, `${ALICE}:a2`]);
        const bobs = await call("GET", `/api/todos?owner=${BOB.toUpperCase()}`, { token: appToken(["ToDoList.ReadWrite.All"]) });
        expect(bobs.body.map((i: { description: string }) => i.description)).toEqual(["b1"]);
        const bad = await call("GET", "/api/todos?owner=bob", { token: appToken(["ToDoList.Read.All"]) });
        expect(bad.status).toBe(400);
        expect(bad.body).toEqual({ error: "invalid_request", message: "owner must be a user's object id (a GUID)" });
    });

    test("app-only writers add for a named owner and delete anyone's item", async () => {
        const writer = appToken(["ToDoList.ReadWrite.All"]);
        const added = await call("POST", "/api/todos", { token: writer, json: { owner: BOB, description: "From the daemon" } });
        expect(added.status).toBe(201);
        expect(added.body.owner).toBe(BOB);
        const noOwner = await call("POST", "/api/todos", { token: writer, json: { description: "x" } });
        expect(noOwner.status).toBe(400);
        expect(noOwner.body.message).toBe("owner (the user's object id, a GUID) is required for app-only callers");
        const alices = await store.add(ALICE, "Alice's");
        expect((await call("DELETE", `/api/todos/${alices.id}`, { token: writer })).status).toBe(204);
        expect((await store.list()).map((i) => i.description)).toEqual(["From the daemon"]);
    });
});

describe("bad tokens: none accepted, none crashes the server", () => {
    const invalid = (message: string) => ({
        status: 401,
        error: "invalid_token",
        message,
        challenge: `${REALM}, error="invalid_token", error_description="${message}"`,
    });
    const forbidden = (scope: string) => ({
        status: 403,
        error: "insufficient_scope",
        message: `The token lacks the permission: one of ${scope}`,
        challenge: `${REALM}, error="insufficient_scope", scope="${scope}"`,
    });
    const READ = forbidden("ToDoList.Read ToDoList.ReadWrite");
    const APP_READ = forbidden("ToDoList.Read.All ToDoList.ReadWrite.All");

    type Case = [name: string, method: string, make: () => { authorization?: string; token?: string }, expected: ReturnType<typeof invalid>];
    const cases: Case[] = [
        ["alg none, empty signature", "GET", () => ({ token: unsigned({ alg: "none", typ: "JWT" }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec())) }), invalid("The token is not a signed JWT")],
        ["alg none with a signature", "GET", () => ({ token: unsigned({ alg: "none", kid: key.kid }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), "c2ln") }), invalid("The token's algorithm is not RS256")],
        ["HS256 signed with the public key", "GET", () => ({ token: signHs256({ alg: "HS256", kid: key.kid }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.publicKey.export({ type: "spki", format: "pem" }) as string) }), invalid("The token's algorithm is not RS256")],
        ["RS512", "GET", () => ({ token: signRs256({ alg: "RS512", kid: key.kid }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.privateKey) }), invalid("The token's algorithm is not RS256")],
        ["wrong issuer", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0` }) }), invalid("The token's issuer is not trusted")],
        ["wrong audience (the web app's ID token)", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { aud: WEB_CLIENT_ID }) }), invalid("The token is not meant for this API")],
        ["audience as an api:// URI", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { aud: `api://${API_CLIENT_ID}` }) }), invalid("The token is not meant for this API")],
        ["expired beyond the skew", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { exp: nowSec() - 61 }) }), invalid("The token has expired")],
        ["not yet valid beyond the skew", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { nbf: nowSec() + 61 }) }), invalid("The token is not valid yet")],
        ["no exp", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { exp: undefined }) }), invalid("The token has no expiry")],
        ["exp as a string", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { exp: String(nowSec() + 3600) }) }), invalid("The token has no expiry")],
        ["unknown kid", "GET", () => ({ token: signRs256({ alg: "RS256", kid: "nobody" }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.privateKey) }), invalid("The token is signed by an unknown key")],
        ["no kid", "GET", () => ({ token: signRs256({ alg: "RS256" }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.privateKey) }), invalid("The token has no key id")],
        ["tampered payload", "GET", () => {
            const [h, , s] = userToken(ALICE, "ToDoList.Read").split(".");
            const p = Buffer.from(JSON.stringify(userClaims(tenant, BOB, "ToDoList.Read", nowSec()))).toString("base64url");
            return { token: `${h}.${p}.${s}` };
        }, invalid("The token's signature is invalid")],
        ["signed by another key with the same kid", "GET", () => ({ token: tok(userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), { ...makeKey(key.kid) }) }), invalid("The token's signature is invalid")],
        ["critical header", "GET", () => ({ token: signRs256({ alg: "RS256", kid: key.kid, crit: ["b64"], b64: false }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.privateKey) }), invalid("The token has critical header parameters")],
        ["encrypted-token typ", "GET", () => ({ token: signRs256({ alg: "RS256", kid: key.kid, typ: "JWE" }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.privateKey) }), invalid("The token's type is not JWT")],
        ["payload that is not JSON", "GET", () => ({ token: signRs256(header(), "not json", key.privateKey) }), invalid("The token's payload is not a JSON object")],
        ["header that is not JSON", "GET", () => ({ token: `${Buffer.from("{nope").toString("base64url")}.e30.c2ln` }), invalid("The token is malformed")],
        ["no alg", "GET", () => ({ token: signRs256({ kid: key.kid }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.privateKey) }), invalid("The token is malformed")],
        ["unrecognised critical header", "GET", () => ({ token: signRs256({ alg: "RS256", kid: key.kid, crit: ["exp"], exp: 1 }, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.privateKey) }), invalid("The token has critical header parameters")],
        ["payload that is a JSON array", "GET", () => ({ token: signRs256(header(), [userClaims(tenant, ALICE, "ToDoList.Read", nowSec())], key.privateKey) }), invalid("The token's payload is not a JSON object")],
        ["no iss", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { iss: undefined }) }), invalid("The token's issuer is not trusted")],
        ["audience list without this API", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { aud: [WEB_CLIENT_ID] }) }), invalid("The token is not meant for this API")],
        ["expired exactly at the skew", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { exp: nowSec() - 60 }) }), invalid("The token has expired")],
        ["nbf as a string", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { nbf: String(nowSec()) }) }), invalid("The token's nbf is malformed")],
        ["iat as a string", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { iat: String(nowSec()) }) }), invalid("The token's iat is malformed")],
        ["a segment that is not base64url", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read").replace(".", "+.") }), invalid("The token is not a signed JWT")],
        ["a private key published under the kid", "GET", () => {
            const leaked = makeKey("leaked");
            tenant.extraJwks = [{ ...leaked.privateKey.export({ format: "jwk" }), kid: leaked.kid, use: "sig", alg: "RS256" }];
            return { token: tok(userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), leaked) };
        }, invalid("The token is signed by an unknown key")],
        ["four segments", "GET", () => ({ token: `${userToken(ALICE, "ToDoList.Read")}.x` }), invalid("The token is not a signed JWT")],
        ["garbage", "GET", () => ({ token: "not-a-jwt" }), invalid("The token is not a signed JWT")],
        ["oversized token", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { pad: "x".repeat(9000) }) }), invalid("The token is too large")],
        ["user token without oid", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { oid: undefined }) }), invalid("The token has no oid claim")],
        ["empty bearer", "GET", () => ({ authorization: "Bearer " }), invalid("The bearer token is empty")],
        ["missing scp", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { scp: undefined }) }), READ],
        ["scp that only starts like the scope", "GET", () => ({ token: userToken(ALICE, "ToDoList.ReadX ToDoList.ReadWriteX") }), READ],
        ["user token carrying only roles", "GET", () => ({ token: userToken(ALICE, "ToDoList.Read", { scp: undefined, roles: ["ToDoList.ReadWrite.All"] }) }), READ],
        ["app token without roles", "GET", () => ({ token: appToken(undefined) }), APP_READ],
        ["app token with scp instead of roles", "GET", () => ({ token: appToken(undefined, { scp: "ToDoList.ReadWrite" }) }), APP_READ],
        ["read scope writing", "POST", () => ({ token: userToken(ALICE, "ToDoList.Read") }), forbidden("ToDoList.ReadWrite")],
        ["read role writing", "POST", () => ({ token: appToken(["ToDoList.Read.All"]) }), forbidden("ToDoList.ReadWrite.All")],
    ];

    test.each(cases)("%s", async (_name, method, make, expected) => {
        const r = await call(method, "/api/todos", { ...make(), ...(method === "POST" ? { json: { description: "x", owner: ALICE } } : {}) });
        expect({ status: r.status, body: r.body, challenge: r.headers.get("www-authenticate") }).toEqual({
            status: expected.status,
            body: { error: expected.error, message: expected.message },
            challenge: expected.challenge,
        });
        await stillServes();
        expect(await store.list()).toEqual([]);
    });

    test.each([
        ["no Authorization header", undefined],
        ["Basic credentials", `Basic ${Buffer.from("alice:secret").toString("base64")}`],
        ["a bare token without a scheme", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"],
    ])("%s: 401 with a plain Bearer challenge", async (_name, authorization) => {
        const r = await call("GET", "/api/todos", authorization === undefined ? {} : { authorization });
        expect(r.status).toBe(401);
        expect(r.headers.get("www-authenticate")).toBe(REALM);
        expect(r.body).toEqual({ error: "unauthorized", message: "A bearer token is required" });
        await stillServes();
    });

    test("read scope deleting is 403 and deletes nothing", async () => {
        const item = await store.add(ALICE, "keep");
        const r = await call("DELETE", `/api/todos/${item.id}`, { token: userToken(ALICE, "ToDoList.Read") });
        expect(r.status).toBe(403);
        expect(await store.list()).toEqual([item]);
    });

    test("a header larger than the server accepts is 431, and the server goes on", async () => {
        const status = await new Promise<number>((resolve, reject) => {
            const req = httpRequest(`${base}/api/todos`, { headers: { authorization: `Bearer ${"a".repeat(20_000)}` } }, (res) => {
                res.resume();
                resolve(res.statusCode!);
            });
            req.on("error", reject);
            req.end();
        });
        expect(status).toBe(431);
        await stillServes();
    });

    test("a key shorter than 2048 bits is never trusted", async () => {
        const small = makeKey("small", 1024);
        tenant.keys = [key, small];
        const r = await call("GET", "/api/todos", { token: tok(userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), small) });
        expect(r.status).toBe(401);
        expect(r.body.message).toBe("The token is signed by an unknown key");
    });
});

describe("accepted token shapes", () => {
    test.each([
        ["no typ", { alg: "RS256", kid: "key-1" }],
        ["typ JWT", { alg: "RS256", kid: "key-1", typ: "JWT" }],
        ["typ at+jwt", { alg: "RS256", kid: "key-1", typ: "at+jwt" }],
        ["typ application/at+jwt", { alg: "RS256", kid: "key-1", typ: "application/at+jwt" }],
    ])("%s", async (_name, h) => {
        const r = await call("GET", "/api/todos", { token: signRs256(h, userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), key.privateKey) });
        expect(r.status).toBe(200);
        expect(r.body).toEqual([]);
    });

    test("an audience list that includes this API", async () => {
        const r = await call("GET", "/api/todos", { token: userToken(ALICE, "ToDoList.Read", { aud: [WEB_CLIENT_ID, API_CLIENT_ID] }) });
        expect(r.status).toBe(200);
    });

    test("when the tenant publishes two keys under one kid, the first is used", async () => {
        const twin = makeKey(key.kid);
        tenant.extraJwks = [{ ...twin.publicKey.export({ format: "jwk" }), kid: key.kid, use: "sig", alg: "RS256" }];
        expect((await call("GET", "/api/todos", { token: userToken(ALICE, "ToDoList.Read") })).status).toBe(200);
        const r = await call("GET", "/api/todos", { token: tok(userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), twin) });
        expect(r.status).toBe(401);
        expect(r.body.message).toBe("The token's signature is invalid");
    });
});

describe("clock skew, caching and key rotation", () => {
    test("exp and nbf within the 60 s skew are accepted", async () => {
        expect((await call("GET", "/api/todos", { token: userToken(ALICE, "ToDoList.Read", { exp: nowSec() - 59 }) })).status).toBe(200);
        expect((await call("GET", "/api/todos", { token: userToken(ALICE, "ToDoList.Read", { nbf: nowSec() + 59 }) })).status).toBe(200);
    });

    test("a remembered token is rejected once it expires", async () => {
        const t = userToken(ALICE, "ToDoList.Read", { exp: nowSec() + 120 });
        expect((await call("GET", "/api/todos", { token: t })).status).toBe(200);
        expect((await call("GET", "/api/todos", { token: t })).status).toBe(200);
        expect(tenant.metadataRequests).toBe(1);
        expect(tenant.jwksRequests).toBe(1);
        nowMs += 181_000;
        const r = await call("GET", "/api/todos", { token: t });
        expect(r.status).toBe(401);
        expect(r.body.message).toBe("The token has expired");
    });

    test("a remembered token is still checked for its permission on every route", async () => {
        const t = userToken(ALICE, "ToDoList.Read");
        expect((await call("GET", "/api/todos", { token: t })).status).toBe(200);
        expect((await call("POST", "/api/todos", { token: t, json: { description: "x" } })).status).toBe(403);
    });

    test("a new signing key is fetched when a token names it, at most once per cooldown", async () => {
        const next = makeKey("key-2");
        const t = tok(userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), next);
        expect((await call("GET", "/api/todos", { token: userToken(ALICE, "ToDoList.Read") })).status).toBe(200);
        expect(tenant.jwksRequests).toBe(1);
        nowMs += 31_000;
        expect((await call("GET", "/api/todos", { token: t })).status).toBe(401); // refreshed, still unknown
        expect(tenant.jwksRequests).toBe(2);
        tenant.keys = [key, next];
        expect((await call("GET", "/api/todos", { token: t })).status).toBe(401); // within the cooldown: no refetch
        expect(tenant.jwksRequests).toBe(2);
        nowMs += 31_000;
        const t2 = tok(userClaims(tenant, ALICE, "ToDoList.Read", nowSec()), next);
        expect((await call("GET", "/api/todos", { token: t2 })).status).toBe(200);
        expect(tenant.jwksRequests).toBe(3);
    });

    test("an unreadable tenant is 503, not 401, and recovers", async () => {
        tenant.failMetadata = 500;
        const r = await call("GET", "/api/todos", { token: userToken(ALICE, "ToDoList.Read") });
        expect(r.status).toBe(503);
        expect(r.headers.get("retry-after")).toBe("5");
        expect(r.body).toEqual({ error: "temporarily_unavailable", message: "The tenant's signing keys cannot be read right now" });
        expect(logLines.map((l) => JSON.parse(l).msg)).toEqual(["cannot read the tenant's metadata or keys"]);
        tenant.failMetadata = undefined;
        nowMs += 6000;
        expect((await call("GET", "/api/todos", { token: userToken(ALICE, "ToDoList.Read") })).status).toBe(200);
    });
});

describe("request bodies", () => {
    const post = (raw: string, contentType = "application/json") =>
        call("POST", "/api/todos", { token: userToken(ALICE, "ToDoList.ReadWrite"), raw, contentType });

    test.each([
        ["not JSON", "{description:", 400, "Request body is not valid JSON"],
        ["empty", "", 400, "Request body is empty; expected a JSON object"],
        ["an array", "[]", 400, 'The body must be a JSON object: {"description": "..."}'],
        ["null", "null", 400, 'The body must be a JSON object: {"description": "..."}'],
        ["no description", "{}", 400, "description must be a non-empty string"],
        ["blank description", '{"description":"   "}', 400, "description must be a non-empty string"],
        ["numeric description", '{"description":42}', 400, "description must be a non-empty string"],
        ["a user naming an owner", `{"description":"x","owner":"${BOB}"}`, 400, "Unknown field(s): owner; allowed: description"],
        ["unknown fields", '{"description":"x","done":true,"__proto__":{}}', 400, "Unknown field(s): done, __proto__; allowed: description"],
        ["501 characters", JSON.stringify({ description: "é".repeat(501) }), 400, "description must be at most 500 characters"],
        ["over 8 KiB", JSON.stringify({ description: "x".repeat(9000) }), 413, "Request body is larger than 8192 bytes"],
    ])("%s", async (_name, raw, status, message) => {
        const r = await post(raw);
        expect(r.status).toBe(status);
        expect(r.body.message).toBe(message);
        expect(await store.list()).toEqual([]);
        await stillServes();
    });

    test("500 characters are accepted", async () => {
        const r = await post(JSON.stringify({ description: "é".repeat(500) }));
        expect(r.status).toBe(201);
    });

    test("a body that is not JSON by content type is 415", async () => {
        const r = await post('{"description":"x"}', "text/plain");
        expect(r.status).toBe(415);
        expect(r.body).toEqual({ error: "unsupported_media_type", message: "Content-Type must be application/json" });
    });

    test.each([
        ["declared", (head: string) => `${head}Content-Length: 4000000\r\n\r\n`, "z".repeat(16 * 1024)],
        ["chunked", (head: string) => `${head}Transfer-Encoding: chunked\r\n\r\n4000\r\n${"y".repeat(0x4000)}\r\n`, `4000\r\n${"z".repeat(0x4000)}\r\n`],
    ])("a %s body over the limit is 413 and the rest is not read: the connection ends", async (_name, frame, more) => {
        let serverSocket: import("node:net").Socket | undefined;
        server.once("connection", (s) => (serverSocket = s));
        const { port } = new URL(base);
        const result = await new Promise<{ response: string; closed: boolean }>((resolve) => {
            const socket = connect(Number(port), "127.0.0.1");
            let response = "";
            let sent = 0;
            socket.on("data", (d) => (response += d.toString("latin1")));
            socket.on("error", () => undefined);
            // Keep sending (about 4 MB) while the connection lasts; then wait for the server, at most 15 s.
            const timer = setInterval(() => {
                if (sent++ < 240) socket.write(more);
            }, 5);
            setTimeout(() => {
                clearInterval(timer);
                socket.destroy();
                resolve({ response, closed: false });
            }, 15_000).unref();
            socket.on("close", () => {
                clearInterval(timer);
                resolve({ response, closed: true });
            });
            socket.write(frame(`POST /api/todos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${userToken(ALICE, "ToDoList.ReadWrite")}\r\n`));
        });
        expect(result.closed).toBe(true);
        expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
        expect(result.response).toMatch(/\r\nConnection: close\r\n/i);
        expect(serverSocket!.bytesRead).toBeLessThan(1024 * 1024);
        await stillServes();
    });

    test("a chunked body over the limit is 413", async () => {
        const status = await new Promise<number>((resolve, reject) => {
            const req = httpRequest(`${base}/api/todos`, {
                method: "POST",
                headers: { authorization: `Bearer ${userToken(ALICE, "ToDoList.ReadWrite")}`, "content-type": "application/json" },
            }, (res) => {
                res.resume();
                resolve(res.statusCode!);
            });
            req.on("error", reject);
            req.write('{"description":"');
            req.write("y".repeat(10_000));
            req.end('"}');
        });
        expect(status).toBe(413);
        await stillServes();
    });
});

describe("failures inside the API", () => {
    test("a failing store is a 500 with no details, and the log names no token", async () => {
        const t = userToken(ALICE, "ToDoList.Read");
        store.list = async () => {
            throw new Error(`store down while serving Bearer ${t}`);
        };
        const r = await call("GET", "/api/todos", { token: t });
        expect(r.status).toBe(500);
        expect(r.body).toEqual({ error: "server_error", message: "Something went wrong" });
        expect(logLines).toHaveLength(1);
        const entry = JSON.parse(logLines[0]!);
        expect(entry).toMatchObject({ level: "error", msg: "request failed", method: "GET", path: "/api/todos", error: { name: "Error", message: "store down while serving Bearer [redacted]" } });
        expect(logLines[0]).not.toContain(t);
        expect((await call("GET", "/healthz")).status).toBe(200);
    });
});
