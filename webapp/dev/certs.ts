/**
 * A local certificate authority and a `localhost` server certificate for the stand-in tenant, made with node:crypto
 * alone (a minimal DER/X.509 writer: ECDSA P-256, SHA-256). Generated on first use into a folder (`.dev/` by default,
 * gitignored) and reused afterwards; nothing here is ever committed or bundled.
 *
 * Files: `ca.pem` (trust this one: NODE_EXTRA_CA_CERTS, or your browser), `ca-key.pem`, `server.pem`, `server-key.pem`.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface DevCertificates {
    /** PEM of the local CA certificate. */
    readonly caCert: string;
    /** PEM of the server certificate (CN and SAN localhost, 127.0.0.1, ::1). */
    readonly cert: string;
    /** PEM (PKCS#8) of the server's private key. */
    readonly key: string;
    /** Path of `ca.pem`, for NODE_EXTRA_CA_CERTS. */
    readonly caPath: string;
    /** base64 SHA-256 of the server certificate's public key (Chromium's --ignore-certificate-errors-spki-list). */
    readonly spkiSha256: string;
}

// ---- DER encoding -------------------------------------------------------------------------------------------------

function len(n: number): Buffer {
    if (n < 0x80) return Buffer.from([n]);
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function tlv(tag: number, content: Buffer): Buffer {
    return Buffer.concat([Buffer.from([tag]), len(content.length), content]);
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
function integer(b: Buffer): Buffer {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}
function oid(dotted: string): Buffer {
    const parts = dotted.split(".").map(Number);
    const out = [40 * parts[0]! + parts[1]!];
    for (const p of parts.slice(2)) {
        const chunk: number[] = [p & 0x7f];
        for (let v = p >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
        out.push(...chunk);
    }
    return tlv(0x06, Buffer.from(out));
}
function time(d: Date): Buffer {
    const p = (n: number) => String(n).padStart(2, "0");
    const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
    return tlv(0x17, Buffer.from(s, "ascii"));
}
const name = (cn: string) => seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(cn, "utf8")))));
const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

function keyId(pub: KeyObject): Buffer {
    return createHash("sha1").update(pub.export({ type: "spki", format: "der" })).digest();
}

function certificate(opts: { subject: string; issuer: string; pub: KeyObject; signer: KeyObject; issuerPub: KeyObject; days: number; extensions: Buffer[] }): string {
    const now = Date.now();
    const tbs = seq(
        explicit(0, integer(Buffer.from([2]))),
        integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
        ECDSA_SHA256,
        name(opts.issuer),
        seq(time(new Date(now - 3_600_000)), time(new Date(now + opts.days * 86_400_000))),
        name(opts.subject),
        opts.pub.export({ type: "spki", format: "der" }),
        explicit(3, seq(
            extension("2.5.29.14", false, octets(keyId(opts.pub))),
            extension("2.5.29.35", false, seq(tlv(0x80, keyId(opts.issuerPub)))),
            ...opts.extensions,
        )),
    );
    const signature = sign("sha256", tbs, opts.signer);
    const der = seq(tbs, ECDSA_SHA256, bits(signature));
    return `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

// ---- the CA and the server certificate ---------------------------------------------------------------------------

const KEY_USAGE_CERT_SIGN = Buffer.from([0x01, 0x06]); // BIT STRING: 1 unused bit; keyCertSign, cRLSign
const KEY_USAGE_DIGITAL_SIGNATURE = Buffer.from([0x07, 0x80]);

/** Generates a fresh CA and server certificate (valid `days`, default 365). */
export function generateDevCertificates(days = 365): { caCert: string; caKey: string; cert: string; key: string } {
    const ca = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const server = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const caCert = certificate({
        subject: "Entra External ID stand-in local CA", issuer: "Entra External ID stand-in local CA",
        pub: ca.publicKey, signer: ca.privateKey, issuerPub: ca.publicKey, days: days + 1,
        extensions: [
            extension("2.5.29.19", true, seq(bool(true))),
            extension("2.5.29.15", true, tlv(0x03, KEY_USAGE_CERT_SIGN)),
        ],
    });
    const cert = certificate({
        subject: "localhost", issuer: "Entra External ID stand-in local CA",
        pub: server.publicKey, signer: ca.privateKey, issuerPub: ca.publicKey, days,
        extensions: [
            extension("2.5.29.19", true, seq()),
            extension("2.5.29.15", true, tlv(0x03, KEY_USAGE_DIGITAL_SIGNATURE)),
            extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),
            extension("2.5.29.17", false, seq(
                tlv(0x82, Buffer.from("localhost", "ascii")),
                tlv(0x87, Buffer.from([127, 0, 0, 1])),
                tlv(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
            )),
        ],
    });
    const pem = (k: KeyObject) => k.export({ type: "pkcs8", format: "pem" }).toString();
    return { caCert, caKey: pem(ca.privateKey), cert, key: pem(server.privateKey) };
}

function usable(dir: string): boolean {
    const files = ["ca.pem", "server.pem", "server-key.pem"].map((f) => join(dir, f));
    if (!files.every((f) => existsSync(f))) return false;
    try {
        const ca = new X509Certificate(readFileSync(files[0]!));
        const cert = new X509Certificate(readFileSync(files[1]!));
        const key = createPrivateKey(readFileSync(files[2]!));
        const soon = Date.now() + 86_400_000;
        return cert.verify(ca.publicKey) && cert.checkPrivateKey(key) && cert.checkHost("localhost") !== undefined &&
            Date.parse(cert.validTo) > soon && Date.parse(ca.validTo) > soon;
    } catch {
        return false;
    }
}

/** The certificates in `dir` (default `<repo>/.dev`), generated there first when missing, invalid or near expiry. */
export function ensureDevCertificates(dir: string): DevCertificates {
    if (!usable(dir)) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const g = generateDevCertificates();
        writeFileSync(join(dir, "ca-key.pem"), g.caKey, { mode: 0o600 });
        writeFileSync(join(dir, "server-key.pem"), g.key, { mode: 0o600 });
        writeFileSync(join(dir, "ca.pem"), g.caCert);
        writeFileSync(join(dir, "server.pem"), g.cert);
    }
    const cert = readFileSync(join(dir, "server.pem"), "utf8");
    const spki = createPublicKey(cert).export({ type: "spki", format: "der" });
    return {
        caCert: readFileSync(join(dir, "ca.pem"), "utf8"),
        cert,
        key: readFileSync(join(dir, "server-key.pem"), "utf8"),
        caPath: join(dir, "ca.pem"),
        spkiSha256: createHash("sha256").update(spki).digest("base64"),
    };
}
