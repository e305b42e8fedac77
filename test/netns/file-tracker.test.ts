// track_script `type 'file'` (keepalived's track_file) in the real daemon: r1 (priority 150) tracks a file with
// weight -10. The file's value 6 takes 60 off its priority (90 < r2's 100): r2 takes the VIP. The value back at 0
// gives r1 its 150 again and it preempts. Its status (over the control socket, as `vrrpd status` reads it) shows
// the value and what it did to the priority. The file is replaced atomically (a rename), as the docs advise.
import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { controlRequest } from "../../src/daemon/control-client.ts";
import { cleanupAllLabs, startPair, transitionLine, VIP4, vrrpConfig, waitUntil, withLab, type GatewayLab } from "./gateway-lab.ts";

function r1Config(file: string): string {
  const track = ["", "config track_script 'load'", "\toption type 'file'", `\toption file '${file}'`, "\toption init_file '0'", "\toption interval '5'", ""].join("\n");
  return vrrpConfig({ priority: 150, trackScripts: ["load weight -10"] }) + track;
}

function setValue(file: string, value: number): void {
  writeFileSync(`${file}.tmp`, `${value}\n`);
  renameSync(`${file}.tmp`, file);
}

async function r1Status(gw: GatewayLab): Promise<{ lan: Record<string, unknown>; load: Record<string, unknown> }> {
  const reply = await controlRequest(gw.controlSocket("r1"), "status", {});
  if (!("data" in reply)) assert.fail(JSON.stringify(reply));
  const data = reply.data as { instances: Record<string, Record<string, unknown>>; track_scripts: Record<string, Record<string, unknown>> };
  return { lan: data.instances["lan"] ?? assert.fail("no lan"), load: data.track_scripts["load"] ?? assert.fail("no load") };
}

describe("native file tracker", () => {
  after(cleanupAllLabs);

  test("the file's value lowers r1's priority under r2's: r2 takes over; the value restored: r1 takes the VIP back", { timeout: 90_000 }, (t) =>
    withLab(t, async (gw) => {
      // The file does not exist yet: init_file '0' creates it when the daemon starts.
      const file = join(gw.dir, "load");
      const { r1, r2 } = await startPair(gw, r1Config(file), vrrpConfig({ priority: 100 }));
      await r1.waitForLine(/track_script load: created .* with 0/, 5000);
      const before = await r1Status(gw);
      assert.deepEqual([before.lan["effective_priority"], before.load["type"], before.load["value"]], [150, "file", 0]);

      const from1 = r1.lines.length;
      const from2 = r2.lines.length;
      setValue(file, 6);
      // The interval is 5 s: a handover well within it came through the directory watch.
      const t0 = performance.now();
      await r1.waitForLine(/track_script load value is now 6/, 3000, from1);
      await r2.waitForLine(transitionLine("master", "backup"), 3000, from2);
      await waitUntil("r2 to hold the VIP", () => gw.holders(VIP4).join() === "r2", 3000);
      assert.ok(performance.now() - t0 < 4000, "seen through the watch, not the 5 s interval read");
      const lowered = await r1Status(gw);
      assert.equal(lowered.lan["effective_priority"], 90);
      const tracked = (lowered.lan["tracked"] as Record<string, unknown>[])[0];
      assert.deepEqual([tracked?.["id"], tracked?.["value"], tracked?.["delta"], tracked?.["fault"]], ["script:load", 6, -60, false]);

      const back1 = r1.lines.length;
      setValue(file, 0);
      await r1.waitForLine(transitionLine("master", "backup"), 5000, back1);
      await waitUntil("r1 to hold the VIP again", () => gw.holders(VIP4).join() === "r1", 3000);
      assert.equal((await r1Status(gw)).lan["effective_priority"], 150);
    }),
  );
});
