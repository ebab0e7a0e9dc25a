/**
 * The to-do store on Azure Table Storage: durable across restarts of the API.
 *
 * One entity per item: PartitionKey = owner (`oid`), RowKey = item id. In Azure the API reads and writes with its
 * App Service managed identity (role "Storage Table Data Contributor" on the table); locally and in tests it talks
 * to Azurite through Azurite's public development-account connection string.
 *
 * Environment:
 *   TODO_TABLE_ENDPOINT           table service URL, e.g. https://<account>.table.core.windows.net/ (managed identity)
 *   TODO_TABLE_CONNECTION_STRING  development only (Azurite): a connection string instead of the endpoint
 *   TODO_TABLE_NAME               table name (default "todos")
 */
import { randomUUID } from "node:crypto";
import { AzureNamedKeyCredential, odata, TableClient } from "@azure/data-tables";
import type { NamedKeyCredential, TableEntityResult } from "@azure/data-tables";
import { ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import { EnvReader } from "../shared/env";
import type { Env } from "../shared/env";
import type { TodoItem, TodoStore } from "./store";

export const DEFAULT_TABLE_NAME = "todos";

/** Table names: 3-63 letters and digits, starting with a letter (Azure Table Storage's rule). */
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
/** Characters a PartitionKey/RowKey must not contain: / \ # ? and control characters. */
const BAD_KEY_CHARS = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

interface TodoEntity {
    partitionKey: string;
    rowKey: string;
    description: string;
    createdAt: string;
}

export type TableStoreOptions = {
    /** Table name (default "todos"). */
    readonly tableName?: string;
} & (
    | {
          /** Table service URL. */
          readonly endpoint: string;
          /** A token credential (managed identity) or a named key (Azurite). */
          readonly credential: TokenCredential | NamedKeyCredential;
          readonly connectionString?: undefined;
      }
    | {
          /** A storage connection string (development: Azurite). */
          readonly connectionString: string;
          readonly endpoint?: undefined;
          readonly credential?: undefined;
      }
);

function checkKey(what: string, value: string): void {
    if (typeof value !== "string" || value === "") throw new Error(`${what} must be a non-empty string`);
    if (value.length > 512) throw new Error(`${what} must be at most 512 characters`);
    if (BAD_KEY_CHARS.test(value)) throw new Error(`${what} must not contain / \\ # ? or control characters`);
}

function isLoopbackHttp(url: string): boolean {
    try {
        const u = new URL(url);
        return u.protocol === "http:" && (u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]");
    } catch {
        return false;
    }
}

/** The TableEndpoint of a connection string, to allow plain http only for a loopback Azurite. */
function connectionStringEndpoint(connectionString: string): string | undefined {
    const match = /(?:^|;)\s*TableEndpoint=([^;]+)/i.exec(connectionString);
    return match?.[1]?.trim();
}

/** A {@link TodoStore} over one Azure table. */
export class TableTodoStore implements TodoStore {
    private readonly client: TableClient;
    private ready: Promise<void> | undefined;

    constructor(options: TableStoreOptions) {
        const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
        if (!TABLE_NAME.test(tableName)) {
            throw new Error(`table name "${tableName}" must be 3-63 letters or digits, starting with a letter`);
        }
        if (options.connectionString !== undefined) {
            const endpoint = connectionStringEndpoint(options.connectionString);
            this.client = TableClient.fromConnectionString(options.connectionString, tableName, {
                allowInsecureConnection: endpoint !== undefined && isLoopbackHttp(endpoint),
            });
        } else {
            this.client = new TableClient(options.endpoint, tableName, options.credential as TokenCredential, {
                allowInsecureConnection: isLoopbackHttp(options.endpoint),
            });
        }
    }

    /** Creates the table once (a no-op when it exists: the deployment creates it in Azure). */
    private ensureTable(): Promise<void> {
        this.ready ??= this.client.createTable().then(
            () => undefined,
            (err: unknown) => {
                this.ready = undefined;
                throw err;
            },
        );
        return this.ready;
    }

    async list(owner?: string): Promise<TodoItem[]> {
        if (owner !== undefined) checkKey("owner", owner);
        await this.ensureTable();
        const filter = owner === undefined ? undefined : odata`PartitionKey eq ${owner}`;
        const items: TodoItem[] = [];
        const pages = this.client.listEntities<TodoEntity>({ queryOptions: filter === undefined ? {} : { filter } });
        for await (const entity of pages) items.push(toItem(entity));
        return items.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }

    async add(owner: string, description: string): Promise<TodoItem> {
        checkKey("owner", owner);
        if (typeof description !== "string") throw new Error("description must be a string");
        await this.ensureTable();
        const item: TodoItem = { id: randomUUID(), owner, description, createdAt: new Date().toISOString() };
        await this.client.createEntity<TodoEntity>({
            partitionKey: item.owner,
            rowKey: item.id,
            description: item.description,
            createdAt: item.createdAt,
        });
        return item;
    }

    async remove(id: string, owner?: string): Promise<boolean> {
        checkKey("id", id);
        if (owner !== undefined) checkKey("owner", owner);
        await this.ensureTable();
        let partitionKey = owner;
        if (partitionKey === undefined) {
            // App-only callers act across owners: find the item's partition first.
            const pages = this.client.listEntities<TodoEntity>({ queryOptions: { filter: odata`RowKey eq ${id}`, select: ["PartitionKey"] } });
            for await (const entity of pages) {
                partitionKey = entity.partitionKey;
                break;
            }
            if (partitionKey === undefined) return false;
        }
        try {
            await this.client.deleteEntity(partitionKey, id);
            return true;
        } catch (err) {
            if ((err as { statusCode?: number }).statusCode === 404) return false;
            throw err;
        }
    }
}

function toItem(entity: TableEntityResult<TodoEntity>): TodoItem {
    return { id: entity.rowKey!, owner: entity.partitionKey!, description: entity.description, createdAt: entity.createdAt };
}

/** True when the environment selects the table store (TODO_TABLE_ENDPOINT or TODO_TABLE_CONNECTION_STRING set). */
export function wantsTableStore(env: Env): boolean {
    return (env.TODO_TABLE_ENDPOINT ?? "").trim() !== "" || (env.TODO_TABLE_CONNECTION_STRING ?? "").trim() !== "";
}

/**
 * Builds the table store from the environment; throws an `EnvError` naming each bad variable (values are not echoed:
 * a connection string holds a key). With TODO_TABLE_ENDPOINT the API authenticates with its managed identity
 * (`credential` overrides that, e.g. for tests).
 */
export function tableStoreFromEnv(env: Env, credential?: TokenCredential | NamedKeyCredential): TableTodoStore {
    const reader = new EnvReader(env);
    const connectionString = reader.string("TODO_TABLE_CONNECTION_STRING", false);
    const endpoint = reader.url("TODO_TABLE_ENDPOINT", { allowLoopbackHttp: true }, false);
    const tableName = reader.string("TODO_TABLE_NAME", false) ?? DEFAULT_TABLE_NAME;
    if (connectionString !== undefined && (env.TODO_TABLE_ENDPOINT ?? "").trim() !== "") {
        reader.problem("set either TODO_TABLE_ENDPOINT (managed identity) or TODO_TABLE_CONNECTION_STRING (development), not both");
    }
    if (connectionString === undefined && endpoint === undefined && (env.TODO_TABLE_ENDPOINT ?? "").trim() === "" && (env.TODO_TABLE_CONNECTION_STRING ?? "").trim() === "") {
        reader.problem("TODO_TABLE_ENDPOINT (or, for development, TODO_TABLE_CONNECTION_STRING) is required for the table store");
    }
    if (connectionString !== undefined && connectionStringEndpoint(connectionString) === undefined && !/AccountName=/i.test(connectionString)) {
        reader.problem("TODO_TABLE_CONNECTION_STRING must be a storage connection string (AccountName=...;AccountKey=...;TableEndpoint=...)");
    }
    if (!TABLE_NAME.test(tableName)) reader.problem("TODO_TABLE_NAME must be 3-63 letters or digits, starting with a letter");
    reader.done();
    if (connectionString !== undefined) return new TableTodoStore({ connectionString, tableName });
    return new TableTodoStore({
        endpoint: endpoint!,
        tableName,
        credential: credential ?? new ManagedIdentityCredential(),
    });
}

export { AzureNamedKeyCredential };
