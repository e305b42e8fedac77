// What a reload changes for one instance. Anything that names a different virtual router on the wire
// (device, family, VRID, version) is a new instance; everything else is applied in place, so an unchanged
// master keeps its addresses and its advert cadence (keepalived issue #1425: reloads must not flap).
import type { Output } from "./io.ts";
import type { InstanceConfig, VirtualAddress, VirtualRoute } from "./model.ts";

export type InstanceDiff =
  | { readonly kind: "identity-changed" }
  | { readonly kind: "updated"; addressOutputs(holdingAddresses: boolean): Output[] };

const IDENTITY: readonly (keyof InstanceConfig)[] = ["interface", "family", "vrid", "version"];

export function diffInstance(old: InstanceConfig, next: InstanceConfig): InstanceDiff {
  if (IDENTITY.some((key) => old[key] !== next[key])) return { kind: "identity-changed" };
  return {
    kind: "updated",
    addressOutputs(holding: boolean): Output[] {
      if (!holding) return [];
      const gone = { addresses: minus(old.virtualAddresses, next.virtualAddresses), routes: minus(old.virtualRoutes, next.virtualRoutes) };
      const added = { addresses: minus(next.virtualAddresses, old.virtualAddresses), routes: minus(next.virtualRoutes, old.virtualRoutes) };
      const out: Output[] = [];
      const base = { instance: next.name, interface: next.interface };
      if (gone.addresses.length + gone.routes.length > 0) out.push({ type: "remove-addresses", ...base, ...gone });
      if (added.addresses.length + added.routes.length > 0) {
        out.push({ type: "add-addresses", ...base, ...added, acceptPackets: next.acceptMode || next.priority === 255 });
        if (added.addresses.length > 0) {
          out.push({ type: "announce", ...base, vrid: next.vrid, family: next.family, addresses: added.addresses, count: next.garp.masterRepeat });
        }
      }
      return out;
    },
  };
}

function minus<T extends VirtualAddress | VirtualRoute>(a: readonly T[], b: readonly T[]): T[] {
  const keys = new Set(b.map((x) => JSON.stringify(x)));
  return a.filter((x) => !keys.has(JSON.stringify(x)));
}
