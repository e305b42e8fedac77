// One random scenario, everything derived from its seed: a LAN from scenario-plan.ts boots, goes through chaos
// (scenario-faults.ts), heals and must converge; then a quiet period with event-loop lag below tolerance (no
// transition allowed), one or two healthy faults each followed by convergence, and a measured failover whose
// takeover time is checked against the exact bound. The checker (checker/checker.ts) follows every step throughout.
import { Checker } from "./checker/checker.ts";
import { EPSILON_MS, masterDownMs, skewMs } from "./checker/rules.ts";
import { Prng } from "./prng.ts";
import type { Sabotage } from "./sabotage.ts";
import { benignLag, injectHealthyFault, type Lab, scheduleChaos } from "./scenario-faults.ts";
import { intervalsOf, type Plan, planCluster, SCRIPT_TRACK, WAN_DEVICE } from "./scenario-plan.ts";
import { type SimNodeSpec, Simulation } from "./simulation.ts";
import { simNode } from "./topology.ts";

export interface ScenarioResult {
  readonly seed: number;
  readonly violations: string[];
  /** The full transition trace, for the same-seed-same-trace check. */
  readonly trace: string;
  /** Every input the world gave a node (not adverts or timers), for a replay and for sabotage relevance. */
  readonly journal: readonly string[];
  /** The measured failover and its exact window, when the formulas alone give one. */
  readonly measured: string;
  readonly logs: readonly string[];
}

export interface ScenarioOptions {
  /** Nodes that misbehave in a way the checker is not told about: proves the checker can fail. */
  readonly sabotage?: Sabotage;
  /** Run the sabotage's plan with faithful nodes: the baseline a sabotaged run is compared with. */
  readonly baseline?: boolean;
}

export function runScenario(seed: number, options: ScenarioOptions = {}): ScenarioResult {
  const prng = new Prng(seed);
  const drawn = planCluster(prng);
  const sabotage = options.sabotage;
  const plan = sabotage?.plan ? { ...drawn, configs: drawn.configs.map(sabotage.plan) } : drawn;
  const specs: SimNodeSpec[] = plan.configs.map((config, i) => {
    const quirks = options.baseline ? undefined : sabotage?.quirks(config, seed + i);
    return { ...simNode(i + 1, config), ...(quirks ? { quirks } : {}) };
  });
  const sim = new Simulation(specs, { minDelayMs: 0.01, maxDelayMs: plan.maxDelayMs, lossProbability: 0 }, prng);
  const checker = new Checker(sim, specs);
  const intervals = intervalsOf(plan);
  const lab: Lab = { sim, prng, plan, checker, names: sim.nodeNames, minIntervalMs: Math.min(...intervals), maxIntervalMs: Math.max(...intervals), rollingUntil: 0 };
  const maxI = lab.maxIntervalMs;
  const settleMs = settleTime(plan);

  // The world before the daemons start: an uplink and a health script, both fine.
  for (const name of lab.names) {
    sim.setDeviceLink(name, WAN_DEVICE, true);
    sim.setTrack(name, SCRIPT_TRACK, "up");
    sim.at(prng.between(0, 3 * maxI), () => sim.boot(name));
  }

  // Chaos, then everything heals: perfect wire, links up, partitions gone, stopped nodes boot again.
  const chaosEnd = 24 * maxI;
  if (prng.chance(0.3)) sim.wire = { ...sim.wire, lossProbability: prng.between(0.05, 0.3) };
  scheduleChaos(lab, 4 * maxI, chaosEnd - 7 * maxI, prng.int(0, 10));
  sim.at(chaosEnd, () => heal(lab));
  sim.runUntil(chaosEnd + settleMs);
  checker.checkConverged("after chaos");

  // Converged on a healthy LAN: a lag below tolerance must change nothing.
  checker.beginHealthy(plan.maxDelayMs);
  checker.beginStable(sim.now);
  for (let k = prng.int(0, 3); k > 0; k--) {
    const node = prng.pick(lab.names);
    sim.at(sim.now + prng.between(0, 5 * maxI), () => benignLag(lab, node));
  }
  sim.runUntil(sim.now + 6 * maxI);

  // Healthy faults, each followed by convergence and a stable period.
  for (let round = prng.int(1, 2); round > 0; round--) {
    let kind = "";
    const at = sim.now + prng.between(0, maxI);
    sim.at(at, () => (kind = injectHealthyFault(lab)));
    sim.runUntil(at + 6 * maxI + settleMs);
    checker.checkConverged(`after a healthy ${kind}`);
    checker.beginStable(sim.now);
    sim.runUntil(sim.now + 3 * maxI);
  }

  const measured = measuredFailover(lab, settleMs);
  checker.finish(sim.now);

  const trace = sim.transitions.map((t) => `${t.at.toFixed(4)} ${t.node} ${t.instance} ${t.from}>${t.to} ${t.reason}`).join("\n");
  return { seed, violations: checker.violations, trace, journal: checker.journal, measured, logs: sim.logs };
}

function heal(lab: Lab): void {
  const { sim } = lab;
  sim.wire = { minDelayMs: 0.01, maxDelayMs: lab.plan.maxDelayMs, lossProbability: 0 };
  for (const a of lab.names) {
    for (const b of lab.names) sim.partition(a, b, false);
    sim.setLink(a, true);
    if (!sim.isRunning(a)) sim.boot(a);
  }
}

/**
 * Long enough for any election to finish: two Master_Down_Intervals at the longest interval a reload can set (twice
 * the base) and down_timer_adverts 4 (a v2 reload may set it), plus preempt_delay and a switchover's window.
 */
function settleTime(plan: Plan): number {
  const instances = plan.configs.flatMap((c) => c.instances);
  const longestMs = 2 * plan.baseIntervalMs;
  const adverts = instances.some((i) => i.version === 2) ? 4 : 3;
  const worstMdi = adverts * longestMs + longestMs;
  const worstDelay = Math.max(...instances.map((i) => i.preemptDelayMs));
  return 2 * worstMdi + worstDelay + 5 * longestMs;
}

/**
 * The master of one virtual router crashes, loses its link (silence: a backup takes over Master_Down_Interval after
 * the last advert it heard) or stops gracefully (priority 0: after Skew_Time). The wire delay is fixed here, so the
 * takeover time is exact: between (the event + the wire delay + the winner's interval) and that plus ε.
 */
function measuredFailover(lab: Lab, settleMs: number): string {
  const { sim, prng, checker } = lab;
  const configs = lab.names.map((n) => sim.configOf(n));
  const candidates = (configs[0]?.instances ?? [])
    .map((i) => i.name)
    .filter((name) => lab.names.some((n) => sim.stateOf(n, name) === "master"));
  if (candidates.length === 0) return "none (no master)";
  const instance = prng.pick(candidates);
  const master = lab.names.find((n) => sim.stateOf(n, instance) === "master") as string;
  const kind = prng.pick(["crash", "link-cut", "shutdown"] as const);
  const delayMs = lab.plan.maxDelayMs;
  sim.wire = { minDelayMs: delayMs, maxDelayMs: delayMs, lossProbability: 0 };
  const masterInterval = sim.configOf(master).instances.find((i) => i.name === instance)?.advertIntervalMs ?? lab.maxIntervalMs;
  // One whole interval on the fixed wire first, so the last advert before the failure crossed it too.
  const failAt = sim.now + masterInterval + prng.between(0, masterInterval);
  let expected: { lo: number; hi: number; why: string } | undefined;
  sim.at(failAt, () => {
    expected = expectedTakeover(lab, instance, master, kind, delayMs);
    if (kind === "crash") sim.crash(master);
    else if (kind === "shutdown") sim.shutdown(master);
    else sim.setLink(master, false);
  });
  sim.runUntil(failAt + settleMs);
  const takeover = sim.transitions.find((t) => t.at >= failAt && t.instance === instance && t.node !== master && t.to === "master");
  const what = `${kind} of ${master} (${instance}) at ${failAt.toFixed(4)}`;
  const seen = takeover ? `${takeover.node} took over at ${takeover.at.toFixed(4)}` : "no takeover";
  if (expected !== undefined) {
    const window = `[${expected.lo.toFixed(4)}, ${expected.hi.toFixed(4)}] (${expected.why})`;
    if (!takeover || takeover.at < expected.lo - EPSILON_MS || takeover.at > expected.hi + EPSILON_MS) checker.report(`measured ${what}: ${seen}, expected in ${window}`);
  }
  checker.checkConverged(`after the measured ${kind}`);
  if (kind === "shutdown" && sim.holds(master, instance).size > 0) checker.report(`${master} still holds ${instance}'s addresses after stopping`);
  const window = expected ? `expected in [${expected.lo.toFixed(4)}, ${expected.hi.toFixed(4)}]` : "no closed-form window (the model checked it)";
  return `${what}: ${seen}, ${window}`;
}

/**
 * The takeover window, from the wire record only: silence → (last advert sent + wire delay + Master_Down_Interval);
 * priority 0 → (stop + wire delay + Skew_Time); the earliest backup wins. Undefined where a sync group or a node that
 * cannot hear the master makes the winner depend on more than these formulas (the checker's model still covers it).
 */
function expectedTakeover(lab: Lab, instance: string, master: string, kind: "crash" | "link-cut" | "shutdown", delayMs: number): { lo: number; hi: number; why: string } | undefined {
  const { sim, checker } = lab;
  if (lab.names.some((n) => sim.configOf(n).syncGroups.some((g) => g.members.includes(instance)))) return undefined;
  const sent = sim.adverts.filter(([, node, name, priority]) => node === master && name === instance && priority > 0).at(-1);
  const masterConfig = sim.configOf(master).instances.find((i) => i.name === instance);
  if (sent === undefined || masterConfig === undefined) return undefined;
  const [lastAdvertAt] = sent;
  const times: Array<{ at: number; why: string }> = [];
  for (const name of lab.names) {
    const router = checker.model(name).routers.get(instance);
    if (name === master || router === undefined || sim.stateOf(name, instance) !== "backup" || sim.isLagging(name)) continue;
    if (router.config.version !== masterConfig.version) return undefined;
    // A v3 backup runs on the master's interval; a v2 backup on its own, which equals the master's if it hears it.
    const intervalMs = router.config.version === 3 ? masterConfig.advertIntervalMs : router.config.advertIntervalMs;
    if (kind === "shutdown") {
      const skew = skewMs(router.config.version, router.priority, intervalMs);
      times.push({ at: sim.now + delayMs + skew, why: `priority 0 at ${sim.now.toFixed(4)} + delay ${delayMs} + ${name}'s Skew_Time ${skew}` });
    } else {
      const mdi = masterDownMs(router.config, router.priority, intervalMs);
      times.push({ at: lastAdvertAt + delayMs + mdi, why: `last advert ${lastAdvertAt.toFixed(4)} + delay ${delayMs} + ${name}'s MDI ${mdi}` });
    }
  }
  const first = times.sort((a, b) => a.at - b.at)[0];
  return first === undefined ? undefined : { lo: first.at, hi: first.at + EPSILON_MS, why: first.why };
}
