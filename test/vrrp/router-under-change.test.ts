// Issue #11's defects, each reproduced at the core level: a reload, a link flap, a switchover and a priority
// override must leave the timers, the owner's accept rule and the counters exactly where the RFCs and keepalived
// put them. Every test here failed on e8e64c9.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encode } from "../../src/vrrp/codec.ts";
import { Engine } from "../../src/vrrp/engine.ts";
import type { Output } from "../../src/vrrp/io.ts";
import type { CoreConfig, InstanceConfig } from "../../src/vrrp/model.ts";
import { masterDownIntervalMs } from "../../src/vrrp/timers.ts";
import { simInstance } from "../sim/topology.ts";

const LOCAL = "192.0.2.1";
const PEER = "192.0.2.2";
const lan = (up = true) => ({ up, ipv4: LOCAL });
const only = (instance: InstanceConfig): CoreConfig => ({ instances: [instance], syncGroups: [] });

function advert(config: InstanceConfig, priority: number, intervalMs = config.advertIntervalMs, authType = config.authType): Uint8Array {
  const addresses = config.virtualAddresses.map((v) => v.address);
  const common = { vrid: config.vrid, priority, addresses };
  const fields =
    config.version === 2
      ? { ...common, version: 2 as const, authType, authPassword: config.authPassword, adverIntSec: intervalMs / 1000 }
      : { ...common, version: 3 as const, maxAdverIntCs: intervalMs / 10 };
  return encode(fields, { family: 4, src: PEER, dst: "224.0.0.18" });
}

function hear(engine: Engine, now: number, bytes: Uint8Array): readonly Output[] {
  return engine.handlePacket(now, { interface: "lan0", family: 4, src: PEER, dst: "224.0.0.18", ttl: 255, bytes });
}

function started(config: InstanceConfig, at = 0): Engine {
  const engine = new Engine(only(config));
  engine.setLink(at, "lan0", lan());
  engine.start(at);
  return engine;
}

/** Runs the engine's timers up to `until` and returns what they produced. */
function runTimers(engine: Engine, until: number): Output[] {
  const out: Output[] = [];
  for (let next = engine.nextDeadline(); next !== undefined && next <= until; next = engine.nextDeadline()) out.push(...engine.handleTimeout(next));
  return out;
}

const stateOf = (engine: Engine): string | undefined => engine.status(0).instances[0]?.state;
const types = (out: readonly Output[]): string[] => out.filter((o) => o.type !== "log" && o.type !== "priority").map((o) => o.type);

test("defect 1: a VRRPv2 backup reloaded from 1 s to 5 s takes its Master_Down_Interval from 5 s", () => {
  const at1s = simInstance({ vrid: 7, version: 2, priority: 100, advertIntervalMs: 1000 });
  const at5s = { ...at1s, advertIntervalMs: 5000 };
  const engine = started(at1s);
  hear(engine, 1000, advert(at1s, 200));
  assert.equal(engine.nextDeadline(), 1000 + masterDownIntervalMs(2, 100, 1000));
  engine.reconfigure(1500, only(at5s));
  const mdi5s = masterDownIntervalMs(2, 100, 5000);
  assert.equal(engine.status(1500).instances[0]?.masterDownIntervalMs, mdi5s);
  assert.equal(engine.nextDeadline(), 1500 + mdi5s, "the reload restarts the timer from the new interval");
  hear(engine, 2000, advert(at5s, 200));
  assert.equal(engine.nextDeadline(), 2000 + mdi5s, "the master's 5 s adverts keep it there");
  // The old bug: a takeover at 4709 ms while the master was alive.
  assert.deepEqual(types(runTimers(engine, 6000)), []);
  assert.equal(stateOf(engine), "backup");
});

test("defect 1: a master whose interval shrinks on reload advertises on the new interval at once", () => {
  const at5s = simInstance({ vrid: 7, version: 2, priority: 200, advertIntervalMs: 5000 });
  const engine = started(at5s);
  runTimers(engine, 20_000); // alone: it becomes master, then adverts every 5 s
  assert.equal(stateOf(engine), "master");
  const lastAdvertDue = engine.nextDeadline() ?? NaN;
  const reloadAt = lastAdvertDue - 4500; // 500 ms after an advert
  engine.reconfigure(reloadAt, only({ ...at5s, advertIntervalMs: 1000 }));
  assert.equal(engine.nextDeadline(), reloadAt + 1000, "a 1 s backup would otherwise wait 4.5 s for the next advert");
});

test("defect 2: the state MASTER start timer applies at startup only, not after a Fault", () => {
  const config = simInstance({ vrid: 7, version: 2, priority: 100, initialState: "master" });
  const engine = started(config);
  assert.equal(engine.nextDeadline(), 1000 + 1000 / 256, "startup: one interval plus the minimal skew");
  hear(engine, 4000, advert(config, 200));
  engine.setLink(5000, "lan0", lan(false));
  assert.equal(stateOf(engine), "fault");
  engine.setLink(5050, "lan0", lan(true));
  assert.equal(stateOf(engine), "backup");
  assert.equal(engine.nextDeadline(), 5050 + masterDownIntervalMs(2, 100, 1000), "leaving Fault waits Master_Down_Interval");
});

test("defect 3: becoming the owner by reload while master accepts packets to the virtual addresses at once", () => {
  const config = simInstance({ vrid: 7, version: 3, advertIntervalMs: 100, priority: 100, acceptMode: false });
  const engine = started(config);
  const becoming = runTimers(engine, 1000);
  assert.equal(becoming.find((o) => o.type === "add-addresses")?.acceptPackets, false);
  const out = engine.reconfigure(1000, only({ ...config, priority: 255 }));
  assert.deepEqual(
    out.filter((o) => o.type === "accept-packets").map((o) => o.type === "accept-packets" && o.acceptPackets),
    [true],
    "RFC 5798 §6.4.3: the owner MUST accept packets addressed to its addresses",
  );
  const back = engine.reconfigure(1100, only(config));
  assert.deepEqual(back.filter((o) => o.type === "accept-packets").map((o) => o.type === "accept-packets" && o.acceptPackets), [false]);
});

test("defect 3: a priority override to 255 (and back) re-applies the accept rule while master", () => {
  const config = simInstance({ vrid: 7, version: 3, advertIntervalMs: 100, priority: 100, acceptMode: false });
  const engine = started(config);
  runTimers(engine, 1000);
  const owner = engine.setPriorityOverride(1000, config.name, 255).outputs;
  assert.deepEqual(owner.filter((o) => o.type === "accept-packets").map((o) => o.type === "accept-packets" && o.acceptPackets), [true]);
  const cleared = engine.setPriorityOverride(1100, config.name, null).outputs;
  assert.deepEqual(cleared.filter((o) => o.type === "accept-packets").map((o) => o.type === "accept-packets" && o.acceptPackets), [false]);
});

test("defect 3: turning accept mode on by reload while master re-applies it; a backup emits nothing", () => {
  const config = simInstance({ vrid: 7, version: 3, advertIntervalMs: 100, priority: 100, acceptMode: false });
  const backup = started(config);
  assert.deepEqual(backup.reconfigure(10, only({ ...config, acceptMode: true })).filter((o) => o.type === "accept-packets"), []);
  const master = started(config);
  runTimers(master, 1000);
  const out = master.reconfigure(1000, only({ ...config, acceptMode: true }));
  assert.deepEqual(out.filter((o) => o.type === "accept-packets").map((o) => o.type === "accept-packets" && o.acceptPackets), [true]);
});

test("defect 4: preempt_delay starts afresh after the router leaves master", () => {
  const config = simInstance({ vrid: 7, version: 3, advertIntervalMs: 100, priority: 200, preemptDelayMs: 2000 });
  const engine = started(config);
  // A lower-priority master is heard: preemption waits 2 s from the first such advert.
  for (let t = 100; t <= 2000; t += 100) hear(engine, t, advert(config, 100));
  assert.equal(stateOf(engine), "backup");
  hear(engine, 2100, advert(config, 100)); // the delay is over: ignored, so the timer runs out
  runTimers(engine, 3000);
  assert.equal(stateOf(engine), "master");
  // A planned switchover with a 500 ms hold-off; the lower-priority peer takes over.
  engine.switchover(3000, config.name, 500);
  assert.equal(stateOf(engine), "backup");
  for (let t = 3100; t <= 3400; t += 100) hear(engine, t, advert(config, 100));
  // From the end of the hold-off (3500), the peer's adverts must be accepted for preempt_delay again (keepalived
  // clears preempt_time when leaving master), not ignored at once.
  const mdi = masterDownIntervalMs(3, 200, 100);
  for (let t = 3500; t < 5500; t += 100) {
    hear(engine, t, advert(config, 100));
    assert.equal(engine.nextDeadline(), t + mdi, `the advert at ${t} is accepted within the new preempt_delay window`);
  }
  runTimers(engine, 5450);
  assert.equal(stateOf(engine), "backup");
});

test("defect 5: an unknown auth type counts as invalid_authtype; a known but different one as authtype_mismatch", () => {
  const config = simInstance({ vrid: 7, version: 2, priority: 100, authType: 1, authPassword: "secret" });
  const engine = started(config);
  hear(engine, 10, advert(config, 200, 1000, 2 as never));
  hear(engine, 20, advert({ ...config, authType: 0 }, 200));
  const counters = engine.status(20).instances[0]?.counters;
  assert.equal(counters?.invalid_authtype, 1, "Auth Type 2 (IP Authentication Header, RFC 2338) is not one vrrpd knows");
  assert.equal(counters?.authtype_mismatch, 1);
});

test("defect 5: a packet for a VRID nobody runs is counted per interface, and no per-instance counter claims it", () => {
  const config = simInstance({ vrid: 7, version: 3, priority: 100 });
  const engine = started(config);
  hear(engine, 10, advert({ ...config, vrid: 8 }, 200));
  const status = engine.status(10);
  assert.deepEqual(status.unknownVrid, { "lan0/ipv4": 1 });
  assert.equal("vrid_err" in (status.instances[0]?.counters ?? {}), false, "vrid_err can never be counted per instance");
});

test("defect 6: a tracked interface that does not exist holds the instance in Fault until it appears", () => {
  const config = simInstance({ vrid: 7, version: 3, priority: 100, tracks: [{ id: "interface:wan9", weight: 0, reverse: false }] });
  const engine = started(config);
  assert.equal(stateOf(engine), "fault");
  engine.setLink(100, "wan9", { up: true });
  assert.equal(stateOf(engine), "backup");
});

test("defect 6: with a weight, a tracked interface that does not exist counts as down", () => {
  const config = simInstance({ vrid: 7, version: 3, priority: 100, tracks: [{ id: "interface:wan9", weight: -30, reverse: false }] });
  const engine = started(config);
  assert.equal(engine.status(0).instances[0]?.effectivePriority, 70);
  assert.equal(engine.status(0).instances[0]?.tracked[0]?.state, "down");
});
