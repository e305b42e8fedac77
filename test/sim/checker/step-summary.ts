// What one step of the simulator shows from the outside: the transitions and adverts in its outputs, and words
// for reports (the input, a reload's changes, an instance's transitions).
import type { Output } from "../../../src/vrrp/io.ts";
import type { CoreConfig } from "../../../src/vrrp/model.ts";
import type { SimStep } from "../simulation.ts";
import type { Observed } from "./node-model.ts";

export interface ObservedStep extends Observed {
  readonly transitioned: readonly string[];
  /** Advert priorities per instance, one per advert (a unicast advert goes to every peer: counted once). */
  readonly adverts: ReadonlyMap<string, number[]>;
}

export const NOTHING_OBSERVED: ObservedStep = { becameMaster: new Set(), advertised: new Set(), transitioned: [], adverts: new Map() };

export const at = (step: SimStep): string => `${step.at.toFixed(4)} ${step.node}`;

export function observe(outputs: readonly Output[]): ObservedStep {
  const becameMaster = new Set<string>();
  const transitioned: string[] = [];
  const firstDestination = new Map<string, string>();
  const adverts = new Map<string, number[]>();
  for (const output of outputs) {
    if (output.type === "transition") {
      transitioned.push(output.instance);
      if (output.to === "master") becameMaster.add(output.instance);
    } else if (output.type === "send") {
      const first = firstDestination.get(output.instance) ?? output.dst;
      firstDestination.set(output.instance, first);
      if (output.dst !== first) continue;
      const list = adverts.get(output.instance) ?? [];
      list.push(output.bytes[2] ?? -1);
      adverts.set(output.instance, list);
    }
  }
  const advertised = new Set([...adverts].filter(([, priorities]) => priorities.some((p) => p > 0)).map(([name]) => name));
  return { becameMaster, advertised, transitioned, adverts };
}

export function instanceNames(configs: readonly CoreConfig[]): string[] {
  return [...new Set(configs.flatMap((c) => c.instances.map((i) => i.name)))];
}

export function describe(step: SimStep): string {
  const input = step.input;
  switch (input.kind) {
    case "deliver":
      return `advert from ${input.delivery.from} (v${input.delivery.facts.version} priority ${input.delivery.facts.priority}, sent ${input.delivery.sentAtMs.toFixed(4)})`;
    case "link":
      return `link ${input.device} ${input.up ? "up" : "down"}`;
    case "track":
      return `track ${input.id} ${input.state}`;
    case "override":
      return `set_priority ${input.instance} ${input.priority}`;
    case "switchover":
      return `switchover ${input.instance}`;
    default:
      return input.kind;
  }
}

/** What a reload changed, instance by instance: "reload vr51-v4 advertIntervalMs 1000->2000". */
export function reloadChanges(old: CoreConfig, next: CoreConfig): string {
  const changes: string[] = [];
  for (const instance of next.instances) {
    const before = old.instances.find((i) => i.name === instance.name);
    if (before === undefined) {
      changes.push(`${instance.name} added`);
      continue;
    }
    for (const key of Object.keys(instance) as (keyof typeof instance)[]) {
      const a = JSON.stringify(before[key]);
      const b = JSON.stringify(instance[key]);
      if (a !== b) changes.push(`${instance.name} ${key} ${a}->${b}`);
    }
  }
  return `reload ${changes.join("; ") || "(no change)"}`;
}

export function transitionsOf(outputs: readonly Output[], instance: string): string {
  const moves = outputs.flatMap((o) => (o.type === "transition" && o.instance === instance ? [`${o.from}>${o.to} ${o.reason}`] : []));
  return moves.length > 0 ? ` (${moves.join(", ")})` : "";
}
