/**
 * How index.ts wires the user flow into the program, under Pulumi's mocks: the app's link must wait for the web app's
 * service principal (Graph links an application to a flow only once its service principal exists). The mocks drop
 * dependencies, so the monitor's registration requests, which carry them as the engine receives them, are recorded.
 */
import * as pulumi from "@pulumi/pulumi";
import { flattenConfig, recordingMocks, type RecordedInvoke, type RecordedResource } from "../support/mocks";
import { baseConfig } from "../support/program";

const resources: RecordedResource[] = [];
const invokes: RecordedInvoke[] = [];
/** Resource name → URNs its registration depends on. */
const deps = new Map<string, string[]>();
/** Resource name → its URN. */
const urns = new Map<string, string>();

function output<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

beforeAll(async () => {
    await pulumi.runtime.setMocks(recordingMocks(resources, invokes), "entra-ciam", "test", false);
    const monitor = pulumi.runtime.getMonitor() as any;
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: any) => {
        deps.set(req.getName(), req.getDependenciesList());
        return original(req, (err: unknown, res: any) => {
            if (res) urns.set(req.getName(), res.getUrn());
            cb(err, res);
        });
    };
    pulumi.runtime.setAllConfig(flattenConfig({
        ...baseConfig("signIn"),
        userFlow: { customAttributes: [{ name: "FavoriteColor" }], attributes: ["displayName", "FavoriteColor"] },
    }));
    const program = require("../../index") as { userFlowId: pulumi.Output<string> };
    await output(program.userFlowId);
    // The link is declared last in its component; let the remaining registrations finish.
    for (let i = 0; i < 50 && !urns.has("signup-signin-app"); i++) await new Promise((r) => setTimeout(r, 10));
});

test("the app's link depends on the web app's service principal (and so waits for it)", () => {
    const sp = urns.get("web-sp");
    expect(sp).toMatch(/ServicePrincipal::web-sp$/);
    expect(deps.get("signup-signin-app")).toContain(sp);
});

test("the flow and the custom attribute do not wait for the web app's registration", () => {
    const web = [...urns.entries()].filter(([name]) => name.startsWith("web-")).map(([, urn]) => urn);
    expect(web.length).toBeGreaterThan(2);
    for (const name of ["signup-signin-flow", "signup-signin-attr-FavoriteColor"]) {
        expect(deps.has(name)).toBe(true);
        expect(deps.get(name)!.filter((u) => web.includes(u))).toEqual([]);
    }
});
