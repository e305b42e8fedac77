// The backup's receive path is written to allocate little per advert (docs/protocol-core.md, "Per-packet cost"):
// Skew_Time and Master_Down_Interval are remembered with what they were computed from, and handlePacket() returns a
// shared empty result. These tests pin that the shortcuts give the same answers as computing afresh.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encode } from "../../src/vrrp/codec.ts";
import { Engine } from "../../src/vrrp/engine.ts";
import type { CoreConfig, InstanceConfig } from "../../src/vrrp/model.ts";
import { masterDownIntervalMs, skewTimeMs } from "../../src/vrrp/timers.ts";
import { simInstance } from "../sim/topology.ts";

const backup = simInstance({ vrid: 1, version: 3, advertIntervalMs: 100, priority: 100 });
const single = (instance: InstanceConfig): CoreConfig => ({ instances: [instance], syncGroups: [] });

function started(instance: InstanceConfig): Engine {
  const engine = new Engine(single(instance));
  engine.setLink(0, "lan0", { up: true, ipv4: "192.0.2.2" });
  engine.start(0);
  return engine;
}

/** The master's advert for VRID 1, heard at `now`. */
function hear(engine: Engine, now: number, fields: { priority?: number; intervalCs?: number } = {}) {
  const advert = { version: 3 as const, vrid: 1, priority: fields.priority ?? 200, maxAdverIntCs: fields.intervalCs ?? 10, addresses: ["198.51.100.1"] };
  const bytes = encode(advert, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" });
  return engine.handlePacket(now, { interface: "lan0", family: 4, src: "192.0.2.1", dst: "224.0.0.18", ttl: 255, bytes });
}

test("Skew_Time and Master_Down_Interval follow a change of priority, learned interval and configuration", () => {
  const engine = started(backup);
  const expectTimers = (now: number, priority: number, intervalMs: number, adverts = 3): void => {
    const status = engine.status(now).instances[0];
    assert.equal(status?.skewTimeMs, skewTimeMs(3, priority, intervalMs));
    assert.equal(status?.masterDownIntervalMs, masterDownIntervalMs(3, priority, intervalMs, adverts));
    assert.equal(engine.nextDeadline(), now + masterDownIntervalMs(3, priority, intervalMs, adverts), "the timer just re-armed");
  };
  hear(engine, 1000.5);
  expectTimers(1000.5, 100, 100); // 360.9375 ms

  engine.setPriorityOverride(1050, backup.name, 150);
  hear(engine, 1100.25);
  expectTimers(1100.25, 150, 100);

  hear(engine, 1200.75, { intervalCs: 20 }); // a v3 backup adopts the master's interval
  expectTimers(1200.75, 150, 200);

  engine.setPriorityOverride(1250, backup.name, null);
  hear(engine, 1300.125, { intervalCs: 20 });
  expectTimers(1300.125, 100, 200);

  engine.reconfigure(1350, single({ ...backup, downTimerAdverts: 5 }));
  hear(engine, 1400.5, { intervalCs: 20 });
  expectTimers(1400.5, 100, 200, 5);
});

test("priority 0 arms Skew_Time for the current priority", () => {
  const engine = started(backup);
  hear(engine, 1000);
  engine.setPriorityOverride(1010, backup.name, 200);
  hear(engine, 1020.5, { priority: 0 });
  assert.equal(engine.nextDeadline(), 1020.5 + skewTimeMs(3, 200, 100));
});

test("handlePacket: an empty result is shared and frozen, a non-empty one is the caller's own", () => {
  const engine = started(backup);
  const quiet = hear(engine, 1000);
  assert.deepEqual(quiet, []);
  assert.ok(Object.isFrozen(quiet), "a caller writing to the shared empty result fails loudly");
  assert.equal(hear(engine, 1100), quiet);

  const bytes = encode({ version: 3, vrid: 9, priority: 200, maxAdverIntCs: 10, addresses: ["198.51.100.9"] }, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" });
  const unknown = engine.handlePacket(1200, { interface: "lan0", family: 4, src: "192.0.2.1", dst: "224.0.0.18", ttl: 255, bytes });
  assert.deepEqual(unknown.map((o) => o.type), ["log"]);
  assert.ok(!Object.isFrozen(unknown));
  hear(engine, 1300); // a later call neither empties nor reuses the earlier result
  assert.deepEqual(unknown.map((o) => o.type), ["log"]);
});

test("nextWakeup() is never later than nextDeadline() while adverts keep pushing the timer later", () => {
  const engine = started(backup);
  for (let now = 1000.3; now < 3000; now += 100.07) {
    assert.deepEqual(hear(engine, now), []);
    const wakeup = engine.nextWakeup();
    const deadline = engine.nextDeadline();
    assert.ok(wakeup !== undefined && deadline !== undefined && wakeup <= deadline, `${wakeup} <= ${deadline}`);
    if (wakeup <= now + 100.07) assert.deepEqual(engine.handleTimeout(wakeup), [], "an early wakeup finds nothing to do");
  }
  assert.equal(engine.status(3000).instances[0]?.state, "backup");
});

test("a 6-byte advert for a configured VRID counts as packet_len_err and is logged (issue #15)", () => {
  const instance = simInstance({ vrid: 51, version: 3 });
  const engine = new Engine({ instances: [instance], syncGroups: [] });
  engine.setLink(0, "lan0", { up: true, ipv4: "192.0.2.1" });
  engine.start(0);
  const out = engine.handlePacket(10, { interface: "lan0", family: 4, src: "192.0.2.2", dst: "224.0.0.18", ttl: 255, bytes: Uint8Array.of(0x31, 51, 100, 1, 0, 100) });
  assert.equal(engine.status(10).instances[0]?.counters.packet_len_err, 1);
  assert.ok(out.some((o) => o.type === "log" && o.message.includes("packet_len_err")), "logged (rate-limited)");
});
