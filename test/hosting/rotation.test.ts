/**
 * Client-secret rotation across windows N, N+1, N+2, the whole program under Pulumi's mocks with the clock set to
 * each window: the password the site references at N is still declared, unchanged, at N+1 (so Pulumi neither
 * replaces nor deletes it while the site may still hold it); the site always references the newest one, by a
 * versioned Key Vault URI whose text changes with it; nothing is declared past its end date.
 * (Needs the bundles: `npm run build`.)
 */
import { baseConfig, runProgram, type ProgramRun } from "../support/program";
import { recordingMocks, secretVersion } from "../support/mocks";

const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const DAY = 86_400_000;
// Two days into a window (window 12 of 90 days starts 2026-12-16): an `up` soon after each window starts.
const N_TIME = Date.parse("2026-12-18T12:00:00Z");

interface Window {
    readonly now: Date;
    readonly run: ProgramRun;
    /** Declared passwords by logical name: their inputs and (mock) values. */
    readonly passwords: Map<string, { inputs: Record<string, any>; value: string }>;
    /** The site's CLIENT_SECRET setting. */
    readonly setting: string;
    /** The logical name of the password whose value the site's reference resolves to. */
    readonly referenced: string;
}

async function windowAt(now: Date, config: Record<string, unknown>): Promise<Window> {
    const run = await runProgram(config, { now });
    const passwords = new Map(run.byType(PASSWORD).map((r) => [r.name, { inputs: r.inputs, value: r.state.value as string }]));
    const setting: string = run.named("hosting-web-settings").inputs.properties.CLIENT_SECRET;
    const version = /^@Microsoft\.KeyVault\(SecretUri=https:\/\/[^/]+\/secrets\/web-client-secret\/([0-9a-f]{32})\)$/.exec(setting)?.[1];
    if (version === undefined) throw new Error(`CLIENT_SECRET is not a versioned Key Vault reference: ${setting}`);
    // Which declared password's value was stored as that version of the Key Vault secret.
    const referenced = [...passwords].filter(([, p]) => secretVersion(p.value) === version).map(([name]) => name);
    if (referenced.length !== 1) throw new Error(`the site's secret version matches ${referenced.length} declared passwords`);
    return { now, run, passwords, setting, referenced: referenced[0] };
}

describe.each([
    ["lifetime 180 days, a window every 90", { clientSecretLifetimeDays: "180", clientSecretRotationDays: "90" }],
    ["lifetime 100 days, a window every 90 (the previous secret lapses late in a window)", { clientSecretLifetimeDays: "100", clientSecretRotationDays: "90" }],
])("rotation across three windows: %s", (_label, secretConfig) => {
    const config = { ...baseConfig("signIn"), namePrefix: "contoso", hosting: { location: "westeurope" }, ...secretConfig };
    const windows: Window[] = [];
    beforeAll(async () => {
        for (let i = 0; i < 3; i++) windows.push(await windowAt(new Date(N_TIME + i * 90 * DAY), config));
    });

    test("the site references the newest password (the current window's) at every window", () => {
        for (const w of windows) {
            const newest = [...w.passwords].sort(([, a], [, b]) => b.inputs.rotateWhenChanged.rotationWindowStart.localeCompare(a.inputs.rotateWhenChanged.rotationWindowStart))[0][0];
            expect(w.referenced).toBe(newest);
            expect(w.run.outputs.webClientSecret).toBe(w.passwords.get(newest)!.value);
        }
    });

    test("the password the site references at N is still declared, with the same inputs, at N+1", () => {
        for (let i = 0; i < 2; i++) {
            const { referenced, passwords } = windows[i];
            expect(windows[i + 1].passwords.get(referenced)?.inputs).toEqual(passwords.get(referenced)!.inputs);
        }
    });

    test("the setting's text changes at every window (a versioned URI), so App Service reloads it in the same up", () => {
        const settings = windows.map((w) => w.setting);
        expect(new Set(settings).size).toBe(3);
    });

    test("at N+2, window N's password is gone: its slot holds N+2's", () => {
        const n = windows[0];
        const n2 = windows[2];
        expect(n2.referenced).toBe(n.referenced);
        expect(n2.passwords.get(n.referenced)!.inputs.rotateWhenChanged).not.toEqual(n.passwords.get(n.referenced)!.inputs.rotateWhenChanged);
        const windowStarts = [...n2.passwords.values()].map((p) => p.inputs.rotateWhenChanged.rotationWindowStart);
        expect(windowStarts).not.toContain(n.passwords.get(n.referenced)!.inputs.rotateWhenChanged.rotationWindowStart);
    });

    test("nothing is declared past its end date, and at most two passwords exist", () => {
        for (const w of windows) {
            expect(w.passwords.size).toBeGreaterThanOrEqual(1);
            expect(w.passwords.size).toBeLessThanOrEqual(2);
            for (const p of w.passwords.values()) expect(Date.parse(p.inputs.endDate)).toBeGreaterThan(w.now.getTime());
        }
    });

    test("the secret reaches Azure only as the Key Vault secret's value", () => {
        for (const w of windows) {
            const holders = w.run.resources.filter((r) => JSON.stringify(r.inputs).includes(w.run.outputs.webClientSecret));
            expect(holders.map((r) => r.name)).toEqual(["hosting-client-secret"]);
        }
    });
});

test("late in a window with a short lifetime, the lapsed previous password is not declared", async () => {
    // Lifetime 100, windows of 90: the previous window's password expires 10 days into the current window.
    const config = { ...baseConfig("signIn"), clientSecretLifetimeDays: "100", clientSecretRotationDays: "90" };
    const early = await runProgram(config, { now: new Date(N_TIME) });
    const late = await runProgram(config, { now: new Date(N_TIME + 60 * DAY) });
    expect(early.byType(PASSWORD)).toHaveLength(2);
    expect(late.byType(PASSWORD)).toHaveLength(1);
    expect(late.byType(PASSWORD)[0].inputs.rotateWhenChanged).toEqual(early.byType(PASSWORD).find((p) => p.name === late.byType(PASSWORD)[0].name)!.inputs.rotateWhenChanged);
});

describe("stacks made when there was one password (`web-secret`)", () => {
    test("the current window's slot takes over the old resource through an alias; the previous one's does not", async () => {
        let pulumi!: typeof import("@pulumi/pulumi");
        let mod!: typeof import("../../components/webAppRegistration");
        jest.isolateModules(() => {
            pulumi = require("@pulumi/pulumi");
        });
        await pulumi.runtime.setMocks(recordingMocks([], []), "entra-ciam", "test", false);
        jest.isolateModules(() => {
            jest.doMock("@pulumi/pulumi", () => pulumi);
            mod = require("../../components/webAppRegistration");
        });
        const aliases = new Map<string, unknown>();
        const record: import("@pulumi/pulumi").ResourceTransformation = ({ name, opts }) => {
            aliases.set(name, opts.aliases);
            return undefined;
        };
        const current = { index: 13, slot: "b" as const, start: "2027-03-16", endDate: "2027-09-12T00:00:00Z" };
        const previous = { index: 12, slot: "a" as const, start: "2026-12-16", endDate: "2027-06-14T00:00:00Z" };
        new mod.WebAppRegistration("web", { displayName: "web", secret: { current, previous } }, { transformations: [record] });
        expect(aliases.get("web-secret-b")).toEqual([{ name: "web-secret" }]);
        expect(aliases.get("web-secret-a")).toEqual([]);
        expect(() => new mod.WebAppRegistration("web2", { displayName: "web", secret: { current, previous: { ...previous, slot: "b" } } })).toThrow(
            'WebAppRegistration: the previous and current secret windows share slot "b"',
        );
    });
});
