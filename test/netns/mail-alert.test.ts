// E-mail alerts in the real daemon: r1 (master) dies, r2 takes over and its alert reaches a real SMTP server in
// the client namespace with keepalived's subject, the reason and itself as master. The takeover time stays within
// Master_Down_Interval while a mail is being composed and sent.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  CI_SLACK_MS,
  CLIENT_IPV4,
  cleanupAllLabs,
  masterDownMs,
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
});
