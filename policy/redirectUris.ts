import type { ResourceValidationPolicy } from "@pulumi/policy";
import { known } from "./secrets";
import { T } from "./types";

/** Hosts for which Entra accepts an http redirect URI (a developer's machine). */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Why a redirect URI is not allowed, or undefined when it is. */
export function redirectUriProblem(uri: unknown): string | undefined {
    if (typeof uri !== "string") return `${JSON.stringify(uri)} is not a URI`;
    let url: URL;
    try {
        url = new URL(uri);
    } catch {
        return `${JSON.stringify(uri)} is not an absolute URI`;
    }
    if (url.protocol === "https:") return undefined;
    if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return undefined;
    return `${JSON.stringify(uri)} must use https (http is allowed for localhost only)`;
}

/** The redirect URIs a resource declares, with where they come from. */
function redirectUris(type: string, props: Record<string, any>): Array<[string, unknown]> {
    const list = (where: string, read: () => unknown): Array<[string, unknown]> => {
        const v = known(read);
        if (!Array.isArray(v)) return [];
        const found: Array<[string, unknown]> = [];
        // Index by index: one element not known yet (preview) must not hide the others.
        for (let i = 0; i < v.length; i++) {
            const u = known(() => v[i]);
            if (u !== undefined) found.push([`${where}[${i}]`, u]);
        }
        return found;
    };
    if (type === T.applicationRedirectUris) return list("redirectUris", () => props.redirectUris);
    if (type === T.application) {
        const logout = known(() => props.web?.logoutUrl);
        return [
            ...list("web.redirectUris", () => props.web?.redirectUris),
            ...list("spa.redirectUris", () => props.spa?.redirectUris),
            ...(logout !== undefined ? [["web.logoutUrl", logout] as [string, unknown]] : []),
        ];
    }
    return [];
}

export const redirectUrisHttps: ResourceValidationPolicy = {
    name: "redirect-uris-https",
    description: "Web and single-page redirect URIs of app registrations use https; http is allowed for localhost only.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const [where, uri] of redirectUris(args.type, args.props)) {
            const problem = redirectUriProblem(uri);
            if (problem) reportViolation(`${where}: ${problem}`);
        }
    },
};
