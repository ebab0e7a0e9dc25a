/**
 * Environment parsing that collects every problem before failing, so a misconfigured process stops at start with
 * one message listing each missing or malformed variable (values are never echoed: some are secrets).
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** Thrown by {@link EnvReader.done} when at least one variable is missing or malformed. */
export class EnvError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "EnvError";
    }
}

/**
 * App Service passes an app setting's literal text when it cannot resolve a Key Vault reference (identity without
 * access yet, secret missing): https://learn.microsoft.com/azure/app-service/app-service-key-vault-references
 * ("If a reference isn't resolved properly, the reference string is used instead"). Such a value is never usable, and
 * as a session secret it would be public: every variable that reads like one is refused.
 */
export const UNRESOLVED_KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface UrlOptions {
    /** Accept `http:` too, but only for a loopback host (localhost, 127.0.0.1, ::1). Default false: https only. */
    readonly allowLoopbackHttp?: boolean;
}

export class EnvReader {
    private readonly problems: string[] = [];
    constructor(private readonly env: Env) {}

    /** Records a problem found by the caller (e.g. a rule that spans two variables). */
    problem(message: string): void {
        this.problems.push(message);
    }

    /** The trimmed value; undefined (and a problem when `required`) when unset or blank. */
    string(name: string, required = true): string | undefined {
        const raw = this.env[name];
        const value = raw === undefined ? "" : raw.trim();
        if (value === "") {
            if (required) this.problems.push(`${name} is required but not set`);
            return undefined;
        }
        if (UNRESOLVED_KEY_VAULT_REFERENCE.test(value)) {
            this.problems.push(
                `${name} is an unresolved Key Vault reference (App Service could not read the secret: check that the site's ` +
                    "managed identity may read it and that the secret exists; the site reads it again when it restarts)",
            );
            return undefined;
        }
        return value;
    }

    /** A GUID such as a tenant or client id. */
    guid(name: string, required = true): string | undefined {
        const value = this.string(name, required);
        if (value !== undefined && !GUID.test(value)) {
            this.problems.push(`${name} must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
            return undefined;
        }
        return value?.toLowerCase();
    }

    /** An absolute https URL (or loopback http when allowed), returned as given. */
    url(name: string, options: UrlOptions = {}, required = true): string | undefined {
        const value = this.string(name, required);
        if (value === undefined) return undefined;
        let parsed: URL;
        try {
            parsed = new URL(value);
        } catch {
            this.problems.push(`${name} must be an absolute URL (https://...)`);
            return undefined;
        }
        const httpOk = options.allowLoopbackHttp === true && parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname);
        if (parsed.protocol !== "https:" && !httpOk) {
            this.problems.push(
                options.allowLoopbackHttp
                    ? `${name} must use https (http is allowed only for localhost, 127.0.0.1 or [::1])`
                    : `${name} must use https`,
            );
            return undefined;
        }
        if (parsed.username !== "" || parsed.password !== "") {
            this.problems.push(`${name} must not contain credentials`);
            return undefined;
        }
        return value;
    }

    /** A TCP port 0-65535; `fallback` when unset. */
    port(name: string, fallback: number): number {
        const value = this.string(name, false);
        if (value === undefined) return fallback;
        if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
            this.problems.push(`${name} must be a port number between 0 and 65535`);
            return fallback;
        }
        return Number(value);
    }

    /** A whole number from `min` to `max`; `fallback` when unset. */
    integer(name: string, fallback: number, min: number, max: number): number {
        const value = this.string(name, false);
        if (value === undefined) return fallback;
        if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
            this.problems.push(`${name} must be a whole number from ${min} to ${max}`);
            return fallback;
        }
        return Number(value);
    }

    /** `true`/`1`/`yes` or `false`/`0`/`no` (any case); `fallback` when unset. */
    boolean(name: string, fallback: boolean): boolean {
        const value = this.string(name, false);
        if (value === undefined) return fallback;
        const v = value.toLowerCase();
        if (v === "true" || v === "1" || v === "yes") return true;
        if (v === "false" || v === "0" || v === "no") return false;
        this.problems.push(`${name} must be true or false`);
        return fallback;
    }

    /** One of `allowed`; `fallback` when unset. */
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
        const value = this.string(name, false);
        if (value === undefined) return fallback;
        if (!(allowed as readonly string[]).includes(value)) {
            this.problems.push(`${name} must be one of ${allowed.join(", ")}`);
            return fallback;
        }
        return value as T;
    }

    /** Throws an {@link EnvError} listing every problem recorded so far. */
    done(): void {
        if (this.problems.length > 0) throw new EnvError([...this.problems]);
    }
}
