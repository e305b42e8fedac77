// The timerfd under the daemon's DeadlineTimer (no privileges needed): one-shot, replaced by each start(),
// cancelled by stop() even when the expiry already happened but was not read yet, and never early.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { TimerFd } from "../../src/platform/linux/timer-fd.ts";
import { DeadlineTimer } from "../../src/daemon/deadline-timer.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failOnError = (error: Error) => assert.fail(error);

function recordingTimer(): { timer: TimerFd; fired: number[] } {
  const fired: number[] = [];
  return { timer: new TimerFd(() => fired.push(performance.now()), failOnError), fired };
}

test("fires once, not before its delay", async () => {
  const { timer, fired } = recordingTimer();
  try {
    const started = performance.now();
    timer.start(15.5);
    await wait(80);
    assert.equal(fired.length, 1);
    assert.ok((fired[0] ?? 0) - started >= 15.5, `fired ${(fired[0] ?? 0) - started} ms after start`);
  } finally {
    timer.close();
  }
});

test("start() replaces the pending expiry, earlier or later", async () => {
  const { timer, fired } = recordingTimer();
  try {
    const started = performance.now();
    timer.start(500);
    timer.start(10); // earlier: fires at ~10 ms
    await wait(60);
    assert.equal(fired.length, 1);
    assert.ok((fired[0] ?? 0) - started < 500);
    timer.start(10);
    timer.start(120); // later: the 10 ms expiry is gone
    await wait(60);
    assert.equal(fired.length, 1, "the replaced expiry did not fire");
    await wait(120);
    assert.equal(fired.length, 2);
  } finally {
    timer.close();
  }
});

test("stop() cancels, also an expiry that already happened but was not read yet", async () => {
  const { timer, fired } = recordingTimer();
  try {
    timer.start(0.01);
    const until = performance.now() + 3;
    while (performance.now() < until); // expired in the kernel, callback not run: the loop is busy
    timer.stop();
    await wait(30);
    assert.deepEqual(fired, []);
    timer.start(5); // usable again after a stop
    await wait(40);
    assert.equal(fired.length, 1);
  } finally {
    timer.close();
  }
  timer.start(1); // closed: a no-op, not a throw
  await wait(20);
  assert.equal(fired.length, 1);
});

test("an armed timer keeps the process alive until it fires; a stopped one does not", () => {
  const child = (body: string) =>
    spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `import { TimerFd } from ${JSON.stringify(new URL("../../src/platform/linux/timer-fd.ts", import.meta.url).href)};\n${body}`], {
      encoding: "utf8",
      timeout: 20_000,
    });
  const armed = child(`const t = new TimerFd(() => { console.log("fired"); t.close(); }, (e) => { throw e; }); t.start(200);`);
  assert.equal(armed.status, 0, armed.stderr);
  assert.equal(armed.stdout.trim(), "fired");
  const stopped = child(`const t = new TimerFd(() => console.log("fired"), (e) => { throw e; }); t.start(60_000); t.stop(); console.log("stopped");`);
  assert.equal(stopped.status, 0, stopped.stderr);
  assert.equal(stopped.stdout.trim(), "stopped", "exited at once instead of waiting 60 s");
});

test("the DeadlineTimer runs on it", async () => {
  const fired: number[] = [];
  let os: TimerFd | undefined;
  const deadline = new DeadlineTimer(
    (now) => fired.push(now),
    () => performance.now(),
    (fire) => (os = new TimerFd(fire, failOnError)),
  );
  try {
    const at = performance.now() + 12.25;
    deadline.arm(at);
    // Bounded wait rather than a fixed 60 ms: on a loaded 2-core CI machine the loop itself may be late.
    for (let waited = 0; fired.length === 0 && waited < 2000; waited += 10) await wait(10);
    assert.equal(fired.length, 1);
    assert.ok((fired[0] ?? 0) >= at, "the core never gets a time before its deadline");
    assert.equal(deadline.lag.samples, 1);
  } finally {
    os?.close();
  }
});
