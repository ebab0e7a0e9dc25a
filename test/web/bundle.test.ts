/**
 * The web bundle as App Service starts it: settings whose Key Vault references App Service could not resolve stop
 * the process at once, naming each variable and echoing no value. Build first (`npm run build`).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../webapp/dev/stack";

const bundle = join(ROOT, "webapp/dist/web/server.js");

test("the web app refuses to start while CLIENT_SECRET or SESSION_SECRET is an unresolved Key Vault reference", () => {
    if (!existsSync(bundle)) throw new Error("run `npm run build` first");
    const ref = (name: string) => `@Microsoft.KeyVault(SecretUri=https://kv-example.vault.azure.net/secrets/${name}/0123456789abcdef)`;
    const r = spawnSync(process.execPath, [bundle], {
        encoding: "utf8", timeout: 20_000,
        env: {
            PATH: process.env.PATH ?? "", PORT: "0", AUTHORITY: "https://contoso.ciamlogin.com/", CLIENT_ID: "11111111-2222-3333-4444-555555555555",
            CLIENT_SECRET: ref("web-client-secret"), SESSION_SECRET: ref("web-session-secret"),
            REDIRECT_URI: "https://app.azurewebsites.net/auth/redirect", POST_LOGOUT_REDIRECT_URI: "https://app.azurewebsites.net/",
        },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("web: Invalid configuration (2 problems):");
    expect(r.stderr).toContain("  - CLIENT_SECRET is an unresolved Key Vault reference");
    expect(r.stderr).toContain("  - SESSION_SECRET is an unresolved Key Vault reference");
    expect(r.stderr).not.toContain("kv-example");
});
