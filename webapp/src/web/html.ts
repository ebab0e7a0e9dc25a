/** The web app's pages: plain HTML, one small stylesheet served by the app itself, no scripts, no remote assets. */
import type { SignedInUser } from "./session";

/** The site's icon (also answered at /favicon.ico, which browsers ask for on their own). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#243a5e"/><path d="M9 22V10h14v3H13v2h8v3h-8v1h10v3z" fill="#fff"/></svg>`;

export function esc(value: unknown): string {
    return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export const STYLESHEET = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{background:#243a5e;color:#fff;padding:12px 24px;display:flex;gap:20px;align-items:center;flex-wrap:wrap}
header a{color:#fff}header .brand{font-weight:600;margin-right:auto;text-decoration:none}header form{margin:0}
main{max-width:760px;margin:32px auto;padding:0 24px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;border-bottom:1px solid #ddd;padding:6px 8px;vertical-align:top;word-break:break-all}th{width:30%}
button,.button{background:#0067b8;color:#fff;border:0;padding:8px 18px;font-size:1rem;cursor:pointer;text-decoration:none;display:inline-block}
.link{background:none;color:#fff;padding:0;text-decoration:underline;font-size:1rem}.danger{background:#a4262c}
label{font-weight:600;margin-right:6px}input[type=text]{padding:7px;font-size:1rem;width:55%}ul.todos{padding:0;list-style:none}ul.todos li{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ddd;padding:6px 0}
ul.todos form{margin:0}.notice{background:#fff4ce;border-left:4px solid #8a6d00;padding:10px 14px}.error{background:#fde7e9;border-left:4px solid #a80000;padding:10px 14px}`;

export interface PageContext {
    readonly user?: SignedInUser;
    readonly csrf?: string;
    readonly apiEnabled: boolean;
}

export function page(title: string, body: string, ctx: PageContext): string {
    const nav = ctx.user
        ? `<a href="/profile">Profile</a>${ctx.apiEnabled ? `<a href="/todos">To-do list</a>` : ""}
<form method="post" action="/auth/signout"><input type="hidden" name="csrf" value="${esc(ctx.csrf)}"><button class="link" type="submit" id="sign-out">Sign out</button></form>`
        : `<a href="/auth/signin" id="sign-in">Sign in</a><a href="/auth/signup" id="sign-up">Sign up</a>`;
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="icon" href="/static/icon.svg" type="image/svg+xml"><link rel="stylesheet" href="/static/site.css"></head>
<body><header><a class="brand" href="/">Entra External ID sample</a>${nav}</header><main>${body}</main></body></html>`;
}

export function homePage(ctx: PageContext): string {
    if (!ctx.user) {
        return page("Welcome", `<h1>Welcome</h1><p>Sign in with your account, or create one, to see your profile${ctx.apiEnabled ? " and your to-do list" : ""}.</p>
<p><a class="button" href="/auth/signin">Sign in</a> <a href="/auth/signup">Create an account</a></p>`, ctx);
    }
    return page("Home", `<h1>Hello, <span id="user-name">${esc(ctx.user.name)}</span></h1><p>You are signed in as <strong>${esc(ctx.user.username)}</strong>.</p>
<p><a href="/profile">See the claims of your ID token</a>${ctx.apiEnabled ? ` &middot; <a href="/todos">Open your to-do list</a>` : ""}</p>`, ctx);
}

function claimValue(v: unknown): string {
    if (typeof v === "number" && v > 1_000_000_000 && v < 10_000_000_000) return `${v} (${new Date(v * 1000).toISOString()})`;
    return typeof v === "string" ? v : JSON.stringify(v);
}

export function profilePage(ctx: PageContext & { user: SignedInUser }): string {
    const rows = Object.entries(ctx.user.claims).map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td data-claim="${esc(k)}">${esc(claimValue(v))}</td></tr>`).join("");
    return page("Profile", `<h1>Profile</h1><p>The claims of the ID token the tenant issued when you signed in.</p>
<table id="claims"><thead><tr><th>Claim</th><th>Value</th></tr></thead><tbody>${rows}</tbody></table>`, ctx);
}

export interface TodoView {
    readonly id: string;
    readonly description: string;
}

export function todosPage(ctx: PageContext & { user: SignedInUser }, items: readonly TodoView[], error?: string): string {
    const list = items.length === 0
        ? `<p id="empty">Nothing to do.</p>`
        : `<ul class="todos" id="todos">${items.map((t) => `<li data-id="${esc(t.id)}"><span class="description">${esc(t.description)}</span>
<form method="post" action="/todos/delete"><input type="hidden" name="csrf" value="${esc(ctx.csrf)}"><input type="hidden" name="id" value="${esc(t.id)}"><button class="danger" type="submit" aria-label="Delete ${esc(t.description)}">Delete</button></form></li>`).join("")}</ul>`;
    return page("To-do list", `<h1>To-do list</h1>${error ? `<p class="error" role="alert">${esc(error)}</p>` : ""}
<form method="post" action="/todos"><input type="hidden" name="csrf" value="${esc(ctx.csrf)}">
<label for="description">New to-do</label> <input type="text" name="description" id="description" maxlength="500" required> <button type="submit" id="add">Add</button></form>${list}`, ctx);
}

export function messagePage(title: string, message: string, ctx: PageContext, extra = ""): string {
    return page(title, `<h1>${esc(title)}</h1><p class="notice">${esc(message)}</p>${extra}<p><a href="/">Back to the home page</a></p>`, ctx);
}

/** A friendly explanation of an error the tenant sent back to the redirect URI. */
export function describeTenantError(error: string, description: string): { title: string; message: string; code: string } {
    const code = /AADSTS\d+/.exec(description)?.[0] ?? error;
    if (code === "AADSTS65004") return { title: "Permissions declined", message: "You declined the permissions this app asked for, so you were not signed in.", code };
    if (error === "consent_required" || ["AADSTS65001", "AADSTS90094", "AADSTS90008"].includes(code)) {
        return { title: "Permission needed", message: "This app needs permissions an administrator has not granted yet. Ask your administrator to grant consent, then try again.", code };
    }
    if (error === "access_denied") return { title: "Sign-in cancelled", message: "The sign-in or sign-up was cancelled before it finished. Nothing was changed.", code };
    if (error === "login_required" || error === "interaction_required") return { title: "Sign in again", message: "Your sign-in session has ended. Sign in again to continue.", code };
    if (error === "temporarily_unavailable" || error === "server_error") return { title: "Sign-in unavailable", message: "The sign-in service is having trouble. Try again in a moment.", code };
    return { title: "Sign-in failed", message: "The sign-in service reported a problem, so you were not signed in.", code };
}
