/**
 * The SocialIdentityProvider provider driven as the engine drives it (check → diff → create/update/read/delete,
 * state round-trips through JSON) against the Graph stand-in: exact Graph calls, no write on a no-op, ownership,
 * explicit takeover and refresh after it, lost answers, throttling, replication lag, permanent errors, and the client
 * secret kept out of every output, read result and error message.
 */
import { untrustTestCertificate } from "../userFlow/harness";
import { UNKNOWN } from "../../components/signInExperience/common";
import { fingerprintMatches } from "../../components/signInExperience/fingerprint";
import { TENANT, startSignInHarness, type SignInHarness } from "./harness";
import type { StandInExtension } from "../userFlow/graphStandIn";

const SECRET = "GOCSPX-9sTq2Xv7LmN4pR8wYz1Ab3Cd";
const NEW_SECRET = "GOCSPX-0aZyXwVuTsRqPoNmLkJiHgFe";
const inputs = (over: Record<string, unknown> = {}) => ({
    tenantId: TENANT, identityProviderType: "Google", displayName: "Google", clientId: "123456789012-abc.apps.googleusercontent.com", clientSecret: SECRET, version: "1", ...over,
});
/** What the engine stores and hands back: JSON round-trip. */
const state = <T>(v: T): any => JSON.parse(JSON.stringify(v));

let h: SignInHarness;
beforeEach(async () => {
    h = await startSignInHarness();
});
afterEach(async () => {
    expect(h.server.violations).toEqual([]);
    await h.server.close();
});
afterAll(() => untrustTestCertificate());

async function created() {
    const r = await h.social.create!(inputs() as any);
    h.server.requests.length = 0;
    return { id: r.id, outs: state(r.outs) };
}

test("create: one list, one POST with the secret; outputs carry a fingerprint, never the secret", async () => {
    const r = await h.social.create!(inputs() as any);
    expect(r.id).toBe("Google-OAUTH");
    expect(h.calls()).toEqual(["GET /identity/identityProviders", "POST /identity/identityProviders"]);
    expect(h.server.requests[1].body).toEqual({ "@odata.type": "#microsoft.graph.socialIdentityProvider", displayName: "Google", identityProviderType: "Google", clientId: "123456789012-abc.apps.googleusercontent.com", clientSecret: SECRET });
    expect(h.signIn.providers.get("Google-OAUTH")!.clientSecret).toBe(SECRET);
    expect(JSON.stringify(r.outs)).not.toContain(SECRET);
    expect(Object.keys(r.outs).sort()).toEqual(["clientId", "clientSecretFingerprint", "createdAt", "displayName", "identityProviderType", "tenantId", "version"]);
    expect(fingerprintMatches(r.outs.clientSecretFingerprint, SECRET)).toBe(true);
    expect(fingerprintMatches(r.outs.clientSecretFingerprint, NEW_SECRET)).toBe(false);
});

test("a no-op up: diff reports no change and makes no Graph call", async () => {
    const { id, outs } = await created();
    const d = await h.social.diff!(id, outs, inputs() as any);
    expect(d.changes).toBe(false);
    expect(h.server.requests).toHaveLength(0);
});

test("a changed secret is noticed through the fingerprint and written with one PATCH of the secret only", async () => {
    const { id, outs } = await created();
    const d = await h.social.diff!(id, outs, inputs({ clientSecret: NEW_SECRET }) as any);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const u = await h.social.update!(id, outs, inputs({ clientSecret: NEW_SECRET }) as any);
    expect(h.calls()).toEqual(["PATCH /identity/identityProviders/Google-OAUTH"]);
    expect(h.server.requests[0].body).toEqual({ "@odata.type": "#microsoft.graph.socialIdentityProvider", clientSecret: NEW_SECRET });
    expect(h.signIn.providers.get("Google-OAUTH")!.clientSecret).toBe(NEW_SECRET);
    expect(JSON.stringify(u.outs)).not.toContain(NEW_SECRET);
    expect((await h.social.diff!(id, state(u.outs), inputs({ clientSecret: NEW_SECRET }) as any)).changes).toBe(false);
});

test("a changed client id is patched alone; a new type replaces (delete first: one per type)", async () => {
    const { id, outs } = await created();
    await h.social.update!(id, outs, inputs({ clientId: "999-x.apps.googleusercontent.com" }) as any);
    expect(h.server.requests.map((r) => r.body)).toEqual([{ "@odata.type": "#microsoft.graph.socialIdentityProvider", clientId: "999-x.apps.googleusercontent.com" }]);
    expect(await h.social.diff!(id, outs, inputs({ identityProviderType: "Facebook" }) as any)).toMatchObject({ changes: true, replaces: ["identityProviderType"], deleteBeforeReplace: true });
});

test("a provider-version bump is an update that writes nothing and keeps complete state", async () => {
    const { id, outs } = await created();
    expect((await h.social.diff!(id, outs, inputs({ version: "2" }) as any)).changes).toBe(true);
    const u = await h.social.update!(id, outs, inputs({ version: "2" }) as any);
    expect(h.server.writes()).toHaveLength(0);
    expect(u.outs).toMatchObject({ tenantId: TENANT, clientSecretFingerprint: outs.clientSecretFingerprint, version: "2" });
    const r = await h.social.read!(id, state(u.outs));
    expect(r.props).toMatchObject({ tenantId: TENANT, identityProviderType: "Google" });
    await h.social.delete!(id, state(u.outs));
    expect(h.signIn.providers.size).toBe(0);
});

test("preview: an unknown secret or client id is a change", async () => {
    const { id, outs } = await created();
    expect((await h.social.diff!(id, outs, inputs({ clientSecret: UNKNOWN }) as any)).changes).toBe(true);
    expect((await h.social.diff!(id, outs, inputs({ clientId: UNKNOWN }) as any)).changes).toBe(true);
});

test("ownership: a Google provider this stack did not create is never taken over", async () => {
    await h.social.create!(inputs() as any); // someone else's, e.g. made in the admin center
    h.server.requests.length = 0;
    await expect(h.social.create!(inputs({ clientId: "5-y.apps.googleusercontent.com" }) as any)).rejects.toThrow(
        /a Google identity provider already exists in tenant 11111111-2222-4333-8444-555555555555 as "Google-OAUTH" and this stack did not create it; it is not taken over\. To manage it with this stack, take it over explicitly: set identityProviders\.google\.adoptExisting to true/);
    expect(h.server.writes()).toHaveLength(0);
    expect(h.signIn.providers.get("Google-OAUTH")!.clientId).toBe("123456789012-abc.apps.googleusercontent.com");
});

test("explicit takeover (adoptExisting): the existing provider gets exactly the configured values, with one PATCH", async () => {
    await h.social.create!(inputs({ clientId: "5-portal.apps.googleusercontent.com", clientSecret: "portal-secret-value" }) as any);
    h.server.requests.length = 0;
    const r = await h.social.create!(inputs({ adoptExisting: true }) as any);
    expect(r.id).toBe("Google-OAUTH");
    expect(h.calls()).toEqual(["GET /identity/identityProviders", "GET /identity/identityProviders/Google-OAUTH", "PATCH /identity/identityProviders/Google-OAUTH"]);
    expect(h.signIn.providers.get("Google-OAUTH")).toMatchObject({ clientId: "123456789012-abc.apps.googleusercontent.com", clientSecret: SECRET });
    expect(fingerprintMatches(r.outs.clientSecretFingerprint, SECRET)).toBe(true);
    expect((await h.social.diff!(r.id, state(r.outs), inputs({ adoptExisting: false }) as any)).changes).toBe(false);
});

test("refresh after a takeover: read with the adopted outputs returns complete state, keeps the fingerprint, never the secret", async () => {
    await h.social.create!(inputs({ clientId: "5-portal.apps.googleusercontent.com", clientSecret: "portal-secret-value" }) as any); // made in the portal
    const adopted = await h.social.create!(inputs({ adoptExisting: true }) as any);
    const outs = state(adopted.outs);
    h.server.requests.length = 0;
    const r = await h.social.read!("Google-OAUTH", outs);
    expect(h.calls()).toEqual(["GET /identity/identityProviders/Google-OAUTH"]);
    expect(r.id).toBe("Google-OAUTH");
    // Every output: what Graph shows from the live object, the rest from the prior outputs.
    expect(r.props).toEqual({ tenantId: TENANT, identityProviderType: "Google", displayName: "Google", clientId: "123456789012-abc.apps.googleusercontent.com", version: "1", clientSecretFingerprint: outs.clientSecretFingerprint, createdAt: outs.createdAt });
    expect(r.inputs).toEqual({ tenantId: TENANT, identityProviderType: "Google", displayName: "Google", clientId: "123456789012-abc.apps.googleusercontent.com", version: "1" });
    expect(JSON.stringify(r)).not.toContain(SECRET);
    // The next up (the flag still set or removed) changes nothing; a rotated secret is one PATCH of the secret.
    expect((await h.social.diff!("Google-OAUTH", state(r.props), inputs({ adoptExisting: true }) as any)).changes).toBe(false);
    expect((await h.social.diff!("Google-OAUTH", state(r.props), inputs() as any)).changes).toBe(false);
    expect((await h.social.diff!("Google-OAUTH", state(r.props), inputs({ clientSecret: NEW_SECRET }) as any)).changes).toBe(true);
    await h.social.update!("Google-OAUTH", state(r.props), inputs({ clientSecret: NEW_SECRET }) as any);
    expect(h.server.writes().map((w) => w.body)).toEqual([{ "@odata.type": "#microsoft.graph.socialIdentityProvider", clientSecret: NEW_SECRET }]);
});

test("drift: a display name changed in the portal is seen by read; a deleted provider reads as gone", async () => {
    const { id, outs } = await created();
    h.signIn.providers.get(id)!.displayName = "Sign in with Google";
    const r = await h.social.read!(id, { ...outs, createdAt: "2020-01-01T00:00:00Z" });
    expect(r.props.displayName).toBe("Sign in with Google");
    expect((await h.social.diff!(id, state(r.props), inputs() as any)).changes).toBe(true);
    h.signIn.providers.delete(id);
    h.server.requests.length = 0;
    expect(await h.social.read!(id, { ...outs, createdAt: "2020-01-01T00:00:00Z" })).toEqual({});
    expect(h.calls()).toEqual(["GET /identity/identityProviders/Google-OAUTH"]);
});

test("a lost create answer: looked up again and adopted (absent just before the POST), never POSTed twice", async () => {
    h.server.inject({ kind: "lose", method: "POST", path: /identityProviders$/, times: 1 });
    const r = await h.social.create!(inputs() as any);
    expect(r.id).toBe("Google-OAUTH");
    expect(h.calls()).toEqual(["GET /identity/identityProviders", "POST /identity/identityProviders", "GET /identity/identityProviders", "GET /identity/identityProviders/Google-OAUTH"]);
    expect(h.signIn.providers.size).toBe(1);
});

test("destroy, then up at once: the list still shows the deleted provider, which is not mistaken for a stranger's", async () => {
    const { id, outs } = await created();
    h.signIn.listLagMs = 20_000;
    await h.social.delete!(id, { ...outs, createdAt: "2020-01-01T00:00:00Z" });
    expect(h.signIn.providers.size).toBe(0);
    const r = await h.social.create!(inputs() as any);
    expect(r.id).toBe("Google-OAUTH");
    expect(h.signIn.providers.size).toBe(1);
    expect(h.server.writes().map((w) => `${w.method} ${w.status}`)).toEqual(["DELETE 204", "POST 201"]);
});

test("throttling: 429 with Retry-After is waited out, then the POST succeeds once", async () => {
    h.server.inject({ kind: "status", status: 429, retryAfter: "7", method: "POST", times: 2 });
    await h.social.create!(inputs() as any);
    expect(h.sleeps).toEqual([7000, 7000]);
    expect(h.server.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([429, 429, 201]);
    expect(h.signIn.providers.size).toBe(1);
});

test("a permanent 400 fails at once with Graph's message, without retries", async () => {
    h.server.inject({ kind: "status", status: 400, method: "POST", times: 1 });
    await expect(h.social.create!(inputs() as any)).rejects.toThrow(/POST \/identity\/identityProviders: Microsoft Graph answered 400/);
    expect(h.sleeps).toEqual([]);
    expect(h.server.requests.filter((r) => r.method === "POST")).toHaveLength(1);
});

test("replication: right after create, read and update wait for the provider instead of calling it gone", async () => {
    h.signIn.providerReplicationMs = 5_000;
    const c = await h.social.create!(inputs() as any);
    const r = await h.social.read!(c.id, state(c.outs));
    expect(r.props).toMatchObject({ clientId: "123456789012-abc.apps.googleusercontent.com" });
    h.signIn.providerReplicationMs = 5_000;
    h.signIn.providers.get(c.id)!.visibleAt = h.server.clock + 5_000;
    await h.social.update!(c.id, state(c.outs), inputs({ displayName: "Google account" }) as any);
    expect(h.signIn.providers.get(c.id)!.displayName).toBe("Google account");
});

test("replication: a delete answered 404 right after create is repeated until the provider is really gone (no orphan)", async () => {
    h.signIn.providerReplicationMs = 3_000;
    const c = await h.social.create!(inputs() as any);
    h.server.requests.length = 0;
    await h.social.delete!(c.id, state(c.outs));
    expect(h.signIn.providers.size).toBe(0);
    const deletes = h.server.requests.filter((r) => r.method === "DELETE").map((r) => r.status);
    expect(deletes[0]).toBe(404);
    expect(deletes[deletes.length - 1]).toBe(204);
});

test("a delete of a provider long gone is done after one 404 (outside the recent-create window)", async () => {
    await h.social.delete!("Google-OAUTH", { ...inputs(), createdAt: "2020-01-01T00:00:00Z" } as any);
    expect(h.calls()).toEqual(["DELETE /identity/identityProviders/Google-OAUTH"]);
});

test("the secret never appears in an error, even when Graph echoes the request", async () => {
    const echo: StandInExtension = {
        handle: (req) => req.method === "POST" && req.path === "/identity/identityProviders"
            ? { problems: [], answer: [400, { error: { code: "Request_BadRequest", message: `Invalid value ${JSON.stringify(req.body)}` } }] }
            : undefined,
    };
    h.server.extensions.unshift(echo);
    const err = await h.social.create!(inputs() as any).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(/answered 400 Request_BadRequest: Invalid value/);
    expect(String((err as Error).message)).not.toContain(SECRET);
    expect(String((err as Error).stack)).not.toContain(SECRET);
});

test("check names what is wrong and never shows the secret", async () => {
    const r = await h.social.check!({}, { ...inputs(), identityProviderType: "GitHub", clientSecret: "" });
    expect(r.failures).toEqual([
        { property: "identityProviderType", reason: 'identityProviderType "GitHub" is not one of Google, Facebook' },
        { property: "clientSecret", reason: "clientSecret must be a non-empty string (from secret config)" },
    ]);
    const ok = await h.social.check!({}, inputs());
    expect(ok.failures).toEqual([]);
});

test("a 403 names the permission identity providers need", async () => {
    h.server.inject({ kind: "status", status: 403, method: "POST", times: 1 });
    await expect(h.social.create!(inputs() as any)).rejects.toThrow(/\(this resource needs the application permission IdentityProvider\.ReadWrite\.All\)$/);
});
