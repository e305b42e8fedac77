// The daemon loop with real timers and processes, over an in-memory LAN: election, make-before-break stop,
// stale VIPs from a crash, track scripts moving the gateway, and a reload that changes nothing visible.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../src/daemon/log.ts";
import { Runtime, type RuntimeConfig, type StateEvent } from "../../src/daemon/runtime.ts";
import { encode } from "../../src/vrrp/codec.ts";
import { instanceDefaults, type InstanceConfig } from "../../src/vrrp/model.ts";
import type { ReceivedPacket } from "../../src/vrrp/io.ts";
import { FakeDataPlane, FakeLan } from "./fake-data-plane.ts";

const VIP = "198.51.100.1";
const quiet = createLogger("error", () => undefined);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(priority: number, extra: Partial<InstanceConfig> = {}, trackScripts: RuntimeConfig["trackScripts"] = []): RuntimeConfig {
  const instance = instanceDefaults({ name: "lan", interface: "eth0", vrid: 51, version: 3, advertIntervalMs: 20, priority, virtualAddresses: [{ address: VIP, prefixLength: 24 }], ...extra });
  return { core: { instances: [instance], syncGroups: [] }, trackScripts, notify: {}, notifyTimeoutMs: 2000 };
}

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(5);
  }
}

function pair(a: RuntimeConfig, b: RuntimeConfig, staleOnA: string[] = []) {
  const lan = new FakeLan();
  const planeA = new FakeDataPlane(lan, "eth0", "192.0.2.1", staleOnA);
  const planeB = new FakeDataPlane(lan, "eth0", "192.0.2.2");
  const ra = new Runtime(a, planeA, quiet);
  const rb = new Runtime(b, planeB, quiet);
  const events: string[] = [];
  ra.stateListeners.push((e: StateEvent) => events.push(`a ${e.previousState}>${e.state}`));
  rb.stateListeners.push((e: StateEvent) => events.push(`b ${e.previousState}>${e.state}`));
  return { planeA, planeB, ra, rb, events };
}

const stateOf = (r: Runtime) => r.status().instances[0]?.state;

test("the higher priority becomes master; a graceful stop hands over before releasing the VIP", async () => {
  const { planeA, planeB, ra, rb } = pair(config(200), config(100));
  await ra.start();
  await rb.start();
  try {
    await until("a master", () => stateOf(ra) === "master" && stateOf(rb) === "backup");
    assert.ok(planeA.held.has(VIP) && !planeB.held.has(VIP));
    await ra.stop();
    assert.equal(stateOf(rb), "master");
    assert.ok(planeB.held.has(VIP) && !planeA.held.has(VIP));
    // Make before break: A's removal comes after B's add, so the VIP was never absent.
    const removeAt = planeA.journal.lastIndexOf(`remove ${VIP}`);
    assert.ok(removeAt > 0 && planeA.journal.slice(0, removeAt).includes("send 0"), planeA.journal.join("\n"));
  } finally {
    await rb.stop();
  }
});

test("a VIP left by a crashed run is removed before the first election", async () => {
  const { planeA, ra, rb } = pair(config(100), config(200), [VIP]);
  await ra.start();
  assert.equal(planeA.journal[0], `remove ${VIP}`);
  assert.ok(!planeA.held.has(VIP));
  await rb.start();
  try {
    await until("b master", () => stateOf(rb) === "master");
    assert.ok(!planeA.held.has(VIP));
  } finally {
    await ra.stop();
    await rb.stop();
  }
});

test("a failing track_script lowers the priority and the peer takes over", async () => {
  const flag = `/tmp/vrrpd-rt-${process.pid}-${Date.now()}`;
  const chk = { name: "chk", script: `test ! -e ${flag}`, intervalMs: 30, timeoutMs: 1000, rise: 1, fall: 1, initFail: false };
  const { ra, rb } = pair(config(200, { tracks: [{ id: "script:chk", weight: -150, reverse: false }] }, [chk]), config(100));
  await ra.start();
  await rb.start();
  try {
    await until("a master", () => stateOf(ra) === "master");
    await import("node:fs").then((fs) => fs.writeFileSync(flag, ""));
    await until("b master", () => stateOf(rb) === "master" && stateOf(ra) === "backup");
    assert.equal(ra.status().instances[0]?.effectivePriority, 50);
    await import("node:fs").then((fs) => fs.rmSync(flag));
    await until("a back as master (preempt)", () => stateOf(ra) === "master" && stateOf(rb) === "backup");
  } finally {
    await import("node:fs").then((fs) => fs.rmSync(flag, { force: true }));
    await ra.stop();
    await rb.stop();
  }
});

test("a reload with the same config causes no transition and keeps the VIP", async () => {
  const { planeA, ra, rb, events } = pair(config(200), config(100));
  await ra.start();
  await rb.start();
  try {
    await until("a master", () => stateOf(ra) === "master");
    const before = events.length;
    const sentBefore = ra.status().instances[0]?.counters.advert_sent ?? 0;
    await ra.reload(config(200));
    await wait(100);
    assert.equal(events.length, before, `transitions after reload: ${events.slice(before).join(", ")}`);
    assert.ok(planeA.held.has(VIP));
    assert.ok((ra.status().instances[0]?.counters.advert_sent ?? 0) > sentBefore, "adverts continue with the same counters");
  } finally {
    await ra.stop();
    await rb.stop();
  }
});

test("the packets of one receive burst share one clock reading; separate bursts do not", async () => {
  let clockMs = 1000;
  const clock = (): number => (clockMs += 7); // every reading is 7 ms after the previous one
  const instances = [1, 2].map((vrid) =>
    instanceDefaults({ name: `vr${vrid}`, interface: "eth0", vrid, version: 3, advertIntervalMs: 100, priority: 100, virtualAddresses: [{ address: `198.51.100.${vrid}`, prefixLength: 24 }] }),
  );
  const plane = new FakeDataPlane(new FakeLan(), "eth0", "192.0.2.1");
  const runtime = new Runtime({ core: { instances, syncGroups: [] }, trackScripts: [], notify: {}, notifyTimeoutMs: 2000 }, plane, quiet, clock);
  const advert = (vrid: number): ReceivedPacket => {
    const bytes = encode({ version: 3, vrid, priority: 200, maxAdverIntCs: 10, addresses: [`198.51.100.${vrid}`] }, { family: 4, src: "192.0.2.9", dst: "224.0.0.18" });
    return { interface: "eth0", family: 4, src: "192.0.2.9", dst: "224.0.0.18", ttl: 255, bytes };
  };
  const downTimers = (): (number | null | undefined)[] => runtime.status().instances.map((i) => i.masterDownTimerMs);
  await runtime.start();
  try {
    plane.receiveBurst([advert(1), advert(2)]);
    const [first, second] = downTimers();
    assert.equal(first, second, "both Master_Down_Timers started from the same reading");
    plane.receive(advert(1));
    plane.receive(advert(2));
    const [later1, later2] = downTimers();
    assert.equal((later2 ?? 0) - (later1 ?? 0), 7, "one reading per burst: the second burst read the clock again");
  } finally {
    await runtime.stop();
  }
});

test("a timer that fires after a stall handles the adverts waiting in the socket first: no false takeover", async () => {
  // The event loop was busy past the backup's Master_Down_Timer while the master's advert sat in the receive queue.
  // When the loop wakes, which of the timer and the socket it serves first is up to epoll; the daemon must count
  // the waiting advert before the deadline, or a live master is taken over (issue #15's false takeover).
  const plane = new FakeDataPlane(new FakeLan(), "eth0", "192.0.2.1");
  const runtime = new Runtime(config(100), plane, quiet);
  const advert = (): ReceivedPacket => {
    const bytes = encode({ version: 3, vrid: 51, priority: 200, maxAdverIntCs: 2, addresses: [VIP] }, { family: 4, src: "192.0.2.9", dst: "224.0.0.18" });
    return { interface: "eth0", family: 4, src: "192.0.2.9", dst: "224.0.0.18", ttl: 255, bytes };
  };
  await runtime.start();
  try {
    plane.receive(advert());
    const mdiMs = runtime.status().instances[0]?.masterDownIntervalMs ?? NaN;
    plane.queue(advert(), mdiMs + 100); // arrives, but the loop serves the timer before the socket
    const stallUntil = performance.now() + mdiMs + 20;
    while (performance.now() < stallUntil) {
      // busy: the Master_Down_Timer passes while the advert waits
    }
    await wait(5);
    assert.equal(stateOf(runtime), "backup", "the waiting advert was counted before the deadline");
    assert.equal(plane.queued, 0);
  } finally {
    await runtime.stop();
  }
});
