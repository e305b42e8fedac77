// A dress rehearsal of a failover on scratch engines, which the daemon runs after it starts and after a reload.
// Why: a router's node has no optimizing compiler and compiles every function lazily, on its first call, so the
// first time a process becomes master it also compiles that whole path. Measured: 0.75 ms for the first
// become-master of a process, 0.09 ms for the next, and that first one sits between Master_Down_Interval and the
// new master's first advert. A backup that has never been master would pay it at the worst moment; after a
// rehearsal it pays it at start. Pure: the scratch engines touch nothing and their outputs are dropped.
import { Engine } from "../vrrp/engine.ts";
import type { Output, ReceivedPacket } from "../vrrp/io.ts";
import type { CoreConfig, InstanceConfig } from "../vrrp/model.ts";

const ADDRESS = { 4: { us: "192.0.2.1", peer: "192.0.2.2" }, 6: { us: "fe80::1", peer: "fe80::2" } } as const;
/** A bound on timer steps per phase (master-down, a few adverts, a GARP burst), so a rehearsal always ends. */
const MAX_STEPS = 50;

/**
 * Plays one instance of each kind the configuration has (family, version, authentication, checksum form) through
 * backup -> master -> preempted by a higher priority -> priority 0 heard -> master -> shutdown. Remembers the kinds
 * it played, so after a reload only a kind not seen before is played. Returns the transitions played
 * ("rehearsal-0 backup->master"), so a test can see the rehearsal is the real thing.
 */
export class FailoverRehearsal {
  private readonly played = new Set<string>();

  run(config: CoreConfig): string[] {
    const transitions: string[] = [];
    for (const instance of config.instances) {
      const kind = `${instance.family}/${instance.version}/${instance.authType}/${instance.v3Ipv4Checksum}`;
      if (this.played.has(kind)) continue;
      rehearse(neutral(instance, this.played.size), transitions);
      this.played.add(kind);
    }
    return transitions;
  }
}

/** One instance on its own pair of engines: a fast one beside a slow one would spend the step bound on adverts. */
function rehearse(instance: InstanceConfig, played: string[]): void {
  const us = new Engine({ instances: [instance], syncGroups: [] });
  const peer = new Engine({ instances: [{ ...instance, priority: 254 }], syncGroups: [] });
  const record = (outputs: readonly Output[]): void => {
    for (const o of outputs) if (o.type === "transition") played.push(`${o.instance} ${o.from}->${o.to}`);
  };
  // Long enough for Master_Down_Interval (3 intervals and a skew of less than one).
  const phaseMs = 4 * instance.advertIntervalMs;
  let now = 0;
  bringUp(us, instance, "us", now);
  record(us.start(now));
  now = runTimers(us, now + phaseMs, record);
  bringUp(peer, instance, "peer", now);
  const heard = sends(peer.start(now));
  now = runTimers(peer, now + phaseMs, (outputs) => heard.push(...sends(outputs)));
  record(deliver(us, now, heard)); // a higher priority: preempted
  now = runTimers(us, now + phaseMs, record);
  record(deliver(us, now, sends(peer.shutdown(now)))); // priority 0: master again after Skew_Time
  now = runTimers(us, now + phaseMs, record);
  us.status(now);
  record(us.shutdown(now));
}

/** The instance's code paths without what would make the scratch engines disagree (peers, tracking, delays). */
function neutral(instance: InstanceConfig, index: number): InstanceConfig {
  const { sourceAddress: _source, ...rest } = instance;
  return {
    ...rest,
    name: `rehearsal-${index}`,
    priority: Math.min(instance.priority, 100),
    preempt: true,
    preemptDelayMs: 0,
    initialState: "backup",
    unicastPeers: [],
    tracks: [],
  };
}

function bringUp(engine: Engine, instance: InstanceConfig, who: "us" | "peer", now: number): void {
  engine.setLink(now, instance.interface, { up: true, ipv4: ADDRESS[4][who], ipv6LinkLocal: ADDRESS[6][who] });
}

/** Fires the engine's timers due until `until`; returns `until`. */
function runTimers(engine: Engine, until: number, onOutputs: (outputs: readonly Output[]) => void): number {
  for (let step = 0; step < MAX_STEPS; step++) {
    const at = engine.nextDeadline();
    if (at === undefined || at > until) break;
    onOutputs(engine.handleTimeout(at));
  }
  return until;
}

function sends(outputs: readonly Output[]): ReceivedPacket[] {
  const packets: ReceivedPacket[] = [];
  for (const o of outputs) {
    if (o.type === "send") packets.push({ interface: o.interface, family: o.family, src: o.src, dst: o.dst, ttl: 255, bytes: o.bytes });
  }
  return packets;
}

function deliver(engine: Engine, now: number, packets: readonly ReceivedPacket[]): Output[] {
  return packets.flatMap((packet) => engine.handlePacket(now, packet));
}
