// track_script in the real daemon: a failing check lowers r1's priority (weight -100) so r2 takes over, and r1
// preempts back once it passes again; a hung check (weight 0) is killed at its timeout with everything it started,
// puts r1 in fault, and r2 takes over.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  CI_SLACK_MS,
  cleanupAllLabs,
  masterDownMs,
  sleep,
  startPair,
  transitionLine,
  VIP4,
  vrrpConfig,
  waitUntil,
  withLab,
  type GatewayLab,
} from "./gateway-lab.ts";

const ADVERT_MS = 100;
const SCRIPT_INTERVAL_S = 0.2;

/** Processes among `pids` that still exist (zombies do not count: they are dead, only not yet reaped). */
function alive(pids: readonly number[]): string[] {
  if (pids.length === 0) return [];
  const ps = spawnSync("ps", ["-o", "pid=,stat=,args=", "-p", pids.join(",")], { encoding: "utf8", timeout: 5000 });
  return ps.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^\d+\s+Z/.test(l));
}

/** The pids a hanging script run recorded: one line per run, "shell-pid child-pid child-pid". */
function recordedRuns(file: string): number[][] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return []; // no run has hung yet
  }
  return text
    .split("\n")
    .filter((l) => /^\d+( \d+)*$/.test(l.trim()))
    .map((l) => l.trim().split(" ").map(Number));
}

/** A script that exits 0 unless `flag` exists; then it starts two sleeps, records the pids and waits for them. */
function hangingScript(gw: GatewayLab, flag: string, pidFile: string): string {
  return gw.writeFile(
    "hang.sh",
    `#!/bin/sh
# Healthy unless the test raised the flag; then hang (with children) well past the timeout.
[ -e '${flag}' ] || exit 0
sleep 31 &
a=$!
sleep 32 &
b=$!
echo "$$ $a $b" >> '${pidFile}'
wait
`,
    0o755,
  );
}

describe("track_script", () => {
  after(cleanupAllLabs);

  test("a failing check (weight -100) drops r1 below r2, r2 takes over; passing again, r1 preempts back", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const flag = join(gw.dir, "fail.flag");
      const r1Config = vrrpConfig({ priority: 150, trackScripts: ["flag weight -100"] }, [
        { name: "flag", script: `test ! -e ${flag}`, interval: SCRIPT_INTERVAL_S, fall: 1, rise: 1 },
      ]);
      const { r1, r2 } = await startPair(gw, r1Config, vrrpConfig({ priority: 100 }));
      // The check fails: 150 - 100 = 50 < 100, so r2 (preempting) stops accepting r1 and takes over.
      writeFileSync(flag, "");
      let t0 = performance.now();
      const bound = SCRIPT_INTERVAL_S * 1000 + masterDownMs(100, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS;
      await waitUntil("r2 alone to hold the VIP", () => gw.holders(VIP4).join() === "r2", bound, 5);
      t.diagnostic(`check failing -> VIP on r2 alone: ${(performance.now() - t0).toFixed(0)} ms (bound ${bound.toFixed(0)} ms)`);
      await r1.waitForLine(/track_script flag is now down/, 1000);
      await r1.waitForLine(/effective priority 150 -> 50/, 1000);
      await r1.waitForLine(transitionLine("backup", "master", "higher-priority-advert"), 1000);
      await r2.waitForLine(transitionLine("master", "backup", "master-down-timer"), 1000);
      // The check passes again: back to 150, r1 preempts.
      rmSync(flag);
      t0 = performance.now();
      const backBound = SCRIPT_INTERVAL_S * 1000 + masterDownMs(150, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS;
      await waitUntil("r1 alone to hold the VIP again", () => gw.holders(VIP4).join() === "r1", backBound, 5);
      t.diagnostic(`check passing -> VIP back on r1 alone: ${(performance.now() - t0).toFixed(0)} ms (bound ${backBound.toFixed(0)} ms)`);
      await r1.waitForLine(/effective priority 50 -> 150/, 1000);
      await r2.waitForLine(transitionLine("backup", "master", "higher-priority-advert"), 1000);
    }),
  );

  test("a check hanging past its timeout (weight 0): killed with its children, r1 to fault, r2 takes over", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const flag = join(gw.dir, "hang.flag");
      const pidFile = join(gw.dir, "hang.pids");
      const script = hangingScript(gw, flag, pidFile);
      const timeoutMs = 300;
      const r1Config = vrrpConfig({ priority: 200, trackScripts: ["hang weight 0"] }, [
        { name: "hang", script, interval: 0.5, timeout: timeoutMs / 1000, fall: 1, rise: 1 },
      ]);
      const { r1 } = await startPair(gw, r1Config, vrrpConfig({ priority: 100 }));
      writeFileSync(flag, "");
      const t0 = performance.now();
      // The next run hangs, is killed at the timeout; weight 0 means fault; r1 sends priority 0 on its way out.
      const bound = 500 + timeoutMs + masterDownMs(100, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS;
      await r1.waitForLine(transitionLine("fault", "master", "track-fault"), bound);
      await waitUntil("r2 alone to hold the VIP", () => gw.holders(VIP4).join() === "r2", bound, 5);
      t.diagnostic(`check hanging -> VIP on r2 alone: ${(performance.now() - t0).toFixed(0)} ms (bound ${bound.toFixed(0)} ms)`);
      assert.ok(r1.findLine(/track_script hang is now down \(timed out after 300 ms/) >= 0, "the log says the check timed out");
      // Runs never overlap, so once a third run has started the first two were killed: shell and both sleeps.
      await waitUntil("three hanging runs", () => recordedRuns(pidFile).length >= 3, 5000);
      const runs = recordedRuns(pidFile);
      assert.deepEqual(alive(runs.slice(0, -1).flat()), [], "every earlier hung run was killed with its children");
      // Healthy again: the last hung run is killed at its timeout and r1 leaves fault.
      rmSync(flag);
      await r1.waitForLine(transitionLine("backup", "fault", "track-recovered"), 2000 + timeoutMs);
      await waitUntil("r1 to take the VIP back", () => gw.holders(VIP4).join() === "r1", masterDownMs(200, ADVERT_MS) + CI_SLACK_MS, 5);
      assert.deepEqual(alive(recordedRuns(pidFile).flat()), [], "no hung script process is left");
    }),
  );

  test("a check still running when the daemon stops is killed with its children", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const flag = join(gw.dir, "hang.flag");
      const pidFile = join(gw.dir, "hang.pids");
      const script = hangingScript(gw, flag, pidFile);
      const r1 = gw.vrrpd("r1", vrrpConfig({ priority: 200, trackScripts: ["hang weight 0"] }, [
        // A long timeout: the run is still going when the daemon is told to stop.
        { name: "hang", script, interval: 0.2, timeout: 20, fall: 1, rise: 1 },
      ]));
      await r1.waitForLine(transitionLine("master"), 15_000);
      writeFileSync(flag, "");
      await waitUntil("a hanging run", () => recordedRuns(pidFile).length >= 1, 5000);
      r1.kill("SIGTERM");
      assert.equal(await r1.waitExit(5000), 0);
      await sleep(200);
      const left = killLeftovers(pidFile);
      assert.deepEqual(left, [], "vrrpd left its running track script behind after a graceful stop");
    }),
  );

  test("a check still running at SIGHUP is not started a second time beside itself (runs never overlap)", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const flag = join(gw.dir, "hang.flag");
      const pidFile = join(gw.dir, "hang.pids");
      writeFileSync(flag, "");
      const config = vrrpConfig({ priority: 200, trackScripts: ["hang weight -10"] }, [
        { name: "hang", script: hangingScript(gw, flag, pidFile), interval: 0.2, timeout: 20, fall: 1, rise: 1 },
      ]);
      const r1 = gw.vrrpd("r1", config);
      await r1.waitForLine(transitionLine("master"), 15_000);
      await waitUntil("a hanging run", () => recordedRuns(pidFile).length >= 1, 5000);
      const from = r1.lines.length;
      r1.kill("SIGHUP");
      await r1.waitForLine(/reloaded /, 5000, from);
      await sleep(1000); // five intervals: a second run would have started by now
      const running = recordedRuns(pidFile).filter((run) => alive(run.slice(0, 1)).length > 0);
      killLeftovers(pidFile);
      assert.equal(running.length, 1, `runs of the check going at once after SIGHUP: ${running.length}`);
    }),
  );
});

/** Kill (SIGKILL) what is left of the recorded runs, so the lab stays clean whatever the outcome; returns it. */
function killLeftovers(pidFile: string): string[] {
  const left = alive(recordedRuns(pidFile).flat());
  for (const line of left) {
    // Only the recorded pids, and only while they still run this test's script or its sleeps.
    const [pid] = line.split(/\s+/);
    if (/hang\.sh|sleep 3[12]/.test(line)) process.kill(Number(pid), "SIGKILL");
  }
  return left;
}
