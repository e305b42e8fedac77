// Hitless reload at the core level: unchanged instances keep state, counters, addresses and cadence; changes
// apply live; a removed instance leaves with priority 0 (make before break); an added one starts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decode, encode } from "../../src/vrrp/codec.ts";
import { Engine } from "../../src/vrrp/engine.ts";
import type { Output } from "../../src/vrrp/io.ts";
import type { CoreConfig } from "../../src/vrrp/model.ts";
import { simInstance } from "../sim/topology.ts";

const lan = { up: true, ipv4: "192.0.2.1" };
const a = simInstance({ vrid: 1, version: 3, advertIntervalMs: 100, priority: 200 });
const b = simInstance({ vrid: 2, version: 3, advertIntervalMs: 100, priority: 200 });
const both: CoreConfig = { instances: [a, b], syncGroups: [] };

function mastered(config: CoreConfig): Engine {
  const engine = new Engine(config);
  engine.setLink(0, "lan0", lan);
  engine.start(0);
  engine.handleTimeout(engine.nextDeadline() ?? 0); // both time out together and become master
  return engine;
}

const kinds = (out: readonly Output[]) => out.filter((o) => o.type !== "log").map((o) => `${o.type}${"instance" in o ? ` ${o.instance}` : ""}`);
const priorityOf = (o: Output) => (o.type === "send" ? (decode(o.bytes, { family: 4, src: o.src, dst: o.dst }).ok ? o.bytes[2] : -1) : undefined);

test("an unchanged config changes nothing: no output, same counters, same deadline", () => {
  const engine = mastered(both);
  const before = engine.status(400).instances.map((i) => ({ state: i.state, counters: i.counters }));
  const deadline = engine.nextDeadline();
  assert.deepEqual(engine.reconfigure(400, both), []);
  assert.deepEqual(engine.status(400).instances.map((i) => ({ state: i.state, counters: i.counters })), before);
  assert.equal(engine.nextDeadline(), deadline, "the advert cadence is not reset");
});

test("a removed instance sends priority 0 and releases its addresses only when the successor is heard", () => {
  const engine = mastered(both);
  const out = engine.reconfigure(400, { instances: [a], syncGroups: [] });
  assert.deepEqual(kinds(out), ["send vr2-v4", "transition vr2-v4"]);
  assert.equal(priorityOf(out[0] as Output), 0);
  assert.equal(engine.isQuiescent(), false);
  assert.deepEqual(engine.status(400).instances.map((i) => i.name), ["vr1-v4"], "gone from status at once");
  // The peer's first advert for VRID 2 arrives: only now are the addresses removed.
  const bytes = encode({ version: 3, vrid: 2, priority: 100, maxAdverIntCs: 10, addresses: ["198.51.100.2"] }, { family: 4, src: "192.0.2.2", dst: "224.0.0.18" });
  const released = engine.handlePacket(450, { interface: "lan0", family: 4, src: "192.0.2.2", dst: "224.0.0.18", ttl: 255, bytes });
  assert.deepEqual(kinds(released), ["remove-addresses vr2-v4"]);
});

test("an added instance starts; a changed VIP list is applied in place while master", () => {
  const engine = mastered({ instances: [a], syncGroups: [] });
  const added = engine.reconfigure(400, both);
  assert.deepEqual(kinds(added), ["transition vr2-v4"]);
  assert.equal(engine.status(400).instances.find((i) => i.name === "vr2-v4")?.state, "backup");
  const moved = { ...a, virtualAddresses: [{ address: "198.51.100.77", prefixLength: 24 }] };
  const changed = engine.reconfigure(500, { instances: [moved, b], syncGroups: [] });
  assert.deepEqual(kinds(changed), ["remove-addresses vr1-v4", "add-addresses vr1-v4", "announce vr1-v4"]);
  assert.equal(engine.status(500).instances.find((i) => i.name === "vr1-v4")?.state, "master");
});

test("changing what names the virtual router on the wire (VRID) restarts that instance", () => {
  const engine = mastered({ instances: [a], syncGroups: [] });
  const renumbered = engine.reconfigure(400, { instances: [{ ...a, vrid: 9 }], syncGroups: [] });
  assert.deepEqual(kinds(renumbered), ["send vr1-v4", "transition vr1-v4", "transition vr1-v4"]);
  assert.equal(engine.status(400).instances[0]?.vrid, 9);
});

test("a reload after shutdown (SIGHUP racing SIGTERM) changes nothing: no instance is started or re-created", () => {
  const engine = mastered({ instances: [a], syncGroups: [] });
  engine.shutdown(400);
  assert.deepEqual(engine.reconfigure(450, { instances: [{ ...a, version: 2, advertIntervalMs: 1000 }, b], syncGroups: [] }), []);
  assert.deepEqual(engine.status(450).instances.map((i) => `${i.name} ${i.state} v${i.version}`), ["vr1-v4 initialize v3"]);
});
