/**
 * Runs a Pulumi program under the real Pulumi CLI (built by scripts/ensure-pulumi.mjs or found on PATH) with a local
 * file backend and a passphrase secrets provider in a temporary folder.
 *
 * The program is an Automation API *inline* program: `LocalWorkspace` serves @pulumi/pulumi's own language runtime
 * (automation/server.ts, `LanguageServer`) in this process and starts the CLI with `--client <address>`, so the CLI's
 * engine runs this program without a `pulumi-language-nodejs` host (which the Go module proxy here does not serve).
 * Everything else is the real thing: the engine's diff/update/replace/refresh/import logic, the state file, secret
 * encryption, and the dynamic-provider plugin `pulumi-resource-pulumi-nodejs` that ships in @pulumi/pulumi (found on
 * PATH), which runs the serialized user-flow providers in its own Node process.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import * as automation from "@pulumi/pulumi/automation";

const ROOT = resolve(__dirname, "..", "..");

/** The CLI scripts/ensure-pulumi.mjs would use, or undefined (it never builds in this mode). */
export function findPulumiCli(): string | undefined {
    const out = execFileSync(process.execPath, [join(ROOT, "scripts", "ensure-pulumi.mjs"), "--find"], { encoding: "utf8" }).trim();
    return out === "" ? undefined : out;
}

export interface EngineWorkspaceOptions {
    readonly cli: string;
    readonly projectName: string;
    readonly stackName: string;
    readonly program: automation.PulumiFn;
    /** Extra environment for the CLI and the plugins it starts (Graph URL, CA file, credentials). */
    readonly env: Record<string, string>;
}

export interface EngineWorkspace {
    readonly stack: automation.Stack;
    readonly dir: string;
    /** The environment the CLI runs with (for running it directly). */
    readonly env: Record<string, string>;
    readonly workDir: string;
    /** Runs the CLI directly in the workspace (e.g. `stack export --show-secrets`) and returns its stdout. */
    cli(args: string[], extraEnv?: Record<string, string>): string;
    dispose(): void;
}

/**
 * Credential variables of the developer's shell that must not reach the provider under test. They are removed from
 * this (jest worker's) environment, which the CLI inherits: blanking them is not enough (@azure/identity takes an
 * empty AZURE_AUTHORITY_HOST as a host and fails).
 */
const CREDENTIAL_VARIABLES = [
    "ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID", "ARM_USE_OIDC", "ARM_OIDC_TOKEN", "ARM_OIDC_TOKEN_FILE_PATH",
    "ARM_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST",
    "ARM_AUTHORITY_HOST", "MSI_ENDPOINT", "MSI_SECRET", "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT",
];

export async function createEngineWorkspace(opts: EngineWorkspaceOptions): Promise<EngineWorkspace> {
    const { LocalWorkspace, PulumiCommand, Stack } = automation;
    const dir = mkdtempSync(join(tmpdir(), "engine-test-"));
    const workDir = join(dir, "work");
    const home = join(dir, "pulumi-home");
    const state = join(dir, "state");
    const bin = join(dir, "cli", "bin");
    for (const d of [workDir, home, state, bin]) mkdirSync(d, { recursive: true });
    // PulumiCommand.get({root}) runs <root>/bin/pulumi (and checks its version against the SDK's minimum).
    symlinkSync(opts.cli, join(bin, "pulumi"));
    for (const n of CREDENTIAL_VARIABLES) delete process.env[n];
    const env: Record<string, string> = {
        PULUMI_BACKEND_URL: `file://${state}`,
        PULUMI_HOME: home,
        PULUMI_CONFIG_PASSPHRASE: "engine-test passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        // The dynamic-provider plugin is a shell script in @pulumi/pulumi that runs `node`: it needs Node >= 22
        // (node_modules/.bin has the project's Node 24) and must resolve @pulumi/pulumi from the temporary work dir.
        PATH: [join(ROOT, "node_modules", "@pulumi", "pulumi"), join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter),
        NODE_PATH: join(ROOT, "node_modules"),
        ...opts.env,
    };
    const pulumiCommand = await PulumiCommand.get({ root: join(dir, "cli") });
    const ws = await LocalWorkspace.create({
        workDir,
        pulumiHome: home,
        pulumiCommand,
        envVars: env,
        secretsProvider: "passphrase",
        program: opts.program,
        projectSettings: { name: opts.projectName, runtime: "nodejs", backend: { url: `file://${state}` } },
    });
    const stack = await Stack.create(opts.stackName, ws);
    return {
        stack,
        dir,
        env,
        workDir,
        cli: (args, extraEnv = {}) => execFileSync(join(bin, "pulumi"), [...args, "--non-interactive"], {
            cwd: workDir,
            env: { ...process.env, ...env, ...extraEnv },
            encoding: "utf8",
            // stderr is captured, so a failure's message carries the CLI's own error text.
            stdio: ["ignore", "pipe", "pipe"],
            maxBuffer: 64 * 1024 * 1024,
        }),
        dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
}
