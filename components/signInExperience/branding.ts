/**
 * The CompanyBranding dynamic provider: the tenant's default sign-in page branding and its localizations
 * (Graph `organizationalBranding`, `organizationalBrandingLocalization`; permission OrganizationalBranding.ReadWrite.All).
 * The resource id is the organization (tenant) id; the tenant has one default branding.
 *
 * Graph calls, relative to /v1.0 (`{org}` = tenant id, `{slot}` = bannerLogo | squareLogo | backgroundImage):
 *   create  GET   /organization/{org}/branding                     exists with content? then fail, unless `adoptExisting`
 *                                                                  (then GET …/localizations, and converge as an update)
 *           PATCH /organization/{org}/branding                     colours and texts (creates the default branding)
 *           PUT   /organization/{org}/branding/localizations/0/{slot}        per image (image/png or image/jpeg)
 *           POST  /organization/{org}/branding/localizations      per localization {id: locale, texts}
 *           GET   /organization/{org}/branding                     once, when images were uploaded: their relative URLs
 *   read    GET   /organization/{org}/branding  +  GET …/branding/localizations   (refresh, from the prior outputs)
 *   update  PATCH …/branding (changed texts only) · PUT/DELETE …/localizations/0/{slot} (changed/removed images only)
 *           POST/PATCH/DELETE …/branding/localizations[/{locale}] (added/changed/removed) · GET …/branding (images)
 *   delete  DELETE …/localizations/0/{slot} per image (streams must go first) · DELETE …/localizations/{locale}
 *           · DELETE /organization/{org}/branding
 *
 * Images: state holds each image's path, content type and sha256. A changed file has a new hash and is uploaded
 * again; an unchanged one never is. Graph serves each image under a relative URL that changes when it is replaced,
 * so `read` notices an image replaced or removed outside this stack (the next `up` uploads the file again).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderOptions } from "../userFlow/types";
import type { Ctx, GraphFailure } from "../userFlow/graph";
import * as graphModule from "../userFlow/graph";
import * as commonModule from "./common";
import * as mediaModule from "./media";
// Bound once at load, so Pulumi's closure serialization captures these values themselves (see components/userFlow/provider.ts).
const { brief, call, deleteConfirmed, getUnlessGone, isRecent, listAll, makeContext, untilReplicated } = graphModule;
const { GUID, PERMISSION, UNKNOWN, brandingPath, isUnknown, namingPermission } = commonModule;
const { putMedia } = mediaModule;

type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

export const BRANDING_SLOTS = ["bannerLogo", "squareLogo", "backgroundImage"] as const;
export type BrandingSlot = (typeof BRANDING_SLOTS)[number];
export const BRANDING_TEXTS = ["backgroundColor", "headerBackgroundColor", "signInPageText", "usernameHintText"] as const;
type TextKey = (typeof BRANDING_TEXTS)[number];

export interface BrandingImageInput {
    /** The file to upload (absolute, or relative to the provider's working directory). */
    readonly path: string;
    readonly contentType: string;
    /** `sha256:<hex>` of the file. */
    readonly sha256: string;
}

export type BrandingTextInputs = { readonly [K in TextKey]?: string };

export interface BrandingLocalizationInputs extends BrandingTextInputs {
    readonly locale: string;
}

export interface CompanyBrandingInputs extends BrandingTextInputs {
    readonly tenantId: string;
    readonly images?: { readonly [K in BrandingSlot]?: BrandingImageInput };
    readonly localizations?: readonly BrandingLocalizationInputs[];
    /** Explicit consent to take over branding that this stack did not create (create only). */
    readonly adoptExisting?: boolean;
    readonly version?: string;
}

export interface CompanyBrandingOutputs extends CompanyBrandingInputs {
    /** Graph's relative URL of each uploaded image, as seen right after the upload. */
    readonly imageUrls?: { readonly [K in BrandingSlot]?: string };
    readonly createdAt?: string;
}

/** Marks an image that Graph shows but whose content this stack did not upload (it will be uploaded again). */
const CHANGED_OUTSIDE = "changed-outside-this-stack";

function text(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" ? v : undefined;
}

function texts(o: object): BrandingTextInputs {
    const r = o as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const k of BRANDING_TEXTS) {
        const v = text(r[k]);
        if (v !== undefined) out[k] = v;
    }
    return out;
}

function sameTexts(a: BrandingTextInputs, b: BrandingTextInputs): boolean {
    return BRANDING_TEXTS.every((k) => (a[k] ?? "") === (b[k] ?? ""));
}

function localeKey(l: string): string {
    return l.toLowerCase();
}

export function checkCompanyBranding(news: Record<string, unknown>): { inputs: CompanyBrandingInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const t = news.tenantId;
    if (t !== UNKNOWN && (typeof t !== "string" || !GUID.test(t))) failures.push({ property: "tenantId", reason: `tenantId must be the external tenant's id (a GUID), got ${brief(t)}` });
    const a = news.adoptExisting;
    if (a !== undefined && a !== UNKNOWN && typeof a !== "boolean") failures.push({ property: "adoptExisting", reason: `adoptExisting must be true or false, got ${brief(a)}` });
    const images = (news.images ?? {}) as Record<string, unknown>;
    for (const [slot, img] of Object.entries(images)) {
        if (!BRANDING_SLOTS.includes(slot as BrandingSlot)) failures.push({ property: "images", reason: `images.${slot} is not one of ${BRANDING_SLOTS.join(", ")}` });
        const i = img as Record<string, unknown> | undefined;
        if (i !== undefined && !isUnknown(i) && (typeof i?.path !== "string" || !/^sha256:[0-9a-f]{64}$/.test(String(i?.sha256)) || !/^image\/(png|jpeg)$/.test(String(i?.contentType)))) {
            failures.push({ property: "images", reason: `images.${slot} must be {path, contentType: image/png|image/jpeg, sha256: "sha256:<hex>"}` });
        }
    }
    const seen = new Set<string>();
    for (const l of (news.localizations ?? []) as Record<string, unknown>[]) {
        if (isUnknown(l)) continue;
        const loc = String(l?.locale ?? "");
        if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(loc)) failures.push({ property: "localizations", reason: `localization locale ${brief(loc)} is not a language tag such as "fr-FR"` });
        if (seen.has(localeKey(loc))) failures.push({ property: "localizations", reason: `localization ${brief(loc)} is listed twice` });
        seen.add(localeKey(loc));
    }
    return { inputs: news as unknown as CompanyBrandingInputs, failures };
}

function sameLocalizations(a: readonly BrandingLocalizationInputs[] = [], b: readonly BrandingLocalizationInputs[] = []): boolean {
    if (a.length !== b.length) return false;
    const byLocale = new Map(a.map((l) => [localeKey(l.locale), l]));
    return b.every((l) => {
        const o = byLocale.get(localeKey(l.locale));
        return o !== undefined && sameTexts(o, l);
    });
}

export function diffCompanyBranding(olds: CompanyBrandingOutputs, news: CompanyBrandingInputs): DiffResult {
    const replaces = isUnknown(news.tenantId) || String(olds.tenantId).toLowerCase() !== String(news.tenantId).toLowerCase() ? ["tenantId"] : [];
    const imagesChanged = isUnknown(news.images) || BRANDING_SLOTS.some((s) => (olds.images?.[s]?.sha256 ?? "") !== (news.images?.[s]?.sha256 ?? ""));
    const changes = replaces.length > 0 || imagesChanged || isUnknown(news) || !sameTexts(olds, news)
        || !sameLocalizations(olds.localizations, news.localizations) || (olds.version ?? "") !== (news.version ?? "");
    return { changes, replaces, deleteBeforeReplace: true };
}

function hasContent(live: any): boolean {
    if (!live) return false;
    return BRANDING_TEXTS.some((k) => text(live[k]) !== undefined) || BRANDING_SLOTS.some((s) => text(live[`${s}RelativeUrl`]) !== undefined);
}

async function brandingIfAny(ctx: Ctx, org: string): Promise<any | undefined> {
    try {
        return await call(ctx, "GET", brandingPath(org));
    } catch (e) {
        if ((e as GraphFailure).status === 404) return undefined;
        throw e;
    }
}

/** Repeats a write while it answers 404 within the recent-write window (replication lag), else once. */
async function write(ctx: Ctx, recent: boolean, what: string, op: () => Promise<unknown>, notFoundIsDone = false): Promise<void> {
    await untilReplicated(ctx, what, async () => {
        try {
            await op();
            return { done: true as const, value: undefined };
        } catch (e) {
            if ((e as GraphFailure).status !== 404) throw e;
            if (notFoundIsDone) return { done: true as const, value: undefined };
            if (recent) return { done: false as const, reason: (e as Error).message };
            throw e;
        }
    });
}

function readImage(img: BrandingImageInput): Buffer {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const data = fs.readFileSync(path.resolve(process.cwd(), img.path));
    const hash = `sha256:${crypto.createHash("sha256").update(data).digest("hex")}`;
    if (hash !== img.sha256) throw new Error(`branding image ${JSON.stringify(img.path)} changed since the plan was made (its content hash differs); run the update again`);
    return data;
}

function imageUrlsOf(live: any, images: CompanyBrandingInputs["images"]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const s of BRANDING_SLOTS) if (images?.[s] && text(live?.[`${s}RelativeUrl`])) out[s] = live[`${s}RelativeUrl`];
    return out;
}

function outputsOf(inputs: CompanyBrandingInputs, imageUrls: Record<string, string>, createdAt: string | undefined): CompanyBrandingOutputs {
    const outs: Record<string, unknown> = { tenantId: inputs.tenantId, ...texts(inputs), images: inputs.images ?? {}, localizations: (inputs.localizations ?? []).map((l) => ({ locale: l.locale, ...texts(l) })), imageUrls };
    if (createdAt !== undefined) outs.createdAt = createdAt;
    if (inputs.version !== undefined) outs.version = inputs.version;
    return outs as unknown as CompanyBrandingOutputs;
}

function textPatch(olds: BrandingTextInputs, news: BrandingTextInputs, all = false): Record<string, string | null> {
    const patch: Record<string, string | null> = {};
    for (const k of BRANDING_TEXTS) if (all || (olds[k] ?? "") !== (news[k] ?? "")) patch[k] = news[k] ?? null;
    return patch;
}

async function converge(ctx: Ctx, org: string, olds: CompanyBrandingOutputs, news: CompanyBrandingInputs, recent: boolean, fresh: boolean): Promise<Record<string, string>> {
    const base = brandingPath(org);
    const patch = textPatch(olds, news, fresh);
    if (Object.keys(patch).length > 0) await write(ctx, recent, "updating the company branding", () => call(ctx, "PATCH", base, patch));
    let imagesTouched = false;
    for (const s of BRANDING_SLOTS) {
        const n = news.images?.[s];
        const o = olds.images?.[s];
        if (n && o?.sha256 !== n.sha256) {
            const data = readImage(n);
            await write(ctx, recent, `uploading branding ${s}`, () => putMedia(ctx, `${base}/localizations/0/${s}`, data, n.contentType));
            imagesTouched = true;
        } else if (!n && o) {
            await write(ctx, recent, `removing branding ${s}`, () => call(ctx, "DELETE", `${base}/localizations/0/${s}`), true);
            imagesTouched = true;
        }
    }
    const oldLocs = new Map((olds.localizations ?? []).map((l) => [localeKey(l.locale), l]));
    const newLocs = new Map((news.localizations ?? []).map((l) => [localeKey(l.locale), l]));
    for (const [key, l] of newLocs) {
        const o = oldLocs.get(key);
        const path = `${base}/localizations/${encodeURIComponent(l.locale)}`;
        if (!o) await write(ctx, recent, `adding branding localization ${l.locale}`, () => call(ctx, "POST", `${base}/localizations`, { id: l.locale, ...texts(l) }));
        else if (!sameTexts(o, l)) await write(ctx, recent, `updating branding localization ${l.locale}`, () => call(ctx, "PATCH", path, textPatch(o, l)));
    }
    for (const [key, o] of oldLocs) {
        if (!newLocs.has(key)) await write(ctx, recent, `removing branding localization ${o.locale}`, () => call(ctx, "DELETE", `${base}/localizations/${encodeURIComponent(o.locale)}`), true);
    }
    if (!imagesTouched) return { ...(olds.imageUrls ?? {}) };
    const live = await getUnlessGone(ctx, base, true);
    return imageUrlsOf(live, news.images);
}

function notOurs(org: string): Error {
    return new Error(`tenant ${org} already has company branding that this stack did not create; it is not taken over. ` +
        `To manage it with this stack, take it over explicitly: set branding.adoptExisting to true (\`pulumi config set --path branding.adoptExisting true\`; ` +
        `the next up makes it exactly the configured branding, removing other images and localizations, and destroy deletes it), or delete it ` +
        `in the admin center (Company branding) and run up again. The \`import\` resource option cannot import dynamic-provider resources (pulumi/pulumi#3550, #16175)`);
}

/** What the tenant shows now, as outputs to converge from when branding is taken over (every image re-uploaded). */
async function liveAsOutputs(ctx: Ctx, org: string, live: any): Promise<CompanyBrandingOutputs> {
    const locs = await listAll(ctx, `${brandingPath(org)}/localizations`);
    const images: Record<string, BrandingImageInput> = {};
    for (const s of BRANDING_SLOTS) if (text(live[`${s}RelativeUrl`])) images[s] = { path: "", contentType: "", sha256: CHANGED_OUTSIDE };
    return {
        tenantId: org,
        ...texts(live),
        images,
        localizations: locs.filter((l) => !["0", "default", ""].includes(String(l?.id ?? "").toLowerCase())).map((l) => ({ locale: String(l.id), ...texts(l) })),
    };
}

export function makeCompanyBrandingProvider(opts: ProviderOptions = {}): pulumi.dynamic.ResourceProvider {
    return namingPermission({
        check: async (_olds: unknown, news: Record<string, unknown>) => checkCompanyBranding(news),
        diff: async (_id: string, olds: CompanyBrandingOutputs, news: CompanyBrandingInputs) => diffCompanyBranding(olds, news),
        create: async (inputs: CompanyBrandingInputs) => {
            const ctx = makeContext(inputs.tenantId, opts);
            const org = inputs.tenantId.toLowerCase();
            const live = await brandingIfAny(ctx, org);
            const taken = hasContent(live);
            if (taken && inputs.adoptExisting !== true) throw notOurs(org);
            const createdAt = new Date().toISOString();
            const from: CompanyBrandingOutputs = taken ? await liveAsOutputs(ctx, org, live) : { tenantId: org, images: {}, localizations: [] };
            const imageUrls = await converge(ctx, org, from, inputs, true, !taken);
            return { id: org, outs: outputsOf(inputs, imageUrls, createdAt) };
        },
        // Refresh: props are this resource's prior outputs (without them, the tenant id is the resource id and every
        // live image counts as changed outside this stack). No read starts from the program's inputs: the program
        // declares no `get` of the branding, and the engine's import step reads by id alone, which the
        // dynamic-provider host cannot serve (pulumi/pulumi#3550, #16175), so existing branding is taken over by create
        // with `adoptExisting`. Texts and localizations come from the live object. Graph cannot show which file an
        // image came from: an image is this stack's upload while Graph serves it under the URL recorded after the upload.
        read: async (id: string, props: CompanyBrandingOutputs) => {
            const org = props.tenantId ?? id;
            const ctx = makeContext(org, opts);
            const live = await getUnlessGone(ctx, brandingPath(org), isRecent(props.createdAt));
            if (!live || !hasContent(live)) return {};
            const locs = await listAll(ctx, `${brandingPath(org)}/localizations`);
            const images: Record<string, BrandingImageInput> = {};
            const imageUrls: Record<string, string> = {};
            for (const s of BRANDING_SLOTS) {
                const url = text(live[`${s}RelativeUrl`]);
                const mine = props.images?.[s];
                if (!url) continue; // removed outside this stack: absent here, uploaded again on the next up
                if (mine && props.imageUrls?.[s] === url) {
                    images[s] = mine;
                    imageUrls[s] = url;
                } else {
                    images[s] = { path: mine?.path ?? "", contentType: mine?.contentType ?? "", sha256: CHANGED_OUTSIDE };
                    if (props.imageUrls?.[s]) imageUrls[s] = props.imageUrls[s]!;
                }
            }
            const outs = outputsOf({
                tenantId: org,
                ...texts(live),
                images,
                localizations: locs.filter((l) => !["0", "default", ""].includes(String(l?.id ?? "").toLowerCase())).map((l) => ({ locale: String(l.id), ...texts(l) })),
                version: props.version,
            }, imageUrls, props.createdAt);
            const { imageUrls: _u, createdAt: _c, ...inputs } = outs;
            return { id, props: outs, inputs };
        },
        update: async (id: string, olds: CompanyBrandingOutputs, news: CompanyBrandingInputs) => {
            const ctx = makeContext(news.tenantId, opts);
            const imageUrls = await converge(ctx, id, olds, news, isRecent(olds.createdAt), false);
            return { outs: outputsOf(news, imageUrls, olds.createdAt) };
        },
        delete: async (id: string, props: CompanyBrandingOutputs) => {
            const org = props.tenantId ?? id;
            const ctx = makeContext(org, opts);
            const base = brandingPath(org);
            const recent = isRecent(props.createdAt);
            for (const s of BRANDING_SLOTS) {
                if (props.images?.[s]) await write(ctx, recent, `removing branding ${s}`, () => call(ctx, "DELETE", `${base}/localizations/0/${s}`), true);
            }
            for (const l of props.localizations ?? []) {
                await write(ctx, recent, `removing branding localization ${l.locale}`, () => call(ctx, "DELETE", `${base}/localizations/${encodeURIComponent(l.locale)}`), true);
            }
            await deleteConfirmed(ctx, base, async () => hasContent(await brandingIfAny(ctx, org)), recent);
        },
    }, PERMISSION.branding);
}
