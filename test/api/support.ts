/** Test helpers: RSA keys, hand-made JWTs and an in-process tenant metadata + JWKS server on 127.0.0.1. */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const TENANT_ID = "11111111-2222-3333-4444-555555555555";
export const API_CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
export const WEB_CLIENT_ID = "99999999-8888-7777-6666-555555555555";
export const ALICE = "0000000a-0000-0000-0000-00000000000a";
export const BOB = "0000000b-0000-0000-0000-00000000000b";
export const DAEMON = "0000000d-0000-0000-0000-00000000000d";

export interface TestKey {
    readonly kid: string;
    readonly privateKey: KeyObject;
    readonly publicKey: KeyObject;
}

export function makeKey(kid: string, modulusLength = 2048): TestKey {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
    return { kid, privateKey, publicKey };
}

export function jwkOf(key: TestKey): Record<string, unknown> {
    return { ...key.publicKey.export({ format: "jwk" }), kid: key.kid, use: "sig", alg: "RS256" };
}

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A compact JWS over arbitrary header and payload, signed with RSA-SHA256 by `key`. */
export function signRs256(header: Record<string, unknown>, payload: unknown, key: KeyObject): string {
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${sign("RSA-SHA256", Buffer.from(input), key).toString("base64url")}`;
}

/** HS256 with `secret` as the HMAC key (the classic key-confusion attack uses the RSA public key's PEM). */
export function signHs256(header: Record<string, unknown>, payload: unknown, secret: string | Buffer): string {
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

export function unsigned(header: Record<string, unknown>, payload: unknown, signature = ""): string {
    return `${b64(header)}.${b64(payload)}.${signature}`;
}

/** The in-process tenant: `/<tenant>/v2.0/.well-known/openid-configuration` and its JWKS. */
export class FakeTenant {
    readonly server: Server;
    keys: TestKey[];
    /** Extra (raw) JWKs published besides {@link keys}. */
    extraJwks: Record<string, unknown>[] = [];
    jwksRequests = 0;
    metadataRequests = 0;
    /** When set, metadata requests answer this status. */
    failMetadata: number | undefined;
    port = 0;

    constructor(keys: TestKey[]) {
        this.keys = keys;
        this.server = createServer((req, res) => {
            if (req.url === `/${TENANT_ID}/v2.0/.well-known/openid-configuration`) {
                this.metadataRequests++;
                if (this.failMetadata !== undefined) {
                    res.writeHead(this.failMetadata).end();
                    return;
                }
                res.writeHead(200, { "content-type": "application/json" });
                res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.origin}/${TENANT_ID}/discovery/v2.0/keys` }));
            } else if (req.url === `/${TENANT_ID}/discovery/v2.0/keys`) {
                this.jwksRequests++;
                res.writeHead(200, { "content-type": "application/json" });
                res.end(JSON.stringify({ keys: [...this.keys.map(jwkOf), ...this.extraJwks] }));
            } else {
                res.writeHead(404).end();
            }
        });
    }

    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        this.port = (this.server.address() as AddressInfo).port;
        return this;
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    get origin(): string {
        return `http://127.0.0.1:${this.port}`;
    }
    /** AUTHORITY for the API (the tenant's host; the API adds the tenant id). */
    get authority(): string {
        return `${this.origin}/`;
    }
    get issuer(): string {
        return `${this.origin}/${TENANT_ID}/v2.0`;
    }
    get metadataUrl(): string {
        return `${this.origin}/${TENANT_ID}/v2.0/.well-known/openid-configuration`;
    }
}

/** Entra-shaped claims for a delegated (user) access token valid at `nowSec`. */
export function userClaims(tenant: FakeTenant, oid: string, scp: string, nowSec: number, extra: Record<string, unknown> = {}) {
    return {
        aud: API_CLIENT_ID,
        iss: tenant.issuer,
        iat: nowSec - 10,
        nbf: nowSec - 10,
        exp: nowSec + 3600,
        azp: WEB_CLIENT_ID,
        oid,
        scp,
        sub: `sub-${oid}`,
        tid: TENANT_ID,
        ver: "2.0",
        ...extra,
    };
}

/** Entra-shaped claims for an app-only (client credentials) access token. */
export function appClaims(tenant: FakeTenant, roles: string[] | undefined, nowSec: number, extra: Record<string, unknown> = {}) {
    return {
        aud: API_CLIENT_ID,
        iss: tenant.issuer,
        iat: nowSec - 10,
        nbf: nowSec - 10,
        exp: nowSec + 3600,
        azp: WEB_CLIENT_ID,
        idtyp: "app",
        oid: DAEMON,
        sub: DAEMON,
        tid: TENANT_ID,
        ver: "2.0",
        ...(roles === undefined ? {} : { roles }),
        ...extra,
    };
}
