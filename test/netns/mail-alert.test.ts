// E-mail alerts in the real daemon: r1 (master) dies, r2 takes over and its alert reaches a real SMTP server in
// the client namespace with keepalived's subject, the reason and itself as master. The takeover time stays within
// Master_Down_Interval while a mail is being composed and sent. The daemon as it ships loads its SMTP client from
// vrrpd-mail.js next to vrrpd.js, and without that file logs why and runs on.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { daemonBundle } from "./daemon-bundle.ts";
import {
  CI_SLACK_MS,
  CLIENT_IPV4,
  cleanupAllLabs,
  masterDownMs,
  REPO_ROOT,
  startPair,
  transitionLine,
  vrrpConfig,
  withLab,
  type LabProcess,
} from "./gateway-lab.ts";

const ADVERT_MS = 100;
const SMTP_PORT = 2525;

/** vrrpConfig with the router's id and e-mail alerts to the sink in the client namespace. */
function mailConfig(routerId: string, priority: number): string {
  const globals = [
    "\toption enabled '1'",
    `\toption router_id '${routerId}'`,
    "\tlist notification_email 'ops@example.com'",
    "\toption notification_email_from 'vrrpd@example.com'",
    `\toption smtp_server '${CLIENT_IPV4} ${SMTP_PORT}'`,
    "\toption smtp_connect_timeout '2'",
  ].join("\n");
  return vrrpConfig({ priority }).replace("\toption enabled '1'", globals).replace(/(config instance '[^']+')/, "$1\n\toption smtp_alert '1'");
}

interface SinkMail {
  readonly subject: string;
  readonly to: readonly string[];
  readonly body: string;
}

async function waitForMail(sink: LabProcess, subject: string, timeoutMs: number): Promise<SinkMail> {
  const escaped = subject.replace(/[[\]().*+?^$|\\]/g, "\\$&");
  const index = await sink.waitForLine(new RegExp(`"subject":"${escaped}"`), timeoutMs);
  return JSON.parse(sink.lines[index] ?? "{}") as SinkMail;
}

describe("e-mail alerts", () => {
  after(cleanupAllLabs);

  test("r1 dies; r2's 'Entering MASTER state' mail arrives with the reason and r2 as master", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const sink = gw.spawn("smtp-sink", gw.ns.client, [process.execPath, "--import", "tsx", "test/netns/smtp-sink.ts", CLIENT_IPV4, String(SMTP_PORT)]);
      await sink.waitForLine(/^listening$/, 15_000);
      const { r1, r2 } = await startPair(gw, mailConfig("r1", 150), mailConfig("r2", 100));
      // The start-up transitions mail too (keepalived does): r1 MASTER, r2 BACKUP.
      await waitForMail(sink, "[r2] VRRP Instance lan - Entering BACKUP state", 15_000);
      const t0 = performance.now();
      r1.kill("SIGKILL");
      const at = await r2.waitForLine(transitionLine("master", "backup", "master-down-timer"), 10_000);
      const takeoverMs = (r2.lineTimes[at] ?? Infinity) - t0;
      assert.ok(takeoverMs < masterDownMs(100, ADVERT_MS) + CI_SLACK_MS, `takeover took ${takeoverMs.toFixed(0)} ms`);
      const mail = await waitForMail(sink, "[r2] VRRP Instance lan - Entering MASTER state", 20_000);
      assert.deepEqual(mail.to, ["ops@example.com"]);
      assert.match(mail.body, /^=> VRRP Instance is now owning VRRP VIPs <=$/m);
      assert.match(mail.body, /^Reason: master-down-timer \(was BACKUP\)$/m);
      assert.match(mail.body, /^Master now: this router \(priority 100\)$/m);
      assert.match(mail.body, /^Virtual addresses: 192\.0\.2\.254\/24 on lan0$/m);
      await r2.waitForLine(/mail sent: \[r2\] VRRP Instance lan - Entering MASTER state/, 5000);
    }),
  );

  test("as it ships: vrrpd.js loads vrrpd-mail.js and mails; without the file it logs why, counts the attempt failed and runs on", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const bundle = await daemonBundle();
      // The same bundle without vrrpd-mail.js, as a damaged install would have it.
      const broken = mkdtempSync(join(tmpdir(), "vrrpd-no-mail-"));
      t.after(() => rmSync(broken, { recursive: true, force: true }));
      for (const file of ["vrrpd.js", "package.json"]) copyFileSync(join(dirname(bundle), file), join(broken, file));
      symlinkSync(join(REPO_ROOT, "node_modules"), join(broken, "node_modules"));
      const sink = gw.spawn("smtp-sink", gw.ns.client, [process.execPath, "--import", "tsx", "test/netns/smtp-sink.ts", CLIENT_IPV4, String(SMTP_PORT)]);
      await sink.waitForLine(/^listening$/, 15_000);
      const r1 = gw.vrrpd("r1", mailConfig("r1", 150), [], bundle);
      await waitForMail(sink, "[r1] VRRP Instance lan - Entering MASTER state", 20_000);
      const r2 = gw.vrrpd("r2", mailConfig("r2", 100), [], join(broken, "vrrpd.js"));
      await r2.waitForLine(/cannot load the e-mail module: .*vrrpd-mail\.js.*the daemon runs on/, 15_000);
      await r2.waitForLine(transitionLine("backup"), 15_000);
      await r2.waitForLine(/mail not sent \(attempt 1, retry in \d+ s\): e-mail module not loaded/, 15_000);
      r1.kill("SIGKILL");
      await r2.waitForLine(transitionLine("master", "backup", "master-down-timer"), 10_000);
      assert.ok(!sink.lines.some((l) => l.includes('"subject":"[r2]')), "r2 sent nothing");
    }),
  );
});
