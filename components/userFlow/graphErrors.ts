/** Error text that is safe to show: no token or secret (scrub), no huge value (truncate, brief). */

/** Longest piece of a Graph message or an input value repeated in an error. */
export const MAX_SHOWN = 300;

/** An error whose message is safe to show: no token, secret or request body. */
export interface GraphFailure extends Error {
    status?: number;
    code?: string;
    /** The request was sent but no answer came back (it may or may not have been applied). */
    lost?: boolean;
}

export function scrub(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const s of secrets) if (s.length >= 6) out = out.split(s).join("***");
    return out
        .replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/g, "Bearer ***")
        .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "***");
}

/** `text` cut to `max` characters, saying how long it was. */
export function truncate(text: string, max = MAX_SHOWN): string {
    return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** A value as it may appear in a message: JSON, truncated (inputs can be arbitrarily large). */
export function brief(value: unknown, max = 80): string {
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    return truncate(text, max);
}

export function failure(message: string, props: { status?: number; code?: string; lost?: boolean } = {}): GraphFailure {
    return Object.assign(new Error(message), props);
}
