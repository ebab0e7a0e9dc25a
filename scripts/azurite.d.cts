/** Types of scripts/azurite.cjs. */
export interface Azurite {
    /** Table service URL including the account, e.g. http://127.0.0.1:PORT/devstoreaccount1 */
    readonly endpoint: string;
    readonly port: number;
    /** Data folder (kept between runs). */
    readonly location: string;
    readonly accountName: string;
    /** Azurite's published development key (not a secret). */
    readonly accountKey: string;
    readonly connectionString: string;
    stop(): Promise<void>;
}
export declare const AZURITE_ACCOUNT: string;
export declare const AZURITE_KEY: string;
export declare function startAzurite(options?: { location?: string; port?: number }): Promise<Azurite>;
