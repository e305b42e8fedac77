// track_script `type 'http'` in the real daemon: r1's check of an HTTP server in the client namespace fails when
// the server stops (weight -100: 150 → 50 < 100), r2 takes over; the server answers again and, after `rise`
// successes, r1 preempts back.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { CI_SLACK_MS, CLIENT_IPV4, cleanupAllLabs, masterDownMs, startPair, transitionLine, vrrpConfig, withLab, type GatewayLab, type LabProcess } from "./gateway-lab.ts";

const ADVERT_MS = 100;
const PORT = 8080;
const INTERVAL_S = 0.2;
const RISE = 3;

function r1Config(): string {
  const check = [
    "",
    "config track_script 'web'",
    "\toption type 'http'",
    `\toption url 'http://${CLIENT_IPV4}:${PORT}/health'`,
    `\toption interval '${INTERVAL_S}'`,
    `\toption timeout '${INTERVAL_S}'`,
    "\toption fall '1'",
    `\toption rise '${RISE}'`,
    "",
  ].join("\n");
  return vrrpConfig({ priority: 150, trackScripts: ["web weight -100"] }) + check;
}

function startServer(gw: GatewayLab): LabProcess {
  return gw.spawn("http-health", gw.ns.client, [process.execPath, "--import", "tsx", "test/netns/http-health-server.ts", CLIENT_IPV4, String(PORT)]);
}

describe("native http tracker", () => {
  after(cleanupAllLabs);

  test("the HTTP server stops: r1 hands over to r2; it answers again: r1 takes the VIP back after rise", { timeout: 90_000 }, (t) =>
    withLab(t, async (gw) => {
      let server = startServer(gw);
      await server.waitForLine(/^listening$/, 15_000);
      const { r1, r2 } = await startPair(gw, r1Config(), vrrpConfig({ priority: 100 }));
      await r1.waitForLine(/track_script web is now up/, 10_000);
      const from1 = r1.lines.length;
      const from2 = r2.lines.length;
      server.kill("SIGKILL");
      await server.waitExit(5000);
      const t0 = performance.now();
      // Refused, or reset when a check was in flight as the server died: either way the server is gone.
      await r1.waitForLine(/track_script web is now down \(http:\/\/192\.0\.2\.100:8080\/health: .*(ECONNREFUSED|ECONNRESET)/, 5000, from1);
      const at = await r2.waitForLine(transitionLine("master", "backup"), 10_000, from2);
      // One failed check (fall 1) within an interval, then r2's preemption: bounded by the check plus Master_Down_Interval.
      const takeoverMs = (r2.lineTimes[at] ?? Infinity) - t0;
      assert.ok(takeoverMs < INTERVAL_S * 1000 * 2 + masterDownMs(100, ADVERT_MS) + CI_SLACK_MS, `r2 took over ${takeoverMs.toFixed(0)} ms after the server stopped`);
      await r1.waitForLine(transitionLine("backup", "master"), 5000, from1);

      const back1 = r1.lines.length;
      server = startServer(gw);
      await server.waitForLine(/^listening$/, 15_000);
      const t1 = performance.now();
      const up = await r1.waitForLine(/track_script web is now up/, 10_000, back1);
      // rise 3: three successful checks, at least two intervals after the first.
      assert.ok((r1.lineTimes[up] ?? 0) - t1 >= (RISE - 1) * INTERVAL_S * 1000 - 50, "up only after rise successes");
      await r1.waitForLine(transitionLine("master", "backup"), 10_000, back1);
      await r2.waitForLine(transitionLine("backup", "master"), 10_000, from2);
    }),
  );
});
