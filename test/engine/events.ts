/**
 * Reading the engine's event stream (the Automation API's `onEvent`, the same JSON events `pulumi up --json
 * --event-log` writes) for assertions.
 */
import type { EngineEvent, OpMap } from "@pulumi/pulumi/automation";

export interface Recorded {
    readonly events: EngineEvent[];
    readonly onEvent: (e: EngineEvent) => void;
}

export function recorder(): Recorded {
    const events: EngineEvent[] = [];
    return { events, onEvent: (e) => events.push(e) };
}

/** The resource's name from its URN (`urn:pulumi:stack::project::type$type::name`). */
export function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** `name → op` of every step the engine finished (resOutputsEvent), for resources of the given type prefix. */
export function stepOps(events: EngineEvent[], typePrefix = "pulumi-nodejs:dynamic/"): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of events) {
        const m = e.resOutputsEvent?.metadata;
        if (m && m.type.startsWith(typePrefix)) out[urnName(m.urn)] = m.op;
    }
    return out;
}

/**
 * `name → output properties that changed`, from the old and new state the engine reports with each finished step
 * (resOutputsEvent). The Node dynamic-provider host fills no `diffs`/`detailedDiff` in its diff answers, so the
 * states are what tells which properties moved. `__provider` (the serialized provider) is left out.
 */
export function changedOutputs(events: EngineEvent[], typePrefix = "pulumi-nodejs:dynamic/"): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of events) {
        const m = e.resOutputsEvent?.metadata;
        if (!m || !m.type.startsWith(typePrefix) || !m.old || !m.new) continue;
        const olds = m.old.outputs ?? {};
        const news = m.new.outputs ?? {};
        const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])]
            .filter((k) => k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]))
            .sort();
        if (keys.length > 0) out[urnName(m.urn)] = keys;
    }
    return out;
}

/** The summary event's resource changes (op → count), without zero entries. */
export function summary(events: EngineEvent[]): OpMap {
    const s = events.find((e) => e.summaryEvent)?.summaryEvent;
    if (!s) throw new Error("the engine sent no summary event");
    return Object.fromEntries(Object.entries(s.resourceChanges).filter(([, n]) => (n ?? 0) > 0));
}

/** Diagnostics of severity error (and their text), for failure messages. */
export function errors(events: EngineEvent[]): string[] {
    return events.filter((e) => e.diagnosticEvent?.severity === "error").map((e) => e.diagnosticEvent!.message.trim());
}

/** Warnings, except the engine's note that the dynamic-provider plugin was found on PATH rather than next to the CLI. */
export function warnings(events: EngineEvent[]): string[] {
    return events
        .filter((e) => e.diagnosticEvent?.severity === "warning")
        .map((e) => e.diagnosticEvent!.message.trim())
        .filter((m) => !/^using pulumi-resource-pulumi-nodejs from \$PATH/.test(m));
}
