// Sync groups as keepalived runs them: Fault is contagious, Master needs every member, Backup propagates.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CoreConfig } from "../../src/vrrp/model.ts";
import { Prng } from "../sim/prng.ts";
import { Simulation } from "../sim/simulation.ts";
import { simInstance, simNode } from "../sim/topology.ts";

const wire = { minDelayMs: 0.1, maxDelayMs: 0.1, lossProbability: 0 };

function grouped(priority: number, vrids: readonly number[], extra: Partial<Parameters<typeof simInstance>[0]> = {}): CoreConfig {
  const instances = vrids.map((vrid) => simInstance({ vrid, priority, version: 3, advertIntervalMs: 100, ...extra }));
  return { instances, syncGroups: vrids.length > 1 ? [{ name: "gw", members: instances.map((i) => i.name) }] : [] };
}

test("one member in Fault puts the whole group in Fault, and the peer takes over every member", () => {
  const a = grouped(200, [1, 2], { tracks: [{ id: "script:uplink", weight: 0, reverse: false }] });
  const sim = new Simulation([simNode(1, a), simNode(2, grouped(100, [1, 2]))], wire, new Prng(1));
  sim.at(0, () => (sim.boot("r1"), sim.boot("r2")));
  sim.runUntil(2000);
  assert.deepEqual([sim.stateOf("r1", "vr1-v4"), sim.stateOf("r1", "vr2-v4")], ["master", "master"]);
  // Only the first instance's tracked script fails; the group follows it into Fault.
  const onlyFirst = { ...a, instances: a.instances.map((inst, i) => (i === 0 ? inst : { ...inst, tracks: [] })) };
  sim.reconfigure("r1", onlyFirst);
  sim.at(2000, () => sim.setTrack("r1", "script:uplink", "down"));
  sim.runUntil(2500);
  assert.deepEqual([sim.stateOf("r1", "vr1-v4"), sim.stateOf("r1", "vr2-v4")], ["fault", "fault"]);
  assert.deepEqual([sim.stateOf("r2", "vr1-v4"), sim.stateOf("r2", "vr2-v4")], ["master", "master"]);
  const reasons = sim.transitions.filter((t) => t.node === "r1" && t.to === "fault").map((t) => t.reason).sort();
  assert.deepEqual(reasons, ["sync-group-fault", "track-fault"]);
  // Recovery: both members leave Fault together and, with preempt, take the gateway back.
  sim.at(3000, () => sim.setTrack("r1", "script:uplink", "up"));
  sim.runUntil(4000);
  assert.deepEqual([sim.stateOf("r1", "vr1-v4"), sim.stateOf("r1", "vr2-v4")], ["master", "master"]);
  assert.deepEqual([sim.stateOf("r2", "vr1-v4"), sim.stateOf("r2", "vr2-v4")], ["backup", "backup"]);
});

test("a member becomes master only when every member can", () => {
  // r1 masters VRID 1 only; r2 groups VRIDs 1 and 2. r2's VRID 2 hears nobody, but must wait for VRID 1.
  const sim = new Simulation([simNode(1, grouped(200, [1])), simNode(2, grouped(100, [1, 2]))], wire, new Prng(2));
  sim.at(0, () => (sim.boot("r1"), sim.boot("r2")));
  sim.runUntil(3000);
  assert.equal(sim.stateOf("r1", "vr1-v4"), "master");
  assert.deepEqual([sim.stateOf("r2", "vr1-v4"), sim.stateOf("r2", "vr2-v4")], ["backup", "backup"]);
  assert.equal(sim.holds("r2", "vr2-v4").size, 0);
  sim.at(3000, () => sim.crash("r1"));
  sim.runUntil(3500);
  assert.deepEqual([sim.stateOf("r2", "vr1-v4"), sim.stateOf("r2", "vr2-v4")], ["master", "master"]);
  const promoted = sim.transitions.filter((t) => t.node === "r2" && t.to === "master");
  assert.equal(promoted.length, 2);
  assert.equal(promoted[0]?.at, promoted[1]?.at, "both members switch in the same instant");
});

test("backup propagates: when one member yields to a higher priority, the others step down too", () => {
  const sim = new Simulation(
    [simNode(1, grouped(150, [1, 2])), simNode(2, grouped(100, [1, 2])), simNode(3, grouped(250, [1]))],
    wire,
    new Prng(3),
  );
  sim.at(0, () => (sim.boot("r1"), sim.boot("r2")));
  sim.runUntil(2000);
  assert.deepEqual([sim.stateOf("r1", "vr1-v4"), sim.stateOf("r1", "vr2-v4")], ["master", "master"]);
  sim.at(2000, () => sim.boot("r3")); // a higher-priority router for VRID 1 only
  sim.runUntil(3000);
  assert.equal(sim.stateOf("r3", "vr1-v4"), "master");
  assert.equal(sim.stateOf("r1", "vr1-v4"), "backup");
  assert.equal(sim.stateOf("r1", "vr2-v4"), "backup", "VRID 2 follows VRID 1 into Backup");
  const followed = sim.transitions.find((t) => t.node === "r1" && t.instance === "vr2-v4" && t.from === "master" && t.to === "backup");
  assert.equal(followed?.reason, "sync-group-backup");
});
