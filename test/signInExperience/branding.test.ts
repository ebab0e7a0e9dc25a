/**
 * The CompanyBranding provider against the Graph stand-in: exact calls per operation, images uploaded only when
 * their content hash changes, drift of images replaced outside the stack, ownership, explicit takeover and refresh
 * after it, replication, faults.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { untrustTestCertificate } from "../userFlow/harness";
import { contentHash } from "../../components/signInExperience/images";
import { TENANT, startSignInHarness, type SignInHarness } from "./harness";

const img = (path: string) => ({ path, contentType: "image/png", sha256: contentHash(readFileSync(path)) });
const inputs = (over: Record<string, unknown> = {}) => ({
    tenantId: TENANT,
    backgroundColor: "#0F3D2E",
    signInPageText: "Contoso: sign in to your account",
    usernameHintText: "you@example.com",
    images: { bannerLogo: img("branding/banner-logo.png"), squareLogo: img("branding/square-logo.png"), backgroundImage: img("branding/background.png") },
    localizations: [{ locale: "fr-FR", signInPageText: "Contoso : connectez-vous", usernameHintText: "vous@exemple.fr" }],
    version: "1",
    ...over,
});
const state = <T>(v: T): any => JSON.parse(JSON.stringify(v));

let h: SignInHarness;
let dir: string;
beforeEach(async () => {
    h = await startSignInHarness();
    dir = mkdtempSync(join(tmpdir(), "branding-"));
});
afterEach(async () => {
    expect(h.server.violations).toEqual([]);
    await h.server.close();
    rmSync(dir, { recursive: true, force: true });
});
afterAll(() => untrustTestCertificate());

async function created(over: Record<string, unknown> = {}) {
    const r = await h.branding.create!(inputs(over) as any);
    h.server.requests.length = 0;
    h.sleeps.length = 0;
    return { id: r.id, outs: state(r.outs) };
}

test("create: texts, three images and a localization, each written once, then one read of the image URLs", async () => {
    const r = await h.branding.create!(inputs() as any);
    expect(r.id).toBe(TENANT);
    expect(h.calls()).toEqual([
        "GET /organization/{org}/branding",
        "PATCH /organization/{org}/branding",
        "PUT /organization/{org}/branding/localizations/0/bannerLogo",
        "PUT /organization/{org}/branding/localizations/0/squareLogo",
        "PUT /organization/{org}/branding/localizations/0/backgroundImage",
        "POST /organization/{org}/branding/localizations",
        "GET /organization/{org}/branding",
    ]);
    expect(h.server.requests[1].body).toEqual({ backgroundColor: "#0F3D2E", headerBackgroundColor: null, signInPageText: "Contoso: sign in to your account", usernameHintText: "you@example.com" });
    const d = h.signIn.defaults()!;
    expect(d.images.bannerLogo!.bytes.equals(readFileSync("branding/banner-logo.png"))).toBe(true);
    expect(d.images.backgroundImage!.contentType).toBe("image/png");
    expect(h.signIn.branding!.localizations.get("fr-FR")!.texts).toEqual({ signInPageText: "Contoso : connectez-vous", usernameHintText: "vous@exemple.fr" });
    expect(Object.keys(r.outs.imageUrls).sort()).toEqual(["backgroundImage", "bannerLogo", "squareLogo"]);
});

test("a no-op up makes no Graph call; a text change is one PATCH and uploads no image", async () => {
    const { id, outs } = await created();
    expect((await h.branding.diff!(id, outs, inputs() as any)).changes).toBe(false);
    expect(h.server.requests).toHaveLength(0);
    const news = inputs({ usernameHintText: "name@contoso.com" });
    expect((await h.branding.diff!(id, outs, news as any)).changes).toBe(true);
    await h.branding.update!(id, outs, news as any);
    expect(h.calls()).toEqual(["PATCH /organization/{org}/branding"]);
    expect(h.server.requests[0].body).toEqual({ usernameHintText: "name@contoso.com" });
});

test("a changed image file is uploaded again (only that one); an unchanged one never is", async () => {
    const banner = join(dir, "banner.png");
    copyFileSync("branding/banner-logo.png", banner);
    const first = inputs({ images: { ...inputs().images, bannerLogo: img(banner) } });
    const { id, outs } = await created(first);
    const bytes = readFileSync(banner);
    bytes[bytes.length - 13] ^= 0; // same bytes: same hash
    writeFileSync(banner, Buffer.concat([bytes.subarray(0, 33), bytes.subarray(33)]));
    expect((await h.branding.diff!(id, outs, inputs({ images: { ...inputs().images, bannerLogo: img(banner) } }) as any)).changes).toBe(false);
    copyFileSync("branding/square-logo.png", banner); // a different picture under the same name
    const news = inputs({ images: { ...inputs().images, bannerLogo: img(banner) } });
    expect((await h.branding.diff!(id, outs, news as any)).changes).toBe(true);
    const u = await h.branding.update!(id, outs, news as any);
    expect(h.calls()).toEqual(["PUT /organization/{org}/branding/localizations/0/bannerLogo", "GET /organization/{org}/branding"]);
    expect(h.signIn.defaults()!.images.bannerLogo!.bytes.equals(readFileSync("branding/square-logo.png"))).toBe(true);
    expect(u.outs.imageUrls.bannerLogo).not.toBe(outs.imageUrls.bannerLogo);
});

test("an image removed from config is deleted; localizations added, changed and removed", async () => {
    const { id, outs } = await created();
    const news = inputs({
        images: { bannerLogo: inputs().images.bannerLogo, squareLogo: inputs().images.squareLogo },
        localizations: [{ locale: "fr-FR", signInPageText: "Bonjour" }, { locale: "de-DE", signInPageText: "Willkommen" }],
    });
    await h.branding.update!(id, outs, news as any);
    expect(h.calls()).toEqual([
        "DELETE /organization/{org}/branding/localizations/0/backgroundImage",
        "PATCH /organization/{org}/branding/localizations/fr-FR",
        "POST /organization/{org}/branding/localizations",
        "GET /organization/{org}/branding",
    ]);
    expect(h.server.requests[1].body).toEqual({ signInPageText: "Bonjour", usernameHintText: null });
    expect([...h.signIn.branding!.localizations.keys()].sort()).toEqual(["0", "de-DE", "fr-FR"]);
    expect(h.signIn.defaults()!.images.backgroundImage).toBeUndefined();
});

test("drift: an image replaced in the portal is noticed by read and uploaded again by the next up", async () => {
    const { id, outs } = await created();
    h.signIn.defaults()!.images.bannerLogo = { bytes: Buffer.from("other"), contentType: "image/png", relativeUrl: "x/logintenantbranding/0/bannerlogo?ts=99" };
    h.signIn.defaults()!.texts.signInPageText = "Edited in the portal";
    const old = { ...outs, createdAt: "2020-01-01T00:00:00Z" };
    const r = await h.branding.read!(id, old);
    expect(h.calls()).toEqual(["GET /organization/{org}/branding", "GET /organization/{org}/branding/localizations"]);
    expect(r.props.signInPageText).toBe("Edited in the portal");
    expect(r.props.images.bannerLogo.sha256).toBe("changed-outside-this-stack");
    expect(r.props.images.squareLogo).toEqual(outs.images.squareLogo);
    expect(r.props.localizations).toEqual(outs.localizations);
    h.server.requests.length = 0;
    await h.branding.update!(id, state(r.props), inputs() as any);
    expect(h.calls()).toEqual(["PATCH /organization/{org}/branding", "PUT /organization/{org}/branding/localizations/0/bannerLogo", "GET /organization/{org}/branding"]);
    expect(h.signIn.defaults()!.images.bannerLogo!.bytes.equals(readFileSync("branding/banner-logo.png"))).toBe(true);
});

test("ownership: branding that exists already is never taken over", async () => {
    await h.branding.create!(inputs() as any); // e.g. made in the admin center
    h.server.requests.length = 0;
    await expect(h.branding.create!(inputs() as any)).rejects.toThrow(
        `tenant ${TENANT} already has company branding that this stack did not create; it is not taken over. To manage it with this stack, take it over explicitly: set branding.adoptExisting to true`);
    expect(h.calls()).toEqual(["GET /organization/{org}/branding"]);
});

test("refresh after a takeover: read with the adopted outputs returns complete state; an image added in the portal later is seen and removed by the next up", async () => {
    await h.branding.create!(inputs({ signInPageText: "Portal text", images: { squareLogo: img("branding/square-logo.png") } }) as any); // made in the portal
    const adopted = await h.branding.create!(inputs({ adoptExisting: true, images: { bannerLogo: inputs().images.bannerLogo } }) as any);
    const outs = state(adopted.outs);
    h.server.requests.length = 0;
    const r = await h.branding.read!(TENANT, outs);
    expect(h.calls()).toEqual(["GET /organization/{org}/branding", "GET /organization/{org}/branding/localizations"]);
    expect(r.props).toEqual(outs);
    expect(r.props).toMatchObject({ signInPageText: "Contoso: sign in to your account", images: { bannerLogo: inputs().images.bannerLogo }, imageUrls: { bannerLogo: expect.any(String) } });
    const { imageUrls: _u, createdAt: _c, ...inputsOut } = r.props;
    expect(r.inputs).toEqual(inputsOut);
    expect((await h.branding.diff!(TENANT, state(r.props), inputs({ images: { bannerLogo: inputs().images.bannerLogo } }) as any)).changes).toBe(false);
    // A square logo put back in the portal: read marks it as not this stack's, and the next up deletes it.
    h.signIn.defaults()!.images.squareLogo = { bytes: readFileSync("branding/square-logo.png"), contentType: "image/png", relativeUrl: `${TENANT}/logintenantbranding/0/squarelogo?ts=99` };
    const r2 = await h.branding.read!(TENANT, state(r.props));
    expect(r2.props.images.squareLogo.sha256).toBe("changed-outside-this-stack");
    expect(r2.props.images.bannerLogo).toEqual(inputs().images.bannerLogo);
    const news = inputs({ images: { bannerLogo: inputs().images.bannerLogo } });
    expect((await h.branding.diff!(TENANT, state(r2.props), news as any)).changes).toBe(true);
    h.server.requests.length = 0;
    await h.branding.update!(TENANT, state(r2.props), news as any);
    expect(h.calls()).toEqual(["DELETE /organization/{org}/branding/localizations/0/squareLogo", "GET /organization/{org}/branding"]);
    expect(h.signIn.defaults()!.images.squareLogo).toBeUndefined();
});

test("delete: images first (Graph requires it), then localizations, then the branding", async () => {
    const { id, outs } = await created();
    await h.branding.delete!(id, { ...outs, createdAt: "2020-01-01T00:00:00Z" });
    expect(h.calls()).toEqual([
        "DELETE /organization/{org}/branding/localizations/0/bannerLogo",
        "DELETE /organization/{org}/branding/localizations/0/squareLogo",
        "DELETE /organization/{org}/branding/localizations/0/backgroundImage",
        "DELETE /organization/{org}/branding/localizations/fr-FR",
        "DELETE /organization/{org}/branding",
    ]);
    expect(h.signIn.branding).toBeUndefined();
    expect(await h.branding.read!(id, { ...outs, createdAt: "2020-01-01T00:00:00Z" })).toEqual({});
});

test("replication: uploads that 404 right after the branding is created are retried, not failed", async () => {
    h.signIn.brandingReplicationMs = 4_000;
    await h.branding.create!(inputs() as any);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4_000);
    expect(h.signIn.defaults()!.images.backgroundImage).toBeDefined();
    expect(h.server.requests.filter((r) => r.method === "PUT" && r.status === 204)).toHaveLength(3);
});

test("faults: a throttled upload and a dropped connection are retried (a PUT is idempotent)", async () => {
    h.server.inject({ kind: "status", status: 503, retryAfter: "3", method: "PUT", path: /squareLogo$/, times: 1 });
    h.server.inject({ kind: "reset", method: "PUT", path: /backgroundImage$/, times: 1 });
    await h.branding.create!(inputs() as any);
    expect(h.server.requests.filter((r) => r.method === "PUT").map((r) => [r.path.split("/").pop(), r.status])).toEqual([
        ["bannerLogo", 204], ["squareLogo", 503], ["squareLogo", 204], ["backgroundImage", "reset"], ["backgroundImage", 204],
    ]);
    expect(h.sleeps).toEqual([3000, 1000]);
});

test("a file changed between plan and update is not uploaded: the error names it", async () => {
    const banner = join(dir, "banner.png");
    copyFileSync("branding/banner-logo.png", banner);
    const planned = inputs({ images: { bannerLogo: img(banner) } });
    copyFileSync("branding/square-logo.png", banner);
    await expect(h.branding.create!(planned as any)).rejects.toThrow(`branding image ${JSON.stringify(banner)} changed since the plan was made`);
    expect(h.server.requests.filter((r) => r.method === "PUT")).toHaveLength(0);
});

test("an upload answered 401 once is repeated with a freshly acquired token", async () => {
    h.server.inject({ kind: "status", status: 401, method: "PUT", path: /bannerLogo$/, times: 1 });
    await h.branding.create!(inputs() as any);
    expect(h.server.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([401, 204, 204, 204]);
    expect(h.sleeps).toEqual([]);
});

test("a 403 names the permission branding needs", async () => {
    h.server.inject({ kind: "status", status: 403, method: "PATCH", times: 1 });
    await expect(h.branding.create!(inputs() as any)).rejects.toThrow(/\(this resource needs the application permission OrganizationalBranding\.ReadWrite\.All\)$/);
});

test("explicit takeover (adoptExisting): the portal's branding becomes exactly the configured one", async () => {
    await h.branding.create!(inputs({ signInPageText: "Portal text", images: { squareLogo: img("branding/square-logo.png") }, localizations: [{ locale: "de-DE", signInPageText: "Hallo" }] }) as any);
    h.server.requests.length = 0;
    await h.branding.create!(inputs({ adoptExisting: true }) as any);
    expect(h.calls()).toEqual([
        "GET /organization/{org}/branding",
        "GET /organization/{org}/branding/localizations",
        "PATCH /organization/{org}/branding",
        "PUT /organization/{org}/branding/localizations/0/bannerLogo",
        "PUT /organization/{org}/branding/localizations/0/squareLogo",
        "PUT /organization/{org}/branding/localizations/0/backgroundImage",
        "POST /organization/{org}/branding/localizations",
        "DELETE /organization/{org}/branding/localizations/de-DE",
        "GET /organization/{org}/branding",
    ]);
    expect(h.server.requests[2].body).toEqual({ signInPageText: "Contoso: sign in to your account" });
    expect([...h.signIn.branding!.localizations.keys()].sort()).toEqual(["0", "fr-FR"]);
});
