import type { ProcessHandle } from "./processes";

export interface TenantInfo {
    readonly port: number;
    readonly issuer: string;
    readonly authority: string;
    readonly knownAuthority: string;
    readonly caPath: string;
    readonly spkiSha256: string;
    readonly tenantId: string;
    readonly webClientId: string;
    readonly daemonClientId: string;
    readonly api: { readonly clientId: string; readonly scopes: string[] } | null;
    readonly attributes: { attribute: string; label: string; required: boolean; inputType: string; options: { label: string; value: string }[]; claim: string }[];
    readonly demoUser: { readonly email: string; readonly password: string };
}

export interface LocalStack {
    readonly webUrl: string;
    readonly tenant: TenantInfo;
    readonly daemonClientSecret: string;
    readonly processes: ProcessHandle[];
    /** The web instances: one named `web` on webPort, or `web-1`..`web-N` on free ports behind the proxy on webPort. */
    readonly webs: readonly { readonly name: string; readonly port: number }[];
    /** Kills a web instance at once (SIGKILL). */
    killWeb(name: string): Promise<void>;
    /** Starts a web instance again on its port. */
    startWeb(name: string): Promise<ProcessHandle>;
    stop(): Promise<void>;
}

export function startLocalStack(options: {
    webPort: number;
    apiPort: number;
    tenantPort?: number;
    devDir?: string;
    node?: string;
    onLine?: (line: string, name: string) => void;
    extraEnv?: NodeJS.ProcessEnv;
    /** Web processes (default 1); more than one needs `redisUrl`. */
    instances?: number;
    /** REDIS_URL of the web processes (shared sessions). */
    redisUrl?: string;
    /** Called with one line per request the round-robin proxy forwards (instances > 1). */
    onProxyRequest?: (line: string) => void;
    /** Stack file the stand-in tenant reads (default Pulumi.dev.yaml). */
    stackFile?: string;
}): Promise<LocalStack>;
export const ROOT: string;
