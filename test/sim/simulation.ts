// Deterministic simulation of N vrrpd engines on one L2 segment (quinn's Pair::step, generalised).
// Real encoded advert bytes cross a simulated wire; a virtual clock jumps from event to event; a seeded PRNG
// decides delay, loss (and so reordering). Crashes, link flaps, partitions, reloads, tracking changes and event-loop
// lag are scheduled actions. Every call into an engine is reported as one step (input and outputs), so a checker can
// follow each node from the outside (see checker/checker.ts).
import { Engine } from "../../src/vrrp/engine.ts";
import type { Output, ReceivedPacket, State } from "../../src/vrrp/io.ts";
import type { CoreConfig } from "../../src/vrrp/model.ts";
import type { TrackState } from "../../src/vrrp/tracking.ts";
import { EventQueue } from "../../src/lib/event-queue.ts";
import type { Prng } from "./prng.ts";
import { advertFacts, type Delivery } from "./wire-facts.ts";

export const SIM_INTERFACE = "lan0";

/**
 * Ways a node misbehaves that the checker is not told about: how the sabotage tests prove the checker can fail.
 * A faithful node has none.
 */
export interface NodeQuirks {
  /** What the node really runs, given the configuration it was given (and the checker expects). */
  readonly runningConfig?: (config: CoreConfig) => CoreConfig;
  /** On link-up the daemon restarts from scratch instead of reporting the link (re-applies its start-up rules). */
  readonly rebootOnLinkUp?: boolean;
  /** The node loses packets after the wire delivered them: the checker believes they arrived. */
  readonly loseReceived?: { readonly probability: number; readonly prng: Prng };
}

export interface SimNodeSpec {
  readonly name: string;
  readonly ipv4: string;
  readonly ipv6LinkLocal: string;
  readonly config: CoreConfig;
  readonly quirks?: NodeQuirks;
}

export interface WireModel {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly lossProbability: number;
}

export interface TransitionEvent {
  readonly at: number;
  readonly node: string;
  readonly instance: string;
  readonly from: State;
  readonly to: State;
  readonly reason: string;
}

/** What the world did to one node: each is one call into its engine (a boot is a fresh engine, links, start()). */
export type StepInput =
  | { readonly kind: "boot" }
  | { readonly kind: "crash" }
  | { readonly kind: "shutdown" }
  | { readonly kind: "link"; readonly device: string; readonly up: boolean }
  | { readonly kind: "track"; readonly id: string; readonly state: TrackState }
  | { readonly kind: "override"; readonly instance: string; readonly priority: number | null }
  | { readonly kind: "switchover"; readonly instance: string; readonly noPreemptMs: number }
  | { readonly kind: "reload"; readonly config: CoreConfig }
  | { readonly kind: "deliver"; readonly delivery: Delivery }
  | { readonly kind: "timer" }
  /** The node's event loop is blocked until `untilMs`: packets queue up, timers wait. */
  | { readonly kind: "lag"; readonly untilMs: number };

export interface SimStep {
  readonly at: number;
  readonly node: string;
  readonly input: StepInput;
  /** Whether the node's daemon was running (a reload of a stopped node only changes what it boots with). */
  readonly running: boolean;
  readonly outputs: readonly Output[];
}

type SimEvent =
  | { readonly kind: "deliver"; readonly to: number; readonly packet: ReceivedPacket; readonly delivery: Delivery }
  | { readonly kind: "timer"; readonly node: number; readonly generation: number }
  | { readonly kind: "lag-end"; readonly node: number; readonly until: number }
  | { readonly kind: "action"; readonly run: () => void };

interface Queued {
  readonly packet: ReceivedPacket;
  readonly delivery: Delivery;
}

class SimNode {
  engine: Engine | undefined;
  /** The configuration the node was given (what the checker expects); its engine runs quirks.runningConfig of it. */
  config: CoreConfig;
  /** Device -> link up. The LAN device always; others are tracked interfaces. */
  readonly links = new Map<string, boolean>([[SIM_INTERFACE, true]]);
  /** Script results the daemon would report; kept across restarts (they describe the world). */
  readonly scripts = new Map<string, TrackState>();
  /** ubus set_priority overrides of the running daemon (a reload or a restart forgets them). */
  readonly overrides = new Map<string, number | null>();
  timerGeneration = 0;
  timerAt: number | undefined;
  /** Set while the event loop is blocked: packets wait in the inbox, timers wait. */
  lagUntil: number | undefined;
  readonly inbox: Queued[] = [];
  /** Addresses each instance has configured on this host right now. */
  readonly holding = new Map<string, Set<string>>();
  /** Whether the host accepts packets to each instance's addresses (RFC 5798 Accept_Mode), while it holds them. */
  readonly accepting = new Map<string, boolean>();
  readonly states = new Map<string, State>();
  /** Set by a graceful shutdown: the daemon is on its way out and will not rejoin by itself. */
  stopping = false;
  advertsSent = 0;
  announcements = 0;

  constructor(
    readonly index: number,
    readonly spec: SimNodeSpec,
  ) {
    this.config = spec.config;
  }

  get linkUp(): boolean {
    return this.links.get(SIM_INTERFACE) ?? false;
  }

  runningConfig(): CoreConfig {
    return this.spec.quirks?.runningConfig?.(this.config) ?? this.config;
  }
}

export class Simulation {
  now = 0;
  readonly transitions: TransitionEvent[] = [];
  /** Every advert put on the wire: [time, node, instance, priority]. */
  readonly adverts: Array<readonly [number, string, string, number]> = [];
  /** Log lines the engines produced, for diagnosing a failed run. */
  readonly logs: string[] = [];
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes: SimNode[];
  private readonly cut = new Set<string>();
  wire: WireModel;
  /** Called after every event, so a test can check an invariant continuously, not only at the end. */
  observer: (() => void) | undefined;
  /** Called after every call into an engine, with what went in and what came out. */
  onStep: ((step: SimStep) => void) | undefined;

  constructor(
    specs: readonly SimNodeSpec[],
    wire: WireModel,
    private readonly prng: Prng,
  ) {
    this.nodes = specs.map((spec, i) => new SimNode(i, spec));
    this.wire = wire;
  }

  get nodeNames(): string[] {
    return this.nodes.map((n) => n.spec.name);
  }

  at(time: number, run: () => void): void {
    this.queue.push(time, { kind: "action", run });
  }

  /** Boot a node: a fresh engine, every link and script result reported (as netlink would at start), then start(). */
  boot(name: string): void {
    const node = this.node(name);
    if (this.deferWhileLagging(node, () => this.boot(name))) return;
    this.step(node, { kind: "boot" }, () => this.freshEngine(node));
  }

  /** SIGKILL or power loss: the node goes silent at once; its addresses vanish with it. */
  crash(name: string): void {
    const node = this.node(name);
    const running = node.engine !== undefined;
    this.stopEngine(node);
    this.onStep?.({ at: this.now, node: name, input: { kind: "crash" }, running, outputs: [] });
  }

  /** SIGTERM: priority 0 and make-before-break release. */
  shutdown(name: string): void {
    const node = this.node(name);
    if (this.deferWhileLagging(node, () => this.shutdown(name))) return;
    const engine = node.engine;
    if (!engine || node.stopping) return;
    node.stopping = true;
    this.step(node, { kind: "shutdown" }, () => engine.shutdown(this.now));
  }

  /** Booted and not stopping (a crashed or stopped node does not count). */
  isRunning(name: string): boolean {
    const node = this.node(name);
    return node.engine !== undefined && !node.stopping;
  }

  /** The LAN link (the VRRP interface). */
  setLink(name: string, up: boolean): void {
    this.setDeviceLink(name, SIM_INTERFACE, up);
  }

  /** Any device's link, as netlink reports it: the LAN, or an interface other instances track. */
  setDeviceLink(name: string, device: string, up: boolean): void {
    const node = this.node(name);
    if (this.deferWhileLagging(node, () => this.setDeviceLink(name, device, up))) return;
    const wasUp = node.links.get(device) ?? false;
    node.links.set(device, up);
    const engine = node.engine;
    if (wasUp === up) return;
    const input: StepInput = { kind: "link", device, up };
    if (!engine) {
      this.onStep?.({ at: this.now, node: name, input, running: false, outputs: [] });
      return;
    }
    if (device === SIM_INTERFACE && up && node.spec.quirks?.rebootOnLinkUp && !node.stopping) {
      // Sabotage: the daemon starts over on link-up; the checker is told only that the link came up.
      const overrides = [...node.overrides];
      this.step(node, input, () => {
        this.stopEngine(node);
        const out = this.freshEngine(node);
        // Only the start-up rules are to differ: give the new daemon the operator's overrides back.
        for (const [instance, priority] of overrides) out.push(...(node.engine?.setPriorityOverride(this.now, instance, priority).outputs ?? []));
        for (const [instance, priority] of overrides) node.overrides.set(instance, priority);
        return out;
      });
      return;
    }
    this.step(node, input, () => engine.setLink(this.now, device, this.linkState(node, device)));
  }

  setTrack(name: string, id: string, state: TrackState): void {
    const node = this.node(name);
    if (this.deferWhileLagging(node, () => this.setTrack(name, id, state))) return;
    if (node.scripts.get(id) === state) return;
    node.scripts.set(id, state);
    const engine = node.engine;
    const input: StepInput = { kind: "track", id, state };
    if (engine) this.step(node, input, () => engine.setTrack(this.now, id, state));
    else this.onStep?.({ at: this.now, node: name, input, running: false, outputs: [] });
  }

  setPriorityOverride(name: string, instance: string, priority: number | null): void {
    const node = this.node(name);
    if (this.deferWhileLagging(node, () => this.setPriorityOverride(name, instance, priority))) return;
    const engine = node.engine;
    if (!engine || node.stopping) return;
    node.overrides.set(instance, priority);
    this.step(node, { kind: "override", instance, priority }, () => engine.setPriorityOverride(this.now, instance, priority).outputs);
  }

  /** A hitless reload with `config` (a stopped node boots with it next time). */
  reconfigure(name: string, config: CoreConfig): void {
    this.reload(name, () => config);
  }

  /** A reload whose configuration is derived from the node's when it happens (after any lag, like the daemon's). */
  reload(name: string, change: (current: CoreConfig) => CoreConfig): void {
    const node = this.node(name);
    if (this.deferWhileLagging(node, () => this.reload(name, change))) return;
    const config = change(node.config);
    node.config = config;
    node.overrides.clear();
    const engine = node.engine;
    const input: StepInput = { kind: "reload", config };
    if (!engine || node.stopping) {
      this.onStep?.({ at: this.now, node: name, input, running: false, outputs: [] });
      return;
    }
    this.step(node, input, () => engine.reconfigure(this.now, node.runningConfig()));
  }

  switchover(name: string, instance: string, noPreemptMs: number): boolean {
    const node = this.node(name);
    if (this.deferWhileLagging(node, () => this.switchover(name, instance, noPreemptMs))) return false;
    const engine = node.engine;
    if (!engine || node.stopping) return false;
    let ok = false;
    this.step(node, { kind: "switchover", instance, noPreemptMs }, () => {
      const { result, outputs } = engine.switchover(this.now, instance, noPreemptMs);
      ok = result.ok;
      return outputs;
    });
    return ok;
  }

  /**
   * Block the node's event loop for `durationMs`: packets that arrive meanwhile are handled in one burst when it
   * ends, with one clock reading, before any timer that fell due (the daemon drains its sockets first).
   */
  lag(name: string, durationMs: number): void {
    const node = this.node(name);
    if (!node.engine) return;
    const until = Math.max(node.lagUntil ?? this.now, this.now + durationMs);
    node.lagUntil = until;
    this.queue.push(until, { kind: "lag-end", node: node.index, until });
    this.onStep?.({ at: this.now, node: name, input: { kind: "lag", untilMs: until }, running: true, outputs: [] });
  }

  isLagging(name: string): boolean {
    return this.node(name).lagUntil !== undefined;
  }

  partition(a: string, b: string, cut: boolean): void {
    const key = [a, b].sort().join("|");
    if (cut) this.cut.add(key);
    else this.cut.delete(key);
  }

  /** Process every event up to and including `until`, then leave the clock there. */
  runUntil(until: number): void {
    for (;;) {
      const next = this.queue.peekTime();
      if (next === undefined || next > until) break;
      const event = this.queue.pop();
      if (!event) break;
      this.now = Math.max(this.now, event.at);
      this.dispatch(event.item);
      this.observer?.();
    }
    this.now = until;
  }

  engine(name: string): Engine | undefined {
    return this.node(name).engine;
  }

  /** The configuration the node was given last (what the checker expects it to run). */
  configOf(name: string): CoreConfig {
    return this.node(name).config;
  }

  stateOf(name: string, instance: string): State {
    return this.node(name).states.get(instance) ?? "initialize";
  }

  holds(name: string, instance: string): ReadonlySet<string> {
    return this.node(name).holding.get(instance) ?? new Set();
  }

  /** Accept_Mode of the held addresses as the host was last told (undefined when nothing was ever added). */
  acceptOf(name: string, instance: string): boolean | undefined {
    return this.node(name).accepting.get(instance);
  }

  isUp(name: string): boolean {
    const node = this.node(name);
    return node.engine !== undefined && node.linkUp;
  }

  linkOf(name: string, device: string): boolean {
    return this.node(name).links.get(device) ?? false;
  }

  private dispatch(event: SimEvent): void {
    if (event.kind === "action") {
      event.run();
    } else if (event.kind === "timer") {
      const node = this.nodes[event.node];
      if (!node?.engine || event.generation !== node.timerGeneration || node.lagUntil !== undefined) return;
      node.timerAt = undefined;
      const engine = node.engine;
      this.step(node, { kind: "timer" }, () => engine.handleTimeout(this.now));
    } else if (event.kind === "lag-end") {
      const node = this.nodes[event.node];
      if (node?.lagUntil === event.until) this.endLag(node);
    } else {
      const node = this.nodes[event.to];
      if (!node?.engine || !node.linkUp) return;
      if (node.lagUntil !== undefined) node.inbox.push({ packet: event.packet, delivery: event.delivery });
      else this.receive(node, event.packet, event.delivery);
    }
  }

  private receive(node: SimNode, packet: ReceivedPacket, delivery: Delivery, arm = true): void {
    const engine = node.engine;
    if (!engine) return;
    const lose = node.spec.quirks?.loseReceived;
    const lost = lose !== undefined && lose.prng.chance(lose.probability);
    this.step(node, { kind: "deliver", delivery }, () => (lost ? [] : engine.handlePacket(this.now, packet)), arm);
  }

  /** The burst first (one clock reading), then the timer if it fell due during the lag. */
  private endLag(node: SimNode): void {
    node.lagUntil = undefined;
    for (const queued of node.inbox.splice(0)) {
      if (node.engine && node.linkUp) this.receive(node, queued.packet, queued.delivery, false);
    }
    const engine = node.engine;
    if (!engine) return;
    const due = engine.nextWakeup();
    if (due !== undefined && due <= this.now) this.step(node, { kind: "timer" }, () => engine.handleTimeout(this.now), false);
    node.timerAt = undefined;
    node.timerGeneration++;
    this.armTimer(node);
  }

  private step(node: SimNode, input: StepInput, call: () => readonly Output[], arm = true): void {
    const outputs = call();
    for (const output of outputs) this.carryOut(node, output);
    if (arm) this.armTimer(node);
    this.onStep?.({ at: this.now, node: node.spec.name, input, running: true, outputs });
  }

  private freshEngine(node: SimNode): Output[] {
    const engine = new Engine(node.runningConfig());
    node.engine = engine;
    node.stopping = false;
    node.overrides.clear();
    node.holding.clear();
    node.accepting.clear();
    node.states.clear();
    const out: Output[] = [];
    for (const device of node.links.keys()) out.push(...engine.setLink(this.now, device, this.linkState(node, device)));
    for (const [id, state] of node.scripts) out.push(...engine.setTrack(this.now, id, state));
    out.push(...engine.start(this.now));
    return out;
  }

  private stopEngine(node: SimNode): void {
    node.engine = undefined;
    node.stopping = false;
    node.lagUntil = undefined;
    node.inbox.length = 0;
    node.holding.clear();
    node.accepting.clear();
    for (const instance of node.states.keys()) node.states.set(instance, "initialize");
    node.timerGeneration++;
    node.timerAt = undefined;
  }

  /** An action on a node whose event loop is blocked waits until the loop runs again (after the burst). */
  private deferWhileLagging(node: SimNode, run: () => void): boolean {
    if (node.lagUntil === undefined) return false;
    this.queue.push(node.lagUntil, { kind: "action", run });
    return true;
  }

  private carryOut(node: SimNode, output: Output): void {
    switch (output.type) {
      case "send":
        this.transmit(node, output);
        break;
      case "add-addresses": {
        const held = node.holding.get(output.instance) ?? new Set<string>();
        for (const vip of output.addresses) held.add(vip.address);
        node.holding.set(output.instance, held);
        node.accepting.set(output.instance, output.acceptPackets);
        break;
      }
      case "remove-addresses": {
        const held = node.holding.get(output.instance);
        for (const vip of output.addresses) held?.delete(vip.address);
        if (held?.size === 0) node.accepting.delete(output.instance);
        break;
      }
      case "accept-packets":
        node.accepting.set(output.instance, output.acceptPackets);
        break;
      case "transition":
        node.states.set(output.instance, output.to);
        this.transitions.push({ at: this.now, node: node.spec.name, instance: output.instance, from: output.from, to: output.to, reason: output.reason });
        break;
      case "announce":
        node.announcements += output.count;
        break;
      case "log":
        this.logs.push(`${this.now.toFixed(3)} ${node.spec.name} ${output.instance ?? "-"} ${output.level}: ${output.message}`);
        break;
      default:
        break;
    }
  }

  private transmit(sender: SimNode, send: Extract<Output, { type: "send" }>): void {
    sender.advertsSent++;
    this.adverts.push([this.now, sender.spec.name, send.instance, send.bytes[2] ?? -1]);
    if (!sender.linkUp) return;
    const facts = advertFacts(send.bytes);
    for (const receiver of this.nodes) {
      if (receiver === sender || !receiver.engine || !receiver.linkUp) continue;
      if (this.cut.has([sender.spec.name, receiver.spec.name].sort().join("|"))) continue;
      const unicastTo = send.dst !== receiver.spec.ipv4 && send.dst !== receiver.spec.ipv6LinkLocal;
      if (unicastTo && !isMulticast(send.dst)) continue;
      if (this.prng.chance(this.wire.lossProbability)) continue;
      const delay = this.prng.between(this.wire.minDelayMs, this.wire.maxDelayMs);
      const packet: ReceivedPacket = { interface: SIM_INTERFACE, family: send.family, src: send.src, dst: send.dst, ttl: 255, bytes: send.bytes };
      const delivery: Delivery = { from: sender.spec.name, sentAtMs: this.now, family: send.family, src: send.src, dst: send.dst, facts };
      this.queue.push(this.now + delay, { kind: "deliver", to: receiver.index, packet, delivery });
    }
  }

  /** As the daemon does: armed at nextWakeup(), which may be early; an early timer's handleTimeout is empty. */
  private armTimer(node: SimNode): void {
    const due = node.engine?.nextWakeup();
    if (due === node.timerAt) return;
    node.timerGeneration++;
    node.timerAt = due;
    if (due !== undefined) this.queue.push(Math.max(due, this.now), { kind: "timer", node: node.index, generation: node.timerGeneration });
  }

  private linkState(node: SimNode, device: string): { up: boolean; ipv4: string; ipv6LinkLocal: string } {
    return { up: node.links.get(device) ?? false, ipv4: node.spec.ipv4, ipv6LinkLocal: node.spec.ipv6LinkLocal };
  }

  private node(name: string): SimNode {
    const node = this.nodes.find((n) => n.spec.name === name);
    if (!node) throw new Error(`no simulated node ${name}`);
    return node;
  }
}

function isMulticast(address: string): boolean {
  return address.startsWith("224.") || address.toLowerCase().startsWith("ff");
}
