// track_script `type 'ping'` through the raw ICMP socket (root only): loopback answers over IPv4 and IPv6;
// `reliability` counts the hosts that answered; a silent host ends the run at the timeout, not later.
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { runPingCheck } from "../../../src/daemon/trackers/ping-check.ts";

const never = new AbortController().signal;

function needsRoot(t: TestContext): boolean {
  if (process.getuid?.() === 0) return false;
  if (process.env.CI === "true") assert.fail("ping checks need root (a raw ICMP socket) under CI=true");
  console.error(`\n!!! SKIPPING ${t.name}: needs root for a raw ICMP socket !!!\n`);
  t.skip("needs root");
  return true;
}

describe("native ping check", () => {
  it("loopback answers over IPv4 and IPv6", async (t) => {
    if (needsRoot(t)) return;
    const r = await runPingCheck({ hosts: ["127.0.0.1", "::1"], reliability: 2 }, 1000, never);
    assert.equal(r.ok, true, r.stderrTail);
    assert.equal(r.stderrTail, "2/2 answered (need 2)");
    assert.ok(r.durationMs < 500, `took ${r.durationMs.toFixed(0)} ms: the run ends when every host answered`);
  });

  it("reliability: 1 of 2 is enough for reliability 1, not for 2; the silent host ends the run at the timeout", async (t) => {
    if (needsRoot(t)) return;
    // 127.0.0.2 is loopback too (answers); 198.51.100.77 is a documentation address nobody answers for.
    const one = await runPingCheck({ hosts: ["127.0.0.2", "198.51.100.77"], reliability: 1 }, 300, never);
    assert.equal(one.ok, true, one.stderrTail);
    const two = await runPingCheck({ hosts: ["127.0.0.2", "198.51.100.77"], reliability: 2 }, 300, never);
    assert.equal(two.ok, false);
    assert.match(two.stderrTail, /^1\/2 answered \(need 2\); no reply from 198\.51\.100\.77/);
    assert.ok(two.durationMs < 1000, `took ${two.durationMs.toFixed(0)} ms`);
  });
});
