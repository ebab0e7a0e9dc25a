/**
 * A real browser against the bundles and the stand-in tenant, with the example stack's branding and social
 * providers: the sign-in and sign-up pages are branded (colours, banner logo, background image, sign-in text,
 * username hint; French texts for a French browser) and show a button per configured provider; signing in with
 * Google goes through the local stand-in of Google's consent page and lands signed in, with Entra's `idp` claim.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { freePort } from "../../webapp/dev/processes";
import { ROOT, startLocalStack, type LocalStack } from "../../webapp/dev/stack";
import { launchChromium, processLogs } from "./flow";

describe("branded sign-in pages and a social sign-in, in a real browser", () => {
    let stack: LocalStack;
    let browser: Browser;
    let devDir: string;
    const shots = { signIn: join(tmpdir(), "entra-e2e-branded-sign-in.png"), consent: join(tmpdir(), "entra-e2e-google-consent.png") };

    beforeAll(async () => {
        const build = spawnSync(process.execPath, [join(ROOT, "webapp/build.mjs")], { encoding: "utf8" });
        if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
        devDir = mkdtempSync(join(tmpdir(), "e2e-social-"));
        stack = await startLocalStack({ webPort: await freePort(), apiPort: await freePort(), devDir });
        browser = await launchChromium(stack.tenant);
    });

    afterAll(async () => {
        await browser?.close();
        await stack?.stop();
        if (devDir) rmSync(devDir, { recursive: true, force: true });
    });

    /** Waits for `url`; on failure says where the browser is and what the processes last logged. */
    async function arrive(page: Page, url: string): Promise<void> {
        try {
            await page.waitForURL(url, { timeout: 15_000 });
        } catch {
            const logs = processLogs(stack.processes, 10);
            throw new Error(`expected ${url}, but the browser is at ${page.url()} showing ${JSON.stringify((await page.locator("body").textContent())?.slice(0, 300))}\n${logs}`);
        }
    }

    async function tenantSignInPage(locale = "en-US"): Promise<Page> {
        const page = await (await browser.newContext({ locale })).newPage();
        await page.goto(`${stack.webUrl}/`);
        await page.click("#sign-in");
        await page.waitForSelector("#password");
        return page;
    }

    test("the sign-in page carries the configured branding and one button per social provider", async () => {
        const page = await tenantSignInPage();
        await page.screenshot({ path: shots.signIn, fullPage: true });
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(bg).toBe("rgb(15, 61, 46)"); // #0F3D2E
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundImage)).toMatch(/\/branding\/backgroundImage"\)$/);
        const logo = page.locator("#banner-logo");
        expect(await logo.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight])).toEqual([true, 245, 36]);
        expect((await page.locator("#sign-in-text").textContent())?.trim()).toBe("Contoso groceries. Need help? Call 0800 000 000.");
        expect(await page.getAttribute("#email", "placeholder")).toBe("you@example.com");
        expect(await page.locator("#social-providers a").allTextContents()).toEqual(["Sign in with Google", "Sign in with Facebook"]);
        await page.context().close();
    });

    test("a French browser gets the fr-FR localization's texts; the sign-up page is branded too", async () => {
        const page = await tenantSignInPage("fr-FR");
        expect((await page.locator("#sign-in-text").textContent())?.trim()).toBe("Contoso épicerie. Besoin d'aide ? Appelez le 0800 000 000.");
        expect(await page.getAttribute("#email", "placeholder")).toBe("vous@exemple.fr");
        await page.click("#create-account");
        await page.waitForSelector("#create");
        expect(await page.locator("#banner-logo").count()).toBe(1);
        expect(await page.locator("#social-providers a").allTextContents()).toEqual(["Sign up with Google", "Sign up with Facebook"]);
        await page.context().close();
    });

    test("sign in with Google: the provider's consent page, then back in the app signed in, with idp google.com", async () => {
        const page = await tenantSignInPage();
        await page.click("#social-google");
        await page.waitForSelector("#consent-allow");
        expect(new URL(page.url()).pathname).toBe("/_providers/google/oauth2/authorize");
        expect(new URL(page.url()).searchParams.get("redirect_uri")).toBe(`https://localhost:${stack.tenant.port}/${stack.tenant.tenantId}/v2.0/federation/oauth2`);
        await page.screenshot({ path: shots.consent, fullPage: true });
        await page.click("#consent-allow");
        await arrive(page, `${stack.webUrl}/`);
        expect((await page.locator("#user-name").textContent())?.trim()).toBe("Sam Social");
        await page.goto(`${stack.webUrl}/profile`);
        const claims: Record<string, string> = {};
        for (const row of await page.locator("#claims tbody tr").all()) claims[(await row.locator("th").textContent())!.trim()] = (await row.locator("td").textContent())!.trim();
        expect(claims).toMatchObject({ idp: "google.com", name: "Sam Social", preferred_username: "sam.social@gmail.example", tid: stack.tenant.tenantId });
        await page.context().close();
    });

    test("a Google account whose email belongs to a password account is not linked to it silently", async () => {
        const page = await tenantSignInPage();
        await page.click("#social-google");
        await page.fill("#social-email", stack.tenant.demoUser.email);
        await page.click("#consent-allow");
        await page.waitForSelector(".error");
        expect((await page.locator(".error").textContent())?.trim()).toBe("An account with this email address already exists. Sign in with it instead.");
        expect(await page.locator("#password").count()).toBe(1);
        await page.context().close();
    });

    test("cancelling at Facebook's consent page returns to the app with the cancelled-sign-in page, not signed in", async () => {
        const page = await tenantSignInPage();
        await page.click("#social-facebook");
        await page.click("#consent-cancel");
        await page.waitForURL((u) => u.origin === stack.webUrl);
        expect(await page.locator("#user-name").count()).toBe(0);
        expect(await page.locator("body").textContent()).toMatch(/AADSTS90091|cancel/i);
        await page.context().close();
    });
});
