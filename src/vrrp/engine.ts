// The whole protocol side of a daemon: every instance, their sync groups and the tracked objects they share.
// The daemon owns sockets, netlink and one OS timer; it feeds events in here and carries out the outputs.
import type { IpFamily } from "./advertisement.ts";
import { zeroCounters } from "./counters.ts";
import { parseIpShared } from "../lib/ip.ts";
import type { Output, ReceivedPacket } from "./io.ts";
import type { CoreConfig, VirtualAddress } from "./model.ts";
import { LogRateLimiter } from "./rate-limit.ts";
import { NO_GROUP, VirtualRouter } from "./router.ts";
import type { EngineStatus, InstanceStatus } from "./status.ts";
import { SyncGroup } from "./sync-group.ts";
import { effectivePriority, interfaceTrackId, trackedInterface, type TrackReading, type TrackState } from "./tracking.ts";
import { identityChanged } from "./reconfigure.ts";
import { EventQueue } from "../lib/event-queue.ts";

/** What netlink (or the simulator) knows about one device. */
export interface LinkState {
  readonly up: boolean;
  /** Primary IPv4 address, used as the source of IPv4 adverts. */
  readonly ipv4?: string;
  /** Link-local IPv6 address, used as the source of IPv6 adverts (RFC 5798 §5.1.2.1). */
  readonly ipv6LinkLocal?: string;
}

export type ControlResult = { ok: true } | { ok: false; code: "not-found" | "invalid-state"; message: string };

/** (family, VRID) as one number, looked up per interface: the demultiplexing of every packet builds no string. */
const familyVrid = (family: IpFamily, vrid: number): number => family * 256 + vrid;
const NO_ROUTERS: readonly VirtualRouter[] = [];
const NO_NAMES: ReadonlySet<string> = new Set();
/** What handlePacket() returns when a packet produces nothing: readonly in the type, and frozen at run time. */
const NO_OUTPUTS: readonly Output[] = Object.freeze([]);

export class Engine {
  private routers = new Map<string, VirtualRouter>();
  private byInterface = new Map<string, Map<number, VirtualRouter>>();
  private groups = new Map<string, SyncGroup>();
  private groupOf = new Map<string, SyncGroup>();
  private overrides = new Map<string, number>();
  /** Removed by a reload but still holding addresses until their successor is heard (make before break). */
  private retiring: VirtualRouter[] = [];
  private readonly tracks = new Map<string, TrackReading>();
  private readonly links = new Map<string, LinkState>();
  private readonly unknownVrid: Record<string, number> = {};
  private readonly unknownLog = new LogRateLimiter(60_000);
  private started = false;
  /** shutdown() was called: the daemon exits once quiescent, and a reload changes nothing any more. */
  private stopping = false;
  /** Earliest-deadline index: a lazy heap plus the time of each router's live entry (see requeue()). */
  private readonly deadlines = new EventQueue<VirtualRouter>();
  private readonly recorded = new Map<VirtualRouter, number | undefined>();
  private rank: Map<VirtualRouter, number> | undefined;
  /** Where handlePacket() collects its outputs: a fresh array per packet would allocate for every advert heard. */
  private readonly packetOutputs: Output[] = [];

  constructor(config: CoreConfig) {
    this.build(config, new Map());
  }

  /**
   * `resume`: instances the previous daemon was master of and handed off to this one (see handOff); they start as
   * master at once. A sync group resumes only as a whole: if any member is missing, none of them resumes.
   */
  start(now: number, resume: ReadonlySet<string> = NO_NAMES): Output[] {
    const out: Output[] = [];
    this.started = true;
    for (const router of this.routers.values()) this.applyLink(now, router, out);
    this.settle(now, out);
    const resumed = this.wholeGroups(resume);
    // Set before any starts, so a sync group's members see each other ready (canBecomeMaster).
    for (const router of this.routers.values()) if (resumed.has(router.name)) router.wantMaster = true;
    for (const router of this.routers.values()) router.start(now, out, resumed.has(router.name));
    this.settle(now, out);
    return out;
  }

  /**
   * The daemon is being replaced (upgrade, restart): masters send a last advert and leave their addresses for
   * the successor, which resumes them (start's `resume`). Returns the outputs and the instances that were master.
   */
  handOff(): { outputs: Output[]; masters: string[] } {
    const out: Output[] = [];
    const masters: string[] = [];
    for (const router of this.routers.values()) if (router.handOff(out)) masters.push(router.name);
    this.touchAll();
    return { outputs: out, masters };
  }

  /**
   * A backup hearing its master gets nothing to do from nearly every packet, so that result is one shared, frozen
   * empty array rather than a new one per packet: callers read the outputs and must not modify them.
   */
  handlePacket(now: number, packet: ReceivedPacket): readonly Output[] {
    const out = this.packetOutputs;
    out.length = 0; // already empty, unless a previous call threw halfway
    this.receivePacket(now, packet, out);
    return out.length === 0 ? NO_OUTPUTS : out.splice(0);
  }

  private receivePacket(now: number, packet: ReceivedPacket, out: Output[]): void {
    if (familyOf(packet.src) !== packet.family || familyOf(packet.dst) !== packet.family) {
      // The platform layer should never hand us this; refuse it rather than trust it.
      if (this.unknownLog.allow("bad-ip", now)) {
        out.push({ type: "log", level: "warning", message: `ignored a packet whose addresses ${packet.src} -> ${packet.dst} are not IPv${packet.family}` });
      }
      return;
    }
    const vrid = packet.bytes.length >= 2 ? packet.bytes[1] : undefined;
    const router = vrid === undefined ? undefined : this.byInterface.get(packet.interface)?.get(familyVrid(packet.family, vrid));
    const retiring = this.retiring.length === 0 ? NO_ROUTERS : this.retiringFor(packet, vrid);
    if (router === undefined && retiring.length === 0) {
      const key = `${packet.interface}/ipv${packet.family}`;
      this.unknownVrid[key] = (this.unknownVrid[key] ?? 0) + 1;
      if (this.unknownLog.allow(key, now)) {
        out.push({ type: "log", level: "debug", message: `advert for unconfigured VRID ${vrid ?? "?"} on ${key} from ${packet.src}` });
      }
      return;
    }
    if (router !== undefined) {
      router.receive(now, packet, out);
      this.touch(router);
    }
    // An index loop: for-of would allocate an iterator per packet on an interpreter-only node, even when empty.
    for (let i = 0; i < retiring.length; i++) {
      const old = retiring[i] as VirtualRouter;
      old.receive(now, packet, out);
      this.touch(old);
    }
    this.reapRetired();
  }

  setLink(now: number, device: string, link: LinkState): Output[] {
    const out: Output[] = [];
    this.links.set(device, link);
    this.tracks.set(interfaceTrackId(device), link.up ? "up" : "down");
    for (const router of this.routers.values()) if (router.config.interface === device) this.applyLink(now, router, out);
    this.settle(now, out);
    return out;
  }

  /** A tracked object's new state, or its new value (a track_file's number). */
  setTrack(now: number, id: string, reading: TrackReading): Output[] {
    const out: Output[] = [];
    if (this.tracks.get(id) === reading) return out;
    this.tracks.set(id, reading);
    this.settle(now, out);
    return out;
  }

  handleTimeout(now: number): Output[] {
    const out: Output[] = [];
    const due: VirtualRouter[] = [];
    for (let next = this.peekDeadline(); next !== undefined && next <= now; next = this.peekDeadline()) {
      const entry = this.deadlines.pop();
      if (entry) {
        due.push(entry.item);
        this.recorded.set(entry.item, undefined);
      }
    }
    // Handle in configuration order, not deadline order, so equal deadlines give the same output order.
    if (due.length > 1) {
      const rank = this.configurationRank();
      due.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
    }
    for (const router of due) router.handleTimeout(now, out);
    // Only once all are handled: one may still move another's timers (sync groups pull their members along).
    for (const router of due) this.touch(router);
    this.reapRetired();
    return out;
  }

  /** The earliest time handleTimeout() has work to do: exact (tests, status). */
  nextDeadline(): number | undefined {
    return this.peekDeadline();
  }

  /**
   * A time no later than nextDeadline(), and cheaper: entries that surfaced early (a backup's Master_Down_Timer
   * moved later by an advert) are not re-queued here but when handleTimeout() reaches them. For a caller that re-arms
   * one timer after every input and keeps an armed timer when the new time is later (the daemon's DeadlineTimer),
   * exactness here is wasted: it pays one heap sift per received advert for a time it then ignores.
   */
  nextWakeup(): number | undefined {
    return this.liveTopTime();
  }

  /** Graceful stop of every instance; the daemon exits once isQuiescent(). */
  shutdown(now: number): Output[] {
    const out: Output[] = [];
    this.stopping = true;
    for (const router of this.routers.values()) router.shutdown(now, "shutdown", out);
    this.touchAll();
    return out;
  }

  /** True when no instance still holds addresses, i.e. a stopping daemon may exit. */
  isQuiescent(): boolean {
    return [...this.routers.values(), ...this.retiring].every((r) => r.isStopped && !r.holdsAddresses);
  }

  switchover(now: number, name: string, noPreemptMs: number): { result: ControlResult; outputs: Output[] } {
    const out: Output[] = [];
    const router = this.routers.get(name);
    if (!router) return { result: notFound(name), outputs: out };
    const group = this.groupOf.get(name);
    const members = group ? group.members : [router];
    if (!members.some((m) => m.state === "master")) {
      return { result: { ok: false, code: "invalid-state", message: `instance ${name} is ${router.state}, not master` }, outputs: out };
    }
    for (const member of members) {
      member.switchover(now, noPreemptMs, out);
      this.touch(member);
    }
    return { result: { ok: true }, outputs: out };
  }

  /** Runtime priority override (ubus set_priority); null clears it. Not persisted: a reload clears it too. */
  setPriorityOverride(now: number, name: string, priority: number | null): { result: ControlResult; outputs: Output[] } {
    const out: Output[] = [];
    if (!this.routers.has(name)) return { result: notFound(name), outputs: out };
    if (priority === null) this.overrides.delete(name);
    else this.overrides.set(name, priority);
    this.settle(now, out);
    return { result: { ok: true }, outputs: out };
  }

  resetCounters(name?: string): ControlResult {
    if (name !== undefined && !this.routers.has(name)) return notFound(name);
    for (const router of this.routers.values()) if (name === undefined || router.name === name) router.counters = zeroCounters();
    return { ok: true };
  }

  /**
   * Hitless reload: unchanged instances keep state, counters and addresses; changed ones are updated in place;
   * removed ones leave gracefully (priority 0, addresses released once the successor is heard); new ones start.
   */
  reconfigure(now: number, config: CoreConfig): Output[] {
    const out: Output[] = [];
    // A daemon on its way out (SIGHUP racing SIGTERM) must not start, re-create or retire instances any more.
    if (this.stopping) return out;
    const kept = new Map<string, VirtualRouter>();
    for (const next of config.instances) {
      const current = this.routers.get(next.name);
      if (!current) continue;
      if (identityChanged(current.config, next)) continue; // stopped below and started anew
      current.reconfigure(now, next, out);
      kept.set(next.name, current);
    }
    for (const [name, router] of this.routers) {
      if (!kept.has(name)) {
        router.shutdown(now, "removed", out);
        if (router.holdsAddresses) {
          router.retire((address) => this.liveHolds(router.config.interface, address));
          this.retiring.push(router);
        }
      }
    }
    this.overrides.clear();
    this.build(config, kept);
    if (this.started) {
      // As at boot: links and tracking first, so a new instance starts with its real priority and faults.
      for (const router of this.routers.values()) if (!kept.has(router.name)) this.applyLink(now, router, out);
      this.settle(now, out);
      for (const router of this.routers.values()) if (!kept.has(router.name)) router.start(now, out);
      this.settle(now, out);
    }
    this.touchAll();
    return out;
  }

  status(now: number): EngineStatus {
    const instances: InstanceStatus[] = [...this.routers.values()].map((router) => ({
      ...router.status(now),
      syncGroup: this.groupOf.get(router.name)?.name ?? null,
      priorityOverride: this.overrides.get(router.name) ?? null,
      tracked: this.priorityOf(router).effects,
    }));
    const syncGroups = [...this.groups.values()].map((g) => ({ name: g.name, members: g.members.map((m) => m.name), state: g.state() }));
    return { instances, syncGroups, unknownVrid: { ...this.unknownVrid } };
  }

  router(name: string): VirtualRouter | undefined {
    return this.routers.get(name);
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private build(config: CoreConfig, kept: ReadonlyMap<string, VirtualRouter>): void {
    this.rank = undefined;
    this.routers = new Map();
    this.byInterface = new Map();
    for (const instance of config.instances) {
      const router = kept.get(instance.name) ?? new VirtualRouter(instance);
      this.routers.set(instance.name, router);
      const onInterface = this.byInterface.get(instance.interface) ?? new Map<number, VirtualRouter>();
      onInterface.set(familyVrid(instance.family, instance.vrid), router);
      this.byInterface.set(instance.interface, onInterface);
    }
    this.groups = new Map();
    this.groupOf = new Map();
    for (const router of this.routers.values()) router.hooks = NO_GROUP;
    for (const group of config.syncGroups) {
      const members = group.members.map((m) => this.routers.get(m)).filter((r): r is VirtualRouter => r !== undefined);
      const sync = new SyncGroup(group.name, members);
      this.groups.set(group.name, sync);
      for (const member of members) {
        member.hooks = sync;
        this.groupOf.set(member.name, sync);
      }
    }
  }

  /** A router's timers may have changed: so may its sync group's (members pull each other along). */
  private touch(router: VirtualRouter): void {
    this.requeue(router);
    const group = this.groupOf.get(router.name);
    if (group) for (const member of group.members) this.requeue(member);
  }

  private touchAll(): void {
    for (const router of this.routers.values()) this.requeue(router);
    for (const router of this.retiring) this.requeue(router);
  }

  /**
   * Re-arms the heap for a router whose timers may have moved, right after the input that moved them (the caller
   * touches every router an input reached once that input is done). A deadline that moved *later* (a backup's
   * Master_Down_Timer on every advert) pushes nothing: the earlier entry stays, and when it surfaces peekDeadline()
   * re-queues it at the router's real deadline. So a backup receiving adverts costs one heap operation per
   * Master_Down_Interval rather than one per advert, and the heap holds about one entry per router.
   */
  private requeue(router: VirtualRouter): void {
    const due = router.nextDeadline();
    if (due === undefined) return; // the entry in the heap, if any, is dropped when it surfaces
    const queued = this.recorded.get(router);
    if (queued !== undefined && queued <= due) return;
    this.recorded.set(router, due);
    this.deadlines.push(due, router);
  }

  /** The earliest real deadline: stale entries are dropped, early ones re-queued at the router's real deadline. */
  private peekDeadline(): number | undefined {
    for (let at = this.liveTopTime(); at !== undefined; at = this.liveTopTime()) {
      const top = this.deadlines.peek() as VirtualRouter;
      const due = top.nextDeadline();
      if (due === at) return at;
      this.recorded.set(top, due);
      if (due === undefined) this.deadlines.pop();
      else this.deadlines.replaceTop(due, top);
    }
    return undefined;
  }

  /** The time of the earliest entry that is still its router's live one (no later than that router's deadline). */
  private liveTopTime(): number | undefined {
    for (;;) {
      const at = this.deadlines.peekTime();
      const top = this.deadlines.peek();
      if (at === undefined || top === undefined) return undefined;
      if (this.recorded.get(top) === at && this.isLive(top)) return at;
      this.deadlines.pop(); // superseded by an earlier entry, or the router was removed
    }
  }

  /** Position in the configuration (retiring routers last); build() and reapRetired() drop it when that changes. */
  private configurationRank(): ReadonlyMap<VirtualRouter, number> {
    this.rank ??= new Map([...this.routers.values(), ...this.retiring].map((r, i) => [r, i]));
    return this.rank;
  }

  private isLive(router: VirtualRouter): boolean {
    return this.routers.get(router.name) === router || this.retiring.includes(router);
  }

  /**
   * Retiring routers that name this packet's VRID. A method of its own: a closure inside handlePacket() would make
   * every call allocate a context for the variables it captures, even when no router is retiring.
   */
  private retiringFor(packet: ReceivedPacket, vrid: number | undefined): VirtualRouter[] {
    return this.retiring.filter((old) => old.config.interface === packet.interface && old.config.family === packet.family && old.config.vrid === vrid);
  }

  private applyLink(now: number, router: VirtualRouter, out: Output[]): void {
    const link = this.links.get(router.config.interface);
    const address = router.config.family === 4 ? link?.ipv4 : link?.ipv6LinkLocal;
    router.setLink(now, link?.up ?? false, address, out);
  }

  private priorityOf(router: VirtualRouter): ReturnType<typeof effectivePriority> {
    const base = this.overrides.get(router.name) ?? router.config.priority;
    return effectivePriority(base, router.config.tracks, (id) => this.tracks.get(id) ?? this.neverReported(id));
  }

  /**
   * A tracked object nobody has reported on. The daemon reports every device netlink knows before start(), so an
   * interface never reported does not exist: it counts as down (Fault with weight 0), the safe reading, since an
   * instance tracking a missing uplink must not win an election. A script has simply not run yet: unknown.
   */
  private neverReported(id: string): TrackState {
    return trackedInterface(id) !== undefined ? "down" : "unknown";
  }

  /** Re-derive priority, tracking faults and sync-group faults for every instance (level-triggered). */
  private settle(now: number, out: Output[]): void {
    for (const router of this.routers.values()) {
      const { priority, fault } = this.priorityOf(router);
      router.setTracking(priority, fault, out);
    }
    // Faults are judged once every member's own fault and its group's are known: judging one member before
    // another's change is recorded showed fault -> backup -> fault within one input.
    for (const group of this.groups.values()) {
      for (const member of group.members) member.setGroupFault(group.faultHeldFor(member));
    }
    for (const router of this.routers.values()) router.evaluateFault(now, out);
    this.touchAll();
  }

  /** True when a live (not retiring) instance on `device` holds `address`. */
  private liveHolds(device: string, address: VirtualAddress): boolean {
    for (const router of this.routers.values()) {
      if (!router.holdsAddresses) continue;
      for (const held of router.heldAddresses) {
        if (held.address === address.address && (held.device ?? router.config.interface) === (address.device ?? device)) return true;
      }
    }
    return false;
  }

  private wholeGroups(names: ReadonlySet<string>): ReadonlySet<string> {
    if (names.size === 0) return names;
    const whole = new Set<string>();
    for (const name of names) {
      const group = this.groupOf.get(name);
      if (this.routers.has(name) && (!group || group.members.every((m) => names.has(m.name)))) whole.add(name);
    }
    return whole;
  }

  private reapRetired(): void {
    if (this.retiring.length === 0) return;
    const still = this.retiring.filter((r) => r.holdsAddresses);
    if (still.length === this.retiring.length) return;
    this.retiring = still;
    this.rank = undefined;
  }
}

function notFound(name: string): ControlResult {
  return { ok: false, code: "not-found", message: `no instance named ${name}` };
}

/** Per packet: the shared parse memo (senders on a LAN are few) answers without parsing the text again. */
function familyOf(address: string): 4 | 6 | undefined {
  const length = parseIpShared(address)?.length;
  return length === 4 ? 4 : length === 16 ? 6 : undefined;
}
