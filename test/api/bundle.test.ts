import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALICE, API_CLIENT_ID, FakeTenant, TENANT_ID, makeKey, signRs256, userClaims, type TestKey } from "./support";

const root = join(__dirname, "..", "..");
let dir: string;
let key: TestKey;
let tenant: FakeTenant;

/** Runs the bundle with only `node` in an empty folder; resolves with the child once it listens. */
function startBundle(env: Record<string, string>): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
    const child = spawn(process.execPath, ["server.js"], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    return new Promise((resolve, reject) => {
        child.stderr!.on("data", (d: Buffer) => {
            err += d.toString();
            const m = /"msg":"API listening on port (\d+)"/.exec(err);
            if (m) resolve({ child, port: Number(m[1]), stderr: () => err });
        });
        child.on("exit", (code) => reject(new Error(`the bundle exited with ${code}: ${err}`)));
    });
}

function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ["server.js"], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr: err })));
}

beforeAll(async () => {
    execFileSync(process.execPath, [join(root, "webapp", "build.mjs"), "api"], { cwd: root, stdio: "pipe" });
    dir = mkdtempSync(join(tmpdir(), "api-bundle-"));
    copyFileSync(join(root, "webapp", "dist", "api", "server.js"), join(dir, "server.js"));
    key = makeKey("bundle-key");
    tenant = await new FakeTenant([key]).start();
});

afterAll(async () => {
    await tenant.stop();
    rmSync(dir, { recursive: true, force: true });
});

test("the bundle serves an authorized call from an empty folder and stops on SIGTERM", async () => {
    const { child, port, stderr } = await startBundle({
        AUTHORITY: tenant.authority,
        TENANT_ID,
        API_CLIENT_ID,
        PORT: "0",
        ALLOW_HTTP_AUTHORITY: "true",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
        const token = signRs256({ alg: "RS256", typ: "JWT", kid: key.kid }, userClaims(tenant, ALICE, "ToDoList.ReadWrite", Math.floor(Date.now() / 1000)), key.privateKey);
        const added = await fetch(`http://127.0.0.1:${port}/api/todos`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ description: "From the bundle" }),
        });
        expect(added.status).toBe(201);
        const listed = await fetch(`http://127.0.0.1:${port}/api/todos`, { headers: { authorization: `Bearer ${token}` } });
        expect(listed.status).toBe(200);
        expect((await listed.json()).map((i: { owner: string; description: string }) => [i.owner, i.description])).toEqual([[ALICE, "From the bundle"]]);
        const anonymous = await fetch(`http://127.0.0.1:${port}/api/todos`);
        expect(anonymous.status).toBe(401);
        expect(stderr()).not.toContain(token.split(".")[2]);
    } finally {
        child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stderr()).toContain('"msg":"stopping","signal":"SIGTERM"');
});

test("the bundle stops at start with one message listing every problem", async () => {
    const r = await run({ AUTHORITY: tenant.authority, PORT: "x" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
        "api: Invalid configuration (4 problems):\n" +
            "  - AUTHORITY must use https\n" +
            "  - TENANT_ID is required but not set\n" +
            "  - API_CLIENT_ID is required but not set\n" +
            "  - PORT must be a port number between 0 and 65535\n",
    );
});
