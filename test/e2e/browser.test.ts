/**
 * A real browser (Debian's chromium via playwright-core) against the BUNDLES (`npm run build`) started as child processes with the
 * local stand-in tenant: sign up with the user flow's attributes, see them on /profile, add/list/delete to-dos
 * through the API, sign out (the tenant's session ends too), sign in again.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { freePort } from "../../webapp/dev/processes";
import { ROOT, startLocalStack, type LocalStack } from "../../webapp/dev/stack";
import { launchChromium, processLogs, runJourney, standInTenantPages, type JourneyResult } from "./flow";

describe("the web app in a real browser, against the bundles and the stand-in tenant", () => {
    let stack: LocalStack;
    let browser: Browser;
    let devDir: string;
    let result: JourneyResult;
    /** Written outside the repository: look at it after a run. */
    const screenshot = join(tmpdir(), "entra-e2e-profile.png");
    const user = {
        email: `new.user.${Date.now()}@contoso.example`,
        password: "Another-Passw0rd!",
        attributes: { displayName: "Ada Lovelace", city: "London", FavoriteColor: "green" },
    };

    beforeAll(async () => {
        // Built by `npm test` before jest runs (building here could rewrite a bundle another test is starting).
        if (!existsSync(join(ROOT, "webapp/dist/web/server.js"))) throw new Error("run `npm run build` first");
        devDir = mkdtempSync(join(tmpdir(), "e2e-dev-"));
        stack = await startLocalStack({ webPort: await freePort(), apiPort: await freePort(), devDir });
        browser = await launchChromium(stack.tenant);
        const page = await (await browser.newContext()).newPage();
        try {
            result = await runJourney(page, { baseUrl: stack.webUrl, user, tenant: standInTenantPages, todos: ["Buy milk", "Write the report"], screenshot });
        } catch (e) {
            const logs = processLogs(stack.processes);
            throw new Error(`${(e as Error).message}\n${logs}`);
        }
    });

    afterAll(async () => {
        await browser?.close();
        await stack?.stop();
        if (devDir) rmSync(devDir, { recursive: true, force: true });
    });

    it("signs up a new user, who lands signed in", () => {
        expect(result.nameAfterSignUp).toBe("Ada Lovelace");
    });

    it("shows the ID token's claims, with the sign-up attributes, on /profile", () => {
        const c = result.claims;
        expect(c.name).toBe("Ada Lovelace");
        expect(c.city).toBe("London");
        expect(c.extension_FavoriteColor).toBe("green");
        expect(c.preferred_username).toBe(user.email);
        expect(c.tid).toBe(stack.tenant.tenantId);
        expect(c.aud).toBe(stack.tenant.webClientId);
        expect(c.iss).toBe(stack.tenant.issuer);
        expect(c.ver).toBe("2.0");
        expect(c.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(c.sub).toBe(c.oid);
        expect(existsSync(screenshot)).toBe(true);
    });

    it("adds, lists and deletes to-dos through the API", () => {
        expect(result.todosAfterAdding).toEqual(["Buy milk", "Write the report"]);
        expect(result.todosAfterDeleting).toEqual(["Write the report"]);
    });

    it("signs out of the app and the tenant, and signs in again with the password", () => {
        expect(result.signedOutHome).toBe(true);
        expect(result.tenantAskedForPasswordAgain).toBe(true);
        expect(result.nameAfterSignInAgain).toBe("Ada Lovelace");
    });
});
