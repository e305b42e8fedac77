// An upgrade or restart on the master must not fail the gateway over (issue #12): `vrrpd handoff`, then SIGTERM,
// then a new daemon (what `/etc/init.d/vrrpd restart` and the package's upgrade do). The old daemon's last advert
// restarts the backup's timer and it leaves the VIP configured; the new one resumes as master at once. At 1 s
// adverts: the backup logs no transition, the VIP never leaves r1, and the client loses no probe. Without the
// hand-off the same stop hands over to r2 (priority 0), which is what a plain `stop` must still do.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { controlRequest } from "../../src/daemon/control-client.ts";
import {
  ANY_TRANSITION,
  cleanupAllLabs,
  describeHolderStretches,
  HolderWatch,
  sleep,
  startPair,
  transitionLine,
  VIP4,
  vrrpConfig,
  withLab,
} from "./gateway-lab.ts";
import { daemonBundle } from "./daemon-bundle.ts";
import { UdpProber } from "./udp-prober.ts";

const ADVERT_S = 1;
const r1Config = vrrpConfig({ priority: 200, advertInt: ADVERT_S, version: 3 });
const r2Config = vrrpConfig({ priority: 100, advertInt: ADVERT_S, version: 3 });

describe("restart with a hand-off", () => {
  after(cleanupAllLabs);

  test("vrrpd handoff, stop, start: the new daemon resumes as master; 0 transitions on r2, 0 lost probes", { timeout: 90_000 }, (t) =>
    withLab(t, async (gw) => {
      const bundle = await daemonBundle(); // as it ships: node's start-up, not tsx's, is the bound
      const { r1, r2 } = await startPair(gw, r1Config, r2Config);
      const prober = new UdpProber(gw, VIP4);
      const watch = new HolderWatch(gw, VIP4);
      await sleep(1500);
      const t0 = performance.now();
      const r2Before = r2.linesMatching(ANY_TRANSITION).length;

      const armed = await controlRequest(gw.controlSocket("r1"), "handoff", {});
      assert.equal(armed.status, "ok", JSON.stringify(armed));
      const killedAt = performance.now();
      r1.kill("SIGTERM");
      assert.equal(await r1.waitExit(10_000), 0, r1.lines.join("\n"));
      assert.ok(r1.findLine(/handed off 1 master instance/) >= 0, r1.lines.join("\n"));
      const stoppedAt = performance.now();
      t.diagnostic(`old daemon exited ${(stoppedAt - killedAt).toFixed(0)} ms after SIGTERM`);

      const successor = gw.vrrpd("r1", r1Config, [], bundle);
      await successor.waitForLine(transitionLine("master", "initialize", "resumed"), 10_000);
      const resumedAt = performance.now();
      t.diagnostic(`the new daemon was master ${(resumedAt - stoppedAt).toFixed(0)} ms after the old one exited`);
      // Past r2's Master_Down_Interval (3.6 s) from the last advert of the old daemon.
      await sleep(4000);

      const samples = await watch.stop();
      const report = await prober.stop();
      const stretches = describeHolderStretches(samples.filter((s) => s.at >= t0), ["r1"], t0);
      assert.equal(stretches, "", `the VIP left r1 alone: ${stretches}`);
      assert.deepEqual(r2.linesMatching(ANY_TRANSITION).slice(r2Before), [], "r2 logged no transition");
      assert.equal(report.lost, 0, `probes lost: ${report.lost} (longest gap ${report.longestGapMs.toFixed(0)} ms)`);
      assert.ok(successor.findLine(/resuming as master after a hand-off: lan/) >= 0, successor.lines.join("\n"));
    }),
  );

  test("a plain stop still hands over to the backup (priority 0), and the next start does not resume", { timeout: 90_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, r2 } = await startPair(gw, r1Config, r2Config);
      r1.kill("SIGTERM");
      await r2.waitForLine(transitionLine("master", "backup", "priority-zero-received"), 10_000);
      assert.equal(await r1.waitExit(10_000), 0);
      const successor = gw.vrrpd("r1", r1Config);
      await successor.waitForLine(transitionLine("backup", "initialize", "startup"), 10_000);
      assert.equal(successor.findLine(/resuming as master/), -1);
    }),
  );
});
