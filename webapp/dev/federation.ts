/**
 * Social sign-in through the stand-in tenant, shaped like the real round trip of an External ID tenant federating
 * with Google or Facebook (development and tests only):
 *
 *   sign-in page button  →  <mount>/federation/start/<kind>?interaction=<uid>         (the tenant starts federation)
 *   → /_providers/<kind>/oauth2/authorize?client_id&redirect_uri&state&scope          (a LOCAL stand-in of the
 *      provider's consent page: choose the account, Continue or Cancel; no request leaves the machine)
 *   → <mount>/federation/oauth2?code&state   (the redirect URI a real tenant registers at Google/Facebook, README)
 *   → <mount>/interaction/<uid>/federated?code   (back in the sign-in, where the interaction cookie applies)
 *
 * Codes and states are random, single-use and expire after 5 minutes.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LocalSignInLook } from "./signInLook";

export interface SocialIdentity {
    readonly kind: "google" | "facebook";
    readonly email: string;
    readonly name: string;
}

const TTL_MS = 5 * 60_000;
const PROVIDER = {
    google: { title: "Sign in with Google", issuer: "accounts.google.com", colour: "#1a73e8", account: { name: "Sam Social", email: "sam.social@gmail.example" } },
    facebook: { title: "Log in with Facebook", issuer: "www.facebook.com", colour: "#1877f2", account: { name: "Fay Book", email: "fay.book@facebook.example" } },
} as const;

function esc(value: unknown): string {
    return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    return new Promise((resolve, reject) => {
        let text = "";
        req.setEncoding("utf8");
        req.on("data", (c: string) => {
            text += c;
            if (text.length > 4096) req.destroy(new Error("form too large"));
        });
        req.on("end", () => resolve(new URLSearchParams(text)));
        req.on("error", reject);
    });
}

function redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, { Location: location, "Cache-Control": "no-store" });
    res.end();
}

function page(res: ServerResponse, status: number, kind: keyof typeof PROVIDER, body: string): void {
    const p = PROVIDER[kind];
    res.writeHead(status, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
        // The form's redirect chain ends at the app (form-action applies to redirects too), as on the tenant's pages.
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://localhost:* http://127.0.0.1:* https:; frame-ancestors 'none'",
    });
    res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title><style>
body{font-family:system-ui,sans-serif;background:#f0f2f5;margin:0}main{max-width:420px;margin:60px auto;background:#fff;border-radius:8px;padding:28px 36px;box-shadow:0 2px 8px rgba(0,0,0,.15)}
header{color:${p.colour};font-weight:700;font-size:1.3rem;margin-bottom:8px}label{display:block;margin:12px 0 4px;font-size:.9rem}input{width:100%;box-sizing:border-box;padding:8px;font-size:1rem;border:1px solid #bbb;border-radius:4px}
button{margin:20px 8px 0 0;padding:9px 20px;border:0;border-radius:4px;font-size:1rem;cursor:pointer}#consent-allow{background:${p.colour};color:#fff}#consent-cancel{background:#e4e6eb}
.note{font-size:.75rem;color:#65676b;margin-top:18px}</style></head><body><main><header>${esc(p.title)}</header>${body}
<p class="note">Local stand-in of ${esc(p.issuer)}'s consent page, for development only. Nothing is sent to ${esc(p.issuer)}.</p></main></body></html>`);
}

export function createFederation(o: { mount: string; origin: string; look: LocalSignInLook; tenantName: string }) {
    const states = new Map<string, { uid: string; kind: "google" | "facebook"; expires: number }>();
    const codes = new Map<string, SocialIdentity & { expires: number }>();
    const callback = `${o.origin}${o.mount}/federation/oauth2`;
    const enabled = (kind: string): kind is "google" | "facebook" => o.look.socialProviders.some((p) => p.kind === kind);
    const take = <T extends { expires: number }>(map: Map<string, T>, key: string | null): T | undefined => {
        const v = key ? map.get(key) : undefined;
        if (key) map.delete(key);
        return v && v.expires > Date.now() ? v : undefined;
    };

    return {
        /** The identity behind a code from the provider (single use). */
        redeem(code: string | null): SocialIdentity | undefined {
            const v = take(codes, code);
            return v ? { kind: v.kind, email: v.email, name: v.name } : undefined;
        },

        /** Serves the federation routes; false when `url` is none of them. */
        async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
            const start = new RegExp(`^${o.mount.replace(/[.]/g, "\\.")}/federation/start/([a-z]+)$`).exec(url.pathname);
            if (start && req.method === "GET") {
                const kind = start[1];
                const uid = url.searchParams.get("interaction") ?? "";
                if (!enabled(kind) || !/^[A-Za-z0-9_-]+$/.test(uid)) return false;
                const state = randomBytes(16).toString("base64url");
                states.set(state, { uid, kind, expires: Date.now() + TTL_MS });
                const q = new URLSearchParams({ client_id: `local-${kind}-client`, redirect_uri: callback, response_type: "code", scope: "openid email profile", state });
                redirect(res, `${o.origin}/_providers/${kind}/oauth2/authorize?${q}`);
                return true;
            }
            const consent = /^\/_providers\/([a-z]+)\/oauth2\/authorize$/.exec(url.pathname);
            if (consent && enabled(consent[1])) {
                const kind = consent[1] as "google" | "facebook";
                if (req.method === "GET") {
                    const state = url.searchParams.get("state") ?? "";
                    if (url.searchParams.get("redirect_uri") !== callback || !states.has(state)) {
                        page(res, 400, kind, "<p>This request is not valid: unknown redirect_uri or state.</p>");
                        return true;
                    }
                    const a = PROVIDER[kind].account;
                    page(res, 200, kind, `<p>Choose an account to continue to <strong>${esc(o.tenantName)}</strong>. It will receive your name, email address and profile picture.</p>
<form method="post"><input type="hidden" name="state" value="${esc(state)}">
<label for="social-name">Name</label><input id="social-name" name="name" value="${esc(a.name)}" required maxlength="100">
<label for="social-email">Email</label><input id="social-email" name="email" type="email" value="${esc(a.email)}" required maxlength="200">
<button type="submit" id="consent-allow" name="decision" value="allow">Continue</button><button type="submit" id="consent-cancel" name="decision" value="cancel" formnovalidate>Cancel</button></form>`);
                    return true;
                }
                if (req.method === "POST") {
                    const form = await readForm(req);
                    const state = form.get("state") ?? "";
                    if (!states.has(state)) {
                        page(res, 400, kind, "<p>This request has expired. Start again from the app.</p>");
                        return true;
                    }
                    const back = new URLSearchParams({ state });
                    const email = (form.get("email") ?? "").trim();
                    if (form.get("decision") !== "allow") back.set("error", "access_denied");
                    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
                        page(res, 400, kind, "<p>Enter a valid email address.</p>");
                        return true;
                    } else {
                        const code = randomBytes(24).toString("base64url");
                        codes.set(code, { kind, email: email.toLowerCase(), name: (form.get("name") ?? "").trim() || email, expires: Date.now() + TTL_MS });
                        back.set("code", code);
                    }
                    redirect(res, `${callback}?${back}`);
                    return true;
                }
            }
            if (url.pathname === `${o.mount}/federation/oauth2` && req.method === "GET") {
                const s = take(states, url.searchParams.get("state"));
                if (!s) return false;
                const code = url.searchParams.get("code");
                const next = new URLSearchParams(code ? { code } : { error: url.searchParams.get("error") ?? "access_denied" });
                redirect(res, `${o.mount}/interaction/${s.uid}/federated?${next}`);
                return true;
            }
            return false;
        },
    };
}
