// The failover rehearsal the daemon runs at start: it must really play the failover (so the code it warms is the
// code a failover runs), for every kind of instance, whatever the configuration adds, without touching the config.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CoreConfig } from "../../src/vrrp/model.ts";
import { FailoverRehearsal } from "../../src/daemon/failover-rehearsal.ts";

const rehearseFailover = (config: CoreConfig): string[] => new FailoverRehearsal().run(config);
import { simInstance } from "../sim/topology.ts";

const PLAY = ["initialize->backup", "backup->master", "master->backup", "backup->master", "master->initialize"];

function playsByInstance(played: readonly string[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const line of played) {
    const [name = "", step = ""] = line.split(" ");
    by.set(name, [...(by.get(name) ?? []), step]);
  }
  return by;
}

test("one instance of each kind plays backup, master, preempted, priority 0 heard, master, stop", () => {
  const config: CoreConfig = {
    instances: [
      simInstance({ vrid: 1, version: 2, advertIntervalMs: 1000, authType: 1, authPassword: "secret" }),
      simInstance({ vrid: 2, version: 2, advertIntervalMs: 3000, authType: 1, authPassword: "other" }), // same kind as vrid 1
      simInstance({ vrid: 3, version: 3, advertIntervalMs: 100 }),
      simInstance({ vrid: 4, version: 3, advertIntervalMs: 20, family: 6 }),
      simInstance({ vrid: 5, version: 3, advertIntervalMs: 100, v3Ipv4Checksum: "message-only" }),
    ],
    syncGroups: [],
  };
  const by = playsByInstance(rehearseFailover(config));
  assert.equal(by.size, 4, "v2 PASS, v3 IPv4, v3 IPv6, v3 IPv4 message-only checksum");
  for (const [name, steps] of by) assert.deepEqual(steps, PLAY, name);
});

test("what would stop the play in the real config is left out: owner, unicast peers, tracking, delays, sync groups", () => {
  const owner = simInstance({ vrid: 1, version: 3, advertIntervalMs: 100, priority: 255, initialState: "master" });
  const tracked = simInstance({
    vrid: 2,
    version: 3,
    advertIntervalMs: 100,
    family: 6,
    unicastPeers: ["fe80::99"],
    sourceAddress: "fe80::98",
    preempt: false,
    preemptDelayMs: 60_000,
    tracks: [{ id: "script:chk", weight: 0, reverse: false }],
  });
  const config: CoreConfig = { instances: [owner, tracked], syncGroups: [{ name: "g", members: [owner.name, tracked.name] }] };
  const before = JSON.stringify(config);
  const by = playsByInstance(rehearseFailover(config));
  assert.equal(by.size, 2);
  for (const [name, steps] of by) assert.deepEqual(steps, PLAY, name);
  assert.equal(JSON.stringify(config), before, "the configuration is not modified");
});

test("a reload plays only the kinds not played before", () => {
  const rehearsal = new FailoverRehearsal();
  const v3 = simInstance({ vrid: 1, version: 3, advertIntervalMs: 100 });
  assert.equal(playsByInstance(rehearsal.run({ instances: [v3], syncGroups: [] })).size, 1);
  assert.deepEqual(rehearsal.run({ instances: [v3, { ...v3, name: "another", vrid: 2 }], syncGroups: [] }), [], "same kind: nothing new");
  const v6 = simInstance({ vrid: 3, version: 3, advertIntervalMs: 100, family: 6 });
  const by = playsByInstance(rehearsal.run({ instances: [v3, v6], syncGroups: [] }));
  assert.deepEqual([...by.keys()], ["rehearsal-1"], "only the new kind, under a name of its own");
  assert.deepEqual(by.get("rehearsal-1"), PLAY);
});

test("nothing configured, nothing played", () => {
  assert.deepEqual(rehearseFailover({ instances: [], syncGroups: [] }), []);
});
