// Addresses held by a node that is not master: only while handing over, and only as long as the handover rule
// allows. Make-before-break: until the new master is heard, at most one of its advert intervals after its first
// advert reaches us (or, when nobody is heard, Master_Down_Interval after stepping down), and not released before
// either (that is the point of it). Strict, Fault and a sync-group pull: released in the step that left Master.
// One instance name can have two handovers at once: a reload that re-creates an instance (new version) retires
// the old router, which hands over while the new one may step down too.
import type { State } from "../../../src/vrrp/io.ts";
import type { InstanceConfig } from "../../../src/vrrp/model.ts";
import type { Delivery } from "../wire-facts.ts";
import { accepts, supersedesLeaving } from "./acceptance.ts";
import type { ExpectedRouter } from "./expected-router.ts";
import type { HandoverLog } from "./node-model.ts";
import { EPSILON_MS } from "./rules.ts";

interface Window {
  readonly router: ExpectedRouter;
  readonly since: number;
  readonly strict: boolean;
  /** The latest time the addresses may still be held (before any lag of the node). */
  untilMs: number;
  /** An advert of a new master was heard after stepping down: make-before-break may let go now. */
  heard: boolean;
  why: string;
}

export class HandoverWatch implements HandoverLog {
  private readonly windows = new Map<string, Window[]>();

  steppedDown(router: ExpectedRouter, at: number, release: "now" | { readonly untilMs: number }): void {
    const strict = release === "now";
    const untilMs = strict ? at : release.untilMs;
    const why = strict ? `released when leaving master at ${at.toFixed(4)}` : `held from ${at.toFixed(4)} until ${untilMs.toFixed(4)} at most`;
    const others = (this.windows.get(router.name) ?? []).filter((w) => w.router !== router);
    this.windows.set(router.name, [...others, { router, since: at, strict, untilMs, heard: false, why }]);
  }

  /** The router is master again: its own handover is over (a retiring router of the same name may still hold). */
  claimed(router: ExpectedRouter): void {
    const others = (this.windows.get(router.name) ?? []).filter((w) => w.router !== router);
    if (others.length > 0) this.windows.set(router.name, others);
    else this.windows.delete(router.name);
  }

  forgetAll(): void {
    this.windows.clear();
  }

  /**
   * The first advert of a new master heard: the addresses may stay at most one of its intervals longer. Heard by
   * the router that stepped down, or by the instance that now has its name (a re-created one speaks the new version).
   */
  heard(delivery: Delivery, at: number, current: (instance: string) => InstanceConfig | undefined): void {
    if (delivery.facts.priority === 0) return;
    for (const [instance, windows] of this.windows) {
      const now = current(instance);
      for (const window of windows) {
        const ownRule = window.router.stopped ? supersedesLeaving(window.router.config, delivery) : accepts(window.router.config, delivery);
        if (window.strict || !(ownRule || (now !== undefined && accepts(now, delivery)))) continue;
        window.heard = true;
        const bound = at + delivery.facts.intervalMs;
        if (bound < window.untilMs) {
          window.untilMs = bound;
          window.why = `stepped down at ${window.since.toFixed(4)}, heard ${delivery.from} at ${at.toFixed(4)} (interval ${delivery.facts.intervalMs})`;
        }
      }
    }
  }

  /**
   * Whether holding `count` addresses at `now` as a non-master (in `state`) is allowed, `released` telling whether
   * this step removed some; a reason when it is not.
   */
  check(instance: string, state: State, count: number, released: boolean, now: number, fireTime: (at: number) => number): string | undefined {
    const windows = this.windows.get(instance) ?? [];
    if (count === 0) {
      this.windows.delete(instance);
      // Fault lets go at once whatever the mode; otherwise some handover must allow letting go now.
      const allowed = (w: Window): boolean => w.strict || w.heard || now >= w.untilMs - EPSILON_MS;
      const open = windows.filter((w) => !allowed(w));
      if (released && state !== "fault" && windows.length > 0 && open.length === windows.length) {
        return `released at ${now.toFixed(4)} before hearing a new master (make-before-break: ${open[0]?.why})`;
      }
      return undefined;
    }
    if (windows.length === 0) return "holds addresses without having stepped down from master";
    const holdable = windows.filter((w) => !w.strict);
    if (holdable.length === 0) return `still holds addresses after leaving master (${windows[0]?.why})`;
    const latest = holdable.reduce((a, b) => (b.untilMs > a.untilMs ? b : a));
    if (now > fireTime(latest.untilMs) + EPSILON_MS) return `still holds addresses at ${now.toFixed(4)}: ${latest.why}`;
    return undefined;
  }

  /** Instances with a handover in progress (their bound is checked after every step of the node). */
  instances(): IterableIterator<string> {
    return this.windows.keys();
  }

  /** A master's address set may include what a retiring router of the same name still hands over. */
  handingOver(instance: string): boolean {
    return this.windows.has(instance);
  }
}
