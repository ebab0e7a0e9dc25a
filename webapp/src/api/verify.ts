import { errors, jwtVerify, type JWTVerifyGetKey } from "jose";
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
    /** Verifies `token` with jose (RS256 signature by a tenant key, iss, aud, exp, nbf, typ) and returns its claims. */
    verify(token: string): Promise<AccessTokenClaims>;
}

/** Three non-empty base64url segments: anything else is rejected before it is parsed. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Entra access tokens say `JWT`; RFC 9068 tokens say `at+jwt`. jose's `typ` option takes one value, so this is checked here. */
const ACCEPTED_TYP = new Set(["jwt", "at+jwt", "application/at+jwt"]);

/** The key resolver handed to jose: header rules jose leaves to the application, then the tenant's key for `kid`. */
function keyFor(trust: Trust): JWTVerifyGetKey {
    return (header, token) => {
        // jose has already parsed the header and checked `alg` against ["RS256"] and `crit` against what it supports.
        if (header.crit !== undefined) throw new TokenError("The token has critical header parameters");
        const typ = header.typ;
        if (typ !== undefined && (typeof typ !== "string" || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
            throw new TokenError("The token's type is not JWT");
        }
        const kid = header.kid;
        if (typeof kid !== "string" || kid === "") throw new TokenError("The token has no key id");
        return trust.keys.getKey({ ...header, kid }, token);
    };
}

const E = errors;

/** jose's error for a rejected token, as the API's {@link TokenError} (fixed texts: they go into a quoted header). */
function tokenErrorFrom(e: InstanceType<typeof E.JOSEError>): TokenError {
    if (e instanceof E.JOSEAlgNotAllowed) return new TokenError("The token's algorithm is not RS256");
    if (e instanceof E.JWSSignatureVerificationFailed) return new TokenError("The token's signature is invalid");
    if (e instanceof E.JWKSNoMatchingKey) return new TokenError("The token is signed by an unknown key");
    if (e instanceof E.JOSENotSupported) return new TokenError("The token has critical header parameters"); // an unrecognised `crit` entry
    if (e instanceof E.JWTInvalid) return new TokenError("The token's payload is not a JSON object");
    if (e instanceof E.JWTExpired) return new TokenError("The token has expired");
    if (e instanceof E.JWTClaimValidationFailed) {
        switch (e.claim) {
            case "iss":
                return new TokenError("The token's issuer is not trusted");
            case "aud":
                return new TokenError("The token is not meant for this API");
            case "exp":
                return new TokenError("The token has no expiry"); // missing or not a number
            case "nbf":
                return new TokenError(e.reason === "invalid" ? "The token's nbf is malformed" : "The token is not valid yet");
            case "iat":
                return new TokenError("The token's iat is malformed");
        }
    }
    // JWSInvalid (unparsable header, missing alg, malformed crit, undecodable segment) and anything else jose rejects
    return new TokenError("The token is malformed");
}

/**
 * Creates the bearer-token verifier. Every check is made on every new token (by jose's `jwtVerify`); a token that
 * passed is remembered (keyed by its exact text, bounded, oldest evicted first) until its `exp`, and a remembered
 * token's expiry is checked again on each use.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
    const now = options.now ?? Date.now;
    const skew = options.clockSkewSeconds;
    const cache = new Map<string, AccessTokenClaims>();

    /** jose's rule: expired once `exp <= now - tolerance`, in whole seconds. */
    const expired = (claims: AccessTokenClaims): boolean => claims.exp <= Math.floor(now() / 1000) - skew;

    const cached = (token: string): AccessTokenClaims | undefined => {
        const claims = cache.get(token);
        if (claims === undefined) return undefined;
        if (expired(claims)) {
            cache.delete(token);
            throw new TokenError("The token has expired");
        }
        return claims;
    };

    const verify = async (token: string): Promise<AccessTokenClaims> => {
        if (token.length > options.maxTokenLength) throw new TokenError("The token is too large");
        if (!COMPACT_JWS.test(token)) throw new TokenError("The token is not a signed JWT");
        const trust = await options.trust();
        let claims: AccessTokenClaims;
        try {
            const { payload } = await jwtVerify(token, keyFor(trust), {
                algorithms: ["RS256"],
                issuer: trust.issuer,
                audience: options.audience,
                requiredClaims: ["exp"],
                clockTolerance: skew,
                currentDate: new Date(now()),
            });
            claims = payload as AccessTokenClaims;
        } catch (e) {
            throw e instanceof E.JOSEError ? tokenErrorFrom(e) : e;
        }
        if (options.cacheSize > 0) {
            if (cache.size >= options.cacheSize) cache.delete(cache.keys().next().value!);
            cache.set(token, claims);
        }
        return claims;
    };

    return { cached, verify };
}
