// A master's daemon dies by SIGKILL (a crash, the OOM killer): its VIP stays on the interface, and once the backup
// takes over both routers answer for it. procd and systemd respawn the daemon through /usr/sbin/vrrpd; the VIP
// left behind must be gone within STALE_BOUND_MS of that exec (issue #15: it took 310-324 ms, keepalived 43-54 ms),
// not after node has loaded the daemon. From then on the VIP is on both routers only during a make-before-break
// handover, bounded by one advert interval (docs/protocol-core.md). A planned restart (`vrrpd handoff`) is
// different: its VIPs are the successor's and must never be removed.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { controlRequest } from "../../src/daemon/control-client.ts";
import { cleanupAllLabs, masterDownMs, sleep, transitionLine, VIP4, vrrpConfig, waitUntil, withLab, type GatewayLab } from "./gateway-lab.ts";
import { VipTimeline } from "./vip-timeline.ts";
import { spawnWrapped } from "./wrapped-daemon.ts";

const ADVERT_MS = 1000;
const r1Config = vrrpConfig({ priority: 200, advertInt: ADVERT_MS / 1000 });
const r2Config = vrrpConfig({ priority: 100, advertInt: ADVERT_MS / 1000 });
/**
 * From the respawn's exec to the stale VIP's deletion. Through the wrapper: 20-50 ms here, 117 ms at worst with the
 * 2 cores loaded 5×; when the daemon removed it: 206-365 ms, 500-870 ms under that load (node alone needs ~120 ms
 * to start). That node had no part in it is asserted as well, which holds whatever the load.
 */
const STALE_BOUND_MS = 150;
/** Scheduling slack on top of the make-before-break bound (a loaded 2-core runner). */
const HANDOVER_SLACK_MS = 300;

/** r1 master through the wrapper, r2 backup, both settled, and the VIP's holders recorded from then on. */
async function masterAndBackup(gw: GatewayLab) {
  const { proc: r1 } = await spawnWrapped(gw, "r1", r1Config);
  await r1.waitForLine(transitionLine("master"), 15_000);
  const r2 = gw.vrrpd("r2", r2Config);
  await r2.waitForLine(transitionLine("backup", "initialize"), 15_000);
  await sleep(1500);
  return { r1, r2, timeline: await VipTimeline.start(gw, VIP4) };
}

describe("crash and respawn through /usr/sbin/vrrpd", () => {
  after(cleanupAllLabs);

  test("the stale VIP is gone soon after the respawn's exec; afterwards both hold it only during make-before-break", { timeout: 90_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, r2, timeline } = await masterAndBackup(gw);

      r1.kill("SIGKILL");
      await r1.waitExit(5000);
      await r2.waitForLine(transitionLine("master", "backup", "master-down-timer"), masterDownMs(100, ADVERT_MS) + 3000);
      await waitUntil("the VIP on both routers (r1's is stale)", () => timeline.holders().join() === "r1,r2", 3000);

      const { proc: respawned, execAt } = await spawnWrapped(gw, "r1", r1Config);
      // r1 (200) preempts r2 (100) after its Master_Down_Interval; r2 lets go at most one advert after r1's first.
      await respawned.waitForLine(transitionLine("master", "backup"), 2 * masterDownMs(200, ADVERT_MS) + 5000);
      await waitUntil("r2 to release the VIP", () => timeline.holders().join() === "r1", ADVERT_MS + 3000);
      await sleep(500);
      timeline.stop();

      const gone = timeline.firstEvent("r1", false, execAt);
      assert.ok(gone, `the stale VIP was never deleted from r1: ${timeline.describe(execAt)}`);
      const staleMs = gone.at - execAt;
      t.diagnostic(`stale VIP deleted ${staleMs.toFixed(1)} ms after the respawn's exec`);
      assert.ok(staleMs <= STALE_BOUND_MS, `the stale VIP stayed ${staleMs.toFixed(1)} ms after the exec (bound ${STALE_BOUND_MS} ms)`);
      assert.equal(respawned.findLine(/removing .* left on lan0 by an earlier run/), -1, "gone before node started: the daemon found nothing to remove");

      const [stale, ...handovers] = timeline.overlapsSince(execAt);
      assert.equal(stale?.to, gone.at, `the first overlap is the stale VIP: ${timeline.describe(execAt)}`);
      assert.equal(handovers.length, 1, `one make-before-break overlap when r1 preempts: ${timeline.describe(execAt)}`);
      const handover = handovers[0] ?? { from: 0, to: undefined };
      assert.ok(handover.to !== undefined, "the overlap ended");
      const overlapMs = handover.to - handover.from;
      t.diagnostic(`preemption: both held the VIP for ${overlapMs.toFixed(1)} ms (bound ${ADVERT_MS} ms + ${HANDOVER_SLACK_MS} ms slack)`);
      assert.ok(overlapMs <= ADVERT_MS + HANDOVER_SLACK_MS, `both held the VIP ${overlapMs.toFixed(1)} ms: ${timeline.describe(execAt)}`);
    }),
  );

  test("after `vrrpd handoff` and a stop, the wrapper leaves the VIP to the successor, which resumes", { timeout: 90_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, timeline } = await masterAndBackup(gw);

      const armed = await controlRequest(gw.controlSocket("r1"), "handoff", {});
      assert.equal(armed.status, "ok", JSON.stringify(armed));
      r1.kill("SIGTERM");
      assert.equal(await r1.waitExit(10_000), 0, r1.lines.join("\n"));
      const { proc: successor, execAt } = await spawnWrapped(gw, "r1", r1Config);
      await successor.waitForLine(transitionLine("master", "initialize", "resumed"), 10_000);
      await sleep(2 * ADVERT_MS);
      timeline.stop();

      assert.equal(timeline.firstEvent("r1", false, execAt), undefined, `the VIP never left r1: ${timeline.describe(execAt)}`);
      assert.deepEqual(timeline.holders(), ["r1"]);
    }),
  );
});
