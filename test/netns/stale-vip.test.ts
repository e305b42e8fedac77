// SIGKILL of the daemon alone (the link stays): nobody removes the VIP, so r1's kernel keeps answering for it
// (keepalived behaves the same). The next start must remove such a stale VIP before any election, so a router that
// is now the backup does not keep answering for the master's address.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  CI_SLACK_MS,
  cleanupAllLabs,
  HolderWatch,
  masterDownMs,
  sleep,
  startPair,
  transitionLine,
  VIP4,
  vrrpConfig,
  waitUntil,
  withLab,
} from "./gateway-lab.ts";
import { Prober } from "./prober.ts";

const ADVERT_MS = 100;

describe("stale VIP after SIGKILL", () => {
  after(cleanupAllLabs);

  test("the VIP left by a killed daemon is removed at the next start, before any election", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, r2 } = await startPair(gw, vrrpConfig({ priority: 200 }), vrrpConfig({ priority: 100 }));
      r1.kill("SIGKILL");
      await r1.waitExit(5000);
      // r2 hears silence and takes over; r1's kernel still has the VIP: both hold it.
      await r2.waitForLine(transitionLine("master", "backup", "master-down-timer"), masterDownMs(100, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS);
      await waitUntil("r2 to hold the VIP", () => gw.holders(VIP4).includes("r2"), 2000);
      assert.deepEqual(gw.holders(VIP4), ["r1", "r2"], "the killed daemon's VIP is still on r1");
      const probe = new Prober(gw, VIP4);
      await waitUntil("the client to be answered (by r1's stale VIP or by r2)", () => probe.replies >= 10, 5000);
      await probe.stop();

      // r1 comes back with a LOWER priority than r2: it must not hold the VIP, not even until the election.
      const watch = new HolderWatch(gw, VIP4, 10);
      const r1Again = gw.vrrpd("r1", vrrpConfig({ priority: 50 }));
      const removed = await r1Again.waitForLine(/removing 192\.0\.2\.254.* left on lan0 by an earlier run/, 15_000);
      const started = await r1Again.waitForLine(transitionLine("backup", "initialize", "startup"), 5000);
      assert.ok(removed < started, "the stale VIP is removed before the instance starts");
      // By the time the startup line reached us the VIP was gone from r1 (the removal is awaited before the start).
      assert.ok(!gw.holders(VIP4).includes("r1"), "r1 no longer holds the VIP once its instance runs");
      // Ten Master_Down_Intervals: r1 stays backup and the VIP stays on r2 alone.
      await sleep(10 * masterDownMs(50, ADVERT_MS));
      await watch.stop();
      const gone = watch.firstWhere((h) => !h.includes("r1"));
      assert.ok(gone, "the stale VIP went away");
      const afterStart = watch.since(gone.at);
      assert.ok(afterStart.length >= 10 && afterStart.every((s) => s.holders.join() === "r2"), "from then on the VIP is on r2 alone");
      assert.deepEqual(r1Again.linesMatching(transitionLine("master")), [], "r1 never became master");
      t.diagnostic(`stale VIP removed ${(gone.at - (r1Again.lineTimes[0] ?? gone.at)).toFixed(0)} ms after r1's first log line`);
    }),
  );
});
