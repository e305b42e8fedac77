import assert from "node:assert/strict";
import { test } from "node:test";
import { DeadlineTimer } from "../../src/daemon/deadline-timer.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("fires at (never before) its deadline and measures how late it was", async () => {
  const fired: number[] = [];
  const timer = new DeadlineTimer((now) => fired.push(now));
  const at = performance.now() + 30;
  timer.arm(at);
  await wait(80);
  assert.equal(fired.length, 1);
  assert.ok((fired[0] ?? 0) >= at);
  assert.equal(timer.lag.samples, 1);
});

test("an earlier deadline re-arms; a later one keeps the armed timer, which then fires early", async () => {
  const fired: number[] = [];
  const timer = new DeadlineTimer((now) => fired.push(now));
  const start = performance.now();
  timer.arm(start + 200);
  timer.arm(start + 20); // earlier: must fire at ~20 ms, not 200
  timer.arm(start + 500); // later: kept at 20 ms (the caller re-arms after a spurious wake-up)
  await wait(80);
  assert.equal(fired.length, 1);
  assert.ok((fired[0] ?? 0) - start < 200);
  timer.arm(undefined);
  timer.arm(performance.now() + 20);
  timer.disarm();
  await wait(50);
  assert.equal(fired.length, 1, "disarm cancels");
});
