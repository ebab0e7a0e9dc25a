/**
 * The pack's idea of a secret (policy/secrets.ts) and of a client-secret lifetime: each pattern with a value it must
 * catch and a near miss it must let through. Credential-shaped fixtures are assembled at run time, so the repository
 * holds nothing a secret scanner would take for a real credential.
 */
import { randomBytes } from "node:crypto";
import { findSecrets, hasSecretName, isKeyVaultReference, secretKind } from "../../policy/secrets";
import { goDurationMs, lifetimeDays } from "../../policy/clientSecretLifetime";
import { redirectUriProblem } from "../../policy/redirectUris";
import { isWireSecret, secretPropertyNames } from "../../policy/secretMarks";
import { secret } from "./analyzer";

const entraSecret = () => ["Ab1", "8Q~", randomBytes(24).toString("base64url").slice(0, 34)].join("");
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const jwt = () => [b64url({ alg: "RS256", typ: "JWT" }), b64url({ sub: "someone", aud: "api", exp: 1 }), randomBytes(32).toString("base64url")].join(".");

test.each([
    ["an Entra client secret", entraSecret()],
    ["a JSON Web Token", jwt()],
    ["a private key", ["-----BEGIN", "RSA PRIVATE KEY-----\nMIIE…"].join(" ")],
    ["a connection string with a key or password", `DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=${randomBytes(8).toString("hex")};`],
    ["a URL with a SAS signature", `https://st1.blob.core.windows.net/packages/web.zip?sv=2024-01-01&sr=b&sig=${randomBytes(16).toString("base64url")}`],
    ["a URL with a password", "rediss://default:hunter2hunter2@cache.example.net:10000"],
    ["an Azure storage account key", randomBytes(64).toString("base64")],
    ["a long hexadecimal key", randomBytes(32).toString("hex")],
])("%s is recognised", (kind, value) => {
    expect(secretKind(value)).toBe(kind);
});

test("a long random base64url key is recognised", () => {
    // Retry until the random value has a digit and both cases (almost always the first one).
    let v = "";
    do v = randomBytes(40).toString("base64url"); while (!(/\d/.test(v) && /[a-z]/.test(v) && /[A-Z]/.test(v)));
    expect(secretKind(v)).toBe("a long random-looking key");
});

test.each([
    "https://contoso.ciamlogin.com/",
    "https://stcontoso735759082d.blob.core.windows.net/packages/web-bda1dd10f9ae7cde.zip",
    "/subscriptions/99999999-8888-4777-8666-555555555555/resourceGroups/rg-contoso-production-eastus",
    "11111111-2222-3333-4444-555555555555",
    "api://api-app-client-id/ToDoList.Read api://api-app-client-id/ToDoList.ReadWrite",
    "0123456789abcdef0123456789abcdef01234567", // a 40-character commit id
    "rediss://contoso-735759082d.westeurope.redis.azure.net:10000",
    "SystemAssigned",
    "@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.net/secrets/web-client-secret/0123456789abcdef0123456789abcdef)",
])("%s is not a secret", (value) => {
    expect(secretKind(value)).toBeUndefined();
});

test("Key Vault references: both documented forms, nothing else", () => {
    expect(isKeyVaultReference("@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.net/secrets/s/)")).toBe(true);
    expect(isKeyVaultReference("@Microsoft.KeyVault(VaultName=kv1;SecretName=s)")).toBe(true);
    expect(isKeyVaultReference("@Microsoft.KeyVault(VaultName=kv1;SecretName=s;SecretVersion=0123)")).toBe(true);
    expect(isKeyVaultReference("@Microsoft.KeyVault(SecretUri=http://kv1.vault.azure.net/secrets/s/)")).toBe(false);
    expect(isKeyVaultReference("prefix @Microsoft.KeyVault(VaultName=kv1;SecretName=s)")).toBe(false);
    expect(isKeyVaultReference(42)).toBe(false);
});

test("setting names that announce a secret", () => {
    for (const n of ["CLIENT_SECRET", "SESSION_SECRET", "DB_PASSWORD", "TODO_TABLE_CONNECTION_STRING", "STORAGE_ACCOUNT_KEY", "API_KEY", "PWD", "SAS_TOKEN"]) expect([n, hasSecretName(n)]).toEqual([n, true]);
    for (const n of ["CLIENT_ID", "AUTHORITY", "REDIS_AUTH", "KNOWN_AUTHORITIES", "WEBSITE_RUN_FROM_PACKAGE", "API_SCOPES", "TOKEN_AUDIENCE"]) expect([n, hasSecretName(n)]).toEqual([n, false]);
});

test("findSecrets walks objects and arrays and names the path", () => {
    const s = entraSecret();
    expect(findSecrets({ a: [1, { b: s }], c: "plain" }, "output x")).toEqual(["output x.a[1].b looks like an Entra client secret"]);
    expect(findSecrets({ a: ["plain"] }, "x")).toEqual([]);
});

test("client-secret lifetime: end date, relative duration, start date, missing end date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(lifetimeDays({ endDate: "2026-07-01T00:00:00Z" }, now)).toBe(181);
    expect(lifetimeDays({ endDate: "2026-07-01T00:00:00Z", startDate: "2026-03-01T00:00:00Z" }, now)).toBe(122);
    expect(lifetimeDays({ endDateRelative: "2160h" }, now)).toBe(90);
    expect(lifetimeDays({}, now)).toBe("no endDate: Microsoft Graph would make the secret valid for two years");
    expect(lifetimeDays({ endDate: "soon" }, now)).toBe('endDate "soon" is not an RFC 3339 date');
    expect(lifetimeDays({ endDateRelative: "90d" }, now)).toBe('endDateRelative "90d" is not a duration such as 2160h');
    expect(goDurationMs("2400h30m")).toBe((2400 * 60 + 30) * 60_000);
});

test("redirect URIs: https anywhere, http on loopback only", () => {
    for (const ok of ["https://app.example.com/auth/redirect", "http://localhost:3000/auth/redirect", "http://127.0.0.1:5000/", "http://[::1]:3000/"]) expect(redirectUriProblem(ok)).toBeUndefined();
    expect(redirectUriProblem("http://app.example.com/auth/redirect")).toBe('"http://app.example.com/auth/redirect" must use https (http is allowed for localhost only)');
    expect(redirectUriProblem("http://localhost.example.com/")).toBe('"http://localhost.example.com/" must use https (http is allowed for localhost only)');
    expect(redirectUriProblem("/auth/redirect")).toBe('"/auth/redirect" is not an absolute URI');
    expect(redirectUriProblem("ms-app://custom")).toBe('"ms-app://custom" must use https (http is allowed for localhost only)');
});

test("secret marks: the top-level properties in Pulumi's secret wire form, nothing nested, nothing plain", () => {
    expect(secretPropertyNames({ b: secret("x"), a: secret("04da6b54-80e4-46f7-96ec-b56ff0331ba9"), plain: "x", nested: { inner: secret("x") } })).toEqual(["a", "b"]);
    expect(isWireSecret({ "4dabf18193072939515e22adb298388d": "another signature", value: "x" })).toBe(false);
});
