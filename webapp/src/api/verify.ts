import { verify as verifySignature } from "node:crypto";
import type { Trust } from "./keys";

/** A bad token: the API answers 401 with `WWW-Authenticate: Bearer error="invalid_token"`. */
export class TokenError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TokenError";
    }
}

/** The claims of a verified access token (only those the API reads are typed). */
export interface AccessTokenClaims {
    readonly iss: string;
    readonly aud: string | readonly string[];
    readonly exp: number;
    readonly nbf?: number;
    readonly oid?: unknown;
    readonly scp?: unknown;
    readonly roles?: unknown;
    readonly idtyp?: unknown;
    readonly [claim: string]: unknown;
}

export interface VerifierOptions {
    /** The tenant's issuer and keys (resolved lazily, see `discoverTrust`). */
    readonly trust: () => Promise<Trust>;
    /** The only accepted `aud`: the API's client id. */
    readonly audience: string;
    readonly clockSkewSeconds: number;
    readonly maxTokenLength: number;
    /** How many verified tokens to remember; 0 turns the cache off. */
    readonly cacheSize: number;
    /** Milliseconds since the epoch. */
    readonly now?: () => number;
}

export interface TokenVerifier {
    /** The claims of `token` if it was verified before and has not expired since; undefined otherwise. Throws a {@link TokenError} for a remembered token that has expired. */
    cached(token: string): AccessTokenClaims | undefined;
    /** Verifies `token` (RS256 signature by a tenant key, iss, aud, exp, nbf) and returns its claims. */
    verify(token: string): Promise<AccessTokenClaims>;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const ACCEPTED_TYP = new Set(["jwt", "at+jwt", "application/at+jwt"]);

function decodeJson(segment: string, what: string): Record<string, unknown> {
    let value: unknown;
    try {
        value = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    } catch {
        throw new TokenError(`The token's ${what} is not valid JSON`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TokenError(`The token's ${what} is not a JSON object`);
    return value as Record<string, unknown>;
}

/**
 * Creates the bearer-token verifier. Every check is made on every new token; a token that passed is remembered
 * (keyed by its exact text, bounded, oldest evicted first) until its `exp`, and a remembered token's expiry is
 * checked again on each use.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
    const now = options.now ?? Date.now;
    const skew = options.clockSkewSeconds;
    const cache = new Map<string, AccessTokenClaims>();

    const cached = (token: string): AccessTokenClaims | undefined => {
        const claims = cache.get(token);
        if (claims === undefined) return undefined;
        if (now() / 1000 > claims.exp + skew) {
            cache.delete(token);
            throw new TokenError("The token has expired");
        }
        return claims;
    };

    const verify = async (token: string): Promise<AccessTokenClaims> => {
        if (token.length > options.maxTokenLength) throw new TokenError("The token is too large");
        const parts = token.split(".");
        if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw new TokenError("The token is not a signed JWT");
        const [h, p, s] = parts as [string, string, string];
        const header = decodeJson(h, "header");
        if (header.alg !== "RS256") throw new TokenError("The token's algorithm is not RS256");
        if (header.crit !== undefined) throw new TokenError("The token has critical header parameters");
        if (header.typ !== undefined && (typeof header.typ !== "string" || !ACCEPTED_TYP.has(header.typ.toLowerCase()))) {
            throw new TokenError("The token's type is not JWT");
        }
        if (typeof header.kid !== "string" || header.kid === "") throw new TokenError("The token has no key id");

        const trust = await options.trust();
        const key = await trust.keys.getKey(header.kid);
        if (key === undefined) throw new TokenError("The token is signed by an unknown key");
        const signature = Buffer.from(s, "base64url");
        if (!verifySignature("RSA-SHA256", Buffer.from(`${h}.${p}`, "ascii"), key, signature)) {
            throw new TokenError("The token's signature is invalid");
        }

        const claims = decodeJson(p, "payload");
        if (claims.iss !== trust.issuer) throw new TokenError("The token's issuer is not trusted");
        const aud = claims.aud;
        if (!(aud === options.audience || (Array.isArray(aud) && aud.includes(options.audience)))) {
            throw new TokenError("The token is not meant for this API");
        }
        const t = now() / 1000;
        if (typeof claims.exp !== "number" || !Number.isFinite(claims.exp)) throw new TokenError("The token has no expiry");
        if (t > claims.exp + skew) throw new TokenError("The token has expired");
        if (claims.nbf !== undefined) {
            if (typeof claims.nbf !== "number" || !Number.isFinite(claims.nbf)) throw new TokenError("The token's nbf is malformed");
            if (t + skew < claims.nbf) throw new TokenError("The token is not valid yet");
        }
        if (claims.iat !== undefined && (typeof claims.iat !== "number" || !Number.isFinite(claims.iat))) {
            throw new TokenError("The token's iat is malformed");
        }

        const verified = claims as AccessTokenClaims;
        if (options.cacheSize > 0) {
            if (cache.size >= options.cacheSize) cache.delete(cache.keys().next().value!);
            cache.set(token, verified);
        }
        return verified;
    };

    return { cached, verify };
}
