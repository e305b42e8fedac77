// The master's own link: an admin down/up flap (fault, then back and, with preemption, master again), and the
// device deleted and re-created under the same name (netifd does this on reload): a new ifindex, so the daemon
// must leave fault and re-join its multicast group on the new device, or it would not hear the master any more.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  ANY_TRANSITION,
  CI_SLACK_MS,
  cleanupAllLabs,
  HolderWatch,
  masterDownMs,
  skewTimeMs,
  sleep,
  startPair,
  transitionLine,
  VIP4,
  vrrpConfig,
  waitUntil,
  withLab,
} from "./gateway-lab.ts";
import { isGratuitousArp, WireCapture } from "./prober.ts";

const ADVERT_MS = 100;

describe("links", () => {
  after(cleanupAllLabs);

  test("link flap on the master: fault and VIP removed while down; back up, r1 preempts and is master again", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, r2 } = await startPair(gw, vrrpConfig({ priority: 200 }), vrrpConfig({ priority: 100 }));
      gw.setLink(gw.ns.r1, false);
      await r1.waitForLine(transitionLine("fault", "master", "link-down"), 2000);
      await waitUntil("r2 alone to hold the VIP", () => gw.holders(VIP4).join() === "r2", masterDownMs(100, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS, 5);
      const t0 = performance.now();
      gw.setLink(gw.ns.r1, true);
      // Carrier comes back through the kernel's linkwatch, which may batch the event for up to a second.
      await r1.waitForLine(transitionLine("backup", "fault", "link-up"), 2000 + CI_SLACK_MS);
      await waitUntil("r1 alone to hold the VIP again", () => gw.holders(VIP4).join() === "r1", 2000 + masterDownMs(200, ADVERT_MS) + CI_SLACK_MS, 5);
      t.diagnostic(`link up -> r1 master again: ${(performance.now() - t0).toFixed(0)} ms`);
      await r1.waitForLine(transitionLine("master", "backup", "master-down-timer"), 1000);
      await r2.waitForLine(transitionLine("backup", "master", "higher-priority-advert"), 1000);
    }),
  );

  test("lan0 deleted and re-created (new ifindex): the backup leaves fault, hears the master again, and can take over", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      // r2 is master here, so r1 must *hear* it on the new device: without the multicast group re-joined on the new
      // ifindex r1 would hear nothing, become master too, and the VIP would be on both routers.
      const { r1, r2 } = await startPair(gw, vrrpConfig({ priority: 100 }), vrrpConfig({ priority: 200 }), { master: "r2" });
      const before = r1.lines.length;
      const ifindex = gw.recreateLan("r1");
      t.diagnostic(`r1's lan0 re-created with ifindex ${ifindex}`);
      await r1.waitForLine(transitionLine("fault", "backup", "link-down"), 2000, before);
      await r1.waitForLine(transitionLine("backup", "fault", "link-up"), 2000 + CI_SLACK_MS, before);
      // Ten Master_Down_Intervals as backup: it hears r2 on the new device and stays backup; the VIP stays on r2.
      const watch = new HolderWatch(gw, VIP4);
      await sleep(10 * masterDownMs(100, ADVERT_MS));
      await watch.stop();
      assert.ok(watch.samples.every((s) => s.holders.join() === "r2"), "the VIP stays on r2 alone (r1 hears r2 on the new lan0)");
      const afterRecovery = r1.findLine(transitionLine("backup", "fault", "link-up"), before);
      assert.deepEqual(r1.linesMatching(ANY_TRANSITION, afterRecovery + 1), [], "r1 stays backup");
      // And it works on the new device: r2 stops, r1 receives the priority-0 advert, takes over and announces.
      const arp = await WireCapture.fromRouter(gw, "r1", "arp");
      const t0 = performance.now();
      r2.kill("SIGTERM");
      await waitUntil("r1 to hold the VIP", () => gw.holders(VIP4).includes("r1"), skewTimeMs(100, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS, 5);
      t.diagnostic(`r2 stopped -> VIP on r1 (new lan0): ${(performance.now() - t0).toFixed(0)} ms`);
      await r1.waitForLine(transitionLine("master", "backup", "priority-zero-received"), 1000, before);
      const r1Mac = gw.mac(gw.ns.r1);
      await arp.waitFor("a gratuitous ARP from r1's new lan0", (f) => f.srcMac === r1Mac && isGratuitousArp(f, VIP4), 2000, t0);
      assert.equal(await r2.waitExit(5000), 0);
      assert.deepEqual(gw.holders(VIP4), ["r1"]);
    }),
  );

  test("the master's lan0 deleted and re-created: the VIP goes with it, r2 takes over, r1 returns and preempts", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, r2 } = await startPair(gw, vrrpConfig({ priority: 200 }), vrrpConfig({ priority: 100 }));
      const before = r1.lines.length;
      const oldIfindex = gw.deleteLan("r1");
      await r1.waitForLine(transitionLine("fault", "master", "link-down"), 2000, before);
      // r1 could not say goodbye (no device): r2 notices the silence.
      await r2.waitForLine(transitionLine("master", "backup", "master-down-timer"), masterDownMs(100, ADVERT_MS) + CI_SLACK_MS);
      await waitUntil("r2 alone to hold the VIP", () => gw.holders(VIP4).join() === "r2", 2000, 5);
      const t0 = performance.now();
      assert.notEqual(gw.addLan("r1"), oldIfindex, "the new lan0 has a new ifindex");
      await r1.waitForLine(transitionLine("backup", "fault", "link-up"), 2000 + CI_SLACK_MS, before);
      // The VIP is put back on the new device (same name, new ifindex) and announced from it.
      await waitUntil("r1 alone to hold the VIP", () => gw.holders(VIP4).join() === "r1", 2000 + masterDownMs(200, ADVERT_MS) + CI_SLACK_MS, 5);
      t.diagnostic(`new lan0 -> r1 master again: ${(performance.now() - t0).toFixed(0)} ms`);
      await r2.waitForLine(transitionLine("backup", "master", "higher-priority-advert"), 1000);
      await sleep(500);
      assert.deepEqual(gw.holders(VIP4), ["r1"], "r1 stays master: r2 hears it on the new device");
    }),
  );
});
