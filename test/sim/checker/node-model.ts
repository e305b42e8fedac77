// The checker's model of one node: every instance's expected state and timers, moved by the same inputs the engine
// got (boot, links, tracking, reloads, switchover, received adverts, timers), by the rules of RFC 3768/5798/9568
// and keepalived (sync groups, Fault, preempt_delay) as docs/protocol-core.md states them. It predicts which
// adverts each step must send and which state each instance must end in; checker.ts compares that with the step.
// Where the rules leave a choice, a deadline is a range and the engine's observed behaviour picks inside it.
import { compareIp } from "../../../src/lib/ip.ts";
import type { State } from "../../../src/vrrp/io.ts";
import type { CoreConfig, InstanceConfig } from "../../../src/vrrp/model.ts";
import type { SimStep } from "../simulation.ts";
import type { Delivery } from "../wire-facts.ts";
import { accepts, addressedTo } from "./acceptance.ts";
import { advertAfterReload, nextAdvert } from "./advert-timer.ts";
import { type Deadline, exactly, fmt, shifted } from "./deadline.ts";
import { ExpectedRouter } from "./expected-router.ts";
import { NodeWorld } from "./node-world.ts";
import { EPSILON_MS, PRIORITY_OWNER, shortStartMs, syncGroupRetryMs } from "./rules.ts";

/** How the model tells the address checker that an old master stepped down or a new one took its addresses. */
export interface HandoverLog {
  steppedDown(router: ExpectedRouter, at: number, release: "now" | { readonly untilMs: number }): void;
  claimed(router: ExpectedRouter): void;
}

/** What the engine did in one step, as far as the model needs it to pick inside a range. */
export interface Observed {
  readonly becameMaster: ReadonlySet<string>;
  readonly advertised: ReadonlySet<string>;
}

interface Group {
  readonly members: ExpectedRouter[];
  propagating: boolean;
}

interface LagWindow {
  readonly from: number;
  readonly until: number;
}

export class NodeModel {
  readonly world = new NodeWorld();
  /** Current instances in configuration order. */
  routers = new Map<string, ExpectedRouter>();
  running = false;
  readonly lags: LagWindow[] = [];
  private groupOf = new Map<ExpectedRouter, Group>();
  private now = 0;
  private observed: Observed = { becameMaster: new Set(), advertised: new Set() };
  /** Advert priorities this step must send, per instance (in any order). */
  expectedAdverts = new Map<string, number[]>();
  /** How many transitions each instance must make in this step (a transient state shows only here). */
  expectedTransitions = new Map<string, number>();
  /** Rule breaks found while advancing (a timer that should have fired and did not). */
  readonly problems: string[] = [];

  constructor(
    readonly name: string,
    private readonly addresses: { readonly 4: string; readonly 6: string },
    public config: CoreConfig,
    private readonly handover: HandoverLog,
  ) {}

  /** When a timer due at `at` actually runs: at `at`, or when the event loop wakes if it was blocked then. */
  fireTime(at: number): number {
    // A lag that starts while the loop is already blocked extends it: follow the chain to the real wake-up.
    let wake = at;
    for (let moved = true; moved; ) {
      moved = false;
      for (const lag of this.lags) {
        if (wake >= lag.from && wake < lag.until) {
          wake = lag.until;
          moved = true;
        }
      }
    }
    return wake;
  }

  /** Feed one step; afterwards expectedAdverts and each router's state are what the engine must have produced. */
  apply(step: SimStep, observed: Observed): void {
    this.now = step.at;
    this.observed = observed;
    this.expectedAdverts = new Map();
    this.expectedTransitions = new Map();
    const input = step.input;
    switch (input.kind) {
      case "boot":
        this.boot();
        break;
      case "crash":
        this.running = false;
        this.routers = new Map();
        this.groupOf = new Map();
        break;
      case "shutdown":
        for (const router of this.routers.values()) this.stop(router);
        break;
      case "link":
        this.world.links.set(input.device, input.up);
        if (this.running) this.settle();
        break;
      case "track":
        this.world.scripts.set(input.id, input.state);
        if (this.running) this.settle();
        break;
      case "override":
        if (input.priority === null) this.world.overrides.delete(input.instance);
        else this.world.overrides.set(input.instance, input.priority);
        this.settle();
        break;
      case "switchover":
        this.switchover(input.instance, input.noPreemptMs);
        break;
      case "reload":
        // A stopping daemon is not reloaded: the configuration only changes what the node boots with next.
        if (step.running) this.reload(input.config);
        else this.config = input.config;
        break;
      case "deliver":
        this.receive(input.delivery);
        break;
      case "timer":
        this.timers();
        break;
      case "lag":
        this.lags.push({ from: step.at, until: input.untilMs });
        break;
    }
  }

  /**
   * Before a step at `now`: a timer that should have run before now without a step of the engine is a missed
   * takeover or a missed advert, unless a sync group was holding the member back (then it re-armed silently).
   */
  advance(now: number): void {
    // Oldest first: a sync group's silent retry of one member changes what another member's timer does.
    for (;;) {
      let next: ExpectedRouter | undefined;
      let nextAt = now - EPSILON_MS;
      for (const router of this.routers.values()) {
        const deadline = router.state === "backup" ? router.downAt : router.state === "master" ? router.adverAt : undefined;
        if (deadline === undefined) continue;
        const at = this.fireTime(deadline.hi);
        if (at < nextAt) {
          next = router;
          nextAt = at;
        }
      }
      if (next === undefined) return;
      this.missed(next, nextAt, now);
    }
  }

  private missed(router: ExpectedRouter, firedAt: number, now: number): void {
    if (router.state === "master") {
      this.problems.push(`${this.name} ${router.name}: master's advert due at ${fmt(router.adverAt ?? exactly(firedAt))} not sent by ${now.toFixed(4)}`);
      router.adverAt = undefined;
      return;
    }
    router.wantMaster = true;
    if (this.canBecomeMaster(router)) {
      this.problems.push(
        `${this.name} ${router.name}: Master_Down_Timer due at ${fmt(router.downAt ?? exactly(firedAt))} (${router.downWhy}) but still backup at ${now.toFixed(4)}`,
      );
      router.downAt = undefined;
    } else {
      router.setDown(firedAt + syncGroupRetryMs(router.config, router.masterAdverIntervalMs), "sync group retry");
    }
  }

  /** After a mismatch: follow the engine's state so one mistake is reported once, not as a cascade. */
  resync(router: ExpectedRouter, state: State): void {
    if (router.state === state) return;
    router.state = state;
    router.clearTimers();
    router.wantMaster = false;
  }

  ownAddress(config: InstanceConfig): string {
    return this.addresses[config.family];
  }

  // ---- inputs -----------------------------------------------------------------------------------------------

  private boot(): void {
    this.running = true;
    this.world.overrides.clear();
    this.build(this.config, new Map());
    for (const router of this.routers.values()) this.derive(router);
    for (const router of this.routers.values()) this.start(router);
    this.settle();
  }

  private reload(config: CoreConfig): void {
    this.config = config;
    if (!this.running) return;
    const kept = new Map<string, ExpectedRouter>();
    for (const next of config.instances) {
      const current = this.routers.get(next.name);
      if (current === undefined || identityChanged(current.config, next)) continue;
      this.reconfigureInPlace(current, next);
      kept.set(next.name, current);
    }
    // Removed (or re-created) instances leave as on a shutdown; the handover watch follows their addresses.
    for (const router of this.routers.values()) if (!kept.has(router.name)) this.stop(router);
    this.world.overrides.clear();
    this.build(config, kept);
    // New instances start as at boot: with their tracked priority and Fault known first, so none of them is
    // Master or Backup for an instant it should never have been (a transient master would advertise and GARP).
    const fresh = [...this.routers.values()].filter((router) => !kept.has(router.name));
    for (const router of fresh) this.derive(router);
    for (const router of fresh) this.start(router);
    this.settle();
  }

  /**
   * Hitless reload of one instance. A v2 backup's Master_Down_Interval follows the configuration, so when it changes
   * the timer restarts at reload time + the new interval (issue #11, defect 1); a v3 backup keeps the interval it
   * learned from its master until the next advert; a master whose interval shrinks advertises no later than reload
   * time + the new interval (one that grows may keep its next advert or move it up to reload + new interval).
   */
  private reconfigureInPlace(router: ExpectedRouter, next: InstanceConfig): void {
    const before = router.mdiMs();
    const previousIntervalMs = router.config.advertIntervalMs;
    router.config = next;
    if (router.state !== "backup" || next.version === 2) router.masterAdverIntervalMs = next.advertIntervalMs;
    if (router.state === "backup" && router.downAt !== undefined && !router.downFromPriorityZero && !router.wantMaster) {
      const after = router.mdiMs();
      if (after !== before) router.setDown(this.now + after, `reload at ${this.now.toFixed(4)} + new MDI ${after}`);
    }
    if (router.state === "master" && router.adverAt !== undefined) {
      router.adverAt = advertAfterReload(router.adverAt, this.now, previousIntervalMs, next.advertIntervalMs);
    }
  }

  private switchover(name: string, noPreemptMs: number): void {
    const router = this.routers.get(name);
    if (router === undefined) return;
    const members = this.groupOf.get(router)?.members ?? [router];
    for (const member of members) {
      // A member already pulled back by the group (sync-group-backup) is no longer master: the engine skips it.
      if (member.state !== "master") continue;
      this.advert(member, 0);
      member.noPreemptUntil = this.now + noPreemptMs;
      this.stepDown(member, this.now + member.mdiMs());
      this.enterBackup(member, true);
    }
  }

  private receive(delivery: Delivery): void {
    for (const router of this.routers.values()) {
      if (addressedTo(router.config, delivery)) this.receiveBy(router, delivery);
    }
  }

  private receiveBy(router: ExpectedRouter, delivery: Delivery): void {
    if (!router.started || router.stopped || (router.state !== "backup" && router.state !== "master")) return;
    if (!accepts(router.config, delivery)) return;
    const priority = delivery.facts.priority;
    const t = this.now;
    if (router.state === "backup") {
      if (priority === 0) {
        // RFC 5798 §6.4.2: "Set the Master_Down_Timer to Skew_Time".
        router.setDown(t + router.skewMs(), `priority 0 from ${delivery.from} at ${t.toFixed(4)} + Skew_Time ${router.skewMs()}`, true);
        return;
      }
      if (!this.acceptsAsMaster(router, priority)) return; // preemption: let the timer run out
      if (router.config.version === 3) router.masterAdverIntervalMs = delivery.facts.intervalMs;
      router.setDown(t + router.mdiMs(), `advert from ${delivery.from} (priority ${priority}) at ${t.toFixed(4)} + MDI ${router.mdiMs()}`);
      router.wantMaster = false;
      if (priority >= router.priority) router.preemptDelayUntil = undefined;
      return;
    }
    if (priority === 0) {
      // §6.4.3: answer at once, so the leaving router's backups see a master.
      this.advert(router, router.priority);
      router.adverAt = exactly(t + router.config.advertIntervalMs);
      return;
    }
    const own = this.ownAddress(router.config);
    const higher = priority > router.priority || (priority === router.priority && compareIp(delivery.src, own) > 0);
    if (higher) {
      if (router.config.version === 3) router.masterAdverIntervalMs = delivery.facts.intervalMs;
      this.stepDown(router, t + router.masterAdverIntervalMs);
      this.enterBackup(router, true);
      return;
    }
    // RFC 9568 §6.4.3: a lower-priority master is answered at once (split brain healing).
    if (!router.config.lowerPrioNoAdvert) {
      this.advert(router, router.priority);
      router.adverAt = exactly(t + router.config.advertIntervalMs);
    }
  }

  /** §6.4.2 plus preempt_delay and the switchover window: whether a backup takes this advert's sender as master. */
  private acceptsAsMaster(router: ExpectedRouter, priority: number): boolean {
    if (priority >= router.priority) return true;
    if (router.priority === PRIORITY_OWNER) return false; // the owner always preempts
    if (!router.config.preempt) return true;
    if (router.noPreemptUntil !== undefined && this.now < router.noPreemptUntil) return true;
    if (router.config.preemptDelayMs > 0) {
      // keepalived: the window starts at the first lower-priority advert heard.
      router.preemptDelayUntil ??= this.now + router.config.preemptDelayMs;
      return this.now < router.preemptDelayUntil;
    }
    return false;
  }

  private timers(): void {
    const t = this.now;
    for (const router of [...this.routers.values()]) {
      const down = router.downAt;
      // A sync group's retry is silent: within ε of its end, a member that cannot go master has fired (or will, ε
      // later, to the same effect), while one that can must show a transition, here or in a step ε later.
      const heldBack = down !== undefined && down.hi <= t + EPSILON_MS && !this.canBecomeMaster(router);
      if (router.state === "backup" && down !== undefined && (heldBack || this.due(down, this.observed.becameMaster.has(router.name)))) {
        router.wantMaster = true;
        if (this.canBecomeMaster(router)) this.becomeMaster(router);
        else router.setDown(t + syncGroupRetryMs(router.config, router.masterAdverIntervalMs), "sync group retry");
      } else if (router.state === "master") {
        const adverAt = router.adverAt;
        const sent = this.observed.advertised.has(router.name);
        if (adverAt === undefined) {
          // After a reported violation: the engine's next advert shows where its timer is.
          if (sent) {
            router.adverAt = exactly(t + router.config.advertIntervalMs);
            this.advert(router, router.priority);
          }
        } else if (this.due(adverAt, sent)) {
          this.advert(router, router.priority);
          const late = this.lags.some((lag) => Math.abs(lag.until - t) <= EPSILON_MS);
          router.adverAt = nextAdvert(adverAt, t, router.config.advertIntervalMs, late);
        }
      }
    }
  }

  /**
   * Due now: the range has begun, and the engine acted in it, or the range is clearly over (within ε of its end the
   * engine may still act in a separate step at the same time: two timers of equal time computed two ways).
   */
  private due(deadline: Deadline, engineActed: boolean): boolean {
    return deadline.lo <= this.now + EPSILON_MS && (engineActed || deadline.hi < this.now - EPSILON_MS);
  }

  // ---- the state machine ------------------------------------------------------------------------------------

  private start(router: ExpectedRouter): void {
    router.started = true;
    if (this.faulted(router)) this.transition(router, "fault");
    else this.enterRunning(router, true);
    router.firstStart = false;
  }

  /** Graceful stop (SIGTERM, or removed by a reload): a master sends priority 0 and hands over its addresses. */
  private stop(router: ExpectedRouter): void {
    if (router.stopped) return;
    const wasMaster = router.state === "master";
    if (wasMaster) this.advert(router, 0);
    router.stopped = true;
    router.clearTimers();
    if (wasMaster) this.stepDown(router, this.now + router.mdiMs());
    if (router.state !== "initialize") this.transition(router, "initialize");
  }

  private becomeMaster(router: ExpectedRouter): void {
    router.clearTimers();
    router.wantMaster = false;
    // Leaving Master forgets a preempt_delay window (keepalived clears preempt_time); so does entering it.
    router.preemptDelayUntil = undefined;
    this.advert(router, router.priority);
    this.handover.claimed(router);
    router.adverAt = exactly(this.now + router.config.advertIntervalMs);
    router.masterAdverIntervalMs = router.config.advertIntervalMs;
    this.transition(router, "master");
  }

  /** `handedOver`: the caller already logged the step-down (make-before-break or strict); else release now. */
  private enterBackup(router: ExpectedRouter, handedOver = false): void {
    const wasMaster = router.state === "master";
    router.clearTimers();
    if (wasMaster) router.preemptDelayUntil = undefined;
    if (wasMaster && !handedOver) this.handover.steppedDown(router, this.now, "now");
    router.setDown(this.now + router.mdiMs(), `entered backup at ${this.now.toFixed(4)} + MDI ${router.mdiMs()}`);
    this.transition(router, "backup");
  }

  /** Startup and leaving Fault: the owner goes straight to Master (§6.4.1), everyone else to Backup. */
  private enterRunning(router: ExpectedRouter, atStartup: boolean): void {
    router.masterAdverIntervalMs = router.config.advertIntervalMs;
    router.preemptDelayUntil = undefined;
    router.wantMaster = false;
    if (router.priority === PRIORITY_OWNER && this.canBecomeMaster(router)) return this.becomeMaster(router);
    this.enterBackup(router);
    if (atStartup && router.firstStart && router.config.initialState === "master") {
      // keepalived's `state MASTER`: one interval plus the minimal skew, at the instance's start only (defect 2).
      const at = this.now + shortStartMs(router.masterAdverIntervalMs);
      router.setDown(at, `state MASTER start at ${this.now.toFixed(4)} + ${shortStartMs(router.masterAdverIntervalMs)}`);
    }
  }

  /** Make-before-break keeps the addresses until `untilMs` at the latest; strict releases them in this step. */
  private stepDown(router: ExpectedRouter, untilMs: number): void {
    this.handover.steppedDown(router, this.now, router.config.handover === "strict" ? "now" : { untilMs });
  }

  private transition(router: ExpectedRouter, to: State): void {
    const from = router.state;
    router.state = to;
    this.expectedTransitions.set(router.name, (this.expectedTransitions.get(router.name) ?? 0) + 1);
    if (to !== "backup") router.wantMaster = false;
    const group = this.groupOf.get(router);
    if (group === undefined || group.propagating) return;
    group.propagating = true;
    try {
      for (const member of group.members) {
        if (member === router) continue;
        if (to === "master" && member.state === "backup") this.becomeMaster(member);
        else if (from === "master" && to === "backup") this.followToBackup(member);
      }
    } finally {
      group.propagating = false;
    }
  }

  /** Sync group: a member yielded, so the others yield too, with priority 0 so the peer's members take over fast. */
  private followToBackup(member: ExpectedRouter): void {
    if (member.state !== "master") {
      member.wantMaster = false;
      return;
    }
    this.advert(member, 0);
    this.enterBackup(member);
  }

  private canBecomeMaster(router: ExpectedRouter): boolean {
    const group = this.groupOf.get(router);
    return group === undefined || group.members.every((m) => m === router || m.state === "master" || m.wantMaster);
  }

  // ---- priority and Fault (level-triggered, after every change of the world) --------------------------------

  private settle(): void {
    for (const router of this.routers.values()) this.derive(router);
    for (const router of this.routers.values()) this.evaluateFault(router);
  }

  private derive(router: ExpectedRouter): void {
    const { priority, fault } = this.world.derive(router.config);
    router.trackFault = fault;
    if (priority === router.priority) return;
    // keepalived shifts a running Master_Down_Timer by the change in Skew_Time (= last heard + new MDI).
    if (router.state === "backup" && router.downAt !== undefined && !router.wantMaster) {
      const before = router.skewMs();
      const old = router.priority;
      router.priority = priority;
      // A shift into the past makes the timer due now (the engine runs it at its next wake-up, right away).
      const moved = shifted(router.downAt, router.skewMs() - before);
      router.downAt = { lo: Math.max(moved.lo, this.now), hi: Math.max(moved.hi, this.now) };
      router.downWhy += `, priority ${old} -> ${priority} at ${this.now.toFixed(4)}`;
      return;
    }
    router.priority = priority;
  }

  private ownFault(router: ExpectedRouter): boolean {
    return !this.world.lanUp || router.trackFault;
  }

  private faulted(router: ExpectedRouter): boolean {
    if (this.ownFault(router)) return true;
    const group = this.groupOf.get(router);
    return group !== undefined && group.members.some((m) => m !== router && !m.stopped && this.ownFault(m));
  }

  private evaluateFault(router: ExpectedRouter): void {
    if (!router.started || router.stopped) return;
    const fault = this.faulted(router);
    if (fault && router.state !== "fault") {
      if (router.state === "master") {
        // keepalived sends priority 0 on the way to Fault when the link still works; the addresses go at once.
        if (this.world.lanUp) this.advert(router, 0);
        this.handover.steppedDown(router, this.now, "now");
      }
      router.clearTimers();
      this.transition(router, "fault");
    } else if (!fault && router.state === "fault") {
      this.enterRunning(router, false);
    }
  }

  private build(config: CoreConfig, kept: ReadonlyMap<string, ExpectedRouter>): void {
    this.routers = new Map(config.instances.map((instance) => [instance.name, kept.get(instance.name) ?? new ExpectedRouter(instance)]));
    this.groupOf = new Map();
    for (const group of config.syncGroups) {
      const members = group.members.map((m) => this.routers.get(m)).filter((r): r is ExpectedRouter => r !== undefined);
      const shared: Group = { members, propagating: false };
      for (const member of members) this.groupOf.set(member, shared);
    }
  }

  private advert(router: ExpectedRouter, priority: number): void {
    const list = this.expectedAdverts.get(router.name) ?? [];
    list.push(priority);
    this.expectedAdverts.set(router.name, list);
  }
}

function identityChanged(old: InstanceConfig, next: InstanceConfig): boolean {
  return old.interface !== next.interface || old.family !== next.family || old.vrid !== next.vrid || old.version !== next.version;
}
