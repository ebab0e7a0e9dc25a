/** The error a bad stack configuration raises: every problem at once, each naming the key, the value and what is allowed. */
/** Raised when the stack configuration is invalid; `problems` lists every problem found. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}
