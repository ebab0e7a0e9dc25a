/**
 * Runs the AppServiceHosting component under Pulumi's mocks and records every resource and invoke.
 *
 * The mocks synthesise what Azure would compute (ids, host names, the identities' principal ids, endpoints) from
 * the inputs, deterministically, so tests can assert exact values.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as PulumiType from "@pulumi/pulumi";
import type { AppServiceHosting, AppServiceHostingArgs } from "../../components/appService";
import { recordingMocks, type RecordedInvoke, type RecordedResource } from "../support/mocks";

export { randomHex, secretVersion, SECRET_SIG, SECRET_SIG_VALUE, SUBSCRIPTION, WORKFORCE_TENANT } from "../support/mocks";
export const TENANT = "12345678-1234-4234-8234-123456789abc";

export type Recorded = RecordedResource;

/** Resolves an Output (or plain value) to its value. */
export function valueOf<T>(pulumi: typeof PulumiType, o: PulumiType.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => { resolve(v as T); return v; }));
}

/** A stand-in bundle folder (a server.js and a nested asset), so these tests do not depend on a build. */
export function fixtureBundle(label: string, body = `console.log("${label}");\n`): string {
    const dir = mkdtempSync(path.join(tmpdir(), `bundle-${label}-`));
    writeFileSync(path.join(dir, "server.js"), body);
    mkdirSync(path.join(dir, "public"));
    writeFileSync(path.join(dir, "public", "site.css"), "body{margin:0}\n");
    return dir;
}

export interface HostingRun {
    readonly pulumi: typeof PulumiType;
    readonly resources: Recorded[];
    readonly invokes: RecordedInvoke[];
    readonly hosting: AppServiceHosting;
    /** The component's public outputs, resolved. */
    readonly outputs: {
        webUrl: string;
        apiUrl?: string;
        webHostName: string;
        redirectUri: string;
        postLogoutRedirectUri: string;
        webAppSettings: Record<string, string>;
        apiAppSettings?: Record<string, string>;
    };
    /** For each child resource, the logical names of the resources it was declared to depend on (`dependsOn`). */
    readonly dependsOn: Map<string, string[]>;
    /** For each child resource, its `ignoreChanges` option. */
    readonly ignoreChanges: Map<string, string[]>;
    byType(type: string): Recorded[];
    named(name: string): Recorded;
}

/** Declares one AppServiceHosting under fresh mocks (module registry isolated) and waits for every resource. */
export async function runHosting(name: string, args: AppServiceHostingArgs, options: { randomSeed?: string } = {}): Promise<HostingRun> {
    const resources: Recorded[] = [];
    const invokes: RecordedInvoke[] = [];
    let pulumi!: typeof PulumiType;
    let mod!: typeof import("../../components/appService");
    jest.isolateModules(() => {
        pulumi = require("@pulumi/pulumi");
    });
    await pulumi.runtime.setMocks(recordingMocks(resources, invokes, options), "entra-ciam", "test", false);
    jest.isolateModules(() => {
        jest.doMock("@pulumi/pulumi", () => pulumi);
        mod = require("../../components/appService");
    });
    // A transformation sees every child's options as declared, so the tests can check explicit ordering.
    const dependsOn = new Map<string, string[]>();
    const ignoreChanges = new Map<string, string[]>();
    const record: PulumiType.ResourceTransformation = ({ name: child, opts }) => {
        const deps = opts.dependsOn === undefined ? [] : Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn];
        dependsOn.set(child, deps.map((d) => (d as unknown as { __name: string }).__name));
        if (opts.ignoreChanges !== undefined) ignoreChanges.set(child, [...opts.ignoreChanges]);
        return undefined;
    };
    const hosting = new mod.AppServiceHosting(name, args, { transformations: [record] });
    const [webUrl, webHostName, redirectUri, postLogoutRedirectUri, webAppSettings] = await Promise.all([
        valueOf(pulumi, hosting.webUrl),
        valueOf(pulumi, hosting.webHostName),
        valueOf(pulumi, hosting.redirectUri),
        valueOf(pulumi, hosting.postLogoutRedirectUri),
        valueOf(pulumi, hosting.webAppSettings),
    ]);
    const apiUrl = hosting.apiUrl ? await valueOf(pulumi, hosting.apiUrl) : undefined;
    const apiAppSettings = hosting.apiAppSettings ? await valueOf(pulumi, hosting.apiAppSettings) : undefined;
    return {
        pulumi,
        resources,
        invokes,
        hosting,
        dependsOn,
        ignoreChanges,
        outputs: { webUrl, apiUrl, webHostName, redirectUri, postLogoutRedirectUri, webAppSettings, apiAppSettings },
        byType: (type) => resources.filter((r) => r.type === type),
        named: (n) => {
            const found = resources.find((r) => r.name === n);
            if (!found) throw new Error(`no resource named ${n}; have ${resources.map((r) => r.name).join(", ")}`);
            return found;
        },
    };
}
