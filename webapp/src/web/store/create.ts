import type { Logger } from "../../shared/log";
import type { WebConfig } from "../config";
import { MemoryStore } from "./memory";
import { RedisStore } from "./redis";
import type { KeyValueStore } from "./types";

/** The store `config.store` names: Redis when REDIS_URL is set, else this process's memory. */
export function createStore(config: WebConfig["store"], log: Logger): KeyValueStore {
    return config.kind === "redis" ? new RedisStore({ url: config.url, auth: config.auth, log }) : new MemoryStore();
}
