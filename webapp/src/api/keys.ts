import { createLocalJWKSet, errors, type CryptoKey, type FlattenedJWSInput, type JWK, type JWSHeaderParameters } from "jose";

/** The tenant's signing keys as a jose key resolver (`JWTVerifyGetKey`) for tokens that name a `kid`. */
export interface KeySet {
    /** The verification key the tenant publishes under `header.kid`; rejects with a jose `JWKSNoMatchingKey` when there is none. */
    getKey(header: JWSHeaderParameters & { kid: string }, token: FlattenedJWSInput): Promise<CryptoKey>;
}

/** The trust anchors of one tenant: the issuer it names in its metadata and its published keys. */
export interface Trust {
    readonly issuer: string;
    readonly keys: KeySet;
}

/** Thrown when the tenant's metadata or keys cannot be fetched (the API answers 503, not 401). */
export class TrustUnavailableError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TrustUnavailableError";
    }
}

export type FetchJson = (url: string) => Promise<unknown>;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Checks a URL named by the tenant: https, or http on a loopback host when explicitly allowed. */
export function checkTrustUrl(value: unknown, what: string, allowInsecureHttp: boolean): string {
    if (typeof value !== "string") throw new TrustUnavailableError(`${what} is missing from the tenant's metadata`);
    let u: URL;
    try {
        u = new URL(value);
    } catch {
        throw new TrustUnavailableError(`${what} in the tenant's metadata is not a URL`);
    }
    if (u.protocol === "https:" || (allowInsecureHttp && u.protocol === "http:" && LOOPBACK.has(u.hostname))) return value;
    throw new TrustUnavailableError(`${what} in the tenant's metadata must use https`);
}

/** GET a JSON document with a timeout, no redirects and a size cap. */
export function createFetchJson(options: { timeoutMs?: number; maxBytes?: number } = {}): FetchJson {
    const timeoutMs = options.timeoutMs ?? 5000;
    const maxBytes = options.maxBytes ?? 512 * 1024;
    return async (url) => {
        let res: Response;
        try {
            res = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
        } catch (e) {
            throw new TrustUnavailableError(`GET ${url} failed: ${(e as Error).message}`);
        }
        if (!res.ok) {
            await res.body?.cancel();
            throw new TrustUnavailableError(`GET ${url} answered ${res.status}`);
        }
        const text = await res.text();
        if (text.length > maxBytes) throw new TrustUnavailableError(`GET ${url} answered more than ${maxBytes} bytes`);
        try {
            return JSON.parse(text);
        } catch {
            throw new TrustUnavailableError(`GET ${url} did not answer JSON`);
        }
    };
}

/** The size in bits of a JWK's base64url modulus `n` (leading zero bytes do not count). */
function modulusBits(n: string): number {
    const bytes = Buffer.from(n, "base64url");
    let i = 0;
    while (i < bytes.length && bytes[i] === 0) i++;
    return i === bytes.length ? 0 : (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * The members of a JWKS document the API trusts: RSA signing keys for RS256 with a `kid`, of at least 2048 bits, the
 * first one for each `kid`. jose selects, imports and checks the key for each token among these; keeping short keys
 * out here makes a token signed with one an "unknown key" (401) rather than jose's TypeError at verification.
 */
export function trustedJwks(jwks: unknown): { keys: JWK[] } {
    const list = (jwks as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) throw new TrustUnavailableError("the tenant's key set has no keys array");
    const byKid = new Map<string, JWK>();
    for (const jwk of list) {
        if (jwk === null || typeof jwk !== "object" || Array.isArray(jwk)) continue;
        const { kty, kid, use, alg, n, e } = jwk as Record<string, unknown>;
        if (kty !== "RSA" || typeof kid !== "string" || kid === "" || typeof n !== "string" || typeof e !== "string") continue;
        if (use !== undefined && use !== "sig") continue;
        if (alg !== undefined && alg !== "RS256") continue;
        if (byKid.has(kid) || modulusBits(n) < 2048) continue;
        byKid.set(kid, jwk as JWK);
    }
    return { keys: [...byKid.values()] };
}

/**
 * The tenant's published keys at `jwksUri`, fetched on first use and again when they are older than `maxAgeMs`
 * or when a token names an unknown `kid` (at most once per `cooldownMs`, so unknown kids cannot flood the tenant).
 * If a refresh fails, the keys already known stay in use. Each fetched set becomes a jose `createLocalJWKSet`.
 */
export function remoteKeySet(
    jwksUri: string,
    options: { fetchJson: FetchJson; now?: () => number; cooldownMs?: number; maxAgeMs?: number },
): KeySet {
    const now = options.now ?? Date.now;
    const cooldownMs = options.cooldownMs ?? 30_000;
    const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    let current: { kids: Set<string>; resolve: ReturnType<typeof createLocalJWKSet> } | undefined;
    let fetchedAt = -Infinity;
    let pending: Promise<void> | undefined;
    let lastError: unknown;

    const refresh = (): Promise<void> => {
        pending ??= (async () => {
            try {
                fetchedAt = now();
                const jwks = trustedJwks(await options.fetchJson(jwksUri));
                current = { kids: new Set(jwks.keys.map((k) => k.kid!)), resolve: createLocalJWKSet(jwks) };
                lastError = undefined;
            } catch (e) {
                lastError = e;
                throw e;
            } finally {
                pending = undefined;
            }
        })();
        return pending;
    };

    return {
        async getKey(header, token) {
            if (current === undefined) {
                // no keys at all: the error propagates (503); a failed fetch is retried at most once per cooldown
                if (lastError !== undefined && now() - fetchedAt < cooldownMs) throw lastError;
                await refresh();
            } else if (now() - fetchedAt > maxAgeMs || (!current.kids.has(header.kid) && now() - fetchedAt > cooldownMs)) {
                await refresh().catch(() => undefined);
            }
            try {
                return await current!.resolve(header, token);
            } catch (e) {
                // a published key jose cannot use (a private or malformed JWK) is no key at all for the token
                throw e instanceof errors.JWKSNoMatchingKey ? e : new errors.JWKSNoMatchingKey(undefined, { cause: e });
            }
        },
    };
}

/**
 * The tenant's trust anchors read from its OpenID metadata on first use (and again after a failure, at most once
 * per `retryMs`). Returns the same {@link Trust} once it has been read.
 */
export function discoverTrust(
    metadataUrl: string,
    options: { fetchJson?: FetchJson; allowInsecureHttp?: boolean; now?: () => number; retryMs?: number } = {},
): () => Promise<Trust> {
    const fetchJson = options.fetchJson ?? createFetchJson();
    const allowHttp = options.allowInsecureHttp ?? false;
    const now = options.now ?? Date.now;
    const retryMs = options.retryMs ?? 5000;
    let trust: Promise<Trust> | undefined;
    let failedAt = -Infinity;
    let lastError: Error | undefined;
    return () => {
        if (trust !== undefined) return trust;
        if (lastError !== undefined && now() - failedAt < retryMs) return Promise.reject(lastError);
        const attempt = (async (): Promise<Trust> => {
            const meta = (await fetchJson(metadataUrl)) as Record<string, unknown> | null;
            if (meta === null || typeof meta !== "object") throw new TrustUnavailableError("the tenant's metadata is not a JSON object");
            const issuer = checkTrustUrl(meta.issuer, "issuer", allowHttp);
            const jwksUri = checkTrustUrl(meta.jwks_uri, "jwks_uri", allowHttp);
            return { issuer, keys: remoteKeySet(jwksUri, { fetchJson, now }) };
        })();
        trust = attempt;
        attempt.catch((e: Error) => {
            trust = undefined;
            failedAt = now();
            lastError = e instanceof TrustUnavailableError ? e : new TrustUnavailableError(e.message);
        });
        return attempt;
    };
}
