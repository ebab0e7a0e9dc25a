/** HTML of the stand-in tenant's own pages: system fonts, inline CSS, no remote assets. */
import type { LocalTenantSettings } from "./stackConfig";
import type { RenderedLook } from "./signInLook";

export function esc(value: unknown): string {
    return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f3f2f1;margin:0;color:#1b1b1b}
main{max-width:420px;margin:48px auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:0 0 4px}.tenant{color:#555;font-size:.85rem;margin:0 0 20px}
label{display:block;margin:14px 0 4px;font-size:.9rem}input[type=email],input[type=password],input[type=text]{width:100%;box-sizing:border-box;padding:8px;border:1px solid #8a8886;font-size:1rem}
fieldset{border:0;padding:0;margin:14px 0 0}legend{font-size:.9rem;padding:0}fieldset label{display:inline;margin:0 12px 0 4px}
button{margin-top:22px;background:#0067b8;color:#fff;border:0;padding:10px 24px;font-size:1rem;cursor:pointer}button.secondary{background:#e1dfdd;color:#1b1b1b;margin-left:8px}
.error{background:#fde7e9;border-left:4px solid #a80000;padding:8px 12px;margin:12px 0}.links{margin-top:20px;font-size:.9rem}
.banner{font-size:.75rem;color:#605e5c;text-align:center;margin-top:12px}`;

export function layout(title: string, body: string, extraHead = ""): string {
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style>${extraHead}</head><body><main>${body}</main>
<p class="banner">Local stand-in for a Microsoft Entra External ID tenant &mdash; for development only.</p></body></html>`;
}

export function signInPage(o: { uid: string; base: string; settings: LocalTenantSettings; email?: string; error?: string; look?: RenderedLook }): string {
    return layout("Sign in", `${o.look?.top ?? ""}<h1>Sign in</h1><p class="tenant">${esc(o.settings.userFlowName)}</p>
${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ""}
<form method="post" action="${esc(o.base)}/interaction/${esc(o.uid)}/login" autocomplete="on">
<label for="email">Email address</label><input id="email" name="email" type="email" required autofocus value="${esc(o.email)}"${o.look?.usernameHint ? ` placeholder="${esc(o.look.usernameHint)}"` : ""}>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit" id="sign-in">Sign in</button></form>
<p class="links">${o.settings.signUpAllowed ? `No account? <a id="create-account" href="${esc(o.base)}/interaction/${esc(o.uid)}?screen=signup">Create one</a>` : ""}</p>${o.look?.social ?? ""}${o.look?.footer ?? ""}`, o.look?.head);
}

function attributeInput(a: LocalTenantSettings["attributes"][number], values: Record<string, string | string[]>): string {
    const id = `attr-${a.attribute}`;
    const req = a.required ? " required" : "";
    const label = `${esc(a.label)}${a.required ? " *" : ""}`;
    const value = values[a.attribute];
    switch (a.inputType) {
        case "boolean":
            return `<label><input type="checkbox" id="${id}" name="${esc(a.attribute)}" value="true"${value === "true" ? " checked" : ""}${req}> ${label}</label>`;
        case "radioSingleSelect":
        case "checkboxMultiSelect": {
            const type = a.inputType === "radioSingleSelect" ? "radio" : "checkbox";
            const chosen = Array.isArray(value) ? value : value === undefined ? [] : [value];
            return `<fieldset><legend>${label}</legend>${a.options.map((o, i) =>
                `<input type="${type}" id="${id}-${i}" name="${esc(a.attribute)}" value="${esc(o.value)}"${chosen.includes(o.value) ? " checked" : ""}${type === "radio" ? req : ""}><label for="${id}-${i}">${esc(o.label)}</label>`).join("")}</fieldset>`;
        }
        default:
            return `<label for="${id}">${label}</label><input type="text" id="${id}" name="${esc(a.attribute)}" value="${esc(value)}" maxlength="256"${req}>`;
    }
}

export function signUpPage(o: { uid: string; base: string; settings: LocalTenantSettings; values?: Record<string, string | string[]>; errors?: string[]; look?: RenderedLook }): string {
    const values = o.values ?? {};
    return layout("Create account", `${o.look?.top ?? ""}<h1>Create account</h1><p class="tenant">${esc(o.settings.userFlowName)}</p>
${(o.errors ?? []).map((e) => `<p class="error" role="alert">${esc(e)}</p>`).join("")}
<form method="post" action="${esc(o.base)}/interaction/${esc(o.uid)}/signup">
<label for="email">Email address *</label><input id="email" name="email" type="email" required value="${esc(values.email)}">
<label for="password">Password *</label><input id="password" name="password" type="password" required minlength="8">
${o.settings.attributes.map((a) => attributeInput(a, values)).join("\n")}
<button type="submit" id="create">Create</button><button type="submit" class="secondary" id="cancel" name="cancel" value="1" formnovalidate>Cancel</button></form>
<p class="links">Already have an account? <a id="sign-in-instead" href="${esc(o.base)}/interaction/${esc(o.uid)}?screen=signin">Sign in</a></p>${o.look?.social ?? ""}${o.look?.footer ?? ""}`, o.look?.head);
}

/** RP-initiated sign-out: the provider's confirmation form, submitted at once (Entra signs out without asking). */
export function logoutPage(form: string): string {
    return layout("Signing out", `<h1>Signing out&hellip;</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout" id="logout-yes">Continue</button>`,
    `<script>addEventListener("DOMContentLoaded",function(){document.getElementById("logout-yes").click()})</script>`);
}

export function messagePage(title: string, message: string): string {
    return layout(title, `<h1>${esc(title)}</h1><p>${esc(message)}</p>`);
}
