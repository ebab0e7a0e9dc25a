import type { Env } from "../shared/env";
import { MemoryStore } from "./memoryStore";
import type { TodoStore } from "./store";
import { tableStoreFromEnv, wantsTableStore } from "./tableStore";

/**
 * Chooses the to-do store from the environment: Azure Table Storage when `TODO_TABLE_ENDPOINT` (managed identity,
 * in Azure) or `TODO_TABLE_CONNECTION_STRING` (development: Azurite) is set, otherwise in memory (tests).
 * Throws an `EnvError` (listing every problem) when store variables are missing or malformed.
 */
export function createStore(env: Env): TodoStore {
    if (wantsTableStore(env)) return tableStoreFromEnv(env);
    return new MemoryStore();
}
