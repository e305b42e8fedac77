// The faults a scenario injects. Chaos: anything, including partitions, loss, lag beyond tolerance and
// cluster-wide version changes (nodes that cannot hear each other for a while). Healthy faults: what a working
// LAN sees (a crash, a stop, a link flap, a switchover, set_priority, a tracked object, a reload, a lag below
// tolerance); the checker then also holds the cluster to one master per virtual router.
import type { Checker } from "./checker/checker.ts";
import type { Prng } from "./prng.ts";
import { applyReload, CLUSTER_RELOADS, drawReload, groupMates, NODE_RELOADS, type ReloadKind } from "./scenario-reloads.ts";
import { SCRIPT_TRACK, WAN_DEVICE, type Plan } from "./scenario-plan.ts";
import type { Simulation } from "./simulation.ts";

export interface Lab {
  readonly sim: Simulation;
  readonly prng: Prng;
  readonly plan: Plan;
  readonly checker: Checker;
  readonly names: readonly string[];
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  /** The end of the cluster-wide reload rolling over the nodes: two at once could leave nodes that disagree. */
  rollingUntil: number;
}

const CHAOS = ["crash", "shutdown", "flap", "partition", "wan", "script", "override", "switchover", "reload", "lag", "loss"] as const;
// Reloads twice as often: each kind of reload has its own rule (interval, priority, VIPs, accept mode).
const HEALTHY = ["crash", "shutdown", "flap", "switchover", "override", "wan", "script", "reload", "reload", "lag"] as const;

export type FaultKind = (typeof CHAOS)[number];

export function scheduleChaos(lab: Lab, from: number, to: number, count: number): void {
  for (let e = 0; e < count; e++) {
    const at = lab.prng.between(from, to);
    const kind = lab.prng.pick(CHAOS);
    const node = lab.prng.pick(lab.names);
    const other = lab.prng.pick(lab.names);
    lab.sim.at(at, () => inject(lab, kind, node, other, to, false));
  }
}

/** A fault a healthy LAN can see, aimed mostly at a master (where it matters), now. */
export function injectHealthyFault(lab: Lab): FaultKind {
  const kind = lab.prng.pick(HEALTHY);
  const instance = lab.prng.pick(instanceNames(lab));
  const master = lab.names.find((n) => lab.sim.stateOf(n, instance) === "master");
  const node = master !== undefined && lab.prng.chance(0.75) ? master : lab.prng.pick(lab.names);
  inject(lab, kind, node, node, lab.sim.now + 6 * lab.maxIntervalMs, true);
  return kind;
}

/** A lag the checker must see no transition for: below its tolerance. */
export function benignLag(lab: Lab, node: string): void {
  if (lab.sim.isLagging(node)) return; // two lags back to back would add up beyond the tolerance
  lab.sim.lag(node, lab.prng.between(0.05, 0.95) * lab.checker.lagToleranceMs(node));
}

function inject(lab: Lab, kind: FaultKind, node: string, other: string, until: number, healthy: boolean): void {
  const { sim, prng } = lab;
  const later = (minIntervals: number, maxIntervals: number): number => sim.now + prng.between(minIntervals, maxIntervals) * lab.maxIntervalMs;
  switch (kind) {
    case "crash":
      sim.crash(node);
      if (prng.chance(0.6)) sim.at(Math.min(until, later(0.5, 6)), () => sim.boot(node));
      break;
    case "shutdown":
      sim.shutdown(node);
      if (prng.chance(0.6)) sim.at(Math.min(until, later(0.5, 6)), () => sim.boot(node));
      break;
    case "flap": {
      // Half the flaps are shorter than one interval: the link comes back before anyone noticed the silence.
      const downMs = prng.chance(0.5) ? prng.between(0.05, 0.95) * lab.minIntervalMs : prng.between(1, 6) * lab.maxIntervalMs;
      sim.setLink(node, false);
      sim.at(sim.now + downMs, () => sim.setLink(node, true));
      break;
    }
    case "partition":
      if (node === other) break;
      sim.partition(node, other, true);
      if (prng.chance(0.5)) sim.at(Math.min(until, later(1, 10)), () => sim.partition(node, other, false));
      break;
    case "wan": {
      const up = !sim.linkOf(node, WAN_DEVICE);
      sim.setDeviceLink(node, WAN_DEVICE, up);
      if (!up && prng.chance(0.6)) sim.at(Math.min(until, later(0.3, 8)), () => sim.setDeviceLink(node, WAN_DEVICE, true));
      break;
    }
    case "script":
      sim.setTrack(node, SCRIPT_TRACK, prng.pick(["up", "down"] as const));
      break;
    case "override": {
      const instance = prng.pick(instanceNames(lab));
      const priority = prng.chance(0.25) ? null : prng.pick([1, 60, 120, 199, 253, prng.int(1, 254)]);
      for (const each of groupMates(sim.configOf(node), instance)) sim.setPriorityOverride(node, each, priority);
      break;
    }
    case "switchover": {
      const instance = prng.pick(instanceNames(lab));
      const master = lab.names.find((n) => sim.stateOf(n, instance) === "master") ?? node;
      sim.switchover(master, instance, prng.pick([0, 1, 3]) * lab.maxIntervalMs);
      break;
    }
    case "reload":
      reload(lab, node, healthy);
      break;
    case "lag":
      if (healthy) benignLag(lab, node);
      else sim.lag(node, prng.chance(0.5) ? prng.between(0.05, 0.95) * lab.checker.lagToleranceMs(node) : prng.between(3, 6) * lab.maxIntervalMs);
      break;
    case "loss":
      sim.wire = { ...sim.wire, lossProbability: sim.wire.lossProbability > 0 ? 0 : prng.between(0.05, 0.3) };
      break;
  }
}

/**
 * A reload. Cluster-wide changes roll over the nodes a little apart, as an operator's tooling would; a version change
 * leaves nodes that cannot hear each other for a while, so it is chaos only.
 */
function reload(lab: Lab, node: string, healthy: boolean): void {
  const { sim, prng } = lab;
  const kinds: readonly ReloadKind[] = healthy ? [...NODE_RELOADS, "vips", "interval"] : [...NODE_RELOADS, ...CLUSTER_RELOADS];
  const kind = prng.pick(kinds);
  if (CLUSTER_RELOADS.includes(kind) && sim.now < lab.rollingUntil) return;
  const name = prng.pick(instanceNames(lab));
  const instance = sim.configOf(node).instances.find((i) => i.name === name);
  if (instance === undefined) return;
  const change = drawReload(prng, kind, instance, lab.plan.baseIntervalMs);
  if (change === undefined) return;
  if (!CLUSTER_RELOADS.includes(kind)) {
    sim.reload(node, (config) => applyReload(config, name, change, kind));
    return;
  }
  const staggerMs = prng.between(0, 0.3) * lab.minIntervalMs;
  lab.rollingUntil = sim.now + lab.names.length * staggerMs;
  lab.names.forEach((each, i) => {
    const apply = (): void => sim.reload(each, (config) => applyReload(config, name, change, kind));
    if (i === 0) apply();
    else sim.at(sim.now + i * staggerMs, apply);
  });
}

function instanceNames(lab: Lab): string[] {
  return lab.plan.configs[0]?.instances.map((i) => i.name) ?? [];
}
