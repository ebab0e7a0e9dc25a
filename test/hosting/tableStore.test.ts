/** The Azure Table Storage to-do store against Azurite (started from node_modules, 127.0.0.1, a temp folder). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AzureNamedKeyCredential } from "@azure/data-tables";
import type { Azurite } from "../../scripts/azurite.cjs";
import { startAzurite } from "../../scripts/azurite.cjs";
import { EnvError } from "../../webapp/src/shared/env";
import type { TodoItem } from "../../webapp/src/api/store";
import { TableTodoStore, tableStoreFromEnv, wantsTableStore } from "../../webapp/src/api/tableStore";

const ALICE = "11111111-1111-4111-8111-111111111111";
const BOB = "22222222-2222-4222-8222-222222222222";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let azurite: Azurite;
let dir: string;

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "todo-table-"));
    azurite = await startAzurite({ location: dir });
});

afterAll(async () => {
    await azurite?.stop();
    rmSync(dir, { recursive: true, force: true });
});

/** The store's documented order: oldest first, ties broken by id. */
function ordered(...items: TodoItem[]): TodoItem[] {
    return [...items].sort((x, y) => (x.createdAt === y.createdAt ? (x.id < y.id ? -1 : 1) : x.createdAt < y.createdAt ? -1 : 1));
}

function store(tableName: string): TableTodoStore {
    return new TableTodoStore({ connectionString: azurite.connectionString, tableName });
}

describe("TableTodoStore", () => {
    test("adds, lists oldest first and removes one owner's items", async () => {
        const s = store("addlist");
        expect(await s.list(ALICE)).toEqual([]);
        const first = await s.add(ALICE, "buy milk");
        const second = await s.add(ALICE, "walk the dog");
        expect(first.id).toMatch(UUID);
        expect(first.owner).toBe(ALICE);
        expect(first.description).toBe("buy milk");
        expect(Number.isNaN(Date.parse(first.createdAt))).toBe(false);
        expect(first.createdAt <= second.createdAt).toBe(true);
        expect(await s.list(ALICE)).toEqual(ordered(first, second));
        expect(await s.remove(first.id, ALICE)).toBe(true);
        expect(await s.list(ALICE)).toEqual([second]);
        expect(await s.remove(first.id, ALICE)).toBe(false);
    });

    test("isolates owners: one owner can neither see nor remove another's items", async () => {
        const s = store("isolation");
        const a = await s.add(ALICE, "alice's item");
        const b = await s.add(BOB, "bob's item");
        expect(await s.list(ALICE)).toEqual([a]);
        expect(await s.list(BOB)).toEqual([b]);
        expect(await s.remove(b.id, ALICE)).toBe(false);
        expect(await s.list(BOB)).toEqual([b]);
        // App-only callers (no owner) see and remove across owners.
        expect(await s.list()).toEqual(ordered(a, b));
        expect(await s.remove(b.id)).toBe(true);
        expect(await s.list()).toEqual([a]);
        expect(await s.remove(b.id)).toBe(false);
    });

    test("items survive a new store instance (a restarted API)", async () => {
        const before = store("durable");
        const item = await before.add(ALICE, "still here");
        const after = store("durable");
        expect(await after.list(ALICE)).toEqual([item]);
    });

    test("works with the endpoint and a named-key credential (the managed-identity code path's shape)", async () => {
        const s = tableStoreFromEnv(
            { TODO_TABLE_ENDPOINT: azurite.endpoint, TODO_TABLE_NAME: "endpointpath" },
            new AzureNamedKeyCredential(azurite.accountName, azurite.accountKey),
        );
        const item = await s.add(BOB, "via endpoint");
        expect(await s.list(BOB)).toEqual([item]);
    });

    test("rejects keys the table service cannot store, naming the field", async () => {
        const s = store("badkeys");
        await expect(s.add("a/b", "x")).rejects.toThrow("owner must not contain / \\ # ? or control characters");
        await expect(s.add("", "x")).rejects.toThrow("owner must be a non-empty string");
        await expect(s.remove("x#y", ALICE)).rejects.toThrow("id must not contain / \\ # ? or control characters");
        await expect(s.list("q?")).rejects.toThrow("owner must not contain / \\ # ? or control characters");
        expect(() => store("1bad")).toThrow('table name "1bad" must be 3-63 letters or digits, starting with a letter');
    });
});

describe("tableStoreFromEnv", () => {
    test("selects the table store only when an endpoint or connection string is set", () => {
        expect(wantsTableStore({})).toBe(false);
        expect(wantsTableStore({ TODO_TABLE_ENDPOINT: " " })).toBe(false);
        expect(wantsTableStore({ TODO_TABLE_ENDPOINT: "https://acct.table.core.windows.net/" })).toBe(true);
        expect(wantsTableStore({ TODO_TABLE_CONNECTION_STRING: "AccountName=x" })).toBe(true);
    });

    test("lists every problem without echoing values", () => {
        const secretish = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        let error: unknown;
        try {
            tableStoreFromEnv({ TODO_TABLE_CONNECTION_STRING: secretish, TODO_TABLE_ENDPOINT: "http://example.com/", TODO_TABLE_NAME: "no-dashes" });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(EnvError);
        expect((error as EnvError).problems).toEqual([
            "TODO_TABLE_ENDPOINT must use https (http is allowed only for localhost, 127.0.0.1 or [::1])",
            "set either TODO_TABLE_ENDPOINT (managed identity) or TODO_TABLE_CONNECTION_STRING (development), not both",
            "TODO_TABLE_NAME must be 3-63 letters or digits, starting with a letter",
        ]);
        expect((error as Error).message).not.toContain("c2VjcmV0");
        expect(() => tableStoreFromEnv({})).toThrow(
            "TODO_TABLE_ENDPOINT (or, for development, TODO_TABLE_CONNECTION_STRING) is required for the table store",
        );
    });
});
