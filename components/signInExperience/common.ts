/** Constants and small helpers shared by the sign-in experience providers (plain values: safe to serialize). */
import * as graphModule from "../userFlow/graph";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { scrub } = graphModule;

/** The value Pulumi passes for inputs that are not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const IDENTITY_PROVIDERS = "/identity/identityProviders";
export const SOCIAL_TYPE = "#microsoft.graph.socialIdentityProvider";

export function idpPath(id: string): string {
    return `${IDENTITY_PROVIDERS}/${encodeURIComponent(id)}`;
}

export function brandingPath(tenantId: string): string {
    return `/organization/${encodeURIComponent(tenantId)}/branding`;
}

export function isUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(isUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(isUnknown);
    return false;
}

/** Graph application permissions the providers here need (named in a 403's message). */
export const PERMISSION = { identityProviders: "IdentityProvider.ReadWrite.All", branding: "OrganizationalBranding.ReadWrite.All" } as const;

/**
 * Runs `op`; an error leaving it has every given secret replaced by *** (messages only, never values), and a 403
 * names the permission this resource needs (the shared Graph layer names the user flows' ones).
 */
export async function safeError<T>(secrets: readonly (string | undefined)[], op: () => Promise<T>, permission?: string): Promise<T> {
    try {
        return await op();
    } catch (e) {
        const list = secrets.filter((s): s is string => typeof s === "string" && s !== "");
        if (e instanceof Error) {
            if (permission && (e as { status?: number }).status === 403) e.message += ` (this resource needs the application permission ${permission})`;
            e.message = scrub(e.message, list);
            if (e.stack) e.stack = scrub(e.stack, list);
            throw e;
        }
        throw new Error(scrub(String(e), list));
    }
}

/** The provider with a 403 from any of its Graph operations naming `permission`. */
export function namingPermission<P extends { create?: unknown; read?: unknown; update?: unknown; delete?: unknown }>(provider: P, permission: string): P {
    const out: Record<string, unknown> = { ...provider };
    for (const k of ["create", "read", "update", "delete"] as const) {
        const f = provider[k] as ((...args: unknown[]) => Promise<unknown>) | undefined;
        if (f) out[k] = (...args: unknown[]) => safeError([], () => f(...args), permission);
    }
    return out as P;
}
