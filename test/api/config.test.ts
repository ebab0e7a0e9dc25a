import { createStore } from "../../webapp/src/api/stores";
import { metadataUrlFor, parseApiEnv } from "../../webapp/src/api/config";
import { EnvError } from "../../webapp/src/shared/env";

const TENANT = "11111111-2222-3333-4444-555555555555";
const CLIENT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const good = { AUTHORITY: "https://contoso.ciamlogin.com/", TENANT_ID: TENANT, API_CLIENT_ID: CLIENT };

function problems(env: Record<string, string>): string {
    try {
        parseApiEnv(env);
    } catch (e) {
        expect(e).toBeInstanceOf(EnvError);
        return (e as Error).message;
    }
    throw new Error("parseApiEnv accepted the environment");
}

describe("parseApiEnv", () => {
    test("a complete environment", () => {
        const c = parseApiEnv({ ...good, PORT: "8080" });
        expect({ audience: c.audience, metadataUrl: c.metadataUrl, port: c.port, allowInsecureHttp: c.allowInsecureHttp, logLevel: c.logLevel }).toEqual({
            audience: CLIENT,
            metadataUrl: `https://contoso.ciamlogin.com/${TENANT}/v2.0/.well-known/openid-configuration`,
            port: 8080,
            allowInsecureHttp: false,
            logLevel: "info",
        });
        expect(c.scopes).toEqual({ read: "ToDoList.Read", write: "ToDoList.ReadWrite" });
        expect(c.roles).toEqual({ read: "ToDoList.Read.All", write: "ToDoList.ReadWrite.All" });
    });

    test("PORT defaults to 3001 and the client id is lower-cased", () => {
        const c = parseApiEnv({ ...good, API_CLIENT_ID: CLIENT.toUpperCase() });
        expect([c.port, c.audience]).toEqual([3001, CLIENT]);
    });

    test("every missing variable is listed in one message", () => {
        expect(problems({})).toBe(
            "Invalid configuration (3 problems):\n" +
                "  - AUTHORITY is required but not set\n" +
                "  - TENANT_ID is required but not set\n" +
                "  - API_CLIENT_ID is required but not set",
        );
    });

    test("every malformed variable is listed in one message, without echoing values", () => {
        expect(problems({ AUTHORITY: "contoso.ciamlogin.com", TENANT_ID: "a/b", API_CLIENT_ID: "my-api", PORT: "70000", LOG_LEVEL: "loud", ALLOW_HTTP_AUTHORITY: "maybe" })).toBe(
            "Invalid configuration (6 problems):\n" +
                "  - ALLOW_HTTP_AUTHORITY must be true or false\n" +
                "  - AUTHORITY must be an absolute URL (https://...)\n" +
                "  - TENANT_ID must be the tenant's GUID or domain name (e.g. <subdomain>.onmicrosoft.com)\n" +
                "  - API_CLIENT_ID must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)\n" +
                "  - PORT must be a port number between 0 and 65535\n" +
                "  - LOG_LEVEL must be one of debug, info, warn, error, silent",
        );
    });

    test("http is refused unless explicitly allowed, and then only for loopback hosts", () => {
        expect(problems({ ...good, AUTHORITY: "http://127.0.0.1:9000/" })).toBe("Invalid configuration (1 problem):\n  - AUTHORITY must use https");
        expect(problems({ ...good, AUTHORITY: "http://contoso.example/", ALLOW_HTTP_AUTHORITY: "true" })).toBe(
            "Invalid configuration (1 problem):\n  - AUTHORITY must use https (http is allowed only for localhost, 127.0.0.1 or [::1])",
        );
        const c = parseApiEnv({ ...good, AUTHORITY: "http://127.0.0.1:9000/", ALLOW_HTTP_AUTHORITY: "1" });
        expect([c.allowInsecureHttp, c.metadataUrl]).toEqual([true, `http://127.0.0.1:9000/${TENANT}/v2.0/.well-known/openid-configuration`]);
    });

    test("credentials, queries and fragments in AUTHORITY are refused", () => {
        expect(problems({ ...good, AUTHORITY: "https://user:pw@contoso.ciamlogin.com/" })).toBe("Invalid configuration (1 problem):\n  - AUTHORITY must not contain credentials");
        expect(problems({ ...good, AUTHORITY: "https://contoso.ciamlogin.com/?x=1" })).toBe(
            "Invalid configuration (1 problem):\n  - AUTHORITY must not have a query or fragment (e.g. https://<subdomain>.ciamlogin.com/)",
        );
    });

    test("blank values count as missing", () => {
        expect(problems({ ...good, TENANT_ID: "   " })).toBe("Invalid configuration (1 problem):\n  - TENANT_ID is required but not set");
    });
});

describe("unresolved Key Vault references", () => {
    test("the API's table connection string that still reads @Microsoft.KeyVault( stops the process, naming it", () => {
        expect(() => createStore({ TODO_TABLE_CONNECTION_STRING: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/todo-conn/)" }))
            .toThrow(new EnvError(["TODO_TABLE_CONNECTION_STRING is an unresolved Key Vault reference (App Service could not read the secret: check that the site's managed identity may read it and that the secret exists; the site reads it again when it restarts)"]));
    });
});

describe("metadataUrlFor", () => {
    test.each([
        ["https://contoso.ciamlogin.com/", TENANT, `https://contoso.ciamlogin.com/${TENANT}/v2.0/.well-known/openid-configuration`],
        ["https://contoso.ciamlogin.com", TENANT, `https://contoso.ciamlogin.com/${TENANT}/v2.0/.well-known/openid-configuration`],
        ["https://contoso.ciamlogin.com/", "contoso.onmicrosoft.com", "https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"],
        // MSAL's form (authority already names the tenant): not added twice
        [`https://localhost:8443/${TENANT}/`, TENANT, `https://localhost:8443/${TENANT}/v2.0/.well-known/openid-configuration`],
        [`https://localhost:8443/${TENANT.toUpperCase()}`, TENANT, `https://localhost:8443/${TENANT.toUpperCase()}/v2.0/.well-known/openid-configuration`],
    ])("%s + %s", (authority, tenant, expected) => {
        expect(metadataUrlFor(authority, tenant)).toBe(expected);
    });
});
