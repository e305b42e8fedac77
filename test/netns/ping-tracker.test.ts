// track_script `type 'ping'` in the real daemon: r1 pings the client; when the client stops answering echo
// (icmp_echo_ignore_all), r1's priority drops by 100 below r2's and r2 takes over; when it answers again, after
// `rise` successful runs r1 takes the VIP back.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { CI_SLACK_MS, CLIENT_IPV4, cleanupAllLabs, masterDownMs, startPair, transitionLine, vrrpConfig, withLab } from "./gateway-lab.ts";

const ADVERT_MS = 100;
const INTERVAL_S = 0.2;
const RISE = 3;

function r1Config(): string {
  const check = [
    "",
    "config track_script 'gw'",
    "\toption type 'ping'",
    `\tlist host '${CLIENT_IPV4}'`,
    `\toption interval '${INTERVAL_S}'`,
    `\toption timeout '${INTERVAL_S}'`,
    "\toption fall '2'",
    `\toption rise '${RISE}'`,
    "",
  ].join("\n");
  return vrrpConfig({ priority: 150, trackScripts: ["gw weight -100"] }) + check;
}

describe("native ping tracker", () => {
  after(cleanupAllLabs);

  test("the target stops answering: r1 hands over; it answers again: r1 takes the VIP back after rise", { timeout: 90_000 }, (t) =>
    withLab(t, async (gw) => {
      const { r1, r2 } = await startPair(gw, r1Config(), vrrpConfig({ priority: 100 }));
      await r1.waitForLine(/track_script gw is now up/, 10_000);
      const from1 = r1.lines.length;
      const from2 = r2.lines.length;
      gw.lab.sysctl(gw.ns.client, "net.ipv4.icmp_echo_ignore_all", "1");
      const t0 = performance.now();
      await r1.waitForLine(/track_script gw is now down \(ping 0\/1 answered \(need 1\); no reply from 192\.0\.2\.100/, 5000, from1);
      const at = await r2.waitForLine(transitionLine("master", "backup"), 10_000, from2);
      const takeoverMs = (r2.lineTimes[at] ?? Infinity) - t0;
      // fall 2: two silent runs, then r2's preemption.
      assert.ok(takeoverMs < 3 * INTERVAL_S * 1000 + masterDownMs(100, ADVERT_MS) + CI_SLACK_MS, `r2 took over ${takeoverMs.toFixed(0)} ms after the target went silent`);
      await r1.waitForLine(transitionLine("backup", "master"), 5000, from1);

      const back1 = r1.lines.length;
      gw.lab.sysctl(gw.ns.client, "net.ipv4.icmp_echo_ignore_all", "0");
      const t1 = performance.now();
      const up = await r1.waitForLine(/track_script gw is now up/, 10_000, back1);
      assert.ok((r1.lineTimes[up] ?? 0) - t1 >= (RISE - 1) * INTERVAL_S * 1000 - 50, "up only after rise answered runs");
      await r1.waitForLine(transitionLine("master", "backup"), 10_000, back1);
      await r2.waitForLine(transitionLine("backup", "master"), 10_000, from2);
    }),
  );
});
