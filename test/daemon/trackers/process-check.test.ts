// track_script `type 'process'` reads /proc: real `sleep` processes with an argument only this test uses are
// counted against the quorum; killing one (by pid) brings the count under it.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { describe, it } from "node:test";
import { runProcessCheck } from "../../../src/daemon/trackers/process-check.ts";

const never = new AbortController().signal;

describe("native process check", () => {
  it("a stop ends a run at once: not up, not a timeout (the /proc scan stops with it)", async () => {
    const marker = `${(300 + Math.random()).toFixed(6)}`;
    const child = spawn("sleep", [marker]);
    try {
      await new Promise((r) => setTimeout(r, 100)); // exec'd: a whole scan would find it and pass
      const stop = new AbortController();
      const run = runProcessCheck({ name: "sleep", paramMatch: marker, quorum: 1 }, 60_000, stop.signal);
      stop.abort();
      const result = await run;
      assert.deepEqual([result.ok, result.timedOut], [false, false]);
      assert.ok(result.durationMs < 1000, `ended ${result.durationMs.toFixed(0)} ms after the stop`);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("counts processes by name and argument against the quorum", async () => {
    const marker = `${(300 + Math.random()).toFixed(6)}`; // an argument no other process has
    const children: ChildProcess[] = [spawn("sleep", [marker]), spawn("/bin/sleep", [marker]), spawn("sleep", [marker])];
    try {
      await new Promise((r) => setTimeout(r, 100)); // exec'd
      const check = { name: "sleep", paramMatch: marker, quorum: 2 };
      const three = await runProcessCheck({ ...check, quorumMax: 2 }, 2000, never);
      assert.deepEqual([three.ok, three.stderrTail], [false, `3 sleep with '${marker}' running (need exactly 2)`]);
      children[2]?.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 100));
      const both = await runProcessCheck(check, 2000, never);
      assert.deepEqual([both.ok, both.stderrTail], [true, `2 sleep with '${marker}' running (need 2)`]);
      children[0]?.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 100));
      const one = await runProcessCheck(check, 2000, never);
      assert.deepEqual([one.ok, one.stderrTail], [false, `1 sleep with '${marker}' running (need 2)`]);
      assert.equal((await runProcessCheck({ name: "no-such-process-vrrpd", quorum: 1 }, 2000, never)).ok, false);
      // keepalived's quorum_max: more than that many is a failure; quorum_max 0 (quorum 0) passes while none runs.
      const atMostOne = await runProcessCheck({ ...check, quorum: 1, quorumMax: 1 }, 2000, never);
      assert.deepEqual([atMostOne.ok, atMostOne.stderrTail], [true, `1 sleep with '${marker}' running (need exactly 1)`]);
      children[1]?.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await runProcessCheck({ ...check, quorum: 0, quorumMax: 0 }, 2000, never)).ok, true);
    } finally {
      for (const c of children) c.kill("SIGKILL");
    }
  });
});
