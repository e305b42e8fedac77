import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../src/daemon/log.ts";
import { TrackScripts } from "../../src/daemon/track-scripts.ts";

const quiet = createLogger("error", () => undefined);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a failing script goes down after `fall` failures and up after `rise` successes", async () => {
  const flag = `/tmp/vrrpd-track-${process.pid}-${Date.now()}`;
  const changes: string[] = [];
  const scripts = new TrackScripts(
    [{ name: "chk", script: `test ! -e ${flag}`, intervalMs: 30, timeoutMs: 1000, rise: 2, fall: 2, initFail: false }],
    (name, state) => changes.push(`${name}:${state}`),
    quiet,
  );
  scripts.start();
  try {
    for (let i = 0; i < 100 && changes.length < 1; i++) await wait(20);
    assert.deepEqual(changes, ["chk:up"]);
    await import("node:fs").then((fs) => fs.writeFileSync(flag, ""));
    for (let i = 0; i < 100 && changes.length < 2; i++) await wait(20);
    assert.deepEqual(changes, ["chk:up", "chk:down"]);
    await import("node:fs").then((fs) => fs.rmSync(flag));
    for (let i = 0; i < 100 && changes.length < 3; i++) await wait(20);
    assert.deepEqual(changes, ["chk:up", "chk:down", "chk:up"]);
    const status = scripts.status()[0];
    assert.ok((status?.failures ?? 0) >= 2);
  } finally {
    scripts.stop();
    await import("node:fs").then((fs) => fs.rmSync(flag, { force: true }));
  }
});

test("a script that hangs past its timeout counts as a failure and never overlaps itself", async () => {
  const changes: string[] = [];
  const scripts = new TrackScripts(
    [{ name: "hang", script: "sleep 5", intervalMs: 50, timeoutMs: 200, rise: 1, fall: 1, initFail: false }],
    (name, state) => changes.push(`${name}:${state}`),
    quiet,
  );
  scripts.start();
  try {
    for (let i = 0; i < 100 && changes.length < 1; i++) await wait(20);
    assert.deepEqual(changes, ["hang:down"]);
    const status = scripts.status()[0];
    assert.equal(status?.timeouts, 1);
    assert.ok((status?.skippedOverlaps ?? 0) >= 2, "ticks during the hung run were skipped, not stacked");
  } finally {
    scripts.stop();
  }
});
