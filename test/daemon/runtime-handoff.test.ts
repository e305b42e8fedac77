// An upgrade or restart that hands off, at the runtime level over the in-memory LAN: the old runtime's master
// hands off, a new runtime on the same host resumes, and the backup never changes state; the VIP never leaves.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../src/daemon/log.ts";
import { Runtime, type RuntimeConfig, type StateEvent } from "../../src/daemon/runtime.ts";
import { decideResume, monotonicMs } from "../../src/daemon/handoff-record.ts";
import { instanceDefaults } from "../../src/vrrp/model.ts";
import { FakeDataPlane, FakeLan } from "./fake-data-plane.ts";

const VIP = "198.51.100.1";
const quiet = createLogger("error", () => undefined);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(priority: number): RuntimeConfig {
  const instance = instanceDefaults({ name: "lan", interface: "eth0", vrid: 51, version: 3, advertIntervalMs: 50, priority, virtualAddresses: [{ address: VIP, prefixLength: 24 }] });
  return { core: { instances: [instance], syncGroups: [] }, trackScripts: [], notify: {}, notifyTimeoutMs: 2000 };
}

test("a handed-off master resumes in the new runtime: the backup sees no change, the VIP never leaves", async () => {
  const lan = new FakeLan();
  const planeA = new FakeDataPlane(lan, "eth0", "192.0.2.1");
  const planeB = new FakeDataPlane(lan, "eth0", "192.0.2.2");
  const a = new Runtime(config(200), planeA, quiet);
  const b = new Runtime(config(100), planeB, quiet);
  const bEvents: string[] = [];
  b.stateListeners.push((e: StateEvent) => bEvents.push(`${e.previousState}>${e.state}`));
  await a.start();
  await b.start();
  let successor: Runtime | undefined;
  try {
    for (let i = 0; i < 100 && a.status().instances[0]?.state !== "master"; i++) await wait(10);
    await wait(200);
    const settled = bEvents.length;
    const record = await a.handOff();
    assert.deepEqual(record.instances.map((i) => i.name), ["lan"]);
    assert.ok(planeA.held.has(VIP), "the addresses stay for the successor");
    assert.ok(!planeA.journal.includes("send 0"), "no priority 0");
    await wait(60); // the new process starting (here: a little over one advert interval)
    successor = new Runtime(config(200), planeA, quiet);
    const decision = decideResume(record, config(200).core.instances, monotonicMs());
    assert.deepEqual([...decision.resume], ["lan"]);
    await successor.start(decision.resume);
    assert.equal(successor.status().instances[0]?.state, "master");
    await wait(300);
    assert.deepEqual(bEvents.slice(settled), [], "the backup never changed state");
    assert.equal(b.status().instances[0]?.state, "backup");
    assert.ok(planeA.held.has(VIP) && !planeB.held.has(VIP));
    assert.ok(!planeA.journal.some((line) => line.startsWith("remove")), `never released: ${planeA.journal.join(", ")}`);
  } finally {
    await successor?.stop();
    await b.stop();
  }
});
