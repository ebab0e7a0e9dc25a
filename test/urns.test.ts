/**
 * Every URN the program declares, in both scenarios with hosting on and off, compared with `test/urns.snapshot.json`.
 *
 * A URN is a resource's identity in Pulumi's state: renaming a resource or component, or moving it to another parent,
 * makes the next `up` create a new resource and delete the old one - for the resource group, storage account or Key
 * Vault that loses data. So a changed URN fails here until the snapshot is updated on purpose:
 *
 *     UPDATE_URN_SNAPSHOT=1 npx jest test/urns.test.ts
 *
 * and a moved or renamed resource keeps its identity with the `aliases` resource option (see the README).
 * (Hosting on needs the bundles: `npm run build`.)
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { baseConfig, runProgram } from "./support/program";

const SNAPSHOT = path.join(__dirname, "urns.snapshot.json");
/** Fixed, so the rotation windows (hence the declared passwords) are the same on every run. */
const NOW = new Date("2027-01-10T12:00:00Z");

const STACKS: Record<string, Record<string, unknown>> = {
    "signIn, hosting off": baseConfig("signIn"),
    "signIn, hosting on": { ...baseConfig("signIn"), hosting: { location: "westeurope" } },
    "signInAndCallApi, hosting off": baseConfig("signInAndCallApi"),
    "signInAndCallApi, hosting on": { ...baseConfig("signInAndCallApi"), hosting: { location: "westeurope" } },
};

/** Lines only in `a`. */
const missingFrom = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

test("the URNs of every declared resource match the snapshot", async () => {
    const actual: Record<string, string[]> = {};
    for (const [label, config] of Object.entries(STACKS)) actual[label] = (await runProgram(config, { now: NOW })).urns;

    if (process.env.UPDATE_URN_SNAPSHOT === "1") {
        writeFileSync(SNAPSHOT, JSON.stringify(actual, null, 2) + "\n");
        return;
    }
    const expected: Record<string, string[]> = JSON.parse(readFileSync(SNAPSHOT, "utf8"));
    const differences: string[] = [];
    for (const label of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
        const gone = missingFrom(expected[label] ?? [], actual[label] ?? []);
        const added = missingFrom(actual[label] ?? [], expected[label] ?? []);
        for (const urn of gone) differences.push(`${label}: no longer declared (would be DELETED on the next up): ${urn}`);
        for (const urn of added) differences.push(`${label}: newly declared (would be CREATED): ${urn}`);
    }
    if (differences.length > 0) {
        throw new Error(
            "The program's URNs changed. If a resource was renamed or moved, add `aliases` to keep its identity; if the " +
            "change is intended, update the snapshot: UPDATE_URN_SNAPSHOT=1 npx jest test/urns.test.ts\n" + differences.join("\n"),
        );
    }
    expect(actual).toEqual(expected);
});

test("the snapshot covers the resources that hold data", () => {
    const snapshot: Record<string, string[]> = JSON.parse(readFileSync(SNAPSHOT, "utf8"));
    const hosted = snapshot["signInAndCallApi, hosting on"];
    for (const type of ["azure-native:resources:ResourceGroup", "azure-native:storage:StorageAccount", "azure-native:keyvault:Vault", "azure-native:redisenterprise:RedisEnterprise"]) {
        expect(hosted.filter((urn) => urn.includes(`$${type}::`))).toHaveLength(1);
    }
    expect(snapshot["signIn, hosting off"].some((urn) => urn.includes("azure-native:"))).toBe(false);
});
