/**
 * A non-reversible fingerprint of a client secret, so `diff` notices a changed configured secret although Graph
 * never returns it (reads give "******") and the secret itself is not kept in the resource's outputs.
 *
 * HMAC-SHA256 keyed by 32 random bytes (the salt) chosen when the secret is written, stored as
 * `hmac-sha256:<salt>:<mac>` (base64url) in an output that is also marked secret (encrypted in state). Why this:
 * - a keyless hash of the secret would let anyone holding the state test guesses of a weak secret at full speed
 *   with precomputed tables; the random per-write key defeats tables and ties a fingerprint to one write;
 * - an HMAC keyed by something outside state (an extra config secret) would be one more secret to keep and rotate,
 *   and would break the diff on any machine that lacks it;
 * - marking the output secret as well means a decrypted state must still be brute-forced, and a real provider
 *   secret (Google: ≥ 24 random characters, Facebook: 32 hex digits) is far beyond that.
 * Plain functions with `require` inside: safe for Pulumi's closure serialization.
 */
const PREFIX = "hmac-sha256";

export function secretFingerprint(secret: string, salt?: Buffer): string {
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const key = salt ?? crypto.randomBytes(32);
    const mac = crypto.createHmac("sha256", key).update(secret, "utf8").digest();
    return `${PREFIX}:${key.toString("base64url")}:${mac.toString("base64url")}`;
}

/** True when `fingerprint` was made from `secret`; false for a different secret or a missing/garbled fingerprint. */
export function fingerprintMatches(fingerprint: unknown, secret: string): boolean {
    if (typeof fingerprint !== "string") return false;
    const [prefix, salt, mac] = fingerprint.split(":");
    if (prefix !== PREFIX || !salt || !mac) return false;
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const expected = Buffer.from(secretFingerprint(secret, Buffer.from(salt, "base64url")).split(":")[2], "base64url");
    const actual = Buffer.from(mac, "base64url");
    return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}
