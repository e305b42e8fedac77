// docs/linux-servers.md, end to end: two servers run a web server and vrrpd with the guide's own health check
// (the track_script block is read from the guide, so the page and this test cannot drift). When the web server
// on the master stops, the VIP moves to the other server; when it answers again, the VIP comes back.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, test } from "node:test";
import {
  cleanupAllLabs,
  masterDownMs,
  startPair,
  transitionLine,
  VIP4,
  vrrpConfig,
  waitUntil,
  withLab,
  type GatewayLab,
  type LabProcess,
  type RouterName,
} from "./gateway-lab.ts";

const ADVERT_S = 1; // the shipped /etc/vrrpd/vrrp's advert_int

/** The guide's `config track_script` block (the fenced block under "A health check for nginx"). */
function guideTrackScript(): { name: string; block: string } {
  const page = readFileSync("docs/linux-servers.md", "utf8");
  const section = page.slice(page.indexOf("### A health check for nginx"));
  const block = /```\n(config track_script '([^']+)'\n[^]*?)```/.exec(section);
  assert.ok(block?.[1] !== undefined && block[2] !== undefined, "the guide has a track_script block");
  return { name: block[2], block: block[1] };
}

/** A web server on the server's own loopback, port 80, as nginx would answer the guide's curl. */
function webServer(gw: GatewayLab, server: RouterName): LabProcess {
  const code = `require("node:http").createServer((q, r) => r.end("ok\\n")).listen(80, "127.0.0.1", () => console.log("listening"));`;
  return gw.spawn(`web-${server}`, gw.ns[server], [process.execPath, "-e", code]);
}

function serverConfig(priority: number, track: { name: string; block: string }): string {
  return `${vrrpConfig({ priority, advertInt: ADVERT_S, trackScripts: [track.name] })}\n${track.block}`;
}

describe("docs/linux-servers.md: a web server pair behind one VIP", () => {
  after(cleanupAllLabs);

  test("the VIP leaves the server whose web server stops, and returns when it answers again", { timeout: 120_000 }, (t) =>
    withLab(t, async (gw) => {
      const track = guideTrackScript();
      const interval = Number(/option interval '(\d+)'/.exec(track.block)?.[1]);
      const fall = Number(/option fall '(\d+)'/.exec(track.block)?.[1]);
      const rise = Number(/option rise '(\d+)'/.exec(track.block)?.[1]);
      const web = { r1: webServer(gw, "r1"), r2: webServer(gw, "r2") };
      await web.r1.waitForLine(/listening/, 10_000);
      await web.r2.waitForLine(/listening/, 10_000);
      const { r1, r2 } = await startPair(gw, serverConfig(150, track), serverConfig(100, track));

      // The check fails `fall` times, `interval` s apart; then r2 waits out its Master_Down_Interval.
      web.r1.kill("SIGKILL");
      const downMs = fall * interval * 1000 + masterDownMs(100, ADVERT_S * 1000) + 3000;
      await r2.waitForLine(transitionLine("master", "backup"), downMs);
      await waitUntil("the VIP on r2 alone", () => gw.holders(VIP4).join() === "r2", 5000);

      // It answers again: after `rise` passes r1's priority is back to 150, and it preempts.
      const r1Lines = r1.lines.length;
      const revived = webServer(gw, "r1");
      await revived.waitForLine(/listening/, 10_000);
      const upMs = rise * interval * 1000 + masterDownMs(150, ADVERT_S * 1000) + 3000;
      await r1.waitForLine(transitionLine("master", "backup"), upMs, r1Lines);
      await waitUntil("the VIP back on r1 alone", () => gw.holders(VIP4).join() === "r1", 5000);
      t.diagnostic(`checked with the guide's track_script '${track.name}' (interval ${interval} s, fall ${fall}, rise ${rise})`);
    }),
  );
});
