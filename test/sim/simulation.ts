// Deterministic simulation of N vrrpd engines on one L2 segment (quinn's Pair::step, generalised).
// Real encoded advert bytes cross a simulated wire; a virtual clock jumps from event to event; a seeded PRNG
// decides delay, loss (and so reordering). Crashes, link flaps and partitions are scheduled actions.
import { Engine } from "../../src/vrrp/engine.ts";
import type { Output, ReceivedPacket, State } from "../../src/vrrp/io.ts";
import type { CoreConfig } from "../../src/vrrp/model.ts";
import type { TrackState } from "../../src/vrrp/tracking.ts";
import { EventQueue } from "../../src/lib/event-queue.ts";
import type { Prng } from "./prng.ts";

export const SIM_INTERFACE = "lan0";

export interface SimNodeSpec {
  readonly name: string;
  readonly ipv4: string;
  readonly ipv6LinkLocal: string;
  readonly config: CoreConfig;
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

type SimEvent =
  | { readonly kind: "deliver"; readonly to: number; readonly packet: ReceivedPacket }
  | { readonly kind: "timer"; readonly node: number; readonly generation: number }
  | { readonly kind: "action"; readonly run: () => void };

class SimNode {
  engine: Engine | undefined;
  linkUp = true;
  timerGeneration = 0;
  timerAt: number | undefined;
  /** Addresses each instance has configured on this host right now. */
  readonly holding = new Map<string, Set<string>>();
  readonly states = new Map<string, State>();
  /** Set by a graceful shutdown: the daemon is on its way out and will not rejoin by itself. */
  stopping = false;
  advertsSent = 0;
  announcements = 0;

  constructor(readonly index: number, readonly spec: SimNodeSpec) {}
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

  constructor(specs: readonly SimNodeSpec[], wire: WireModel, private readonly prng: Prng) {
    this.nodes = specs.map((spec, i) => new SimNode(i, spec));
    this.wire = wire;
  }

  get nodeNames(): string[] {
    return this.nodes.map((n) => n.spec.name);
  }

  at(time: number, run: () => void): void {
    this.queue.push(time, { kind: "action", run });
  }

  /** Boot a node: a fresh engine, its link reported up (as netlink would at start), then start(). */
  boot(name: string): void {
    const node = this.node(name);
    node.engine = new Engine(node.spec.config);
    node.stopping = false;
    node.holding.clear();
    node.states.clear();
    this.apply(node, node.engine.setLink(this.now, SIM_INTERFACE, this.linkState(node)));
    this.apply(node, node.engine.start(this.now));
  }

  /** SIGKILL or power loss: the node goes silent at once; its addresses vanish with it. */
  crash(name: string): void {
    const node = this.node(name);
    node.engine = undefined;
    node.holding.clear();
    for (const instance of node.states.keys()) node.states.set(instance, "initialize");
    node.timerGeneration++;
  }

  /** SIGTERM: priority 0 and make-before-break release. */
  shutdown(name: string): void {
    const node = this.node(name);
    if (!node.engine) return;
    node.stopping = true;
    this.apply(node, node.engine.shutdown(this.now));
  }

  /** Booted and not stopping (a crashed or stopped node does not count). */
  isRunning(name: string): boolean {
    const node = this.node(name);
    return node.engine !== undefined && !node.stopping;
  }

  setLink(name: string, up: boolean): void {
    const node = this.node(name);
    node.linkUp = up;
    if (node.engine) this.apply(node, node.engine.setLink(this.now, SIM_INTERFACE, this.linkState(node)));
  }

  setTrack(name: string, id: string, state: TrackState): void {
    const node = this.node(name);
    if (node.engine) this.apply(node, node.engine.setTrack(this.now, id, state));
  }

  reconfigure(name: string, config: CoreConfig): void {
    const node = this.node(name);
    if (node.engine) this.apply(node, node.engine.reconfigure(this.now, config));
  }

  switchover(name: string, instance: string, noPreemptMs: number): boolean {
    const node = this.node(name);
    if (!node.engine) return false;
    const { result, outputs } = node.engine.switchover(this.now, instance, noPreemptMs);
    this.apply(node, outputs);
    return result.ok;
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

  stateOf(name: string, instance: string): State {
    return this.node(name).states.get(instance) ?? "initialize";
  }

  holds(name: string, instance: string): ReadonlySet<string> {
    return this.node(name).holding.get(instance) ?? new Set();
  }

  isUp(name: string): boolean {
    const node = this.node(name);
    return node.engine !== undefined && node.linkUp;
  }

  private dispatch(event: SimEvent): void {
    if (event.kind === "action") {
      event.run();
    } else if (event.kind === "timer") {
      const node = this.nodes[event.node];
      if (!node?.engine || event.generation !== node.timerGeneration) return;
      node.timerAt = undefined;
      this.apply(node, node.engine.handleTimeout(this.now));
    } else {
      const node = this.nodes[event.to];
      if (!node?.engine || !node.linkUp) return;
      this.apply(node, node.engine.handlePacket(this.now, event.packet));
    }
  }

  private apply(node: SimNode, outputs: readonly Output[]): void {
    for (const output of outputs) this.carryOut(node, output);
    this.armTimer(node);
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
        break;
      }
      case "remove-addresses":
        for (const vip of output.addresses) node.holding.get(output.instance)?.delete(vip.address);
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
      case "priority":
      case "master-rx-lower-pri":
        break;
    }
  }

  private transmit(sender: SimNode, send: Extract<Output, { type: "send" }>): void {
    sender.advertsSent++;
    this.adverts.push([this.now, sender.spec.name, send.instance, send.bytes[2] ?? -1]);
    if (!sender.linkUp) return;
    for (const receiver of this.nodes) {
      if (receiver === sender || !receiver.engine || !receiver.linkUp) continue;
      if (this.cut.has([sender.spec.name, receiver.spec.name].sort().join("|"))) continue;
      const unicastTo = send.dst !== receiver.spec.ipv4 && send.dst !== receiver.spec.ipv6LinkLocal;
      if (unicastTo && !isMulticast(send.dst)) continue;
      if (this.prng.chance(this.wire.lossProbability)) continue;
      const delay = this.prng.between(this.wire.minDelayMs, this.wire.maxDelayMs);
      const packet: ReceivedPacket = { interface: SIM_INTERFACE, family: send.family, src: send.src, dst: send.dst, ttl: 255, bytes: send.bytes };
      this.queue.push(this.now + delay, { kind: "deliver", to: receiver.index, packet });
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

  private linkState(node: SimNode): { up: boolean; ipv4: string; ipv6LinkLocal: string } {
    return { up: node.linkUp, ipv4: node.spec.ipv4, ipv6LinkLocal: node.spec.ipv6LinkLocal };
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
