/**
 * The sign-in experience providers over their whole life, driven as the engine drives them (serialized providers,
 * state through protobuf, check → diff → create/update/read/delete, refresh = read with the prior outputs;
 * test/userFlow/engine.ts) against the Graph stand-in with the sign-in endpoints plugged in. Objects made outside
 * Pulumi are taken over by create with `adoptExisting`, since the engine cannot import dynamic-provider resources.
 */
import { readFileSync } from "node:fs";
import { makeCompanyBrandingProvider } from "../../components/signInExperience/branding";
import { makeSocialIdentityProviderProvider } from "../../components/signInExperience/socialProvider";
import { makeUserFlowProvider } from "../../components/userFlow/provider";
import { contentHash } from "../../components/signInExperience/images";
import { Engine, hookedOptions, realEnv, serialize, setHooks, UNKNOWN } from "../userFlow/engine";
import { GraphStandIn } from "../userFlow/graphStandIn";
import { TENANT, trustTestCertificate, untrustTestCertificate } from "../userFlow/harness";
import { SignInStandIn } from "./standInSignIn";
import { TAKEOVER_WRITES, expectConfiguredBranding } from "./brandingTakeover";

const SECRET = "GOCSPX-9sTq2Xv7LmN4pR8wYz1Ab3Cd";
const idp = (over: Record<string, unknown> = {}) => ({ tenantId: TENANT, identityProviderType: "Facebook", displayName: "Facebook", clientId: "1234567890123456", clientSecret: SECRET, version: "1", ...over });
const img = (path: string) => ({ path, contentType: "image/png", sha256: contentHash(readFileSync(path)) });
const branding = (over: Record<string, unknown> = {}) => ({
    tenantId: TENANT, backgroundColor: "#0F3D2E", signInPageText: "Welcome", images: { bannerLogo: img("branding/banner-logo.png") },
    localizations: [{ locale: "fr-FR", signInPageText: "Bienvenue" }], version: "1", ...over,
});

let texts: { idp: string; branding: string };
let server: GraphStandIn;
let signIn: SignInStandIn;
let engine: Engine;

beforeAll(async () => {
    trustTestCertificate();
    texts = { idp: await serialize(makeSocialIdentityProviderProvider(hookedOptions())), branding: await serialize(makeCompanyBrandingProvider(hookedOptions())) };
});

beforeEach(async () => {
    server = new GraphStandIn(trustTestCertificate());
    await server.start();
    signIn = new SignInStandIn(server, TENANT);
    server.extensions.push(signIn);
    realEnv.GRAPH_BASE_URL = server.url;
    setHooks({
        sleep: async (ms) => { server.clock += ms; },
        getToken: async () => ({ token: server.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
    });
    engine = new Engine();
});

afterEach(async () => {
    expect(server.violations).toEqual([]);
    delete realEnv.GRAPH_BASE_URL;
    await server.close();
});
afterAll(() => untrustTestCertificate());

const writes = () => server.writes().map((r) => `${r.method} ${r.path.split(TENANT).join("{org}")}`);

test("the serialized provider carries no secret; state outputs carry the fingerprint, never the secret", async () => {
    expect(texts.idp).not.toContain(SECRET);
    await engine.up("idp", texts.idp, idp());
    const s = engine.state.get("idp")!;
    expect(s.id).toBe("Facebook-OAUTH");
    expect(JSON.stringify(s.outputs)).not.toContain(SECRET);
    expect(s.outputs.clientSecretFingerprint).toMatch(/^hmac-sha256:/);
    expect(signIn.providers.get("Facebook-OAUTH")!.clientSecret).toBe(SECRET);
});

test.each(["idp", "branding"] as const)("%s: up → no-op up → bump version → up → refresh → destroy, no Graph write for the no-op or the bump", async (kind) => {
    const inputs = kind === "idp" ? idp : branding;
    const text = texts[kind];
    expect(await engine.up(kind, text, inputs())).toBe("create");
    server.requests.length = 0;
    expect(await engine.up(kind, text, inputs())).toBe("same");
    expect(await engine.up(kind, text, inputs({ version: "2" }))).toBe("update");
    expect(server.requests).toHaveLength(0);
    const outputs = engine.state.get(kind)!.outputs;
    expect(outputs.tenantId).toBe(TENANT);
    expect(outputs.version).toBe("2");
    expect(await engine.refresh(kind)).toBe(true);
    expect(engine.state.get(kind)!.outputs).toEqual(outputs);
    expect(writes()).toEqual([]);
    await engine.destroy(kind);
    expect(kind === "idp" ? signIn.providers.size : signIn.branding).toBe(kind === "idp" ? 0 : undefined);
});

test("preview with an unknown secret or image reports a change without calling Graph", async () => {
    await engine.up("idp", texts.idp, idp());
    await engine.up("branding", texts.branding, branding());
    server.requests.length = 0;
    expect(await engine.preview("idp", texts.idp, idp({ clientSecret: UNKNOWN }))).toEqual({ changes: true, replaces: [] });
    expect(await engine.preview("branding", texts.branding, branding({ images: { bannerLogo: UNKNOWN } }))).toEqual({ changes: true, replaces: [] });
    expect(server.requests).toHaveLength(0);
});

test("a provider made in the portal: up refuses it naming its id and the flag; with adoptExisting it is taken over (no POST), refresh keeps the state, the next up writes nothing", async () => {
    signIn.providers.set("Facebook-OAUTH", { id: "Facebook-OAUTH", displayName: "Facebook (portal)", identityProviderType: "Facebook", clientId: "999999", clientSecret: "portal-secret-value", visibleAt: 0 });
    await expect(engine.up("idp", texts.idp, idp())).rejects.toThrow(/already exists .* as "Facebook-OAUTH" and this stack did not create it; .*set identityProviders\.facebook\.adoptExisting to true/);
    expect(writes()).toEqual([]);
    expect(engine.state.has("idp")).toBe(false);

    expect(await engine.up("idp", texts.idp, idp({ adoptExisting: true }))).toBe("create");
    expect(writes()).toEqual(["PATCH /identity/identityProviders/Facebook-OAUTH"]);
    expect(signIn.providers.get("Facebook-OAUTH")).toMatchObject({ displayName: "Facebook", clientId: "1234567890123456", clientSecret: SECRET });
    expect(signIn.providers.size).toBe(1);
    const outputs = engine.state.get("idp")!.outputs;
    expect(JSON.stringify(outputs)).not.toContain(SECRET);

    server.requests.length = 0;
    expect(await engine.refresh("idp")).toBe(true);
    expect(engine.state.get("idp")!.outputs).toEqual(outputs);
    expect(await engine.up("idp", texts.idp, idp({ adoptExisting: true }))).toBe("same");
    expect(await engine.up("idp", texts.idp, idp())).toBe("same");
    expect(writes()).toEqual([]);
    expect(await engine.up("idp", texts.idp, idp({ clientSecret: "GOCSPX-rotated-0123456789" }))).toBe("update");
    expect(writes()).toEqual(["PATCH /identity/identityProviders/Facebook-OAUTH"]);
    expect(signIn.providers.get("Facebook-OAUTH")!.clientSecret).toBe("GOCSPX-rotated-0123456789");
    await engine.destroy("idp");
    expect(signIn.providers.size).toBe(0);
});

test("branding made in the portal: up refuses it; with adoptExisting it becomes the configured one, refresh keeps the state, the next up writes nothing", async () => {
    const portal = new Engine();
    await portal.up("b", texts.branding, branding({ signInPageText: "Portal text", images: { squareLogo: img("branding/square-logo.png") }, localizations: [{ locale: "de-DE", signInPageText: "Hallo" }] }));
    server.requests.length = 0;
    await expect(engine.up("branding", texts.branding, branding())).rejects.toThrow(`tenant ${TENANT} already has company branding that this stack did not create; it is not taken over. To manage it with this stack, take it over explicitly: set branding.adoptExisting to true`);
    expect(writes()).toEqual([]);

    expect(await engine.up("branding", texts.branding, branding({ adoptExisting: true }))).toBe("create");
    expect(writes()).toEqual(TAKEOVER_WRITES);
    expectConfiguredBranding(signIn);
    const outputs = engine.state.get("branding")!.outputs;

    server.requests.length = 0;
    expect(await engine.refresh("branding")).toBe(true);
    expect(engine.state.get("branding")!.outputs).toEqual(outputs);
    expect(await engine.up("branding", texts.branding, branding({ adoptExisting: true }))).toBe("same");
    expect(await engine.up("branding", texts.branding, branding())).toBe("same");
    expect(writes()).toEqual([]);
    expect(await engine.up("branding", texts.branding, branding({ signInPageText: "Hello" }))).toBe("update");
    expect(writes()).toEqual(["PATCH /organization/{org}/branding"]);
});

test("a user flow listing Facebook fails at once before the provider exists, and is created after it", async () => {
    const flowText = await serialize(makeUserFlowProvider(hookedOptions()));
    const flow = { tenantId: TENANT, displayName: "Contoso sign-up", signUpAllowed: true, identityProviders: ["EmailPassword-OAUTH", "Facebook-OAUTH"], attributes: [], version: "1" };
    await expect(engine.up("flow", flowText, flow)).rejects.toThrow(/Identity provider 'Facebook-OAUTH' is not configured in the tenant/);
    expect(server.flows.size).toBe(0);
    await engine.up("idp", texts.idp, idp());
    expect(await engine.up("flow", flowText, flow)).toBe("create");
    expect([...server.flows.values()][0].idps).toEqual(["EmailPassword-OAUTH", "Facebook-OAUTH"]);
});
