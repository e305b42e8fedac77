// One virtual router: the RFC 5798 §6 state machine (as amended by RFC 9568 and its errata) plus keepalived's
// Fault state. Rule 1 (after h11): every state transition of an instance lives in this file.
//
// The router never reads a clock and never sleeps: each call gets `now` (ms, monotonic) and appends the
// outputs the caller must carry out; nextDeadline() says when handleTimeout() must be called again.
import type { Advertisement } from "./advertisement.ts";
import { advertOutputs } from "./advert-builder.ts";
import { AdvertFilter } from "./advert-filter.ts";
import { HeldAddresses } from "./held-addresses.ts";
import { Preemption } from "./preemption.ts";
import { type CounterName, type Counters, zeroCounters } from "./counters.ts";
import type { Output, ReceivedPacket, State, TransitionReason } from "./io.ts";
import { compareIp } from "../lib/ip.ts";
import { type InstanceConfig, PRIORITY_OWNER, PRIORITY_STOP, type VirtualAddress } from "./model.ts";
import { LogRateLimiter } from "./rate-limit.ts";
import type { RouterStatus, TransitionRecord } from "./status.ts";
import { skewTimeMs, TimerMemo, type TimerValues } from "./timers.ts";

/** How a sync group (or the lack of one) steers its members. */
export interface RouterHooks {
  /** keepalived's vrrp_sync_can_goto_master: a member becomes Master only when every member can. */
  canBecomeMaster(router: VirtualRouter): boolean;
  /** Called after every transition so the group can pull its other members along. */
  transitioned(router: VirtualRouter, now: number, from: State, to: State, out: Output[]): void;
}

export const NO_GROUP: RouterHooks = { canBecomeMaster: () => true, transitioned: () => undefined };

const DROP_LOG_INTERVAL_MS = 60_000;

interface GarpBurst {
  readonly at: number;
  readonly count: number;
}

export class VirtualRouter {
  state: State = "initialize";
  /** True once the master-down timer fired while the sync group held this member back. */
  wantMaster = false;
  counters: Counters = zeroCounters();

  private started = false;
  /** Handed off to a successor daemon (handOff): deaf and silent, addresses left as they are. */
  private handedOff = false;
  private stopped = false;
  private linkUp = false;
  private interfaceAddress: string | undefined;
  private effectivePriority: number;
  private trackFault = false;
  private groupFault = false;

  // RFC 5798 §6.1 state variables and timers (absolute deadlines on the caller's clock).
  private masterAdverIntervalMs: number;
  private adverTimer: number | undefined;
  private masterDownTimer: number | undefined;
  private readonly preemption = new Preemption();
  private garpBursts: GarpBurst[] = [];
  private garpRefreshAt: number | undefined;
  private lastLowerPrioGarpAt: number | undefined;
  /** Skew_Time and Master_Down_Interval: a backup needs them for every advert, and their inputs rarely change. */
  private readonly timerMemo = new TimerMemo();

  /** The VIPs on the host; make-before-break keeps them while stepping down until the new master is heard. */
  private readonly addresses: HeldAddresses;

  private masterAddress: string | undefined;
  private masterPriority: number | undefined;
  private lastTransition: TransitionRecord | undefined;
  private readonly dropLog = new LogRateLimiter(DROP_LOG_INTERVAL_MS);
  private readonly filter: AdvertFilter;

  constructor(
    public config: InstanceConfig,
    public hooks: RouterHooks = NO_GROUP,
  ) {
    this.effectivePriority = config.priority;
    this.masterAdverIntervalMs = config.advertIntervalMs;
    this.filter = new AdvertFilter(config);
    this.addresses = new HeldAddresses(config);
  }

  get name(): string {
    return this.config.name;
  }

  get priority(): number {
    return this.effectivePriority;
  }

  get isOwner(): boolean {
    return this.effectivePriority === PRIORITY_OWNER;
  }

  /** The address adverts are sent from: unicast_src_ip/mcast_src_ip, else the interface's primary address. */
  get sourceAddress(): string | undefined {
    return this.config.sourceAddress ?? this.interfaceAddress;
  }

  /** Why this instance cannot run now, if it cannot. Own reasons first: they are what an operator must fix. */
  get ownFaultReason(): TransitionReason | undefined {
    if (!this.linkUp) return "link-down";
    if (this.sourceAddress === undefined) return "no-source-address";
    if (this.trackFault) return "track-fault";
    return undefined;
  }

  get holdsAddresses(): boolean {
    return this.addresses.held;
  }

  /** RFC 5798 §6.4.3: a master accepts packets to its addresses when it is the owner or Accept_Mode is True. */
  private get acceptsPackets(): boolean {
    return this.isOwner || this.config.acceptMode;
  }

  private get strictHandover(): boolean {
    return this.config.handover === "strict";
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  // ---- inputs -------------------------------------------------------------------------------------------

  /**
   * `resumeAsMaster`: the previous daemon was master for this instance and handed off to this one moments ago
   * (its last advert is younger than the backups' Master_Down_Interval), so start as master at once: advertise,
   * keep the addresses it left configured, and no backup ever sees the master go.
   */
  start(now: number, out: Output[], resumeAsMaster = false): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.evaluateFault(now, out);
    if (this.state === "initialize") {
      if (resumeAsMaster && this.hooks.canBecomeMaster(this)) this.becomeMaster(now, "resumed", out);
      else this.enterRunning(now, "startup", out, true);
    }
  }

  /**
   * The daemon is about to be replaced by a new one (upgrade, restart) that will resume: a master sends one last
   * advert, so the backups' Master_Down_Timers restart now, and leaves its addresses configured for its
   * successor; nothing is released and no transition is reported. True when this instance was master.
   */
  handOff(out: Output[]): boolean {
    if (this.stopped) return false;
    const wasMaster = this.state === "master";
    if (wasMaster) this.sendAdvert(this.effectivePriority, out);
    this.stopped = true;
    this.handedOff = true;
    this.clearTimers();
    return wasMaster;
  }

  /** Link and address of the instance's interface, as netlink (or the simulator) reports them. */
  setLink(now: number, up: boolean, address: string | undefined, out: Output[]): void {
    this.linkUp = up;
    this.interfaceAddress = address;
    this.evaluateFault(now, out);
  }

  /** New effective priority and weight-0 fault from tracking (computed by the engine; it then calls evaluateFault). */
  setTracking(priority: number, fault: boolean, out: Output[]): void {
    this.trackFault = fault;
    if (priority !== this.effectivePriority) {
      const from = this.effectivePriority;
      this.effectivePriority = priority;
      out.push({ type: "priority", instance: this.name, from, to: priority });
      this.log(out, "info", `effective priority ${from} -> ${priority}`);
      if (this.state === "master") this.addresses.setAccept(this.acceptsPackets, out); // owner status may have changed
      // keepalived shifts a running master-down timer by the change in Skew_Time rather than restarting it.
      if (this.state === "backup" && this.masterDownTimer !== undefined && !this.wantMaster) {
        const v = this.config.version;
        this.masterDownTimer +=
          skewTimeMs(v, priority, this.masterAdverIntervalMs) - skewTimeMs(v, from, this.masterAdverIntervalMs);
      }
    }
  }

  /** Sync group: held in Fault while another member has a fault of its own (the engine then calls evaluateFault). */
  setGroupFault(fault: boolean): void {
    this.groupFault = fault;
  }

  receive(now: number, packet: ReceivedPacket, out: Output[]): void {
    if (this.handedOff) return; // the successor answers from now on; this process is about to exit
    if (this.stopped) {
      if (this.addresses.held && this.supersededWhileLeaving(packet)) this.addresses.remove(out);
      return;
    }
    if (!this.started || this.state === "fault" || this.state === "initialize") return;
    const verdict = this.filter.check(packet);
    if ("counter" in verdict) return this.drop(now, out, verdict.counter, verdict.message);
    const advert = verdict.advert;
    this.counters.advert_rcvd++;
    if (verdict.addressListProblem !== undefined) {
      this.counters.addr_list_err++;
      if (this.dropLog.allow("addr_list_err", now)) this.log(out, "warning", `advert from ${packet.src} ${verdict.addressListProblem}`);
    }
    if (advert.priority === PRIORITY_STOP) this.counters.pri_zero_rcvd++;
    this.releaseIfSuperseded(advert, packet.src, out);
    if (this.state === "backup") this.receiveAsBackup(now, advert, packet.src, out);
    else if (this.state === "master") this.receiveAsMaster(now, advert, packet.src, out);
  }

  handleTimeout(now: number, out: Output[]): void {
    if (this.state !== "master") this.addresses.releaseIfDue(now, out);
    if (this.state === "master") {
      this.masterTimers(now, out);
    } else if (this.state === "backup" && this.masterDownTimer !== undefined && now >= this.masterDownTimer) {
      this.masterDownTimerFired(now, out);
    }
  }

  /** Runs for every received advert: no closure or array here, which would allocate on an interpreter-only node. */
  nextDeadline(): number | undefined {
    let next = this.state === "master" ? undefined : this.addresses.releaseDeadline;
    if (this.state === "master") {
      next = earlier(next, this.adverTimer);
      next = earlier(next, this.garpBursts[0]?.at);
      next = earlier(next, this.garpRefreshAt);
    } else if (this.state === "backup") {
      next = earlier(next, this.masterDownTimer);
    }
    return next;
  }

  /**
   * Graceful stop (SIGTERM, instance removed): a master sends priority 0 so a backup takes over after Skew_Time
   * (RFC 5798 §6.4.3), and keeps its addresses until it hears the new master, bounded by Master_Down_Interval,
   * so clients are never left without a gateway ("make before break").
   */
  shutdown(now: number, reason: TransitionReason, out: Output[]): void {
    if (this.stopped) return;
    const wasMaster = this.state === "master";
    if (wasMaster) this.sendAdvert(PRIORITY_STOP, out);
    this.stopped = true;
    this.clearTimers();
    if (wasMaster) this.stepDownAddresses(now, this.timerValues().masterDownIntervalMs, out);
    if (this.state !== "initialize") this.transition(now, "initialize", reason, out);
  }

  /** A planned handover: step down with priority 0, keep the addresses until the peer is master, then stay backup. */
  /**
   * A reload removed or re-created this instance while it still holds its addresses: when it lets them go, it
   * leaves configured those a live instance holds too (the host has one copy of an address).
   */
  retire(heldElsewhere: (address: VirtualAddress) => boolean): void {
    this.addresses.retire(heldElsewhere);
  }

  /** What is configured on the host for this instance now (a reload during a handover makes it differ). */
  get heldAddresses(): readonly VirtualAddress[] {
    return this.addresses.heldAddresses;
  }

  switchover(now: number, noPreemptMs: number, out: Output[]): boolean {
    if (this.state !== "master") return false;
    this.sendAdvert(PRIORITY_STOP, out);
    this.preemption.holdOff(now + noPreemptMs);
    // A backup answers the priority 0 after Skew_Time; its first advert releases ours (releaseIfSuperseded).
    this.stepDownAddresses(now, this.timerValues().masterDownIntervalMs, out);
    this.enterBackup(now, "switchover", out, { keepAddresses: true });
    return true;
  }

  /** Sync group: another member became master, so this one follows (keepalived vrrp_sync_master). */
  followGroupToMaster(now: number, out: Output[]): void {
    if (this.state === "backup") this.becomeMaster(now, "sync-group-master", out);
  }

  /** Sync group: another member fell back to backup, so this one follows (keepalived vrrp_sync_backup). */
  followGroupToBackup(now: number, out: Output[]): void {
    if (this.state !== "master") {
      this.wantMaster = false;
      return;
    }
    // Priority 0 lets the peer's matching member take over after Skew_Time instead of Master_Down_Interval.
    this.sendAdvert(PRIORITY_STOP, out);
    this.enterBackup(now, "sync-group-backup", out);
  }

  /**
   * Replace the configuration in place (hitless reload): state, counters and addresses are kept, and the timers
   * follow the new interval at once (FRR's vrrp_recalculate_timers). A VRRPv2 backup cannot learn the interval
   * from adverts (RFC 3768 §7.1 discards a different one), so its Master_Down_Interval comes from the
   * configuration; when that changes, the reload counts as hearing the master, so neither a longer nor a shorter
   * interval makes it take over from a master that is alive. A v3 backup keeps the interval its master sends.
   */
  reconfigure(now: number, config: InstanceConfig, out: Output[]): void {
    const previous = this.config;
    const downBefore = this.timerValues().masterDownIntervalMs;
    this.config = config;
    this.filter.reconfigure(config);
    if (this.state !== "backup" || config.version === 2) this.masterAdverIntervalMs = config.advertIntervalMs;
    if (this.state === "backup" && this.masterDownTimer !== undefined && this.masterPriority !== PRIORITY_STOP && !this.wantMaster) {
      const downAfter = this.timerValues().masterDownIntervalMs;
      if (downAfter !== downBefore) this.masterDownTimer = now + downAfter;
    }
    if (this.state === "master" && this.adverTimer !== undefined && config.advertIntervalMs < previous.advertIntervalMs) {
      // Backups may already time out on the new, shorter interval: do not make them wait for the old one.
      this.adverTimer = Math.min(this.adverTimer, now + config.advertIntervalMs);
    }
    this.addresses.reconfigure(config, this.state === "master", this.acceptsPackets, config.garp.masterRepeat, out);
  }

  status(now: number): RouterStatus {
    const remaining = (t: number | undefined): number | null => (t === undefined ? null : Math.max(0, t - now));
    const v = this.config.version;
    return {
      name: this.name,
      state: this.state,
      interface: this.config.interface,
      family: this.config.family,
      version: v,
      vrid: this.config.vrid,
      configuredPriority: this.config.priority,
      effectivePriority: this.effectivePriority,
      sourceAddress: this.sourceAddress ?? null,
      masterAddress: this.state === "master" ? (this.sourceAddress ?? null) : (this.masterAddress ?? null),
      masterPriority: this.state === "master" ? this.effectivePriority : (this.masterPriority ?? null),
      advertIntervalMs: this.config.advertIntervalMs,
      masterAdverIntervalMs: this.masterAdverIntervalMs,
      skewTimeMs: this.timerValues().skewTimeMs,
      masterDownIntervalMs: this.timerValues().masterDownIntervalMs,
      masterDownTimerMs: this.state === "backup" ? remaining(this.masterDownTimer) : null,
      adverTimerMs: this.state === "master" ? remaining(this.adverTimer) : null,
      preempt: this.config.preempt,
      holdingAddresses: this.addresses.held,
      fault: this.state === "fault" ? (this.ownFaultReason ?? (this.groupFault ? "sync-group-fault" : null)) : null,
      counters: { ...this.counters },
      lastTransition: this.lastTransition ?? null,
    };
  }

  // ---- RFC 5798 §6.4.2: Backup --------------------------------------------------------------------------

  private receiveAsBackup(now: number, advert: Advertisement, src: string, out: Output[]): void {
    if (advert.priority === PRIORITY_STOP) {
      // §6.4.2: "Set the Master_Down_Timer to Skew_Time".
      this.masterDownTimer = now + this.timerValues().skewTimeMs;
      this.masterAddress = src;
      this.masterPriority = 0;
      return;
    }
    if (this.preemption.accepts(now, this.config, this.effectivePriority, this.isOwner, advert.priority)) {
      if (advert.version === 3) this.learnInterval(now, advert.maxAdverIntCs * 10, src, out);
      this.masterDownTimer = now + this.timerValues().masterDownIntervalMs;
      this.masterAddress = src;
      this.masterPriority = advert.priority;
      this.wantMaster = false;
    }
    // Otherwise (preempt and a lower priority) the advert is discarded and the timer runs out: preemption.
  }

  private masterDownTimerFired(now: number, out: Output[]): void {
    this.wantMaster = true;
    if (!this.hooks.canBecomeMaster(this)) {
      // keepalived re-arms the timer and waits for the rest of the sync group to be ready.
      this.masterDownTimer = now + this.config.downTimerAdverts * this.masterAdverIntervalMs + this.masterAdverIntervalMs / 256;
      return;
    }
    this.becomeMaster(now, this.masterPriority === 0 ? "priority-zero-received" : "master-down-timer", out);
  }

  // ---- RFC 5798 §6.4.3: Master --------------------------------------------------------------------------

  private receiveAsMaster(now: number, advert: Advertisement, src: string, out: Output[]): void {
    const own = this.sourceAddress;
    if (src === own) return; // our own advert looped back
    if (advert.priority === PRIORITY_STOP) {
      // §6.4.3: answer a priority-0 advert at once so the leaving router's backups see a master.
      this.sendAdvert(this.effectivePriority, out);
      this.adverTimer = now + this.config.advertIntervalMs;
      return;
    }
    const higher =
      advert.priority > this.effectivePriority ||
      (advert.priority === this.effectivePriority && own !== undefined && compareIp(src, own) > 0);
    if (higher) {
      if (this.config.higherPrioSendAdvert) this.sendAdvert(this.effectivePriority, out);
      if (advert.version === 3) this.masterAdverIntervalMs = advert.maxAdverIntCs * 10;
      this.masterAddress = src;
      this.masterPriority = advert.priority;
      // Make before break on preemption too: the new master configures and announces its addresses right
      // after this advert, so keep ours until its next advert, and at most one of its intervals.
      this.stepDownAddresses(now, this.masterAdverIntervalMs, out);
      this.enterBackup(now, "higher-priority-advert", out, { keepAddresses: true });
      return;
    }
    // RFC 9568 §6.4.3: a lower-priority master exists (split brain healing): re-assert at once, re-announce.
    out.push({ type: "master-rx-lower-pri", instance: this.name, from: src, priority: advert.priority });
    if (!this.config.lowerPrioNoAdvert) {
      this.sendAdvert(this.effectivePriority, out);
      this.adverTimer = now + this.config.advertIntervalMs;
    }
    const garp = this.config.garp;
    const last = this.lastLowerPrioGarpAt;
    if (garp.lowerPrioRepeat > 0 && (last === undefined || now - last >= garp.lowerPrioDelayMs)) {
      this.lastLowerPrioGarpAt = now;
      this.addresses.announce(garp.lowerPrioRepeat, out);
    }
  }

  private masterTimers(now: number, out: Output[]): void {
    if (this.adverTimer !== undefined && now >= this.adverTimer) {
      this.sendAdvert(this.effectivePriority, out);
      // Drift-free: stay on the original grid unless the caller was so late that a whole interval was lost.
      const next = this.adverTimer + this.config.advertIntervalMs;
      this.adverTimer = next > now ? next : now + this.config.advertIntervalMs;
    }
    while (this.garpBursts.length > 0 && now >= (this.garpBursts[0]?.at ?? Infinity)) {
      const burst = this.garpBursts.shift();
      if (burst) this.addresses.announce(burst.count, out);
    }
    const refresh = this.config.garp.masterRefreshMs;
    if (this.garpRefreshAt !== undefined && now >= this.garpRefreshAt && refresh > 0) {
      this.addresses.announce(this.config.garp.masterRefreshRepeat, out);
      this.garpRefreshAt = now + refresh;
    }
  }

  // ---- state changes ------------------------------------------------------------------------------------

  private becomeMaster(now: number, reason: TransitionReason, out: Output[]): void {
    // §6.4.2 "Transition to Master": advertise, configure the addresses, then announce them (GARP / NA).
    this.clearTimers();
    this.wantMaster = false;
    this.preemption.forgetDelay();
    this.sendAdvert(this.effectivePriority, out);
    this.addresses.claim(this.acceptsPackets, out);
    const garp = this.config.garp;
    this.addresses.announce(garp.masterRepeat, out);
    if (garp.masterDelayMs > 0) this.garpBursts = [{ at: now + garp.masterDelayMs, count: garp.masterRepeat }];
    if (garp.masterRefreshMs > 0) this.garpRefreshAt = now + garp.masterRefreshMs;
    this.adverTimer = now + this.config.advertIntervalMs;
    this.masterAdverIntervalMs = this.config.advertIntervalMs;
    this.masterAddress = this.sourceAddress;
    this.masterPriority = this.effectivePriority;
    this.counters.become_master++;
    this.transition(now, "master", reason, out);
  }

  private enterBackup(now: number, reason: TransitionReason, out: Output[], opts: { keepAddresses?: boolean } = {}): void {
    const wasMaster = this.state === "master";
    this.clearTimers();
    if (wasMaster) this.counters.release_master++;
    if (!opts.keepAddresses) this.addresses.remove(out);
    this.masterDownTimer = now + this.timerValues().masterDownIntervalMs;
    this.transition(now, "backup", reason, out);
  }

  /** Startup and leaving Fault: the owner goes straight to Master (§6.4.1), everyone else to Backup. */
  private enterRunning(now: number, reason: TransitionReason, out: Output[], atStartup: boolean): void {
    // keepalived (vrrp_scheduler.c) shortens the wait for `state MASTER` only when the instance starts; leaving
    // Fault waits the full Master_Down_Interval (vrrp.c), or a flap would make a backup preempt a live master.
    // (start() is the only caller with atStartup, and it runs once: `started` guards it.)
    const shortStart = atStartup && this.config.initialState === "master";
    this.masterAdverIntervalMs = this.config.advertIntervalMs;
    this.masterAddress = undefined;
    this.masterPriority = undefined;
    this.preemption.forgetDelay();
    if (this.isOwner && this.hooks.canBecomeMaster(this)) {
      this.becomeMaster(now, atStartup ? "owner-startup" : reason, out);
      return;
    }
    this.enterBackup(now, reason, out);
    if (shortStart) {
      // keepalived: `state MASTER` waits one advert interval (plus the minimal skew) instead of three.
      this.masterDownTimer = now + this.masterAdverIntervalMs + this.masterAdverIntervalMs / 256;
    }
  }

  /** Level-triggered: called after anything that can change whether the instance may run. */
  evaluateFault(now: number, out: Output[]): void {
    if (!this.started || this.stopped) return;
    const reason = this.ownFaultReason ?? (this.groupFault ? "sync-group-fault" : undefined);
    if (reason !== undefined && this.state !== "fault") {
      if (this.state === "master") {
        // keepalived sends priority 0 on the way to Fault when it still can, for a fast takeover.
        if (this.linkUp && this.sourceAddress !== undefined) this.sendAdvert(PRIORITY_STOP, out);
        this.counters.release_master++;
      }
      this.clearTimers();
      this.wantMaster = false; // a timer that fired before the Fault says nothing about the next Backup term
      this.addresses.remove(out);
      this.transition(now, "fault", reason, out);
    } else if (reason === undefined && this.state === "fault") {
      const cause = this.lastTransition?.reason;
      const recovered: TransitionReason =
        cause === "sync-group-fault" ? "sync-group-recovered" : cause === "link-down" ? "link-up" : "track-recovered";
      this.enterRunning(now, recovered, out, false);
    }
  }

  private transition(now: number, to: State, reason: TransitionReason, out: Output[]): void {
    const from = this.state;
    this.state = to;
    this.lastTransition = { from, to, reason, at: now };
    out.push({ type: "transition", instance: this.name, from, to, reason, priority: this.effectivePriority, at: now });
    this.log(out, "info", `${from} -> ${to} (${reason})`);
    this.hooks.transitioned(this, now, from, to, out);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** Skew_Time and Master_Down_Interval for the current configuration, priority and Master_Adver_Interval. */
  private timerValues(): TimerValues {
    return this.timerMemo.values(this.config, this.effectivePriority, this.masterAdverIntervalMs);
  }

  private learnInterval(now: number, intervalMs: number, src: string, out: Output[]): void {
    // RFC 5798 §6.4.2: a v3 backup adopts the master's interval; RFC 9568 §7.1 asks to log a mismatch.
    if (intervalMs !== this.config.advertIntervalMs && this.dropLog.allow(`interval:${src}`, now)) {
      this.log(out, "warning", `master ${src} advertises every ${intervalMs} ms, configured ${this.config.advertIntervalMs} ms; following the master`);
    }
    this.masterAdverIntervalMs = intervalMs;
  }

  /**
   * Leaving (stopped, or removed or re-created by a reload) while handing over: the new master's advert ends the
   * hold. Checked as any advert is, except that another version counts too: a reload that changed the version
   * re-created this instance, and its successor speaks the new one.
   */
  private supersededWhileLeaving(packet: ReceivedPacket): boolean {
    if (packet.src === this.sourceAddress) return false;
    const verdict = this.filter.check(packet);
    if (!("counter" in verdict)) return verdict.advert.priority !== PRIORITY_STOP;
    return verdict.counter === "vers_err" && this.filter.supersedesFromOtherVersion(packet);
  }

  private releaseIfSuperseded(advert: Advertisement, src: string, out: Output[]): void {
    if (!this.addresses.held || this.state === "master") return;
    if (advert.priority === PRIORITY_STOP || src === this.sourceAddress) return;
    this.addresses.remove(out);
  }

  /**
   * Leaving Master: strict releases the addresses now; make-before-break keeps them until another master is
   * heard (releaseIfSuperseded), or `holdMs` passes with nobody heard.
   */
  private stepDownAddresses(now: number, holdMs: number, out: Output[]): void {
    if (this.strictHandover) this.addresses.remove(out);
    else this.addresses.holdUntil(now + holdMs);
  }

  private drop(now: number, out: Output[], counter: CounterName, message: string): void {
    this.counters[counter]++;
    if (this.dropLog.allow(counter, now)) this.log(out, "warning", `dropped (${counter}): ${message}`);
  }

  private sendAdvert(priority: number, out: Output[]): void {
    const src = this.sourceAddress;
    if (src === undefined) return;
    const sends = advertOutputs(this.config, priority, src);
    out.push(...sends);
    this.counters.advert_sent += sends.length;
    if (priority === PRIORITY_STOP) this.counters.pri_zero_sent += sends.length;
  }

  private clearTimers(): void {
    this.adverTimer = undefined;
    this.masterDownTimer = undefined;
    this.garpBursts = [];
    this.garpRefreshAt = undefined;
  }

  private log(out: Output[], level: "error" | "warning" | "info" | "debug", message: string): void {
    out.push({ type: "log", level, instance: this.name, message });
  }
}

/** The earlier of two optional deadlines (undefined: no deadline). */
function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b !== undefined && b < a ? b : a;
}
