/**
 * The session cookie's MAC: keyed from SESSION_SECRET (HKDF-SHA256, its own label), the same value an instance with the
 * same secret computes (cookies stay valid across instances and restarts), another value under another secret.
 */
import { createHmac, hkdfSync } from "node:crypto";
import { Sealer } from "../../webapp/src/web/seal";

describe("Sealer.mac", () => {
    const secretA = "a".repeat(40);
    const secretB = "b".repeat(40);
    const data = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ.mx3uxzen";

    it("is HMAC-SHA256 under the key derived from SESSION_SECRET for the session cookie", () => {
        const key = Buffer.from(hkdfSync("sha256", secretA, "entra-external-id-sample/web/v1", "session cookie mac", 32));
        expect(new Sealer(secretA).mac(data)).toBe(createHmac("sha256", key).update(data).digest("base64url"));
    });

    it("is the same for another instance with the same secret, different under another secret or for other data", () => {
        const a = new Sealer(secretA);
        expect(new Sealer(secretA).mac(data)).toBe(a.mac(data));
        expect(new Sealer(secretB).mac(data)).not.toBe(a.mac(data));
        expect(a.mac(`${data}x`)).not.toBe(a.mac(data));
    });
});
