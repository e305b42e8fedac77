// Issue #11: a SIGHUP reload that slows a VRRPv2 pair from 1 s to 5 s adverts must not make two masters.
// A v2 backup never learns the master's interval from the wire (only v3 adverts carry a usable one), so after the
// reload it must compute Master_Down_Interval from its own new advert_int (3 x 5 s + Skew_Time = 15.6 s). The bug
// kept the old 1 s value (3.6 s): the backup took over ~3.6 s after the master's first 5 s advert, while the master
// was alive and advertising, and both held the VIP until the master's next advert pushed it back.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  ANY_TRANSITION,
  CI_SLACK_MS,
  cleanupAllLabs,
  describeHolderStretches,
  HolderWatch,
  masterDownMs,
  sleep,
  startPair,
  transitionLine,
  VIP4,
  vrrpConfig,
  withLab,
  type LabProcess,
} from "./gateway-lab.ts";
import { WireCapture } from "./prober.ts";

const R2_PRIORITY = 100;
const OLD_INTERVAL_S = 1;
const NEW_INTERVAL_S = 5;
/** Between the backup's SIGHUP and the master's: a fleet reload touches the routers one after the other. */
const RELOAD_STAGGER_MS = 300;

/** SIGHUP, then wait (bounded) for the daemon to confirm it re-read its file. */
async function hangUp(daemon: LabProcess, router: string): Promise<void> {
  const from = daemon.lines.length;
  daemon.kill("SIGHUP");
  await daemon.waitForLine(new RegExp(`reloaded .*${router}\\.vrrp`), 5000, from);
}

describe("SIGHUP reload of a VRRPv2 pair to a longer advert_int", () => {
  after(cleanupAllLabs);

  test(`v2 from ${OLD_INTERVAL_S} s to ${NEW_INTERVAL_S} s adverts, backup reloaded first: r2 never takes the VIP from the living master`, { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const config = (priority: number, advertInt: number): string => vrrpConfig({ priority, version: 2, advertInt });
      const { r1, r2 } = await startPair(gw, config(200, OLD_INTERVAL_S), config(R2_PRIORITY, OLD_INTERVAL_S));
      // Log lines from here on are the reload's.
      const r1From = r1.lines.length;
      const r2From = r2.lines.length;
      const wire = await WireCapture.fromRouter(gw, "r1", "ip proto 112");
      // Sampled over the whole test from here: one sample with the VIP on r2 is the bug (r1 never stops).
      const watch = new HolderWatch(gw, VIP4, 50);

      gw.rewriteConfig("r1", config(200, NEW_INTERVAL_S));
      gw.rewriteConfig("r2", config(R2_PRIORITY, NEW_INTERVAL_S));
      const t0 = performance.now();
      await hangUp(r2, "r2");
      await sleep(RELOAD_STAGGER_MS);
      await hangUp(r1, "r1");

      // r1 keeps its 1 s grid until its next advert, which already carries the new interval (tcpdump: "intvl 5s").
      // r2 (buggy) takes over Master_Down_Interval at the old rate after that advert: that is where to look.
      const firstNew = await wire.waitFor(`r1's first ${NEW_INTERVAL_S} s advert`, (f) => f.text.includes(`intvl ${NEW_INTERVAL_S}s`), OLD_INTERVAL_S * 1000 + CI_SLACK_MS + 2000, t0);
      const oldMdi = masterDownMs(R2_PRIORITY, OLD_INTERVAL_S * 1000);
      // RFC 3768 §6.1: v2 counts Skew_Time in seconds whatever the interval, so only 3 x interval grows.
      const newMdi = 3 * NEW_INTERVAL_S * 1000 + ((256 - R2_PRIORITY) * 1000) / 256;
      // Watch through one whole new interval (r1's second 5 s advert) plus slack: it covers the old-rate takeover
      // (3.6 s after the first new advert) with 2.4 s to spare, and stays far below the new 15.6 s.
      const watchUntil = firstNew.at + NEW_INTERVAL_S * 1000 + CI_SLACK_MS;
      while (performance.now() < watchUntil) await sleep(100);

      await watch.stop();
      wire.stop();
      const samples = watch.since(t0);
      const onR2 = samples.filter((s) => s.holders.includes("r2"));
      const r2Log = r2.linesMatching(ANY_TRANSITION, r2From);
      const at = (proc: LabProcess, index: number): string => `${((proc.lineTimes[index] ?? t0) - t0).toFixed(0)} ms`;
      const r2Master = r2.findLine(transitionLine("master"), r2From);
      t.diagnostic(`first ${NEW_INTERVAL_S} s advert from r1 ${(firstNew.at - t0).toFixed(0)} ms after r2's SIGHUP; watched until ${(watchUntil - t0).toFixed(0)} ms; ${samples.length} samples`);
      t.diagnostic(`Master_Down_Interval at ${OLD_INTERVAL_S} s ${oldMdi.toFixed(0)} ms (the bug), at ${NEW_INTERVAL_S} s ${newMdi.toFixed(0)} ms (RFC 3768)`);

      assert.ok(samples.length >= 20, `enough holder samples (${samples.length})`);
      assert.deepEqual(
        onR2.map((s) => s.holders),
        [],
        `two masters after the reload: the VIP was on ${describeHolderStretches(samples, ["r1"], t0)} (times after r2's SIGHUP; ` +
          `r1's first ${NEW_INTERVAL_S} s advert at ${(firstNew.at - t0).toFixed(0)} ms)` +
          (r2Master >= 0 ? `; r2 logged "${r2.lines[r2Master] ?? ""}" at ${at(r2, r2Master)}` : ""),
      );
      assert.equal(r2Master, -1, `r2 logged no transition to master (it logged: ${r2Log.join(" | ") || "nothing"})`);
      assert.deepEqual(r2Log, [], "r2 logged no transition at all across the reload");
      assert.deepEqual(r1.linesMatching(ANY_TRANSITION, r1From), [], "r1 stayed master");
      assert.ok(samples.every((s) => s.holders.includes("r1")), `the VIP never left r1 (${describeHolderStretches(samples, ["r1"], t0)})`);
      // The reload did take on the master: its adverts after the first new one all carry 5 s.
      const intervals = wire.frames.filter((f) => f.at >= firstNew.at && /VRRPv2, Advertisement/.test(f.text)).map((f) => /intvl (\d+)s/.exec(f.text)?.[1]);
      assert.ok(intervals.length >= 2 && intervals.every((i) => i === String(NEW_INTERVAL_S)), `r1 advertised every ${NEW_INTERVAL_S} s after the reload (${intervals.join(",")})`);
    }),
  );
});
