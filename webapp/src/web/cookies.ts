/** Reading and setting cookies on node:http messages (Path=/, HttpOnly, SameSite=Lax; Secure over https). */
import type { ServerResponse } from "node:http";

export function readCookie(header: string | undefined, name: string): string | undefined {
    if (!header) return undefined;
    for (const part of header.split(";")) {
        const eq = part.indexOf("=");
        if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
    return undefined;
}

/** Adds a `Set-Cookie` for `name` (replacing one set earlier in this response). `maxAgeSeconds` 0 deletes it. */
export function setCookie(res: ServerResponse, name: string, value: string, maxAgeSeconds: number, secure: boolean): void {
    const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`];
    if (secure) parts.push("Secure");
    const existing = res.getHeader("Set-Cookie");
    const list = Array.isArray(existing) ? existing : existing === undefined ? [] : [String(existing)];
    res.setHeader("Set-Cookie", [...list.filter((c) => !c.startsWith(`${name}=`)), parts.join("; ")]);
}
