/** Which credential the providers build from which environment variables (nothing contacts a server here). */
import { credentialFromEnv } from "../../components/userFlow/provider";

const TENANT = "11111111-2222-4333-8444-555555555555";
const CLIENT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

test.each([
    [{ ARM_CLIENT_ID: CLIENT, ARM_CLIENT_SECRET: "x-secret" }, "clientSecret", "ARM_CLIENT_ID + ARM_CLIENT_SECRET", "ClientSecretCredential"],
    [{ AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: "x-secret" }, "clientSecret", "AZURE_CLIENT_ID + AZURE_CLIENT_SECRET", "ClientSecretCredential"],
    [{ ARM_CLIENT_ID: CLIENT, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "jwt" }, "oidc", "ARM_CLIENT_ID + ARM_OIDC_TOKEN", "ClientAssertionCredential"],
    [{ ARM_CLIENT_ID: CLIENT, ARM_OIDC_TOKEN_FILE_PATH: "/tmp/token" }, "oidc", "ARM_CLIENT_ID + ARM_OIDC_TOKEN_FILE_PATH", "ClientAssertionCredential"],
    [{ ARM_CLIENT_ID: CLIENT, ARM_USE_OIDC: "true", ACTIONS_ID_TOKEN_REQUEST_URL: "https://example.invalid/t", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "r" }, "oidc", "ARM_CLIENT_ID + ACTIONS_ID_TOKEN_REQUEST_URL + ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ClientAssertionCredential"],
    [{}, "default", "DefaultAzureCredential (AZURE_* variables, workload or managed identity, Azure CLI)", "DefaultAzureCredential"],
])("%j → %s", (env, kind, source, className) => {
    const choice = credentialFromEnv(TENANT, env);
    expect([choice.kind, choice.source, choice.credential.constructor.name]).toEqual([kind, source, className]);
});

test.each([
    [{ ARM_CLIENT_SECRET: "x-secret" }, "ARM_CLIENT_SECRET is set but ARM_CLIENT_ID (or AZURE_CLIENT_ID) is not; set the client id of the app registration that has the Graph permissions"],
    [{ ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "jwt" }, "OIDC federation is configured (ARM_USE_OIDC / ARM_OIDC_TOKEN / ARM_OIDC_TOKEN_FILE_PATH) but ARM_CLIENT_ID (or AZURE_CLIENT_ID) is not set"],
    [{ ARM_USE_OIDC: "1", ARM_CLIENT_ID: CLIENT }, "ARM_USE_OIDC is set but no OIDC token is available: set ARM_OIDC_TOKEN or ARM_OIDC_TOKEN_FILE_PATH, or run in GitHub Actions with `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN)"],
])("%j is rejected with a clear message", (env, message) => {
    expect(() => credentialFromEnv(TENANT, env)).toThrow(message);
});

test("the OIDC assertion is read from the file at call time", async () => {
    const { writeFileSync, mkdtempSync, rmSync } = require("node:fs") as typeof import("node:fs");
    const dir = mkdtempSync(`${require("node:os").tmpdir()}/oidc-`);
    try {
        const file = `${dir}/token`;
        const choice = credentialFromEnv(TENANT, { ARM_CLIENT_ID: CLIENT, ARM_OIDC_TOKEN_FILE_PATH: file });
        writeFileSync(file, "assertion-1\n");
        // ClientAssertionCredential keeps the callback it was given; call it the way the credential would.
        const getAssertion = (choice.credential as unknown as { getAssertion: () => Promise<string> }).getAssertion;
        expect(await getAssertion()).toBe("assertion-1");
        writeFileSync(file, "assertion-2");
        expect(await getAssertion()).toBe("assertion-2");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
