/**
 * The browser journey (sign up, profile, to-dos, sign out, sign in) through the round-robin proxy over two web
 * instances sharing sessions in a real redis-server, then one instance killed: the browser stays signed in.
 * Build first (`npm run build`; `npm test` does).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { freePort } from "../../webapp/dev/processes";
import { startRedis, type LocalRedis } from "../../webapp/dev/redis";
import { ROOT, startLocalStack, type LocalStack } from "../../webapp/dev/stack";
import { launchChromium, processLogs, runJourney, standInTenantPages, type JourneyResult } from "./flow";

describe("the browser journey through two web instances behind a round-robin proxy", () => {
    let dir: string;
    let redis: LocalRedis;
    let stack: LocalStack;
    let browser: Browser;
    let page: Page;
    let result: JourneyResult;
    const served: string[] = [];
    const user = { email: `two.instances.${Date.now()}@contoso.example`, password: "Scaled-0ut-Passw0rd!", attributes: { displayName: "Grace Hopper", city: "Arlington", FavoriteColor: "navy" } };

    beforeAll(async () => {
        if (!existsSync(join(ROOT, "webapp/dist/web/server.js"))) throw new Error("run `npm run build` first");
        dir = mkdtempSync(join(tmpdir(), "e2e-instances-"));
        redis = await startRedis({ dir: join(dir, "redis") });
        stack = await startLocalStack({
            webPort: await freePort(), apiPort: await freePort(), devDir: join(dir, "dev"), instances: 2, redisUrl: redis.url,
            onProxyRequest: (line) => served.push(line),
        });
        browser = await launchChromium(stack.tenant);
        page = await (await browser.newContext()).newPage();
        try {
            result = await runJourney(page, { baseUrl: stack.webUrl, user, tenant: standInTenantPages, todos: ["Scale out", "Kill an instance"] });
        } catch (e) {
            const logs = processLogs(stack.processes);
            throw new Error(`${(e as Error).message}\n${logs}`);
        }
    });

    afterAll(async () => {
        await browser?.close();
        await stack?.stop();
        await redis?.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("completes the whole journey with pages served by both instances", () => {
        expect(result.nameAfterSignUp).toBe("Grace Hopper");
        expect(result.claims.city).toBe("Arlington");
        expect(result.todosAfterAdding).toEqual(["Scale out", "Kill an instance"]);
        expect(result.todosAfterDeleting).toEqual(["Kill an instance"]);
        expect(result.signedOutHome).toBe(true);
        expect(result.nameAfterSignInAgain).toBe("Grace Hopper");
        const pages = served.filter((l) => / \/(profile|todos|auth\/redirect) -> /.test(l));
        expect(pages.some((l) => l.includes("-> web-1"))).toBe(true);
        expect(pages.some((l) => l.includes("-> web-2"))).toBe(true);
    });

    it("stays signed in when an instance is killed", async () => {
        await stack.killWeb("web-1");
        for (let i = 0; i < 3; i++) {
            await page.goto(`${stack.webUrl}/todos`);
            expect((await page.locator("h1").textContent())?.trim()).toBe("To-do list");
            expect((await page.locator("#todos .description").allTextContents()).map((t) => t.trim())).toEqual(["Kill an instance"]);
        }
        expect(served.slice(-3).every((l) => l.includes("-> web-2"))).toBe(true);
    });
});
