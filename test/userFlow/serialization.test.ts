/**
 * What Pulumi serializes of each dynamic provider when the program runs through tsx (as `pulumi up` runs it,
 * Pulumi.yaml `nodeargs: --import tsx`): only the functions the provider reaches, never a module's getter-based
 * exports object (tsx's `() => from[key]`, which made Pulumi capture every export of every module touched; see
 * components/userFlow/provider.ts). The text is what every dynamic resource keeps as `__provider` in state.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

describe("serialized dynamic providers (under tsx)", () => {
    let texts: Record<string, string>;

    beforeAll(() => {
        const out = execFileSync(process.execPath, ["--import", "tsx", join(__dirname, "serializeProviders.ts")], { cwd: ROOT, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
        texts = JSON.parse(out);
    });

    /** The names of the functions a serialized closure defines (`function __<name>(`), numbered ones left out. */
    const functions = (text: string): string[] => [...text.matchAll(/^function __([A-Za-z][A-Za-z0-9_]*)\(/gm)].map((m) => m[1]);

    test("all five providers are serialized and capture no exports-object getter", () => {
        expect(Object.keys(texts).sort()).toEqual(["makeCompanyBrandingProvider", "makeSocialIdentityProviderProvider", "makeUserFlowApplicationProvider", "makeUserFlowAttributeProvider", "makeUserFlowProvider"]);
        for (const [name, text] of Object.entries(texts)) {
            expect({ name, getters: text.includes("from[key]") }).toEqual({ name, getters: false });
            expect(text).toContain("exports.handler");
        }
    });

    test("each provider carries what it calls, and not another provider's code", () => {
        expect(functions(texts.makeUserFlowProvider)).toEqual(expect.arrayContaining(["createFlowBody", "convergeFlow", "call", "makeContext"]));
        expect(functions(texts.makeUserFlowApplicationProvider)).toEqual(expect.arrayContaining(["parseLinkId", "call"]));
        expect(functions(texts.makeUserFlowApplicationProvider)).not.toEqual(expect.arrayContaining(["createFlowBody"]));
        expect(functions(texts.makeUserFlowAttributeProvider)).not.toEqual(expect.arrayContaining(["convergeFlow"]));
        expect(functions(texts.makeSocialIdentityProviderProvider)).toEqual(expect.arrayContaining(["secretFingerprint", "fingerprintMatches"]));
        expect(functions(texts.makeSocialIdentityProviderProvider)).not.toEqual(expect.arrayContaining(["putMedia"]));
        expect(functions(texts.makeCompanyBrandingProvider)).toEqual(expect.arrayContaining(["putMedia"]));
        expect(functions(texts.makeCompanyBrandingProvider)).not.toEqual(expect.arrayContaining(["secretFingerprint"]));
    });
});
