// An upgrade or restart that hands off: the stopping daemon's masters send a last advert and leave their addresses
// configured; the new daemon resumes them as master at once. No priority 0, no release, no transition on the way
// out, so the backups never see the master go (issue #12: an upgrade must not fail the gateway over).
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
const grouped: CoreConfig = { instances: [a, b], syncGroups: [{ name: "g", members: [a.name, b.name] }] };
const alone: CoreConfig = { instances: [a], syncGroups: [] };

const kinds = (out: readonly Output[]): string[] => out.filter((o) => o.type !== "log" && o.type !== "priority").map((o) => `${o.type} ${"instance" in o ? o.instance : ""}`);
const advertPriority = (o: Output): number | undefined =>
  o.type === "send" && decode(o.bytes, { family: 4, src: o.src, dst: o.dst }).ok ? o.bytes[2] : undefined;

function master(config: CoreConfig): Engine {
  const engine = new Engine(config);
  engine.setLink(0, "lan0", lan);
  engine.start(0);
  engine.handleTimeout(engine.nextDeadline() ?? 0);
  return engine;
}

test("handing off: a master's last advert carries its priority; nothing is released and no transition is reported", () => {
  const engine = master(alone);
  const { outputs, masters } = engine.handOff();
  assert.deepEqual(masters, [a.name]);
  assert.deepEqual(kinds(outputs), [`send ${a.name}`]);
  assert.equal(advertPriority(outputs[0] as Output), 200, "not priority 0: the backups must not take over");
  assert.equal(engine.nextDeadline(), undefined, "nothing left to do");
});

test("resuming: the new daemon is master at once, advertising first, with the addresses it was left", () => {
  const engine = new Engine(alone);
  engine.setLink(1000, "lan0", lan);
  const out = engine.start(1000, new Set([a.name]));
  assert.deepEqual(kinds(out), [`send ${a.name}`, `add-addresses ${a.name}`, `announce ${a.name}`, `transition ${a.name}`]);
  assert.deepEqual(out.filter((o) => o.type === "transition").map((o) => o.type === "transition" && `${o.from}>${o.to} ${o.reason}`), ["initialize>master resumed"]);
  assert.equal(engine.nextDeadline(), 1100, "then adverts on its interval");
});

test("a sync group resumes only whole", () => {
  const partial = new Engine(grouped);
  partial.setLink(0, "lan0", lan);
  partial.start(0, new Set([a.name]));
  assert.deepEqual(partial.status(0).instances.map((i) => i.state), ["backup", "backup"]);
  const whole = new Engine(grouped);
  whole.setLink(0, "lan0", lan);
  whole.start(0, new Set([a.name, b.name]));
  assert.deepEqual(whole.status(0).instances.map((i) => i.state), ["master", "master"]);
});

test("an instance that cannot run (link down) does not resume", () => {
  const engine = new Engine(alone);
  engine.setLink(0, "lan0", { ...lan, up: false });
  engine.start(0, new Set([a.name]));
  assert.equal(engine.status(0).instances[0]?.state, "fault");
});

test("after handing off, the instance is deaf: a higher-priority advert neither moves it nor touches its addresses", () => {
  const engine = master(alone);
  engine.handOff();
  const bytes = encode({ version: 3, vrid: a.vrid, priority: 250, maxAdverIntCs: 10, addresses: a.virtualAddresses.map((v) => v.address) }, { family: 4, src: "192.0.2.2", dst: "224.0.0.18" });
  const out = engine.handlePacket(600, { interface: "lan0", family: 4, src: "192.0.2.2", dst: "224.0.0.18", ttl: 255, bytes });
  assert.deepEqual(kinds(out), []);
  assert.equal(engine.status(600).instances[0]?.state, "master", "as the successor will find it");
});
