// The simulator's checker: an independent oracle (one NodeModel per node, fed every step the simulator records)
// compared with each engine after every step, plus invariants over addresses, announcements and the cluster.
// It reads only what crosses the engine's boundary (inputs, outputs) and the simulator's wire records.
import { compareIp } from "../../../src/lib/ip.ts";
import type { Output, State } from "../../../src/vrrp/io.ts";
import type { SimNodeSpec, SimStep, Simulation } from "../simulation.ts";
import { ClusterWatch } from "./cluster-watch.ts";
import { HandoverWatch } from "./handover-watch.ts";
import { NodeModel } from "./node-model.ts";
import { checkConverged } from "./convergence.ts";
import { EPSILON_MS, PRIORITY_OWNER } from "./rules.ts";
import { at, describe, instanceNames, NOTHING_OBSERVED, observe, type ObservedStep, reloadChanges, transitionsOf } from "./step-summary.ts";

const MAX_VIOLATIONS = 40;

export class Checker {
  readonly violations: string[] = [];
  /** Every input the world gave a node (not adverts or timers), for a replay and for sabotage relevance. */
  readonly journal: string[] = [];
  private readonly models = new Map<string, NodeModel>();
  private readonly watches = new Map<string, HandoverWatch>();
  private readonly cluster: ClusterWatch;
  private readonly reported = new Set<string>();
  /** Every instance name any node is configured with (changes only with a reload). */
  private instances: readonly string[] = [];

  constructor(
    private readonly sim: Simulation,
    specs: readonly SimNodeSpec[],
  ) {
    for (const spec of specs) {
      const watch = new HandoverWatch();
      this.watches.set(spec.name, watch);
      this.models.set(spec.name, new NodeModel(spec.name, { 4: spec.ipv4, 6: spec.ipv6LinkLocal }, spec.config, watch));
    }
    this.cluster = new ClusterWatch(
      {
        instances: () => this.instances,
        mastersOf: (instance) => specs.map((s) => s.name).filter((n) => sim.isUp(n) && sim.stateOf(n, instance) === "master"),
        outranks: (instance, a, b) => this.outranks(instance, a, b),
        lagEndWithin: (node, from, to) => this.model(node).lags.find((l) => l.until >= from && l.from <= to)?.until,
      },
      (message) => this.report(message),
    );
    this.instances = instanceNames(specs.map((s) => s.config));
    sim.onStep = (step) => this.onStep(step);
    sim.observer = () => this.cluster.observe(sim.now);
  }

  model(node: string): NodeModel {
    const model = this.models.get(node);
    if (!model) throw new Error(`no model of ${node}`);
    return model;
  }

  /** From now on the wire is perfect and nothing partitions it: at most one master per virtual router. */
  beginHealthy(maxDelayMs: number): void {
    this.cluster.beginHealthy(maxDelayMs);
  }

  /** Converged: no transition is allowed until the next injected fault. */
  beginStable(at: number): void {
    this.cluster.beginStable(at);
  }

  /**
   * The largest event-loop lag that must change nothing. A master that lags L sends late: its backups hear a gap
   * of at most one interval + L + the wire's jitter, under 3 intervals + Skew_Time while L < 2 intervals - jitter.
   * A lagging backup drains the adverts that queued up before its late timer, so it never times out from lag.
   */
  lagToleranceMs(node: string): number {
    const wire = this.sim.wire;
    const intervals = this.model(node).config.instances.map((i) => i.advertIntervalMs);
    return 2 * Math.min(...intervals) - (wire.maxDelayMs - wire.minDelayMs) - EPSILON_MS;
  }

  /** The end of the run: every node's timers up to `now` must have run. */
  finish(now: number): void {
    for (const [name, model] of this.models) {
      if (!model.running) continue;
      model.advance(now);
      this.drainProblems(model);
      this.checkAddresses(name, now, [], true);
    }
  }

  /**
   * After the network healed and settled: one master per virtual router among the nodes that can run it, the
   * owner as master, and with preemption everywhere the highest effective priority as master.
   */
  checkConverged(label: string): void {
    const running = [...this.models.entries()].filter(([name, model]) => model.running && this.sim.isRunning(name));
    checkConverged(this.sim, running, label, (message) => this.report(message));
  }

  private outranks(instance: string, a: string, b: string): boolean {
    const ra = this.model(a).routers.get(instance);
    const rb = this.model(b).routers.get(instance);
    if (ra === undefined || rb === undefined) return false;
    if (ra.priority !== rb.priority) return ra.priority > rb.priority;
    const ma = this.model(a);
    return compareIp(ma.ownAddress(ra.config), this.model(b).ownAddress(rb.config)) > 0;
  }

  report(message: string): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push(message);
  }

  private onStep(step: SimStep): void {
    const model = this.model(step.node);
    const watch = this.watches.get(step.node) as HandoverWatch;
    const input = step.input;
    if (step.running && input.kind !== "crash") model.advance(step.at);
    this.drainProblems(model);
    const observed = step.outputs.length === 0 ? NOTHING_OBSERVED : observe(step.outputs);
    if (input.kind !== "deliver" && input.kind !== "timer") {
      const detail = input.kind === "reload" ? reloadChanges(model.config, input.config) : describe(step);
      this.journal.push(`${step.at.toFixed(4)} ${step.node} ${detail}${step.running ? "" : " (not running)"}`);
    }
    if (input.kind === "deliver") watch.heard(input.delivery, step.at, (instance) => model.routers.get(instance)?.config);
    if (input.kind === "crash") watch.forgetAll();
    model.apply(step, observed);
    if (input.kind === "reload") this.instances = instanceNames([...this.models.values()].map((m) => m.config));
    const expectsOutput = model.expectedAdverts.size > 0 || model.expectedTransitions.size > 0;
    if (observed !== NOTHING_OBSERVED || expectsOutput || input.kind !== "deliver") this.compare(step, model, observed);
    this.checkAddresses(step.node, step.at, step.outputs, input.kind !== "deliver");
    this.cluster.onStep(step, this.disturbance(step));
  }

  private drainProblems(model: NodeModel): void {
    for (const problem of model.problems.splice(0)) this.report(problem);
  }

  private disturbance(step: SimStep): boolean {
    switch (step.input.kind) {
      case "deliver":
      case "timer":
        return false;
      case "lag":
        return step.input.untilMs - step.at >= this.lagToleranceMs(step.node);
      case "boot":
      case "crash":
        return true;
      default:
        return step.running;
    }
  }

  /** The engine's final state and its adverts in this step against the model's. */
  private compare(step: SimStep, model: NodeModel, observed: ObservedStep): void {
    const names = new Set(model.routers.keys());
    for (const name of observed.transitioned) names.add(name);
    for (const name of observed.adverts.keys()) names.add(name);
    for (const name of model.expectedAdverts.keys()) names.add(name);
    for (const name of model.expectedTransitions.keys()) names.add(name);
    for (const instance of names) {
      const router = model.routers.get(instance);
      const expected: State = router?.state ?? "initialize";
      const actual = this.sim.stateOf(step.node, instance);
      if (expected !== actual) {
        const why = router?.state === "backup" && router.downAt ? ` (Master_Down_Timer ${router.downWhy})` : "";
        this.report(`${at(step)} ${instance} after ${describe(step)}: expected ${expected}${why}, engine is ${actual}${transitionsOf(step.outputs, instance)}`);
        if (router) model.resync(router, actual);
        continue;
      }
      const moves = model.expectedTransitions.get(instance) ?? 0;
      const made = observed.transitioned.filter((name) => name === instance).length;
      if (moves !== made) {
        this.report(`${at(step)} ${instance} after ${describe(step)}: expected ${moves} transition(s), engine made ${made}${transitionsOf(step.outputs, instance)}`);
      }
      const wanted = model.expectedAdverts.get(instance);
      const sent = observed.adverts.get(instance);
      if (wanted === undefined && sent === undefined) continue;
      const w = [...(wanted ?? [])].sort(byNumber).join(", ");
      const g = [...(sent ?? [])].sort(byNumber).join(", ");
      if (w !== g) this.report(`${at(step)} ${instance} after ${describe(step)}: expected adverts with priority [${w}], engine sent [${g}]`);
    }
  }

  /**
   * Holdings change only through outputs, so a step is checked for the instances its outputs name (all of them
   * after a world input, which can change what is expected), plus every handover still running (its bound).
   */
  private checkAddresses(node: string, now: number, outputs: readonly Output[], everything: boolean): void {
    const model = this.model(node);
    const watch = this.watches.get(node) as HandoverWatch;
    const names = new Set<string>(everything ? model.routers.keys() : []);
    for (const output of outputs) if ("instance" in output && output.instance !== undefined) names.add(output.instance);
    for (const instance of watch.instances()) names.add(instance);
    for (const instance of names) {
      const held = this.sim.holds(node, instance);
      const state = this.sim.stateOf(node, instance);
      const router = model.routers.get(instance);
      const announced = outputs.some((o) => o.type === "announce" && o.instance === instance);
      if (announced && state !== "master") this.reportOnce(`${node}/${instance}/announce`, `${now.toFixed(4)} ${node} ${instance}: announced (GARP/NA) as ${state}`);
      if (state === "master" && router) {
        const vips = router.config.virtualAddresses.map((v) => v.address);
        const missing = vips.filter((a) => !held.has(a));
        const extra = [...held].filter((a) => !vips.includes(a) && !watch.handingOver(instance));
        if (missing.length + extra.length > 0) {
          this.reportOnce(`${node}/${instance}/vips`, `${now.toFixed(4)} ${node} ${instance}: master holds [${[...held].join(", ")}], configured [${vips.join(", ")}]`);
        }
        const accept = router.priority === PRIORITY_OWNER || router.config.acceptMode;
        if (held.size > 0 && this.sim.acceptOf(node, instance) !== accept) {
          this.reportOnce(`${node}/${instance}/accept`, `${now.toFixed(4)} ${node} ${instance}: master's Accept_Mode is ${this.sim.acceptOf(node, instance)}, expected ${accept} (priority ${router.priority}, accept_mode ${router.config.acceptMode})`);
        }
      } else {
        const released = outputs.some((o) => o.type === "remove-addresses" && o.instance === instance);
        const problem = watch.check(instance, state, held.size, released, now, (t) => model.fireTime(t));
        if (problem) this.reportOnce(`${node}/${instance}/held`, `${now.toFixed(4)} ${node} ${instance} (${state}): ${problem}`);
      }
    }
  }

  private reportOnce(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.report(message);
  }
}

const byNumber = (a: number, b: number): number => a - b;
