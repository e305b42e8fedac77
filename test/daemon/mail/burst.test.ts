// How many mails a burst makes (mail-alerts.ts): each instance counts once per window in its latest state, a flap
// back to the state last mailed is no news, a few changes get keepalived's own mails, many get one digest.
// Delivered through a real SMTP server.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../../../src/daemon/log.ts";
import { MailAlerts } from "../../../src/daemon/mail/mail-alerts.ts";
import { MailQueue } from "../../../src/daemon/mail/mail-queue.ts";
import { smtpSender } from "../../../src/daemon/mail/smtp-sender.ts";
import { SmtpLab } from "./smtp-lab.ts";

const quiet = createLogger("error", () => undefined);
const WINDOW_MS = 150;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withAlerts(body: (alerts: MailAlerts, lab: SmtpLab) => Promise<void>): Promise<void> {
  const lab = new SmtpLab();
  const port = await lab.listen();
  const settings = { recipients: ["ops@example.com"], server: { host: "127.0.0.1", port }, connectTimeoutMs: 2000, starttls: false, noEmailFaults: true };
  const queue = new MailQueue(smtpSender(settings), { maxQueued: 16, retryDelaysMs: [], attemptTimeoutMs: 5000 }, quiet);
  const alerts = new MailAlerts(queue, { routerId: "gw-a", windowMs: WINDOW_MS, digestAbove: 3, noEmailFaults: true }, () => ({ self: true, priority: 100 }));
  try {
    await body(alerts, lab);
  } finally {
    alerts.close();
    queue.close();
    await lab.close();
  }
}

const change = (name: string, state: "MASTER" | "BACKUP" | "FAULT", previous = "BACKUP") => ({ kind: "instance" as const, name, state, previous, reason: "master-down-timer" });

describe("alert bursts", () => {
  it("255 instances failing over in one window make one digest", () =>
    withAlerts(async (alerts, lab) => {
      for (let i = 0; i < 255; i++) alerts.transition(change(`vr${i}`, "MASTER"));
      const [digest] = await lab.waitForMails(1);
      assert.equal(digest?.headers.get("subject"), "[gw-a] VRRP Instances - 255 state changes");
      assert.match(digest?.body ?? "", /^VRRP Instance vr254 - Entering MASTER state$/m);
      await wait(WINDOW_MS * 3);
      assert.equal(lab.mails.length, 1);
    }));

  it("up to three changes get keepalived's own mail each; a flap within the window mails its last state once", () =>
    withAlerts(async (alerts, lab) => {
      alerts.transition(change("lan", "MASTER"));
      alerts.transition(change("lan", "BACKUP", "MASTER"));
      alerts.transition(change("lan", "MASTER", "BACKUP"));
      alerts.transition(change("wan", "MASTER"));
      const mails = await lab.waitForMails(2);
      assert.deepEqual(mails.map((m) => m.headers.get("subject")).sort(), ["[gw-a] VRRP Instance lan - Entering MASTER state", "[gw-a] VRRP Instance wan - Entering MASTER state"]);
      assert.match(mails.find((m) => /lan/.test(m.headers.get("subject") ?? ""))?.body ?? "", /^Reason: master-down-timer \(was BACKUP\)$/m);
      // Next window: lan flaps away and back; it ends where the last mail left it, so nothing is sent.
      alerts.transition(change("lan", "BACKUP", "MASTER"));
      alerts.transition(change("lan", "MASTER", "BACKUP"));
      await wait(WINDOW_MS * 3);
      assert.equal(lab.mails.length, 2);
    }));

  it("no_email_faults: a fault mails nothing", () =>
    withAlerts(async (alerts, lab) => {
      alerts.transition(change("lan", "FAULT", "MASTER"));
      await wait(WINDOW_MS * 3);
      assert.equal(lab.mails.length, 0);
    }));
});
