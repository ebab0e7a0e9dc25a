/**
 * Serializes the five dynamic providers the way the program does under `pulumi up` (transpiled by tsx, closure
 * serialization of @pulumi/pulumi) and prints `{ <factory>: <serialized text> }` as JSON. Run by
 * serialization.test.ts in a child `node --import tsx`, since jest transpiles with ts-jest, whose exports are plain
 * properties and so never show how tsx's getter-based exports are captured.
 */
import { makeUserFlowApplicationProvider, makeUserFlowAttributeProvider, makeUserFlowProvider } from "../../components/userFlow/provider";
import { makeCompanyBrandingProvider, makeSocialIdentityProviderProvider } from "../../components/signInExperience";

async function main(): Promise<void> {
    const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure") as typeof import("@pulumi/pulumi/runtime/closure/serializeClosure");
    const factories = { makeUserFlowProvider, makeUserFlowApplicationProvider, makeUserFlowAttributeProvider, makeSocialIdentityProviderProvider, makeCompanyBrandingProvider };
    const out: Record<string, string> = {};
    for (const [name, make] of Object.entries(factories)) {
        const provider = make();
        // As @pulumi/pulumi dynamic/index.js serializes a dynamic resource's provider.
        out[name] = (await serializeFunction(() => provider, { allowSecrets: true })).text;
    }
    process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
});
