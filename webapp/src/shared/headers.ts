import type { ServerResponse } from "node:http";

/** Headers every response carries. `Content-Security-Policy` is for JSON APIs unless `csp` is given. */
export function securityHeaders(options: { csp?: string; hsts?: boolean } = {}): Record<string, string> {
    const headers: Record<string, string> = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Content-Security-Policy": options.csp ?? "default-src 'none'; frame-ancestors 'none'",
        "Cache-Control": "no-store",
    };
    if (options.hsts !== false) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
    return headers;
}

/** Sets {@link securityHeaders} on a response (call before writing the head). */
export function applySecurityHeaders(res: ServerResponse, options?: { csp?: string; hsts?: boolean }): void {
    for (const [name, value] of Object.entries(securityHeaders(options))) res.setHeader(name, value);
}
