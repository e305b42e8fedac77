// Issue #11: a 50 ms link flap on a backup configured `option state 'MASTER'` must not make two masters.
// `state MASTER` (keepalived's) shortens only the first wait for a master, at startup, to one advert interval
// (1 s + 1/256). A router coming back from Fault is a backup like any other and waits the full Master_Down_Interval
// (3 x 1 s + Skew_Time = 3.6 s), so it rides out the first adverts lost while its link settles. The bug re-applied
// the short start timer on leaving Fault: r2 became master ~1 s after its link returned, while r1 was alive.
//
// Why the switch holds back multicast for a moment: with r1 advertising every second, r2's 1 s timer only runs out
// when one of r1's adverts after the link returns is lost. A real link that comes back rarely forwards at once
// (the switch port's (R)STP or snooping state settles first); the lab's bridge forwards at once, which would make
// the outcome a matter of a few ms of phase. So the switch stops flooding multicast to r2's port while r2's link is
// down and until HOLD_MS after r2 logged the link back up: long enough that the buggy 1 s timer runs out, short
// enough that r1's next advert (at most one interval later) lands well inside the correct 3.6 s. r1 runs untouched.
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
  type GatewayLab,
  type RouterName,
} from "./gateway-lab.ts";

const R2_PRIORITY = 100;
const ADVERT_MS = 1000;
const FLAP_MS = 50;
/** The short start timer of `state MASTER`: one advert interval plus the minimal skew (keepalived). */
const START_TIMER_MS = ADVERT_MS + ADVERT_MS / 256;
const MASTER_DOWN_MS = masterDownMs(R2_PRIORITY, ADVERT_MS);
/**
 * Multicast to r2 held back this long after r2 logged its link up. Bug: no advert can reach r2 before its 1 s timer
 * runs out (800 ms margin). Fixed: r1's next advert reaches r2 by HOLD_MS + ADVERT_MS = 2.8 s < 3.6 s (800 ms margin).
 */
const HOLD_MS = (START_TIMER_MS + MASTER_DOWN_MS - ADVERT_MS) / 2;

/** The switch floods multicast (VRRP adverts included) to a router's port, or not; the port itself stays up. */
function floodMulticastTo(gw: GatewayLab, router: RouterName, on: boolean): void {
  gw.lab.ip(gw.sw, "link", "set", `p-${router}`, "type", "bridge_slave", "mcast_flood", on ? "on" : "off");
}

describe("link flap on a `state MASTER` backup", () => {
  after(cleanupAllLabs);

  test(`a ${FLAP_MS} ms flap of r2's link, adverts lost while it settles: r2 waits Master_Down_Interval, never takes the VIP from r1`, { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, r2 } = await startPair(
        gw,
        vrrpConfig({ priority: 200, version: 3, advertInt: ADVERT_MS / 1000 }),
        vrrpConfig({ priority: R2_PRIORITY, version: 3, advertInt: ADVERT_MS / 1000, state: "MASTER" }),
      );
      // At startup `state MASTER` does apply: r2's first wait was 1 s. Past it, r2 must have settled as backup
      // (else the setup, not the flap, made two masters).
      await sleep(START_TIMER_MS + 500);
      assert.equal(r2.findLine(transitionLine("master")), -1, `r2 settled as backup at startup:\n${r2.lines.join("\n")}`);
      const r1From = r1.lines.length;
      const r2From = r2.lines.length;
      const watch = new HolderWatch(gw, VIP4, 50);

      // The flap: lan0 down in r2's namespace; up again FLAP_MS later, and not before r2 logged Fault (a flap the
      // daemon never saw would prove nothing).
      const t0 = performance.now();
      gw.setLink(gw.ns.r2, false);
      const faultAt = await r2.waitForLine(transitionLine("fault", "backup", "link-down"), 2000, r2From);
      floodMulticastTo(gw, "r2", false);
      await sleep(Math.max(0, t0 + FLAP_MS - performance.now()));
      const upAt = performance.now();
      gw.setLink(gw.ns.r2, true);
      const backupLine = await r2.waitForLine(transitionLine("backup", "fault", "link-up"), 2000, r2From);
      const backupAt = r2.lineTimes[backupLine] ?? performance.now();
      await sleep(Math.max(0, backupAt + HOLD_MS - performance.now()));
      floodMulticastTo(gw, "r2", true);
      const releasedAt = performance.now();
      // Watch until the correct timer would run out (plus slack): a fixed r2 must have heard r1 again by then.
      const watchUntil = backupAt + MASTER_DOWN_MS + CI_SLACK_MS;
      while (performance.now() < watchUntil) await sleep(100);
      await watch.stop();

      const rel = (at: number): string => `${(at - t0).toFixed(0)} ms`;
      const samples = watch.since(t0);
      const r2Log = r2.lines.slice(r2From).map((line, i) => `${rel(r2.lineTimes[r2From + i] ?? t0)} ${line}`);
      t.diagnostic(`(times after lan0 down) r2 in fault at ${rel(r2.lineTimes[faultAt] ?? t0)}, lan0 up at ${rel(upAt)}, r2 backup at ${rel(backupAt)}, multicast to r2 again at ${rel(releasedAt)}, watched until ${rel(watchUntil)}`);
      t.diagnostic(`r2 logged: ${r2Log.join(" | ")}`);
      t.diagnostic(`start timer ${START_TIMER_MS.toFixed(0)} ms (the bug), Master_Down_Interval ${MASTER_DOWN_MS.toFixed(0)} ms; multicast held back ${HOLD_MS.toFixed(0)} ms after link-up`);

      assert.ok(samples.length >= 20, `enough holder samples (${samples.length})`);
      const r2Master = r2.findLine(transitionLine("master"), r2From);
      assert.deepEqual(
        samples.filter((s) => s.holders.includes("r2")).map((s) => s.holders),
        [],
        `two masters after the flap: the VIP was on ${describeHolderStretches(samples, ["r1"], t0)} (times after lan0 down; ` +
          `r2 back to backup at ${rel(backupAt)}, so ${START_TIMER_MS.toFixed(0)} ms later is the short start timer, not ` +
          `Master_Down_Interval ${MASTER_DOWN_MS.toFixed(0)} ms)` +
          (r2Master >= 0 ? `; r2 logged "${r2.lines[r2Master] ?? ""}" at ${rel(r2.lineTimes[r2Master] ?? t0)}` : ""),
      );
      assert.equal(r2Master, -1, `r2 logged no transition to master (it logged: ${r2Log.join(" | ")})`);
      assert.deepEqual(
        r2.linesMatching(ANY_TRANSITION, r2From).map((l) => l.replace(/^(\S+ )?\w+: /, "")),
        ["(lan) backup -> fault (link-down)", "(lan) fault -> backup (link-up)"],
        "r2's only transitions: into Fault and back to backup",
      );
      assert.deepEqual(r1.linesMatching(ANY_TRANSITION, r1From), [], "r1 stayed master");
      assert.ok(samples.every((s) => s.holders.includes("r1")), `the VIP never left r1 (${describeHolderStretches(samples, ["r1"], t0)})`);
    }),
  );
});
