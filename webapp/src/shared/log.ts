/**
 * A JSON-lines logger that never prints credentials: fields named like authorization, cookie, token, secret,
 * password or code are replaced, and anything that looks like a JWT, a `Bearer`/`Basic` credential or a
 * `secret=value` / `password: value` pair inside any string (message text included) is masked. Fields cannot
 * overwrite `time`, `level`, `name` or `msg` (such a field is kept as `field_<name>`).
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFields = Record<string, unknown>;

export interface Logger {
    debug(message: string, fields?: LogFields): void;
    info(message: string, fields?: LogFields): void;
    warn(message: string, fields?: LogFields): void;
    error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET_KEY = /authorization|cookie|token|secret|password|passwd|assertion|^code$|session|api[-_]?key/i;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?/g;
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[^\s",;]+/gi;
/** `client_secret=…`, `password: …`, `"access_token":"…"`, `AccountKey=…;`: the name stays, the value goes. */
const SECRET_PAIR = /\b([\w.-]*(?:secret|password|passwd|pwd|token|assertion|api[-_]?key|accountkey|sharedaccesskey|sig|code_verifier)[\w.-]*)("?\s*[:=]\s*"?)([^\s"&;,]+)/gi;
const RESERVED = new Set(["time", "level", "name", "msg"]);
export const REDACTED = "[redacted]";

/** Masks credentials inside a string. */
export function redactText(text: string): string {
    return text
        .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
        .replace(JWT_LIKE, REDACTED)
        .replace(SECRET_PAIR, (_m, key: string, sep: string, value: string) => (value === REDACTED ? `${key}${sep}${value}` : `${key}${sep}${REDACTED}`));
}

/** A copy of `value` with secret-named fields and token-like strings masked (depth-limited, cycle-safe). */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
    if (typeof value === "string") return redactText(value);
    if (value === null || typeof value !== "object") return value;
    if (depth > 6 || seen.has(value)) return "[…]";
    seen.add(value);
    if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
    if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1, seen);
    return out;
}

export function createLogger(options: { level?: LogLevel; name?: string; write?: (line: string) => void } = {}): Logger {
    const min = ORDER[options.level ?? "info"];
    const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
    const emit = (level: Exclude<LogLevel, "silent">, message: string, fields?: LogFields) => {
        if (ORDER[level] < min) return;
        const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
        if (options.name) entry.name = options.name;
        entry.msg = redactText(message);
        if (fields) {
            for (const [k, v] of Object.entries(redact(fields) as LogFields)) entry[RESERVED.has(k) ? `field_${k}` : k] = v;
        }
        write(JSON.stringify(entry));
    };
    return {
        debug: (m, f) => emit("debug", m, f),
        info: (m, f) => emit("info", m, f),
        warn: (m, f) => emit("warn", m, f),
        error: (m, f) => emit("error", m, f),
    };
}
