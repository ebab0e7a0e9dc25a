import { MemoryStore } from "../../webapp/src/api/memoryStore";
import { createStore } from "../../webapp/src/api/stores";
import { securityHeaders } from "../../webapp/src/shared/headers";
import { createLogger, redact, redactText } from "../../webapp/src/shared/log";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

describe("logger", () => {
    test("secret-named fields and token-like strings are masked", () => {
        const lines: string[] = [];
        const log = createLogger({ name: "t", write: (l) => lines.push(l) });
        log.info(`calling with Bearer ${JWT}`, {
            headers: { Authorization: `Bearer ${JWT}`, cookie: "sid=abc", accept: "application/json" },
            access_token: JWT,
            clientSecret: "s3cr3t",
            note: `token ${JWT} inside`,
            basic: "Basic YWxpY2U6c2VjcmV0",
            list: [JWT, 1, null],
        });
        const entry = JSON.parse(lines[0]!);
        delete entry.time;
        expect(entry).toEqual({
            level: "info",
            name: "t",
            msg: "calling with Bearer [redacted]",
            headers: { Authorization: "[redacted]", cookie: "[redacted]", accept: "application/json" },
            access_token: "[redacted]",
            clientSecret: "[redacted]",
            note: "token [redacted] inside",
            basic: "Basic [redacted]",
            list: ["[redacted]", 1, null],
        });
        expect(lines[0]).not.toContain("s3cr3t");
        expect(lines[0]).not.toContain(JWT.split(".")[1]);
    });

    test("levels below the threshold are dropped", () => {
        const lines: string[] = [];
        const log = createLogger({ level: "warn", write: (l) => lines.push(l) });
        log.debug("d");
        log.info("i");
        log.warn("w");
        log.error("e");
        expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["w", "e"]);
    });

    test("errors keep name and message only; cycles do not loop", () => {
        const a: Record<string, unknown> = { n: 1 };
        a.self = a;
        expect(redact({ e: new TypeError(`bad ${JWT}`), a })).toEqual({ e: { name: "TypeError", message: "bad [redacted]" }, a: { n: 1, self: "[…]" } });
        expect(redactText("no secrets here")).toBe("no secrets here");
    });
});

describe("securityHeaders", () => {
    test("API defaults and a page policy", () => {
        expect(securityHeaders()).toEqual({
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Resource-Policy": "same-origin",
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
            "Cache-Control": "no-store",
            "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        });
        const page = securityHeaders({ csp: "default-src 'self'", hsts: false });
        expect(page["Content-Security-Policy"]).toBe("default-src 'self'");
        expect(page["Strict-Transport-Security"]).toBeUndefined();
    });
});

describe("MemoryStore", () => {
    test("lists per owner and across owners, oldest first; removes only the owner's", async () => {
        const s = new MemoryStore(() => new Date("2026-11-21T00:00:00Z"));
        const a1 = await s.add("a", "one");
        const b1 = await s.add("b", "two");
        const a2 = await s.add("a", "three");
        expect(await s.list("a")).toEqual([a1, a2]);
        expect(await s.list()).toEqual([a1, b1, a2]);
        expect(await s.list("nobody")).toEqual([]);
        expect(a1.createdAt).toBe("2026-11-21T00:00:00.000Z");
        expect(await s.remove(a1.id, "b")).toBe(false);
        expect(await s.remove(a1.id, "a")).toBe(true);
        expect(await s.remove(a1.id)).toBe(false);
        expect(await s.remove(b1.id)).toBe(true);
        expect(await s.list()).toEqual([a2]);
        expect(await s.list("b")).toEqual([]);
    });

    test("createStore gives a memory store by default", () => {
        expect(createStore({})).toBeInstanceOf(MemoryStore);
    });
});
