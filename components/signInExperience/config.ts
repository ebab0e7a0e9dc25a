/**
 * Stack config of the sign-in experience: social identity providers (`identityProviders`, with their client
 * secrets in `googleClientSecret` / `facebookClientSecret`, secret config) and company branding (`branding`).
 *
 * Called by `parseStackConfig` (components/config/index.ts) with the raw values; every problem is added to `problems`
 * and names the key and what is allowed. A secret value is never shown in a message.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { type BrandingImage, type ImageSlot, IMAGE_SLOTS, checkImage } from "./images";

export type SocialProviderKind = "google" | "facebook";

/** What each kind becomes in Graph: a socialIdentityProvider whose id is `<type>-OAUTH`. */
export const SOCIAL_PROVIDERS: Readonly<Record<SocialProviderKind, { readonly graphType: "Google" | "Facebook"; readonly secretKey: "googleClientSecret" | "facebookClientSecret"; readonly clientIdRule: RegExp; readonly clientIdExample: string }>> = {
    google: { graphType: "Google", secretKey: "googleClientSecret", clientIdRule: /^[0-9]+-[0-9a-z]+\.apps\.googleusercontent\.com$/, clientIdExample: "123456789012-abc123def456.apps.googleusercontent.com" },
    facebook: { graphType: "Facebook", secretKey: "facebookClientSecret", clientIdRule: /^[0-9]{5,20}$/, clientIdExample: "1234567890123456 (the App ID)" },
};
export const SOCIAL_PROVIDER_KINDS = Object.keys(SOCIAL_PROVIDERS) as SocialProviderKind[];

export interface SocialProviderConfig {
    readonly kind: SocialProviderKind;
    /** Graph `identityProviderType`: "Google" or "Facebook". */
    readonly graphType: "Google" | "Facebook";
    /** The id Graph gives it, e.g. `Google-OAUTH` (what a user flow lists). */
    readonly graphId: string;
    readonly displayName: string;
    readonly clientId: string;
    /** Undefined only when the stack file is read without decrypting secrets (the local stand-in tenant). */
    readonly clientSecret: string | undefined;
    /** Explicit consent to take over a provider of this type that this stack did not create. Default false. */
    readonly adoptExisting: boolean;
}

export interface BrandingTexts {
    readonly backgroundColor?: string;
    readonly headerBackgroundColor?: string;
    readonly signInPageText?: string;
    readonly usernameHintText?: string;
}

export interface BrandingLocalization extends BrandingTexts {
    /** e.g. `fr-FR`. */
    readonly locale: string;
}

export interface BrandingConfig extends BrandingTexts {
    readonly images: Readonly<Partial<Record<ImageSlot, BrandingImage>>>;
    readonly localizations: readonly BrandingLocalization[];
    /** Explicit consent to take over branding that this stack did not create. Default false. */
    readonly adoptExisting: boolean;
}

export interface SignInExperienceConfig {
    readonly socialProviders: readonly SocialProviderConfig[];
    /** Undefined when `branding` is not set: the tenant keeps Microsoft's default look. */
    readonly branding?: BrandingConfig;
}

export interface SignInExperienceRaw {
    readonly identityProviders?: unknown;
    readonly googleClientSecret?: unknown;
    readonly facebookClientSecret?: unknown;
    readonly branding?: unknown;
}

export interface SignInExperienceOptions {
    /** Directory that image paths are relative to (default: the current directory, the project's under Pulumi). */
    readonly baseDir?: string;
    /** Reads an image file (default: fs). */
    readonly readFile?: (path: string) => Uint8Array;
    /** False when the stack file is read as text and secure values are still encrypted (the local stand-in). */
    readonly secretsAvailable?: boolean;
}

const COLOR = /^#[0-9A-Fa-f]{6}$/;
const LOCALE = /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?$/;
const TEXTS: readonly (keyof BrandingTexts)[] = ["backgroundColor", "headerBackgroundColor", "signInPageText", "usernameHintText"];
/** Graph's limits (organizationalBrandingProperties): signInPageText ≤ 1024, usernameHintText ≤ 64 characters. */
const TEXT_MAX: Readonly<Record<string, number>> = { signInPageText: 1024, usernameHintText: 64 };

function show(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Own keys only: `constructor`, `toString` and other inherited names are not settings. */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

function parseProviders(raw: SignInExperienceRaw, problems: string[], secretsAvailable: boolean): SocialProviderConfig[] {
    const out: SocialProviderConfig[] = [];
    const value = raw.identityProviders;
    const declared = new Set<string>();
    if (value !== undefined && value !== null) {
        if (!isRecord(value)) {
            problems.push(`identityProviders: ${show(value)} must be an object keyed by provider type, e.g. {"google": {"clientId": "..."}}`);
        } else {
            for (const [kind, entry] of Object.entries(value)) {
                const where = `identityProviders.${kind}`;
                const spec = own(SOCIAL_PROVIDERS, kind);
                if (!spec) {
                    problems.push(`${where}: ${show(kind)} is not a provider type this program declares (allowed: ${SOCIAL_PROVIDER_KINDS.join(", ")})`);
                    continue;
                }
                declared.add(kind);
                if (!isRecord(entry)) {
                    problems.push(`${where}: ${show(entry)} must be an object with clientId (and optionally displayName)`);
                    continue;
                }
                for (const k of Object.keys(entry)) {
                    if (k === "clientSecret") problems.push(`${where}.clientSecret must not be in the stack file: set it as secret config with \`pulumi config set --secret ${spec.secretKey} <secret>\``);
                    else if (k !== "clientId" && k !== "displayName" && k !== "adoptExisting") problems.push(`${where}.${k} is not a known setting (allowed: clientId, displayName, adoptExisting)`);
                }
                const clientId = entry.clientId;
                if (typeof clientId !== "string" || clientId.trim() === "") {
                    problems.push(`${where}.clientId is required (e.g. ${spec.clientIdExample})`);
                } else if (!spec.clientIdRule.test(clientId)) {
                    problems.push(`${where}.clientId: ${show(clientId)} does not look like a ${spec.graphType} client id (e.g. ${spec.clientIdExample})`);
                }
                const displayName = entry.displayName ?? spec.graphType;
                if (typeof displayName !== "string" || displayName.trim() === "" || displayName.length > 256) {
                    problems.push(`${where}.displayName: ${show(displayName)} must be a non-empty string of at most 256 characters`);
                }
                const secret = raw[spec.secretKey];
                let clientSecret: string | undefined;
                if (secret === undefined || secret === null || secret === "") {
                    if (secretsAvailable) problems.push(`${spec.secretKey} is required when ${where} is set: \`pulumi config set --secret ${spec.secretKey} <the ${spec.graphType} client secret>\``);
                } else if (typeof secret === "string") {
                    if (/\s/.test(secret)) problems.push(`${spec.secretKey}: the value contains whitespace; paste the ${spec.graphType} client secret exactly (the value is not shown)`);
                    clientSecret = secret;
                } else if (!(isRecord(secret) && typeof secret.secure === "string" && !secretsAvailable)) {
                    problems.push(`${spec.secretKey} must be a string set with \`pulumi config set --secret ${spec.secretKey} <secret>\` (the value is not shown)`);
                }
                out.push({
                    kind: kind as SocialProviderKind,
                    graphType: spec.graphType,
                    graphId: `${spec.graphType}-OAUTH`,
                    displayName: typeof displayName === "string" ? displayName : spec.graphType,
                    clientId: typeof clientId === "string" ? clientId : "",
                    clientSecret,
                    adoptExisting: flag(entry, "adoptExisting", where, problems),
                });
            }
        }
    }
    for (const kind of SOCIAL_PROVIDER_KINDS) {
        const key = SOCIAL_PROVIDERS[kind].secretKey;
        if (raw[key] !== undefined && raw[key] !== "" && !declared.has(kind)) {
            problems.push(`${key} is set but identityProviders.${kind} is not; declare the provider (its clientId) or remove the secret`);
        }
    }
    return out;
}

/** An optional boolean setting (default false). */
function flag(obj: Record<string, unknown>, name: string, where: string, problems: string[]): boolean {
    const v = obj[name];
    if (v === undefined || v === null) return false;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    problems.push(`${where}.${name}: ${show(v)} must be true or false`);
    return false;
}

function parseTexts(obj: Record<string, unknown>, where: string, problems: string[]): BrandingTexts {
    const out: Record<string, string> = {};
    for (const k of TEXTS) {
        const v = obj[k];
        if (v === undefined || v === null) continue;
        if (typeof v !== "string") {
            problems.push(`${where}.${k}: ${show(v)} must be a string`);
            continue;
        }
        if ((k === "backgroundColor" || k === "headerBackgroundColor") && !COLOR.test(v)) {
            problems.push(`${where}.${k}: ${show(v)} must be a colour in hexadecimal form such as "#0F6CBD"`);
            continue;
        }
        const max = TEXT_MAX[k];
        if (max !== undefined && [...v].length > max) {
            problems.push(`${where}.${k}: ${[...v].length} characters; at most ${max}`);
            continue;
        }
        if (k === "usernameHintText" && /<|https?:/i.test(v)) {
            problems.push(`${where}.usernameHintText: ${show(v)} must be plain text without links or markup`);
            continue;
        }
        out[k] = v;
    }
    return out;
}

function parseBranding(value: unknown, problems: string[], read: (path: string) => Uint8Array, baseDir: string): BrandingConfig | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
        problems.push(`branding: ${show(value)} must be an object such as {"backgroundColor": "#0F6CBD", "bannerLogo": "branding/banner-logo.png"}`);
        return undefined;
    }
    const allowed = [...TEXTS, ...IMAGE_SLOTS, "localizations", "adoptExisting"];
    for (const k of Object.keys(value)) if (!allowed.includes(k as never)) problems.push(`branding.${k} is not a known setting (allowed: ${allowed.join(", ")})`);
    const texts = parseTexts(value, "branding", problems);
    const images: Partial<Record<ImageSlot, BrandingImage>> = {};
    for (const slot of IMAGE_SLOTS) {
        const p = value[slot];
        if (p === undefined || p === null) continue;
        if (typeof p !== "string" || p.trim() === "") {
            problems.push(`branding.${slot}: ${show(p)} must be the path of a PNG or JPEG file`);
            continue;
        }
        const r = checkImage(`branding.${slot}`, slot, p, isAbsolute(p) ? p : resolve(baseDir, p), read);
        if (r.problem) problems.push(r.problem);
        else images[slot] = r.image;
    }
    const localizations: BrandingLocalization[] = [];
    if (value.localizations !== undefined) {
        if (!Array.isArray(value.localizations)) {
            problems.push(`branding.localizations: ${show(value.localizations)} must be a list of {locale, signInPageText, usernameHintText, backgroundColor, headerBackgroundColor}`);
        } else {
            value.localizations.forEach((l, i) => {
                const where = `branding.localizations[${i}]`;
                if (!isRecord(l)) {
                    problems.push(`${where}: ${show(l)} must be an object with locale`);
                    return;
                }
                for (const k of Object.keys(l)) if (k !== "locale" && !TEXTS.includes(k as never)) problems.push(`${where}.${k} is not a known setting (allowed: locale, ${TEXTS.join(", ")})`);
                const locale = l.locale;
                if (typeof locale !== "string" || !LOCALE.test(locale)) {
                    problems.push(`${where}.locale: ${show(locale)} must be a language tag such as "fr-FR" ("0"/"default" is the default branding itself)`);
                    return;
                }
                if (localizations.some((x) => x.locale.toLowerCase() === locale.toLowerCase())) {
                    problems.push(`${where}.locale: ${show(locale)} is listed twice`);
                    return;
                }
                localizations.push({ locale, ...parseTexts(l, where, problems) });
            });
        }
    }
    return { ...texts, images, localizations, adoptExisting: flag(value, "adoptExisting", "branding", problems) };
}

export function parseSignInExperience(raw: SignInExperienceRaw, problems: string[], opts: SignInExperienceOptions = {}): SignInExperienceConfig {
    const baseDir = opts.baseDir ?? process.cwd();
    const read = opts.readFile ?? ((p: string) => readFileSync(isAbsolute(p) ? p : resolve(baseDir, p)));
    return {
        socialProviders: parseProviders(raw, problems, opts.secretsAvailable ?? true),
        branding: parseBranding(raw.branding, problems, read, baseDir),
    };
}
