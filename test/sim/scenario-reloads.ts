// The reloads a scenario applies (engine.reconfigure): each returns the node's new configuration with one thing
// changed in one instance. Interval, version and VIP changes are applied to every node (a cluster-wide change);
// priority and accept mode to one node.
import type { CoreConfig, InstanceConfig, VirtualAddress } from "../../src/vrrp/model.ts";
import type { Prng } from "./prng.ts";
import { vipsFor } from "./topology.ts";

export type ReloadKind = "priority" | "accept" | "vips" | "interval" | "version";

export const NODE_RELOADS: readonly ReloadKind[] = ["priority", "accept"];
export const CLUSTER_RELOADS: readonly ReloadKind[] = ["vips", "interval", "version"];

function mapInstance(config: CoreConfig, name: string, change: (i: InstanceConfig) => InstanceConfig): CoreConfig {
  return { ...config, instances: config.instances.map((i) => (i.name === name ? change(i) : i)) };
}

/** A change of `kind` to instance `name`, drawn once per cluster-wide reload so every node gets the same one. */
export function drawReload(prng: Prng, kind: ReloadKind, instance: InstanceConfig, baseIntervalMs: number): ((i: InstanceConfig) => InstanceConfig) | undefined {
  switch (kind) {
    case "priority": {
      if (instance.priority === 255) return undefined; // owners stay owners: their status is not what reloads test
      const priority = prng.pick([50, 100, 150, 200, 254, prng.int(1, 254)]);
      return (i) => ({ ...i, priority });
    }
    case "accept":
      return (i) => ({ ...i, acceptMode: !i.acceptMode });
    case "vips":
      return (i) => ({ ...i, virtualAddresses: alternativeVips(i) });
    case "interval": {
      const intervalMs = instance.advertIntervalMs === baseIntervalMs ? 2 * baseIntervalMs : baseIntervalMs;
      // A v2 reload may change down_timer_adverts too: both make Master_Down_Interval follow the reload (defect 1).
      const downTimerAdverts = instance.version === 2 && prng.chance(0.3) ? (instance.downTimerAdverts === 3 ? 4 : 3) : instance.downTimerAdverts;
      return (i) => ({ ...i, advertIntervalMs: intervalMs, downTimerAdverts });
    }
    case "version": {
      // v2 carries whole seconds and IPv4 only; a version change is a new virtual router on the wire.
      if (instance.family !== 4 || instance.advertIntervalMs % 1000 !== 0) return undefined;
      const version = instance.version === 2 ? 3 : 2;
      return (i) => ({ ...i, version, authType: 0, authPassword: "" });
    }
  }
}

/**
 * The instance and its sync-group mates: a node's group shares one priority (what keepalived users configure), or
 * members whose priorities order the nodes differently would pull each other back and forth for ever.
 */
export function groupMates(config: CoreConfig, name: string): readonly string[] {
  return config.syncGroups.find((g) => g.members.includes(name))?.members ?? [name];
}

/** `change` applied to the instance; a priority change to its whole sync group on that node. */
export function applyReload(config: CoreConfig, name: string, change: (i: InstanceConfig) => InstanceConfig, kind: ReloadKind): CoreConfig {
  const names = kind === "priority" ? groupMates(config, name) : [name];
  return names.reduce((c, each) => mapInstance(c, each, change), config);
}

/** Toggles between the instance's base VIP list and the base list plus one address: a reload that changes something. */
function alternativeVips(instance: InstanceConfig): readonly VirtualAddress[] {
  const base = vipsFor(instance.family, instance.vrid);
  const more: VirtualAddress =
    instance.family === 4 ? { address: `203.0.113.${instance.vrid % 250}`, prefixLength: 24 } : { address: `2001:db8:1::${instance.vrid.toString(16)}`, prefixLength: 64 };
  return instance.virtualAddresses.some((v) => v.address === more.address) ? base : [...base, more];
}
