import type { Env } from "../shared/env";
import { MemoryStore } from "./memoryStore";
import type { TodoStore } from "./store";

/**
 * Chooses the to-do store from the environment. Today: always in memory.
 * Throws an `EnvError` (listing every problem) when store variables are missing or malformed.
 */
export function createStore(_env: Env): TodoStore {
    return new MemoryStore();
}
