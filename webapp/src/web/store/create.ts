import type { Logger } from "../../shared/log";
import type { WebConfig } from "../config";
import { MemoryStore } from "./memory";
import type { KeyValueStore } from "./types";

/**
 * The Redis store's module, required only when REDIS_URL is set. In the bundle it is a file of its own beside
 * server.js (`redis-store.js`: webapp/build.mjs points this require there; both are in the deployment package):
 * node-redis and @redis/entraid are ≈ 900 KB that a site without Redis would otherwise parse at every start
 * (measured ≈ +30 ms of cold start, scripts/bench-web.mjs).
 */
function redisModule(): typeof import("./redis") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("./redis") as typeof import("./redis");
}

/** The store `config.store` names: Redis when REDIS_URL is set, else this process's memory. */
export function createStore(config: WebConfig["store"], log: Logger): KeyValueStore {
    if (config.kind === "memory") return new MemoryStore();
    const { RedisStore } = redisModule();
    return new RedisStore({ url: config.url, auth: config.auth, log });
}
