/**
 * How the stand-in tenant's sign-in and sign-up pages look with the stack's company branding and social
 * identity providers: the configured colours, texts (localized by the browser's Accept-Language, as Entra picks a
 * branding localization), banner logo and background image, and one button per configured social provider.
 * Development and tests only.
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import type { StackConfig } from "../../components/config";
import type { BrandingTexts } from "../../components/signInExperience/config";
import type { ImageSlot } from "../../components/signInExperience/images";

export interface LocalSignInLook {
    readonly socialProviders: readonly { readonly kind: "google" | "facebook"; readonly displayName: string }[];
    readonly branding?: {
        readonly texts: BrandingTexts;
        readonly images: Readonly<Partial<Record<ImageSlot, { readonly file: string; readonly contentType: string }>>>;
        readonly localizations: readonly (BrandingTexts & { readonly locale: string })[];
    };
}

/** What a page puts where: `head` (style), `top` (banner logo), `social` (buttons), `footer` (sign-in text). */
export interface RenderedLook {
    readonly head: string;
    readonly top: string;
    readonly social: string;
    readonly footer: string;
    readonly usernameHint?: string;
}

export function lookFromConfig(config: StackConfig): LocalSignInLook {
    const s = config.signInExperience;
    const b = s?.branding;
    const images: Partial<Record<ImageSlot, { file: string; contentType: string }>> = {};
    for (const [slot, img] of Object.entries(b?.images ?? {})) if (img) images[slot as ImageSlot] = { file: img.file, contentType: img.contentType };
    return {
        socialProviders: (s?.socialProviders ?? []).filter((p) => config.userFlow.identityProviders.includes(p.graphId)).map((p) => ({ kind: p.kind, displayName: p.displayName })),
        branding: b ? {
            texts: { backgroundColor: b.backgroundColor, headerBackgroundColor: b.headerBackgroundColor, signInPageText: b.signInPageText, usernameHintText: b.usernameHintText },
            images,
            localizations: b.localizations,
        } : undefined,
    };
}

/** The default texts overlaid with the first localization the browser asks for (e.g. `fr-FR` for `fr-FR,fr;q=0.9`). */
export function textsFor(look: LocalSignInLook, acceptLanguage: string | undefined): BrandingTexts {
    const b = look.branding;
    if (!b) return {};
    const wanted = (acceptLanguage ?? "").split(",").map((t) => t.split(";")[0].trim().toLowerCase()).filter(Boolean);
    for (const w of wanted) {
        const l = b.localizations.find((x) => x.locale.toLowerCase() === w || x.locale.toLowerCase().split("-")[0] === w);
        if (l) return { ...b.texts, ...Object.fromEntries(Object.entries(l).filter(([k, v]) => k !== "locale" && v !== undefined)) };
    }
    return b.texts;
}

function esc(value: unknown): string {
    return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const SOCIAL_STYLE: Record<string, string> = {
    google: "background:#fff;color:#1f1f1f;border:1px solid #747775",
    facebook: "background:#1877f2;color:#fff;border:1px solid #1877f2",
};

export function renderLook(look: LocalSignInLook, o: { base: string; uid: string; acceptLanguage?: string; mode: "signin" | "signup" }): RenderedLook {
    const t = textsFor(look, o.acceptLanguage);
    const img = look.branding?.images ?? {};
    const css: string[] = [];
    // Colours are validated as #RRGGBB by the config parser before they get here.
    if (t.backgroundColor) css.push(`body{background-color:${t.backgroundColor}}`);
    if (img.backgroundImage) css.push(`body{background-image:url("${o.base}/branding/backgroundImage");background-size:cover;background-position:center}`);
    if (t.headerBackgroundColor) css.push(`.brand{background:${t.headerBackgroundColor}}`);
    css.push(".brand{margin:-32px -40px 20px;padding:14px 40px}.brand img{display:block;max-height:36px}",
        ".social{margin:18px 0 0;padding-top:14px;border-top:1px solid #e1dfdd}.social a{display:block;margin:8px 0;padding:9px 12px;text-align:center;text-decoration:none;font-size:.95rem}",
        ".signin-text{margin-top:18px;font-size:.85rem;color:#323130;white-space:pre-line}.banner{color:#f3f2f1;text-shadow:0 1px 2px #000}");
    const verb = o.mode === "signup" ? "Sign up" : "Sign in";
    const social = look.socialProviders.length === 0 ? "" : `<div class="social" id="social-providers"><p class="tenant">Or ${verb.toLowerCase()} with</p>${look.socialProviders.map((p) =>
        `<a id="social-${p.kind}" href="${esc(o.base)}/federation/start/${p.kind}?interaction=${esc(o.uid)}" style="${SOCIAL_STYLE[p.kind]}">${verb} with ${esc(p.displayName)}</a>`).join("")}</div>`;
    return {
        head: `<style>${css.join("")}</style>`,
        top: img.bannerLogo ? `<div class="brand"><img id="banner-logo" src="${esc(o.base)}/branding/bannerLogo" alt="Company logo" width="245" height="36"></div>` : "",
        social,
        footer: t.signInPageText ? `<p class="signin-text" id="sign-in-text">${esc(t.signInPageText)}</p>` : "",
        usernameHint: t.usernameHintText,
    };
}

/** Serves `<base>/branding/<slot>` from the configured file; false when the path is not a branding image. */
export function serveBrandingImage(look: LocalSignInLook, base: string, path: string, res: ServerResponse): boolean {
    const m = new RegExp(`^${base.replace(/[.]/g, "\\.")}/branding/(bannerLogo|squareLogo|backgroundImage)$`).exec(path);
    const img = m ? look.branding?.images[m[1] as ImageSlot] : undefined;
    if (!img) return false;
    res.writeHead(200, { "Content-Type": img.contentType, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" });
    res.end(readFileSync(img.file));
    return true;
}
