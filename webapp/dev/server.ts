/**
 * Runs the stand-in tenant as a process (used by `npm start` and the tests). Settings come from the stack file;
 * the environment supplies what differs per run:
 *
 *   STACK_FILE               stack file to read (default Pulumi.dev.yaml beside Pulumi.yaml in the repository root)
 *   TENANT_PORT              port (default 0: any free port), bound on 127.0.0.1
 *   WEB_CLIENT_SECRET        the web app's client secret (required)
 *   DAEMON_CLIENT_SECRET     secret of the app-only client (optional)
 *   REDIRECT_URIS            space-separated redirect URIs (default: the stack's redirectUri)
 *   POST_LOGOUT_REDIRECT_URIS space-separated (default: the stack's postLogoutRedirectUri)
 *   DEV_DIR                  folder of the generated certificates (default .dev in the repository root)
 *
 * When listening it prints one line `STAND_IN_TENANT_READY <json>` with the issuer, authority, client ids and the
 * demo user's sign-in name; it stops on SIGINT/SIGTERM.
 */
import { join, resolve } from "node:path";
import { loadLocalSettings } from "./stackConfig";
import { startStandInTenant } from "./tenant";

export const DEMO_USER = {
    email: "demo@contoso.example",
    password: "Demo-Passw0rd!",
    attributes: { displayName: "Demo User", city: "Seattle", FavoriteColor: "teal" },
} as const;

async function main(): Promise<void> {
    const root = resolve(__dirname, "..", "..");
    const env = process.env;
    const problems: string[] = [];
    if (!env.WEB_CLIENT_SECRET) problems.push("WEB_CLIENT_SECRET is required but not set");
    const port = Number(env.TENANT_PORT ?? "0");
    if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push("TENANT_PORT must be a port number between 0 and 65535");
    if (problems.length) throw new Error(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);

    const settings = loadLocalSettings(env.STACK_FILE ? resolve(env.STACK_FILE) : join(root, "Pulumi.dev.yaml"), join(root, "Pulumi.yaml"));
    const list = (v: string | undefined, fallback: string) => (v && v.trim() ? v.trim().split(/\s+/) : [fallback]);
    const tenant = await startStandInTenant({
        settings,
        certDir: env.DEV_DIR ? resolve(env.DEV_DIR) : join(root, ".dev"),
        port,
        webClientSecret: env.WEB_CLIENT_SECRET!,
        daemonClientSecret: env.DAEMON_CLIENT_SECRET || undefined,
        redirectUris: list(env.REDIRECT_URIS, settings.redirectUri),
        postLogoutRedirectUris: list(env.POST_LOGOUT_REDIRECT_URIS, settings.postLogoutRedirectUri),
        demoUser: DEMO_USER,
    });
    const ready = {
        port: tenant.port,
        issuer: tenant.issuer,
        authority: tenant.authority,
        knownAuthority: tenant.knownAuthority,
        caPath: tenant.caPath,
        spkiSha256: tenant.spkiSha256,
        tenantId: settings.tenantId,
        webClientId: settings.webClientId,
        daemonClientId: settings.daemonClientId,
        api: settings.api ? { clientId: settings.api.clientId, scopes: settings.api.scopes.map((s) => `${settings.api!.resource}/${s}`) } : null,
        attributes: settings.attributes.map((a) => ({ attribute: a.attribute, label: a.label, required: a.required, inputType: a.inputType, options: a.options, claim: a.claim })),
        demoUser: { email: DEMO_USER.email, password: DEMO_USER.password },
    };
    process.stdout.write(`STAND_IN_TENANT_READY ${JSON.stringify(ready)}\n`);
    const stop = () => void tenant.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
}

if (require.main === module) {
    main().catch((err: unknown) => {
        process.stderr.write(`stand-in tenant: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    });
}
