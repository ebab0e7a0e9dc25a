/** App Service hosting config (`hosting`): region, plan, runtime, instances and the Redis session store. */
import { bool, field, isRecord, show, unknownFields } from "./fields";

export type NodeRuntime = "22-lts" | "24-lts";
export const NODE_RUNTIMES: readonly NodeRuntime[] = ["22-lts", "24-lts"];

export interface HostingConfig {
    /** Deploy the web app (and API) to Azure App Service. */
    readonly enabled: boolean;
    /** Azure region of the resource group, e.g. `westeurope`. Empty only when hosting is disabled. */
    readonly location: string;
    /** App Service plan SKU, e.g. `B1`. */
    readonly sku: string;
    readonly nodeVersion: NodeRuntime;
    /** Instances of the web plan (and so of each site); at most the SKU tier's limit. */
    readonly instances: number;
    /**
     * Azure Managed Redis for the web app's sessions and token caches, reached with Microsoft Entra (no keys).
     * Off only for a single instance (then sessions live in the process and a restart signs everybody out).
     */
    readonly redis: { readonly enabled: boolean; readonly sku: string };
}

export const APP_SERVICE_SKUS: readonly string[] = [
    "F1", "B1", "B2", "B3", "S1", "S2", "S3", "P0v3", "P1v3", "P2v3", "P3v3", "P1mv3", "P2mv3",
];

/**
 * Most instances a plan of each tier can run: Free 1; "Basic, Standard, and Premium service plans scale out to as many
 * as 3, 10, and 30 instances" (Microsoft Learn, "Scale up an app in Azure App Service").
 */
export function maxInstances(sku: string): number {
    if (sku.startsWith("F")) return 1;
    if (sku.startsWith("B")) return 3;
    if (sku.startsWith("S")) return 10;
    return 30;
}

/**
 * Azure Managed Redis SKUs (Microsoft.Cache/redisEnterprise), the current Redis offer: every Azure Cache for Redis
 * tier is retiring (Enterprise 2027-03-31, Basic/Standard/Premium 2028-09-30) in favour of it.
 */
export const REDIS_SKUS: readonly string[] = [
    ...["B0", "B1", "B3", "B5", "B10", "B20", "B50", "B100", "B150", "B250", "B350", "B500", "B700", "B1000"].map((s) => `Balanced_${s}`),
    ...["M10", "M20", "M50", "M100", "M150", "M250", "M350", "M500", "M700", "M1000", "M1500", "M2000"].map((s) => `MemoryOptimized_${s}`),
    ...["X3", "X5", "X10", "X20", "X50", "X100", "X150", "X250", "X350", "X500", "X700"].map((s) => `ComputeOptimized_${s}`),
];
export const DEFAULT_REDIS_SKU = "Balanced_B0";

export function parseHosting(value: unknown, problems: string[]): HostingConfig {
    const defaults: HostingConfig = {
        enabled: true, location: "", sku: "B1", nodeVersion: "24-lts", instances: 1, redis: { enabled: true, sku: DEFAULT_REDIS_SKU },
    };
    if (value === undefined) {
        problems.push(`hosting.location is required (an Azure region such as "westeurope"), or set hosting.enabled to false`);
        return defaults;
    }
    if (!isRecord(value)) {
        problems.push(`hosting: ${show(value)} must be an object such as {"location": "westeurope"}`);
        return defaults;
    }
    unknownFields(value, ["enabled", "location", "sku", "nodeVersion", "instances", "redis", "redisSku"], "hosting", problems);
    const enabled = bool(value, "enabled", "hosting", true, problems);
    const location = field(value, "location", "hosting", problems) ?? "";
    if (enabled && location === "" && value.location === undefined) {
        problems.push(`hosting.location is required (an Azure region such as "westeurope"), or set hosting.enabled to false`);
    } else if (location !== "" && !/^[a-z][a-z0-9]{2,30}$/.test(location)) {
        problems.push(`hosting.location: ${show(location)} must be an Azure region name such as "westeurope" (lower case, no spaces)`);
    }
    const sku = field(value, "sku", "hosting", problems) ?? defaults.sku;
    const skuKnown = APP_SERVICE_SKUS.includes(sku);
    if (!skuKnown) problems.push(`hosting.sku: ${show(sku)} is not one of ${APP_SERVICE_SKUS.join(", ")}`);
    const nodeVersion = (field(value, "nodeVersion", "hosting", problems) ?? defaults.nodeVersion) as NodeRuntime;
    if (!NODE_RUNTIMES.includes(nodeVersion)) problems.push(`hosting.nodeVersion: ${show(nodeVersion)} is not one of ${NODE_RUNTIMES.join(", ")}`);

    let instances = defaults.instances;
    if (value.instances !== undefined && value.instances !== null) {
        const v = value.instances;
        const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n < 1) {
            problems.push(`hosting.instances: ${show(v)} must be a whole number of instances, at least 1`);
        } else if (skuKnown && n > maxInstances(sku)) {
            problems.push(`hosting.instances: ${n} is more than a ${sku} plan can run (at most ${maxInstances(sku)}); choose a larger hosting.sku or fewer instances`);
        } else {
            instances = n;
        }
    }
    const redisEnabled = bool(value, "redis", "hosting", true, problems);
    const redisSku = field(value, "redisSku", "hosting", problems) ?? DEFAULT_REDIS_SKU;
    if (!REDIS_SKUS.includes(redisSku)) {
        problems.push(`hosting.redisSku: ${show(redisSku)} is not an Azure Managed Redis SKU (e.g. ${DEFAULT_REDIS_SKU}, Balanced_B1, MemoryOptimized_M10, ComputeOptimized_X3)`);
    }
    if (enabled && !redisEnabled && instances > 1) {
        // Sessions and token caches in one process's memory would sign people out whenever another instance answers.
        problems.push(`hosting.instances: ${instances} instances need the shared session store; remove hosting.redis: false, or set hosting.instances to 1`);
    }
    return { enabled, location, sku, nodeVersion, instances, redis: { enabled: redisEnabled, sku: redisSku } };
}
