/**
 * The stand-in tenant (webapp/dev/server.ts) as a child process for the in-process web app tests, registered for the
 * web app at `base`, and the web app's environment against it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProcess } from "../../webapp/dev/processes";
import { ROOT, type TenantInfo } from "../../webapp/dev/stack";

export interface TestTenant {
    readonly info: TenantInfo;
    /** The tenant's local CA certificate (PEM). */
    readonly ca: string;
    /** Stops the tenant and removes its data folder. */
    stop(): Promise<void>;
}

/** Starts a stand-in tenant with its own data folder, whose web client has `clientSecret` and redirects to `base`. */
export async function startTestTenant(base: string, clientSecret: string): Promise<TestTenant> {
    const devDir = mkdtempSync(join(tmpdir(), "web-test-tenant-"));
    const proc = await startProcess({
        name: "tenant", command: process.execPath, args: ["--import", "tsx", join(ROOT, "webapp/dev/server.ts")], cwd: ROOT,
        env: { ...process.env, TENANT_PORT: "0", WEB_CLIENT_SECRET: clientSecret, DEV_DIR: devDir, REDIRECT_URIS: `${base}/auth/redirect`, POST_LOGOUT_REDIRECT_URIS: `${base}/` },
        ready: /^STAND_IN_TENANT_READY (.*)$/,
    }).catch((err) => {
        rmSync(devDir, { recursive: true, force: true });
        throw err;
    });
    const info = JSON.parse(proc.match![1]!) as TenantInfo;
    return {
        info,
        ca: readFileSync(info.caPath, "utf8"),
        stop: async () => {
            await proc.stop();
            rmSync(devDir, { recursive: true, force: true });
        },
    };
}

/** The web app's environment for an app at `base` signing in with the tenant (the API is unreachable on purpose). */
export function webEnvFor(tenant: TenantInfo, base: string, clientSecret: string, sessionSecret: string): Record<string, string> {
    return {
        AUTHORITY: tenant.authority, KNOWN_AUTHORITIES: tenant.knownAuthority, CLIENT_ID: tenant.webClientId, CLIENT_SECRET: clientSecret,
        REDIRECT_URI: `${base}/auth/redirect`, POST_LOGOUT_REDIRECT_URI: `${base}/`,
        API_BASE_URL: "http://127.0.0.1:9", API_SCOPES: tenant.api!.scopes.join(" "), SESSION_SECRET: sessionSecret, PORT: "0",
    };
}
