/**
 * Graph stand-in endpoints for the sign-in experience, plugged into the user-flow stand-in
 * (`server.extensions.push(new SignInStandIn(server, tenantId))`): identity providers (`/identity/identityProviders`)
 * and the organization's branding with its localizations and images. Every request is checked against
 * test/userFlow/openapi/openapi-sign-in-experience.v1.0.yaml (contract.ts); answers follow the Graph v1.0
 * reference (201 + object on create, 204 on PATCH/PUT/DELETE, 404 `Request_ResourceNotFound`, secrets read back as
 * "******"). Time is the user-flow stand-in's virtual clock, so replication delays are exact.
 */
import { randomUUID } from "node:crypto";
import type { GraphStandIn, StandInExtension } from "../userFlow/graphStandIn";
import { loadSignInContract } from "./contract";

const SOCIAL = "#microsoft.graph.socialIdentityProvider";
const BUILT_IN: Record<string, Record<string, unknown>> = {
    "EmailPassword-OAUTH": { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "EmailPassword-OAUTH", displayName: "Email with password", identityProviderType: "EmailPassword", state: null },
    "EmailOtpSignup-OAUTH": { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "EmailOtpSignup-OAUTH", displayName: "Email one-time passcode", identityProviderType: "EmailOTP", state: null },
};
/** What external tenants accept as socialIdentityProvider types (learn.microsoft.com, socialIdentityProvider). */
const SOCIAL_TYPES = ["Google", "Facebook"];
const TEXTS = ["backgroundColor", "headerBackgroundColor", "signInPageText", "usernameHintText"] as const;
const SLOTS = ["bannerLogo", "squareLogo", "backgroundImage"] as const;
const MAX_BYTES: Record<string, number> = { bannerLogo: 10 * 1024, squareLogo: 50 * 1024, backgroundImage: 300 * 1024 };

const T_IDPS = "/identity/identityProviders";
const T_IDP = `${T_IDPS}/{identityProviderBase-id}`;
const T_BRANDING = "/organization/{organization-id}/branding";
const T_LOCS = `${T_BRANDING}/localizations`;
const T_LOC = `${T_LOCS}/{organizationalBrandingLocalization-id}`;

export interface StoredProvider {
    id: string;
    displayName: string;
    identityProviderType: string;
    clientId: string;
    /** Kept so tests can check what was written; never answered. */
    clientSecret: string;
    visibleAt: number;
}

export interface StoredImage {
    bytes: Buffer;
    contentType: string;
    relativeUrl: string;
}

export interface StoredLocalization {
    texts: Partial<Record<(typeof TEXTS)[number], string | null>>;
    images: Partial<Record<(typeof SLOTS)[number], StoredImage>>;
}

type Answer = [number, unknown, Record<string, string>?];

class Fail extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
        super(message);
    }
}

export class SignInStandIn implements StandInExtension {
    readonly providers = new Map<string, StoredProvider>();
    /** The default branding ("0") and its localizations; undefined until the default branding exists. */
    branding?: { localizations: Map<string, StoredLocalization>; visibleAt: number };
    /** Replication delays (virtual ms) for new providers and a new branding. */
    providerReplicationMs = 0;
    brandingReplicationMs = 0;
    /** How long a deleted provider still shows in the list (GET by id answers 404 at once), as lists lag deletes. */
    listLagMs = 0;
    private readonly listedAfterDelete = new Map<string, { provider: StoredProvider; until: number }>();
    private uploads = 0;
    private readonly contract = loadSignInContract();

    constructor(private readonly server: GraphStandIn, private readonly tenantId: string) {}

    identityProvider(id: string): Record<string, unknown> | undefined {
        const p = this.providers.get(id);
        return p && this.server.clock >= p.visibleAt ? this.providerObject(p) : undefined;
    }

    /** The default branding's entry, as tests see it. */
    defaults(): StoredLocalization | undefined {
        return this.branding?.localizations.get("0");
    }

    handle(req: { method: string; path: string; query: URLSearchParams; body: unknown; contentType: string }): { problems: string[]; answer?: Answer } | undefined {
        if (!req.path.startsWith(T_IDPS) && !req.path.startsWith("/organization/")) return undefined;
        const { problems, match } = this.contract.check(req.method, req.path, req.query, req.body, req.contentType);
        if (problems.length > 0 || !match) return { problems: problems.length ? problems : [`${req.method} ${req.path}: not matched`] };
        try {
            return { problems: [], answer: this.route(req.method, match.template, match.params, req.body as any, req.contentType) };
        } catch (e) {
            if (!(e instanceof Fail)) throw e;
            return { problems: [], answer: [e.status, { error: { code: e.code, message: e.message, innerError: { "request-id": randomUUID(), date: new Date(0).toISOString() } } }] };
        }
    }

    private providerObject(p: StoredProvider): Record<string, unknown> {
        return { "@odata.type": SOCIAL, id: p.id, displayName: p.displayName, identityProviderType: p.identityProviderType, clientId: p.clientId, clientSecret: "******" };
    }

    private visibleProvider(id: string): StoredProvider {
        const p = this.providers.get(id);
        if (!p || this.server.clock < p.visibleAt) throw new Fail(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
        return p;
    }

    private org(id: string): void {
        if (id.toLowerCase() !== this.tenantId.toLowerCase()) throw new Fail(404, "Request_ResourceNotFound", `Resource '${id}' does not exist.`);
    }

    private visibleBranding(): NonNullable<SignInStandIn["branding"]> {
        const b = this.branding;
        if (!b || this.server.clock < b.visibleAt) throw new Fail(404, "Request_ResourceNotFound", "The default branding does not exist.");
        return b;
    }

    private localization(id: string): StoredLocalization {
        const l = this.visibleBranding().localizations.get(id === "default" ? "0" : id);
        if (!l) throw new Fail(404, "Request_ResourceNotFound", `Localization '${id}' does not exist.`);
        return l;
    }

    private brandingObject(id: string, l: StoredLocalization): Record<string, unknown> {
        const out: Record<string, unknown> = { "@odata.type": id === "0" ? "#microsoft.graph.organizationalBranding" : "#microsoft.graph.organizationalBrandingLocalization", id, cdnList: ["aadcdn.msftauthimages.net"] };
        for (const k of TEXTS) out[k] = l.texts[k] ?? null;
        for (const s of SLOTS) out[`${s}RelativeUrl`] = l.images[s]?.relativeUrl ?? null;
        return out;
    }

    private applyTexts(l: StoredLocalization, body: Record<string, unknown>): void {
        for (const k of Object.keys(body)) {
            if (k === "@odata.type" || k === "id") continue;
            if (!(TEXTS as readonly string[]).includes(k)) throw new Fail(400, "Request_BadRequest", `Property '${k}' cannot be set by the stand-in.`);
        }
        const hint = body.usernameHintText;
        if (typeof hint === "string" && hint.length > 64) throw new Fail(400, "Request_BadRequest", "usernameHintText must not exceed 64 characters.");
        const text = body.signInPageText;
        if (typeof text === "string" && text.length > 1024) throw new Fail(400, "Request_BadRequest", "signInPageText must not exceed 1024 characters.");
        for (const k of TEXTS) if (k in body) l.texts[k] = (body[k] as string | null) ?? null;
    }

    private route(method: string, template: string, params: string[], body: any, contentType: string): Answer {
        const key = `${method} ${template}`;
        if (template.startsWith(T_BRANDING)) this.org(params[0]);
        switch (key) {
            case `GET ${T_IDPS}`: {
                const lagging = [...this.listedAfterDelete.values()].filter((d) => this.server.clock < d.until && !this.providers.has(d.provider.id)).map((d) => d.provider);
                const social = [...this.providers.values(), ...lagging].filter((p) => this.server.clock >= p.visibleAt).map((p) => this.providerObject(p));
                return [200, { "@odata.context": `${this.server.url}/v1.0/$metadata#identity/identityProviders`, value: [...Object.values(BUILT_IN), ...social] }];
            }
            case `POST ${T_IDPS}`: {
                if (body["@odata.type"] !== SOCIAL) throw new Fail(400, "Request_BadRequest", "Only socialIdentityProvider objects can be created in this tenant.");
                const type = body.identityProviderType;
                if (!SOCIAL_TYPES.includes(type)) throw new Fail(400, "Request_BadRequest", `identityProviderType '${type}' is not supported in this tenant.`);
                for (const k of ["displayName", "clientId", "clientSecret"]) if (typeof body[k] !== "string" || body[k] === "") throw new Fail(400, "Request_BadRequest", `${k} is required.`);
                const id = `${type}-OAUTH`;
                if (this.providers.has(id)) throw new Fail(400, "Request_BadRequest", `An identity provider of type '${type}' already exists.`);
                const p: StoredProvider = { id, displayName: body.displayName, identityProviderType: type, clientId: body.clientId, clientSecret: body.clientSecret, visibleAt: this.server.clock + this.providerReplicationMs };
                this.providers.set(id, p);
                return [201, { "@odata.context": `${this.server.url}/v1.0/$metadata#identity/identityProviders/$entity`, ...this.providerObject(p) }];
            }
            case `GET ${T_IDP}`: {
                const builtIn = BUILT_IN[params[0]];
                return [200, builtIn ?? this.providerObject(this.visibleProvider(params[0]))];
            }
            case `PATCH ${T_IDP}`: {
                const p = this.visibleProvider(params[0]);
                if (body.identityProviderType !== undefined && body.identityProviderType !== p.identityProviderType) throw new Fail(400, "Request_BadRequest", "identityProviderType cannot be changed.");
                for (const k of ["displayName", "clientId", "clientSecret"] as const) {
                    if (body[k] === undefined) continue;
                    if (typeof body[k] !== "string" || body[k] === "") throw new Fail(400, "Request_BadRequest", `${k} must be a non-empty string.`);
                    p[k] = body[k];
                }
                return [204, undefined];
            }
            case `DELETE ${T_IDP}`: {
                const p = this.visibleProvider(params[0]);
                this.providers.delete(params[0]);
                this.listedAfterDelete.set(p.id, { provider: p, until: this.server.clock + this.listLagMs });
                return [204, undefined];
            }
            case `GET ${T_BRANDING}`:
                this.visibleBranding();
                return [200, this.brandingObject("0", this.localization("0"))];
            case `PATCH ${T_BRANDING}`: {
                if (!this.branding) this.branding = { localizations: new Map([["0", { texts: {}, images: {} }]]), visibleAt: this.server.clock + this.brandingReplicationMs };
                else this.visibleBranding();
                this.applyTexts(this.branding.localizations.get("0")!, body);
                return [204, undefined];
            }
            case `DELETE ${T_BRANDING}`: {
                const b = this.visibleBranding();
                const d = b.localizations.get("0")!;
                if (Object.keys(d.images).length > 0) throw new Fail(400, "Request_BadRequest", "All images (Stream types) must be removed before the branding can be deleted.");
                this.branding = undefined;
                return [204, undefined];
            }
            case `GET ${T_LOCS}`:
                return [200, { value: [...this.visibleBranding().localizations.entries()].map(([id, l]) => this.brandingObject(id, l)) }];
            case `POST ${T_LOCS}`: {
                const b = this.visibleBranding();
                const id = String(body.id ?? "");
                if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(id)) throw new Fail(400, "Request_BadRequest", `'${id}' is not a valid locale.`);
                if (b.localizations.has(id)) throw new Fail(409, "Request_MultipleObjectsWithSameKeyValue", `Localization '${id}' already exists.`);
                const l: StoredLocalization = { texts: {}, images: {} };
                this.applyTexts(l, body);
                b.localizations.set(id, l);
                return [201, this.brandingObject(id, l)];
            }
            case `GET ${T_LOC}`:
                return [200, this.brandingObject(params[1], this.localization(params[1]))];
            case `PATCH ${T_LOC}`:
                this.applyTexts(this.localization(params[1]), body);
                return [204, undefined];
            case `DELETE ${T_LOC}`: {
                if (params[1] === "0") throw new Fail(400, "Request_BadRequest", "Delete the default branding instead.");
                this.localization(params[1]);
                this.branding!.localizations.delete(params[1]);
                return [204, undefined];
            }
            default: {
                const slot = SLOTS.find((s) => template === `${T_LOC}/${s}`);
                if (!slot) throw new Fail(501, "NotImplemented", key);
                const l = this.localization(params[1]);
                if (method === "PUT") {
                    const bytes = body as Buffer;
                    if (bytes.length > MAX_BYTES[slot]) throw new Fail(400, "Request_BadRequest", `The ${slot} is larger than allowed.`);
                    l.images[slot] = { bytes, contentType, relativeUrl: `${this.tenantId}/logintenantbranding/${params[1]}/${slot.toLowerCase()}?ts=${++this.uploads}` };
                    return [204, undefined];
                }
                if (method === "DELETE") {
                    if (!l.images[slot]) throw new Fail(404, "Request_ResourceNotFound", `No ${slot} is set.`);
                    delete l.images[slot];
                    return [204, undefined];
                }
                throw new Fail(501, "NotImplemented", key);
            }
        }
    }
}
