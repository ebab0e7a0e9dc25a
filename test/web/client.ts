/**
 * A scripted browser for the web app tests: a cookie jar (per host name, like browsers: ports do not separate cookies)
 * and requests over node:http/https, plus the stand-in tenant's sign-in and sign-up forms.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface Res { status: number; headers: Record<string, string | string[] | undefined>; body: string }

export class Jar {
    private cookies = new Map<string, Map<string, string>>();
    header(url: URL): string {
        return [...(this.cookies.get(url.hostname) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join("; ");
    }
    get(url: URL, name: string): string | undefined {
        return this.cookies.get(url.hostname)?.get(name);
    }
    set(url: URL, name: string, value: string): void {
        const jar = this.cookies.get(url.hostname) ?? new Map<string, string>();
        jar.set(name, value);
        this.cookies.set(url.hostname, jar);
    }
    store(url: URL, setCookie: string[] | string | undefined): void {
        const jar = this.cookies.get(url.hostname) ?? new Map<string, string>();
        for (const c of ([] as string[]).concat(setCookie ?? [])) {
            const [pair] = c.split(";");
            const eq = pair!.indexOf("=");
            const name = pair!.slice(0, eq);
            const value = pair!.slice(eq + 1);
            if (value === "" || /max-age=0(;|$)/i.test(c)) jar.delete(name);
            else jar.set(name, value);
        }
        this.cookies.set(url.hostname, jar);
    }
}

export interface Client {
    send(jar: Jar | undefined, method: string, url: string, form?: Record<string, string>, extraHeaders?: Record<string, string>): Promise<Res>;
}

/** `ca`: the stand-in tenant's CA (https). `agent`: keep-alive for floods. */
export function client(ca: string, agent?: HttpAgent): Client {
    return {
        send(jar, method, url, form, extraHeaders = {}) {
            const u = new URL(url);
            const body = form ? new URLSearchParams(form).toString() : undefined;
            return new Promise((resolve, reject) => {
                const https = u.protocol === "https:";
                const req = (https ? httpsRequest : httpRequest)(u, {
                    method, ca, agent: https ? false : agent ?? false,
                    headers: {
                        ...(jar ? { Cookie: jar.header(u) } : {}), ...extraHeaders,
                        ...(body !== undefined ? { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body) } : {}),
                    },
                }, (res) => {
                    let text = "";
                    res.setEncoding("utf8");
                    res.on("data", (c) => (text += c));
                    res.on("end", () => {
                        jar?.store(u, res.headers["set-cookie"]);
                        resolve({ status: res.statusCode!, headers: res.headers, body: text });
                    });
                });
                req.on("error", reject);
                req.end(body);
            });
        },
    };
}

/**
 * Starts a sign-in at `startUrl` (the app's /auth/signin or /auth/signup) and completes the tenant's page: signs in
 * with `email`/`password`, or signs up when `signUp` gives the attributes. Returns the app's callback URL (not yet
 * followed) with its origin replaced by `callbackOrigin` when given (to complete on another instance).
 */
export async function throughTenant(c: Client, jar: Jar, startUrl: string, user: { email: string; password: string; signUp?: Record<string, string> }, callbackOrigin?: string): Promise<string> {
    const start = await c.send(jar, "GET", startUrl);
    if (start.status !== 302) throw new Error(`sign-in start answered ${start.status}: ${start.body.slice(0, 300)}`);
    const authorize = new URL(start.headers.location as string);
    let r = await c.send(jar, "GET", authorize.href);
    let url = new URL(r.headers.location as string, authorize);
    r = await c.send(jar, "GET", url.href);
    if (user.signUp) {
        if (!r.body.includes("<h1>Create account</h1>")) throw new Error(`expected the sign-up page, got: ${r.body.slice(0, 300)}`);
        r = await c.send(jar, "POST", `${url.href}/signup`, { email: user.email, password: user.password, ...user.signUp });
    } else {
        if (!r.body.includes("<h1>Sign in</h1>")) throw new Error(`expected the sign-in page, got: ${r.body.slice(0, 300)}`);
        r = await c.send(jar, "POST", `${url.href}/login`, { email: user.email, password: user.password });
    }
    if (r.status !== 303 && r.status !== 302) throw new Error(`the tenant's form answered ${r.status}: ${r.body.slice(0, 500)}`);
    url = new URL(r.headers.location as string, url);
    r = await c.send(jar, "GET", url.href);
    if (r.status !== 303) throw new Error(`the tenant's resume answered ${r.status}: ${r.body.slice(0, 300)}`);
    const callback = new URL(r.headers.location as string);
    if (callbackOrigin) {
        const o = new URL(callbackOrigin);
        callback.protocol = o.protocol;
        callback.host = o.host;
    }
    return callback.href;
}
