/**
 * Small readers shared by the config parsers: each reports a wrong value into `problems` with a message that names the
 * key, shows the value (shortened) and says what is allowed.
 */
import type { ConfigKey, Raw } from "./keys";

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shows a config value in an error message, shortened. */
export function show(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Checks a redirect-style URL: absolute, https (or http on localhost), no fragment. */
export function checkRedirectUrl(key: string, value: string, problems: string[]): void {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        problems.push(`${key}: ${show(value)} is not an absolute URL; use e.g. "http://localhost:3000/auth/redirect"`);
        return;
    }
    const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
    if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
        problems.push(`${key}: ${show(value)} must use https (http is allowed only for localhost)`);
    }
    if (url.hash) problems.push(`${key}: ${show(value)} must not contain a fragment (#...)`);
    if (url.username || url.password) problems.push(`${key}: ${show(value)} must not contain credentials`);
}

/** Reads an optional string; reports a non-string. */
export function str(raw: Raw, key: ConfigKey, problems: string[]): string | undefined {
    const v = raw[key];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") {
        problems.push(`${key}: ${show(v)} must be a string`);
        return undefined;
    }
    return v;
}

/**
 * A table entry only when the table itself defines it: `"constructor"` or `"toString"` are inherited by every object
 * and must read as unknown names, not as functions.
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
    return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads a string field of a structured value; reports a wrong type. */
export function field(obj: Record<string, unknown>, name: string, where: string, problems: string[], opts: { required?: boolean } = {}): string | undefined {
    const v = obj[name];
    if (v === undefined || v === null) {
        if (opts.required) problems.push(`${where}.${name} is required`);
        return undefined;
    }
    if (typeof v !== "string" || v.trim() === "") {
        problems.push(`${where}.${name}: ${show(v)} must be a non-empty string`);
        return undefined;
    }
    return v;
}

export function bool(obj: Record<string, unknown>, name: string, where: string, fallback: boolean, problems: string[]): boolean {
    const v = obj[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    problems.push(`${where}.${name}: ${show(v)} must be true or false`);
    return fallback;
}

export function unknownFields(obj: Record<string, unknown>, allowed: readonly string[], where: string, problems: string[]): void {
    for (const k of Object.keys(obj)) {
        if (!allowed.includes(k)) problems.push(`${where}.${k} is not a known setting (allowed: ${allowed.join(", ")})`);
    }
}

export function positiveInt(raw: Raw, key: ConfigKey, fallback: number, problems: string[]): number {
    const v = raw[key];
    if (v === undefined || v === null || v === "") return fallback;
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n <= 0) {
        problems.push(`${key}: ${show(v)} must be a whole number of days greater than 0`);
        return fallback;
    }
    return n;
}
