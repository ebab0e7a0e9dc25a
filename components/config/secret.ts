/** The client secret's rotation windows: which window is current, and the previous one while it is still valid. */

/**
 * One rotation window of the client secret. Windows alternate between two slots (`a` for even, `b` for odd
 * window numbers), so the password of window N stays untouched while window N+1's is created in the other slot,
 * and is replaced only when window N+2 starts.
 */
export interface SecretWindow {
    /** Window number since 2024-01-01 UTC. */
    readonly index: number;
    readonly slot: "a" | "b";
    /** First day of the window (ISO date): the password's rotation trigger. */
    readonly start: string;
    /** The password's expiry (RFC 3339): the window's start plus the lifetime. */
    readonly endDate: string;
}

/** The platform maximum for an application password's lifetime (two years). */
export const MAX_SECRET_LIFETIME_DAYS = 730;

const ROTATION_EPOCH = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

/**
 * The current rotation window at `now` and the previous one while its password has not expired: nothing is declared
 * past its end date, so a lifetime shorter than two windows lets the previous one lapse early.
 */
export function secretWindows(now: Date, lifetimeDays: number, rotationDays: number): { current: SecretWindow; previous?: SecretWindow } {
    const windowIndex = Math.floor((now.getTime() - ROTATION_EPOCH) / (rotationDays * DAY_MS));
    const window = (index: number): SecretWindow => {
        const start = ROTATION_EPOCH + index * rotationDays * DAY_MS;
        return {
            index,
            slot: index % 2 === 0 ? "a" : "b",
            start: new Date(start).toISOString().slice(0, 10),
            endDate: new Date(start + lifetimeDays * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z"),
        };
    };
    const current = window(windowIndex);
    const previousWindow = window(windowIndex - 1);
    const previous = Date.parse(previousWindow.endDate) > now.getTime() ? previousWindow : undefined;
    return previous ? { current, previous } : { current };
}
