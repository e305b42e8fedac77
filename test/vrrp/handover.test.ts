// What an old master does with its addresses when it steps down. Make-before-break (the default) keeps them until
// the new master's next advert, and never longer than one advert interval after the new master's first; it never
// announces them while not master. Strict releases them in the same step, as RFC 5798 §6.4.2 and keepalived do.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encode } from "../../src/vrrp/codec.ts";
import { Engine } from "../../src/vrrp/engine.ts";
import type { Output } from "../../src/vrrp/io.ts";
import type { CoreConfig, InstanceConfig } from "../../src/vrrp/model.ts";
import { simInstance } from "../sim/topology.ts";

const PEER = "192.0.2.2";
const only = (instance: InstanceConfig): CoreConfig => ({ instances: [instance], syncGroups: [] });

function hear(engine: Engine, now: number, config: InstanceConfig, priority: number, intervalMs = config.advertIntervalMs): readonly Output[] {
  const addresses = config.virtualAddresses.map((v) => v.address);
  const bytes = encode({ version: 3, vrid: config.vrid, priority, addresses, maxAdverIntCs: intervalMs / 10 }, { family: 4, src: PEER, dst: "224.0.0.18" });
  return engine.handlePacket(now, { interface: "lan0", family: 4, src: PEER, dst: "224.0.0.18", ttl: 255, bytes });
}

/** An engine whose one instance is master at `at` (it runs alone until then). */
function master(config: InstanceConfig): { engine: Engine; at: number } {
  const engine = new Engine(only(config));
  engine.setLink(0, "lan0", { up: true, ipv4: "192.0.2.1" });
  engine.start(0);
  const at = engine.nextDeadline() ?? NaN;
  engine.handleTimeout(at);
  assert.equal(engine.status(at).instances[0]?.state, "master");
  return { engine, at };
}

const kinds = (out: readonly Output[]): string[] => out.filter((o) => o.type !== "log" && o.type !== "priority").map((o) => o.type);
const holds = (engine: Engine, now: number): boolean => engine.status(now).instances[0]?.holdingAddresses ?? false;

const config = simInstance({ vrid: 7, version: 3, advertIntervalMs: 100, priority: 100 });

test("preempted (make-before-break): the addresses stay until the new master's next advert", () => {
  const { engine, at } = master(config);
  const preempted = hear(engine, at + 50, config, 200);
  assert.deepEqual(kinds(preempted), ["transition"], "no removal and no announcement on the way to backup");
  assert.equal(holds(engine, at + 50), true);
  assert.deepEqual(kinds(hear(engine, at + 150, config, 200)), ["remove-addresses"]);
});

test("preempted (make-before-break): the addresses go one interval after the first advert if the next is lost", () => {
  const { engine, at } = master(config);
  hear(engine, at + 50, config, 200, 300); // the new master advertises every 300 ms (v3: learned)
  assert.equal(engine.nextDeadline(), at + 50 + 300, "released at most one (new master's) interval later");
  const released = engine.handleTimeout(at + 350);
  assert.deepEqual(kinds(released), ["remove-addresses"]);
});

test("strict: preempted, switched over or stopped, the addresses are released in the same step", () => {
  const strict = { ...config, handover: "strict" as const };
  const preempted = master(strict);
  assert.deepEqual(kinds(hear(preempted.engine, preempted.at + 50, strict, 200)), ["remove-addresses", "transition"]);

  const switched = master(strict);
  const out = switched.engine.switchover(switched.at + 10, strict.name, 1000).outputs;
  assert.deepEqual(kinds(out), ["send", "remove-addresses", "transition"]);

  const stopped = master(strict);
  const down = stopped.engine.shutdown(stopped.at + 10);
  assert.deepEqual(kinds(down), ["send", "remove-addresses", "transition"]);
  assert.equal(stopped.engine.isQuiescent(), true, "a strict daemon may exit at once");
});

test("a reload that adds addresses while handing over neither adds nor announces them", () => {
  const { engine, at } = master(config);
  hear(engine, at + 50, config, 200);
  const more = { ...config, virtualAddresses: [...config.virtualAddresses, { address: "198.51.100.99", prefixLength: 24 }] };
  const out = engine.reconfigure(at + 60, only(more));
  assert.deepEqual(kinds(out), [], "a backup never announces (RFC 5798 §6.4.2: it MUST NOT respond to ARP for the VIPs)");
});

test("a reload that removes addresses while handing over releases those at once", () => {
  const two = { ...config, virtualAddresses: [...config.virtualAddresses, { address: "198.51.100.99", prefixLength: 24 }] };
  const { engine, at } = master(two);
  hear(engine, at + 50, two, 200);
  const out = engine.reconfigure(at + 60, only(config));
  assert.deepEqual(kinds(out), ["remove-addresses"]);
});
