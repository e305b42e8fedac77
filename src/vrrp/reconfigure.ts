// What a reload changes for one instance. Anything that names a different virtual router on the wire
// (device, family, VRID, version) is a new instance; everything else is applied in place, so an unchanged
// master keeps its addresses and its advert cadence (keepalived issue #1425: reloads must not flap).
import type { InstanceConfig, VirtualAddress, VirtualRoute } from "./model.ts";

const IDENTITY: readonly (keyof InstanceConfig)[] = ["interface", "family", "vrid", "version"];

/** True when the reload names another virtual router on the wire, so the instance must stop and start anew. */
export function identityChanged(old: InstanceConfig, next: InstanceConfig): boolean {
  return IDENTITY.some((key) => old[key] !== next[key]);
}

/** The items of `a` that are not in `b` (compared by value). */
export function minus<T extends VirtualAddress | VirtualRoute>(a: readonly T[], b: readonly T[]): T[] {
  const keys = new Set(b.map((x) => JSON.stringify(x)));
  return a.filter((x) => !keys.has(JSON.stringify(x)));
}
