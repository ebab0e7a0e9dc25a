import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown, known } from "./secrets";
import { T } from "./types";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Default maximum lifetime, in days: the program's default `clientSecretLifetimeDays`. */
export const DEFAULT_MAX_SECRET_DAYS = 180;

const GO_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, "µs": 1e-3, ns: 1e-6 };

/** A Go duration such as `240h` or `2400h30m` (azuread's `endDateRelative`) in milliseconds; undefined when malformed. */
export function goDurationMs(text: string): number | undefined {
    if (!/^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/.test(text)) return undefined;
    let total = 0;
    for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) total += Number(n) * GO_UNITS[unit];
    return total;
}

/**
 * How long a password is valid, in days, counted from now (or from its start date when that is later), or a
 * problem. Without an end date Microsoft Graph makes a password valid for two years (passwordCredential:
 * endDateTime defaults to startDateTime + 2 years).
 */
export function lifetimeDays(p: { endDate?: unknown; endDateRelative?: unknown; startDate?: unknown }, now: number): number | string {
    const start = typeof p.startDate === "string" && !Number.isNaN(Date.parse(p.startDate)) ? Math.max(now, Date.parse(p.startDate)) : now;
    if (typeof p.endDate === "string" && p.endDate !== "") {
        const end = Date.parse(p.endDate);
        if (Number.isNaN(end)) return `endDate ${JSON.stringify(p.endDate)} is not an RFC 3339 date`;
        return (end - start) / DAY_MS;
    }
    if (typeof p.endDateRelative === "string" && p.endDateRelative !== "") {
        const ms = goDurationMs(p.endDateRelative);
        if (ms === undefined) return `endDateRelative ${JSON.stringify(p.endDateRelative)} is not a duration such as 2160h`;
        return ms / DAY_MS;
    }
    return "no endDate: Microsoft Graph would make the secret valid for two years";
}

export const clientSecretLifetime: ResourceValidationPolicy = {
    name: "client-secret-lifetime",
    description: "Client secrets (application passwords) have an end date no further away than the configured maximum (maxDays).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxDays: { type: "integer", minimum: 1, maximum: 730, default: DEFAULT_MAX_SECRET_DAYS },
        },
    },
    validateResource: (args, reportViolation) => {
        let password: Record<string, unknown> | undefined;
        if (args.type === T.applicationPassword) password = args.props;
        else if (args.type === T.application) password = known(() => args.props.password);
        if (!password) return;
        const fields = {
            endDate: known(() => password!.endDate),
            endDateRelative: known(() => password!.endDateRelative),
            startDate: known(() => password!.startDate),
        };
        // An end date computed from another resource is checked in `pulumi up`, where it is known.
        if (isUnknown(() => password!.endDate) || isUnknown(() => password!.endDateRelative)) return;
        const config = args.getConfig<{ maxDays?: number }>();
        const maxDays = typeof config.maxDays === "number" ? config.maxDays : DEFAULT_MAX_SECRET_DAYS;
        const days = lifetimeDays(fields, Date.now());
        if (typeof days === "string") reportViolation(`${days}; the maximum is ${maxDays} days`);
        else if (days > maxDays) reportViolation(`the secret is valid for ${Math.ceil(days)} days from now; the maximum is ${maxDays} days`);
    },
};
