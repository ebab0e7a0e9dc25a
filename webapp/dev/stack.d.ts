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
}): Promise<LocalStack>;
export const ROOT: string;
