// Invariants across nodes, checked after every simulated event: at most one master per virtual router while the
// network is healthy, except an overlap the wire resolves at once: one wire delay when the newcomer outranks the
// incumbent (preemption, equal-timer backups electing themselves together: the loser hears the winner's first
// advert), two when the newcomer is outranked (the incumbent answers its advert at once, RFC 9568 §6.4.3, and the
// newcomer yields on hearing the answer); and no transition at all from convergence to the next injected fault.
import type { SimStep } from "../simulation.ts";
import { EPSILON_MS } from "./rules.ts";

export interface ClusterView {
  instances(): readonly string[];
  mastersOf(instance: string): string[];
  /** Whether `a`'s adverts make `b` yield (higher priority, or equal priority and higher address). */
  outranks(instance: string, a: string, b: string): boolean;
  /** The end of a lag of `node` that overlaps [from, to], if any (its burst is handled then). */
  lagEndWithin(node: string, from: number, to: number): number | undefined;
}

export class ClusterWatch {
  /** Set while the wire is perfect and no partition or beyond-tolerance lag is in force. */
  private healthy: { readonly maxDelayMs: number } | undefined;
  private stableSince: number | undefined;
  /** Per instance and pair of masters: since when both are master, and how many wire delays resolve it. */
  private readonly overlapSince = new Map<string, { readonly at: number; readonly wireDelays: number }>();
  private readonly lastMasters = new Map<string, readonly string[]>();
  private readonly reported = new Set<string>();
  /** Masters change only with a transition: observe() has nothing new to look at otherwise (unless an overlap runs). */
  private dirty = true;

  constructor(
    private readonly view: ClusterView,
    private readonly report: (message: string) => void,
  ) {}

  beginHealthy(maxDelayMs: number): void {
    this.healthy = { maxDelayMs };
    this.dirty = true;
  }

  beginStable(at: number): void {
    this.stableSince = at;
  }

  onStep(step: SimStep, disturbance: boolean): void {
    if (step.outputs.some((o) => o.type === "transition")) this.dirty = true;
    if (disturbance) {
      this.stableSince = undefined;
      return;
    }
    if (this.stableSince === undefined) return;
    for (const output of step.outputs) {
      if (output.type !== "transition") continue;
      this.report(
        `${step.at.toFixed(4)} ${step.node} ${output.instance}: ${output.from} -> ${output.to} (${output.reason}) in a stable period (converged at ${this.stableSince.toFixed(4)}, no fault injected since)`,
      );
    }
  }

  observe(now: number): void {
    const healthy = this.healthy;
    if (healthy === undefined || (!this.dirty && this.overlapSince.size === 0)) return;
    this.dirty = false;
    const live = new Set<string>();
    for (const instance of this.view.instances()) {
      const masters = this.view.mastersOf(instance);
      const before = this.lastMasters.get(instance) ?? [];
      this.lastMasters.set(instance, masters);
      for (const a of masters) {
        for (const b of masters) {
          if (a >= b) continue;
          const key = `${instance} ${a} ${b}`;
          live.add(key);
          let overlap = this.overlapSince.get(key);
          if (overlap === undefined) {
            // The newcomer yields at once to an incumbent that outranks it only after hearing its answer.
            const newcomer = before.includes(a) ? b : a;
            const incumbent = newcomer === a ? b : a;
            overlap = { at: now, wireDelays: this.view.outranks(instance, incumbent, newcomer) ? 2 : 1 };
            this.overlapSince.set(key, overlap);
          }
          this.checkOverlap(now, instance, [a, b], key, overlap, healthy.maxDelayMs);
        }
      }
    }
    for (const key of this.overlapSince.keys()) if (!live.has(key)) this.overlapSince.delete(key);
  }

  private checkOverlap(now: number, instance: string, pair: readonly string[], key: string, overlap: { readonly at: number; readonly wireDelays: number }, maxDelayMs: number): void {
    const resolveMs = overlap.wireDelays * maxDelayMs;
    let limit = overlap.at + resolveMs + EPSILON_MS;
    for (const node of pair) {
      // A master that lags hears the other only when its loop runs again.
      const lagEnd = this.view.lagEndWithin(node, overlap.at, limit);
      if (lagEnd !== undefined) limit = Math.max(limit, lagEnd + resolveMs + EPSILON_MS);
    }
    const reportKey = `${key}@${overlap.at}`;
    if (now > limit && !this.reported.has(reportKey)) {
      this.reported.add(reportKey);
      this.report(`${now.toFixed(4)} ${instance}: ${pair.join(" and ")} both master since ${overlap.at.toFixed(4)}, longer than ${overlap.wireDelays} wire delay(s) of ${maxDelayMs} ms`);
    }
  }
}
