// SIGHUP is a hitless reload: with the instance unchanged, or with a priority change that keeps r1 master, no
// transition happens, the VIP never leaves r1, and r1's adverts keep their rhythm on the wire. An invalid file is
// rejected with an error naming file:line, and the daemon runs on with the old configuration.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  ANY_TRANSITION,
  cleanupAllLabs,
  HolderWatch,
  sleep,
  startPair,
  VIP4,
  vrrpConfig,
  withLab,
  type LabProcess,
} from "./gateway-lab.ts";
import { largestGapMs, WireCapture } from "./prober.ts";

const ADVERT_MS = 100;
const RELOADED = /reloaded .*r1\.vrrp/;

/** SIGHUP, then wait (bounded) for the next line matching `outcome`. */
async function hangUp(daemon: LabProcess, outcome: RegExp): Promise<number> {
  const from = daemon.lines.length;
  daemon.kill("SIGHUP");
  return daemon.waitForLine(outcome, 5000, from);
}

describe("SIGHUP reload", () => {
  after(cleanupAllLabs);

  test("unchanged instance, then a higher priority: no transition, the VIP stays on r1, no gap in adverts", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, r2 } = await startPair(gw, vrrpConfig({ priority: 200 }), vrrpConfig({ priority: 100 }));
      const transitions = { r1: r1.linesMatching(ANY_TRANSITION).length, r2: r2.linesMatching(ANY_TRANSITION).length };
      const wire = await WireCapture.fromRouter(gw, "r1", "ip proto 112");
      const watch = new HolderWatch(gw, VIP4);
      const from = performance.now();
      await sleep(3 * ADVERT_MS);

      gw.rewriteConfig("r1", vrrpConfig({ priority: 200 }));
      await hangUp(r1, RELOADED);
      await sleep(5 * ADVERT_MS);
      const secondAt = performance.now();
      gw.rewriteConfig("r1", vrrpConfig({ priority: 210 }));
      await hangUp(r1, RELOADED);
      await sleep(10 * ADVERT_MS);

      await watch.stop();
      wire.stop();
      assert.deepEqual(r1.linesMatching(ANY_TRANSITION).slice(transitions.r1), [], "r1 logged no transition");
      assert.deepEqual(r2.linesMatching(ANY_TRANSITION).slice(transitions.r2), [], "r2 logged no transition");
      const wrong = watch.since(from).filter((s) => s.holders.join() !== "r1");
      assert.deepEqual(wrong.map((s) => s.holders), [], "the VIP never left r1 (nor reached r2)");
      const adverts = wire.adverts().filter((a) => a.at >= from);
      const gap = largestGapMs(adverts.map((a) => a.at));
      t.diagnostic(`${adverts.length} adverts from r1 across two reloads; largest gap ${gap.toFixed(1)} ms`);
      assert.ok(adverts.length >= 10, "r1 advertised throughout");
      assert.ok(gap < 2 * ADVERT_MS, `largest gap between r1's adverts ${gap.toFixed(1)} ms < 2 x advert_int`);
      // The second reload did apply: the adverts carry the new priority (and only 200 or 210, never 0).
      assert.deepEqual([...new Set(adverts.map((a) => a.priority))].sort(), [200, 210]);
      assert.ok(adverts.filter((a) => a.at > secondAt + 2 * ADVERT_MS).every((a) => a.priority === 210), "priority 210 after the second reload");
    }),
  );

  test("an invalid file on SIGHUP is rejected with file:line, and the daemon runs on with the old configuration", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1 } = await startPair(gw, vrrpConfig({ priority: 200 }), vrrpConfig({ priority: 100 }));
      const transitions = r1.linesMatching(ANY_TRANSITION).length;
      const wire = await WireCapture.fromRouter(gw, "r1", "ip proto 112");
      const invalid = vrrpConfig({ priority: 200 }).replace("option priority '200'", "option priority '300'");
      const badLine = invalid.split("\n").findIndex((l) => l.includes("'300'")) + 1;
      const file = gw.rewriteConfig("r1", invalid);
      const rejectedAt = performance.now();
      const rejected = await hangUp(r1, /^(\S+ )?error: .*reload rejected/);
      await sleep(5 * ADVERT_MS);
      assert.ok(r1.isRunning, "the daemon keeps running");
      assert.deepEqual(r1.linesMatching(ANY_TRANSITION).slice(transitions), [], "no transition");
      assert.deepEqual(gw.holders(VIP4), ["r1"]);
      const adverts = wire.adverts().filter((a) => a.at > rejectedAt);
      assert.ok(adverts.length >= 3 && adverts.every((a) => a.priority === 200), "still advertising the old priority 200");
      // A valid file afterwards is taken again.
      gw.rewriteConfig("r1", vrrpConfig({ priority: 200 }));
      await hangUp(r1, RELOADED);
      wire.stop();
      const message = r1.lines[rejected] ?? "";
      t.diagnostic(`rejection logged as: ${message}`);
      assert.ok(message.includes(`${file}:${badLine}:`), `the rejection names ${file}:${badLine} (logged: ${message})`);
      assert.match(message, /priority/);
    }),
  );
});

