import type { ChildProcess } from "node:child_process";

export interface ProcessSpec {
    readonly name: string;
    readonly command: string;
    readonly args: string[];
    readonly env?: NodeJS.ProcessEnv;
    readonly cwd?: string;
    /** A line of stdout or stderr matching this means the process is ready. */
    readonly ready: RegExp;
    readonly onLine?: (line: string, name: string) => void;
}

export interface ProcessHandle {
    readonly name: string;
    readonly child: ChildProcess;
    /** The last 500 lines of output. */
    readonly output: string[];
    /** The match of `ready`. */
    readonly match: RegExpMatchArray | null;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    stop(): Promise<void>;
}

export function startProcess(spec: ProcessSpec): Promise<ProcessHandle>;
export function stopProcess(handle: ProcessHandle, graceMs?: number): Promise<void>;
export function stopAll(handles: readonly ProcessHandle[]): Promise<void>;
export function freePort(): Promise<number>;
