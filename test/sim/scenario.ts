// Random scenarios for the invariant property tests: a LAN of 2-4 routers running one VRID, a chaotic phase
// (crashes, link flaps, partitions, graceful stops, packet loss and reordering), then a quiet phase in which
// the protocol must converge, then a measured failover. Everything derives from one seed.
import { compareIp } from "../../src/lib/ip.ts";
import type { InstanceConfig } from "../../src/vrrp/model.ts";
import { masterDownIntervalMs, skewTimeMs } from "../../src/vrrp/timers.ts";
import { Prng } from "./prng.ts";
import { Simulation } from "./simulation.ts";
import { nodeIpv4, nodeIpv6LinkLocal, simInstance, simNode, single } from "./topology.ts";

export interface ScenarioResult {
  readonly seed: number;
  readonly violations: string[];
  /** The full transition trace, for the same-seed-same-trace check. */
  readonly trace: string;
  readonly logs: readonly string[];
}

interface Plan {
  readonly instances: InstanceConfig[];
  readonly intervalMs: number;
  readonly maxDelayMs: number;
  readonly ending: "crash" | "shutdown";
}

function plan(prng: Prng): Plan {
  const version = prng.pick([2, 3] as const);
  const family = version === 2 ? 4 : prng.pick([4, 6] as const);
  const intervalMs = version === 2 ? 1000 : prng.pick([20, 100, 1000]);
  const count = prng.int(2, 4);
  const hasOwner = prng.chance(0.15);
  const unicast = family === 4 && prng.chance(0.2);
  const auth = version === 2 && prng.chance(0.3) ? { authType: 1 as const, authPassword: "secret" } : {};
  const instances = Array.from({ length: count }, (_, i) => {
    const peers = Array.from({ length: count }, (_, j) => nodeIpv4(j + 1)).filter((_, j) => j !== i);
    return simInstance({
      vrid: 51,
      version,
      family,
      advertIntervalMs: intervalMs,
      priority: hasOwner && i === 0 ? 255 : prng.pick([50, 100, 100, 150, 200, 254, prng.int(1, 254)]),
      preempt: prng.chance(0.8),
      preemptDelayMs: prng.chance(0.2) ? prng.int(1, 3) * intervalMs : 0,
      initialState: prng.chance(0.3) ? "master" : "backup",
      v3Ipv4Checksum: prng.pick(["pseudo-header", "message-only"] as const),
      ...auth,
      ...(unicast ? { unicastPeers: peers } : {}),
    });
  });
  return { instances, intervalMs, maxDelayMs: Math.min(2, intervalMs / 20), ending: prng.pick(["crash", "shutdown"] as const) };
}

const addressOf = (name: string, family: 4 | 6): string => {
  const i = Number(name.slice(1));
  return family === 4 ? nodeIpv4(i) : nodeIpv6LinkLocal(i);
};

/** `sabotage` alters what the routers run but not what the checker expects: used to prove the checker can fail. */
export function runScenario(seed: number, sabotage?: (config: InstanceConfig) => InstanceConfig): ScenarioResult {
  const prng = new Prng(seed);
  const planned = plan(prng);
  const p = planned;
  const running = sabotage ? planned.instances.map(sabotage) : planned.instances;
  const violations: string[] = [];
  const sim = new Simulation(
    running.map((inst, i) => simNode(i + 1, single(inst))),
    { minDelayMs: 0.01, maxDelayMs: p.maxDelayMs, lossProbability: prng.chance(0.5) ? prng.between(0, 0.3) : 0 },
    prng,
  );
  const names = sim.nodeNames;
  const instance = p.instances[0]?.name ?? "";
  const family = p.instances[0]?.family ?? 4;
  const worstMdi = Math.max(...p.instances.map((i) => masterDownIntervalMs(i.version, i.priority, p.intervalMs)));
  const worstDelay = Math.max(...p.instances.map((i) => i.preemptDelayMs));

  // Continuously: a router that is not master holds addresses only while handing over (make before break),
  // and never for longer than Master_Down_Interval plus one interval.
  const holdingSince = new Map<string, number>();
  sim.observer = () => {
    for (const name of names) {
      const releasing = sim.stateOf(name, instance) !== "master" && sim.holds(name, instance).size > 0;
      const since = holdingSince.get(name);
      if (!releasing) holdingSince.delete(name);
      else if (since === undefined) holdingSince.set(name, sim.now);
      else if (sim.now - since > worstMdi + p.intervalMs + 1e-6 && !violations.some((v) => v.startsWith(`${name} held`))) {
        violations.push(`${name} held addresses as ${sim.stateOf(name, instance)} from ${since.toFixed(2)} to ${sim.now.toFixed(2)}`);
      }
    }
  };

  // Phase 1: boot (staggered) and chaos.
  const chaosEnd = 30 * p.intervalMs;
  for (const name of names) sim.at(prng.between(0, 3 * p.intervalMs), () => sim.boot(name));
  const events = prng.int(0, 8);
  for (let e = 0; e < events; e++) {
    const at = prng.between(4 * p.intervalMs, chaosEnd);
    const name = prng.pick(names);
    const other = prng.pick(names);
    const kind = prng.pick(["crash", "flap", "partition", "shutdown"] as const);
    sim.at(at, () => {
      if (kind === "crash") sim.crash(name);
      else if (kind === "shutdown") sim.shutdown(name);
      else if (kind === "flap") sim.setLink(name, false);
      else if (name !== other) sim.partition(name, other, true);
    });
  }
  // Phase 2: everything heals; the network becomes perfect; nodes that were stopped boot again.
  sim.at(chaosEnd, () => {
    sim.wire = { ...sim.wire, lossProbability: 0 };
    for (const a of names) {
      for (const b of names) sim.partition(a, b, false);
      sim.setLink(a, true);
      if (!sim.isRunning(a)) sim.boot(a);
    }
  });
  const settled = chaosEnd + 4 * worstMdi + worstDelay + 4 * p.intervalMs;
  sim.runUntil(settled);
  checkConverged(sim, p, names, instance, family, violations, "after convergence");

  // Phase 3: the master falls silent (crash) or stops gracefully (priority 0); a backup must take over in time.
  const master = names.find((n) => sim.stateOf(n, instance) === "master");
  if (master) {
    const lastAdvert = [...sim.adverts].reverse().find(([, node]) => node === master)?.[0] ?? settled;
    const failAt = settled + prng.between(0, p.intervalMs);
    // One L2 segment does not reorder frames; the measured failover uses a fixed delay so the bound is exact.
    sim.wire = { minDelayMs: p.maxDelayMs, maxDelayMs: p.maxDelayMs, lossProbability: 0 };
    sim.at(failAt, () => (p.ending === "crash" ? sim.crash(master) : sim.shutdown(master)));
    sim.runUntil(failAt + 2 * worstMdi + 2 * p.intervalMs);
    const backups = p.instances.filter((_, i) => names[i] !== master);
    const takeover = sim.transitions.find((t) => t.at >= failAt && t.node !== master && t.to === "master");
    if (!takeover) {
      violations.push(`no backup took over after ${master} ${p.ending === "crash" ? "crashed" : "stopped"} at ${failAt.toFixed(2)}`);
    } else if (p.ending === "crash") {
      const silentSince = Math.max(lastAdvertBefore(sim, master, failAt) ?? lastAdvert, settled - p.intervalMs);
      const bound = silentSince + Math.max(...backups.map((b) => masterDownIntervalMs(b.version, b.priority, p.intervalMs))) + p.intervalMs + p.maxDelayMs;
      if (takeover.at > bound + 1e-6) {
        violations.push(`takeover at ${takeover.at.toFixed(3)} after the master fell silent at ${silentSince.toFixed(3)}: later than MDI + one interval (${bound.toFixed(3)})`);
      }
    } else {
      const bound = failAt + Math.max(...backups.map((b) => skewTimeMs(b.version, b.priority, p.intervalMs))) + p.maxDelayMs;
      if (takeover.at > bound + 1e-6) {
        violations.push(`takeover at ${takeover.at.toFixed(3)} after priority 0 at ${failAt.toFixed(3)}: later than Skew_Time (${bound.toFixed(3)})`);
      }
    }
    // The survivors converge again; a gracefully stopped master has released its addresses by now.
    sim.runUntil(sim.now + 4 * worstMdi + worstDelay);
    checkConverged(sim, p, names.filter((n) => n !== master), instance, family, violations, "after failover");
    if (sim.holds(master, instance).size > 0) violations.push(`${master} still holds addresses after stopping`);
  }

  const trace = sim.transitions.map((t) => `${t.at.toFixed(4)} ${t.node} ${t.from}>${t.to} ${t.reason}`).join("\n");
  return { seed, violations, trace, logs: sim.logs };
}

function lastAdvertBefore(sim: Simulation, node: string, time: number): number | undefined {
  let last: number | undefined;
  for (const [at, who] of sim.adverts) if (who === node && at <= time) last = at;
  return last;
}

function checkConverged(sim: Simulation, p: Plan, names: readonly string[], instance: string, family: 4 | 6, violations: string[], when: string): void {
  const masters = names.filter((n) => sim.stateOf(n, instance) === "master");
  if (masters.length !== 1) {
    violations.push(`${when}: ${masters.length} masters (${masters.join(", ")}) at ${sim.now.toFixed(2)}`);
    return;
  }
  const master = masters[0] ?? "";
  for (const name of names) {
    const held = sim.holds(name, instance).size;
    if (name !== master && held > 0) violations.push(`${when}: backup ${name} holds ${held} virtual addresses`);
  }
  if (sim.holds(master, instance).size === 0) violations.push(`${when}: master ${master} holds no virtual address`);
  const configs = new Map(names.map((n) => [n, p.instances[Number(n.slice(1)) - 1]]));
  const owner = names.find((n) => configs.get(n)?.priority === 255);
  if (owner && master !== owner) violations.push(`${when}: the owner ${owner} is not master (${master} is)`);
  if (!owner && names.every((n) => configs.get(n)?.preempt)) {
    const best = [...names].sort((a, b) => {
      const pa = configs.get(a)?.priority ?? 0;
      const pb = configs.get(b)?.priority ?? 0;
      return pb - pa || compareIp(addressOf(b, family), addressOf(a, family));
    })[0];
    const bestPriority = configs.get(best ?? "")?.priority;
    if (best !== master && configs.get(master)?.priority !== bestPriority) {
      violations.push(`${when}: with preempt, ${best} (priority ${bestPriority}) should be master, not ${master} (priority ${configs.get(master)?.priority})`);
    }
  }
}
