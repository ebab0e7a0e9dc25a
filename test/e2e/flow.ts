/**
 * The browser steps of the end-to-end journey, reusable against any deployment: sign up -> profile -> to-do list
 * (add, list, delete) -> sign out -> sign in again. The tenant's own pages differ between the local stand-in and a
 * real External ID tenant, so they are behind `TenantPages`; `standInTenantPages` drives the stand-in's.
 * Every step checks what it sees and throws an Error naming the step when something is off.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/** Flags that let Debian's chromium run headless here (see ARCHITECTURE.md). */
export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** CHROMIUM_PATH, else /usr/bin/chromium. */
export function chromiumPath(): string {
    const path = [process.env.CHROMIUM_PATH, "/usr/bin/chromium"].find((p) => p && existsSync(p));
    if (!path) throw new Error("No Chromium found: run `node scripts/ensure-chromium.mjs` or set CHROMIUM_PATH");
    return path;
}

/** Debian's Chromium, trusting only the stand-in tenant's certificate (by its public key's SHA-256). */
export function launchChromium(tenant: { readonly spkiSha256: string }): Promise<Browser> {
    return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_FLAGS, `--ignore-certificate-errors-spki-list=${tenant.spkiSha256}`] });
}

/** The last `lines` lines each local process printed, for an error message. */
export function processLogs(processes: readonly { readonly name: string; readonly output: readonly string[] }[], lines = 15): string {
    return processes.map((p) => `--- ${p.name}\n${p.output.slice(-lines).join("\n")}`).join("\n");
}


export interface NewUser {
    readonly email: string;
    readonly password: string;
    /** Values for the sign-up page by attribute id (e.g. `displayName`, `city`). */
    readonly attributes: Readonly<Record<string, string>>;
}

export interface TenantPages {
    /** True when the page shown is the tenant's sign-in page (email + password). */
    isSignInPage(page: Page): Promise<boolean>;
    /** On the tenant's sign-up page: fill in and submit. */
    signUp(page: Page, user: NewUser): Promise<void>;
    /** On the tenant's sign-in page: fill in and submit. */
    signIn(page: Page, email: string, password: string): Promise<void>;
}

export const standInTenantPages: TenantPages = {
    async isSignInPage(page) {
        return (await page.locator("h1").first().textContent()) === "Sign in" && (await page.locator("#password").count()) === 1;
    },
    async signUp(page, user) {
        await expectText(page, "h1", "Create account", "sign-up page");
        await page.fill("#email", user.email);
        await page.fill("#password", user.password);
        for (const [attribute, value] of Object.entries(user.attributes)) await page.fill(`#attr-${attribute}`, value);
        await page.click("#create");
    },
    async signIn(page, email, password) {
        await page.fill("#email", email);
        await page.fill("#password", password);
        await page.click("#sign-in");
    },
};

async function expectText(page: Page, selector: string, expected: string, step: string): Promise<void> {
    const actual = (await page.locator(selector).first().textContent())?.trim();
    if (actual !== expected) throw new Error(`${step}: expected ${selector} to read ${JSON.stringify(expected)} but it reads ${JSON.stringify(actual)} (at ${page.url()})`);
}

async function todoTexts(page: Page): Promise<string[]> {
    return (await page.locator("#todos .description").allTextContents()).map((t) => t.trim());
}

export interface JourneyResult {
    /** Name shown on the home page after sign-up. */
    readonly nameAfterSignUp: string;
    /** The ID token claims as shown on /profile. */
    readonly claims: Record<string, string>;
    readonly todosAfterAdding: string[];
    readonly todosAfterDeleting: string[];
    /** The page after signing out showed the app's sign-in link (signed out). */
    readonly signedOutHome: boolean;
    /** Signing in again showed the tenant's sign-in page (its session had ended). */
    readonly tenantAskedForPasswordAgain: boolean;
    readonly nameAfterSignInAgain: string;
}

/**
 * Runs the whole journey in `page` against the web app at `baseUrl`. `screenshot` (a path) captures the signed-in
 * profile page. `withTodos` false skips the to-do steps (the sign-in-only scenario).
 */
export async function runJourney(page: Page, o: { baseUrl: string; user: NewUser; tenant: TenantPages; todos: readonly [string, string]; withTodos?: boolean; screenshot?: string }): Promise<JourneyResult> {
    const base = o.baseUrl.replace(/\/+$/, "");
    await page.goto(`${base}/`);
    await page.click("#sign-up");
    await o.tenant.signUp(page, o.user);
    await page.waitForURL(`${base}/`);
    const nameAfterSignUp = (await page.locator("#user-name").textContent())?.trim() ?? "";

    await page.goto(`${base}/profile`);
    await expectText(page, "h1", "Profile", "profile");
    const claims: Record<string, string> = {};
    for (const row of await page.locator("#claims tbody tr").all()) {
        claims[(await row.locator("th").textContent())!.trim()] = (await row.locator("td").textContent())!.trim();
    }
    if (o.screenshot) await page.screenshot({ path: o.screenshot, fullPage: true });

    let todosAfterAdding: string[] = [];
    let todosAfterDeleting: string[] = [];
    if (o.withTodos !== false) {
        await page.goto(`${base}/todos`);
        await expectText(page, "h1", "To-do list", "to-do list");
        for (const text of o.todos) {
            await page.fill("#description", text);
            await page.click("#add");
            await page.waitForURL(`${base}/todos`);
        }
        todosAfterAdding = await todoTexts(page);
        await page.locator("#todos li", { hasText: o.todos[0] }).getByRole("button", { name: `Delete ${o.todos[0]}` }).click();
        await page.waitForURL(`${base}/todos`);
        todosAfterDeleting = await todoTexts(page);
    }

    await page.click("#sign-out");
    await page.waitForURL(`${base}/`);
    const signedOutHome = (await page.locator("#sign-in").count()) === 1 && (await page.locator("#user-name").count()) === 0;

    await page.click("#sign-in");
    await page.waitForLoadState();
    const tenantAskedForPasswordAgain = await o.tenant.isSignInPage(page);
    if (tenantAskedForPasswordAgain) await o.tenant.signIn(page, o.user.email, o.user.password);
    await page.waitForURL(`${base}/`);
    const nameAfterSignInAgain = (await page.locator("#user-name").textContent())?.trim() ?? "";
    return { nameAfterSignUp, claims, todosAfterAdding, todosAfterDeleting, signedOutHome, tenantAskedForPasswordAgain, nameAfterSignInAgain };
}
