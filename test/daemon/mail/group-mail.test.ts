// A sync group with smtp_alert mails keepalived's group alert once all its members agree on a state, and nothing
// while they differ ("mixed"), through a real SMTP server.
import assert from "node:assert/strict";
import { it } from "node:test";
import { createLogger } from "../../../src/daemon/log.ts";
import { MailService } from "../../../src/daemon/mail/mail-service.ts";
import { SmtpLab } from "./smtp-lab.ts";

it("a sync group mails when all members reach a state, not while mixed", async () => {
  const lab = new SmtpLab();
  const port = await lab.listen();
  const settings = { recipients: ["ops@example.com"], server: { host: "127.0.0.1", port }, connectTimeoutMs: 1000, starttls: false, noEmailFaults: false };
  const mail = new MailService({ settings, routerId: "gw-a", instances: [], groups: { G1: ["lan", "wan"] }, windowMs: 50 }, createLogger("error", () => undefined), () => undefined);
  try {
    const to = (instance: string, state: "MASTER" | "BACKUP") => mail.onTransition({ instance, from: "BACKUP", to: state, reason: "master-down-timer", device: "eth0", vips: [] });
    to("lan", "BACKUP");
    to("wan", "BACKUP");
    await lab.waitForMails(1);
    to("lan", "MASTER"); // mixed: no mail
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(lab.mails.length, 1);
    to("wan", "MASTER");
    const mails = await lab.waitForMails(2);
    assert.deepEqual(mails.map((m) => m.headers.get("subject")), ["[gw-a] VRRP Group G1 - Entering BACKUP state", "[gw-a] VRRP Group G1 - Entering MASTER state"]);
    assert.match(mails[1]?.body ?? "", /^=> All VRRP group instances are now in MASTER state <=$/m);
    assert.match(mails[1]?.body ?? "", /^Members: lan, wan$/m);
  } finally {
    mail.close();
    await lab.close();
  }
});
