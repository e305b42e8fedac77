// A reload while alerts wait for a retry (MailService.configure): they are kept and go out through the new
// settings at once, never twice; the counters carry on; turning mail off drops them, counted and logged.
// Against real SMTP servers (smtp-server): a dead one, then a working one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MailSettings } from "../../../src/config/model.ts";
import { createLogger } from "../../../src/daemon/log.ts";
import { MailService, type MailRuntimeConfig } from "../../../src/daemon/mail/mail-service.ts";
import { SmtpLab } from "./smtp-lab.ts";

/** Long enough that a mail delivered during a test was not delivered by the retry timer. */
const RETRY_MS = 60_000;

function mailConfig(port: number, extra: Partial<MailSettings> = {}): MailRuntimeConfig {
  return {
    settings: { recipients: ["ops@example.com"], server: { host: "127.0.0.1", port }, connectTimeoutMs: 300, starttls: false, noEmailFaults: false, ...extra },
    routerId: "gw-a",
    instances: ["lan", "wan"],
    groups: {},
    windowMs: 10,
    digestAbove: 3,
    retryDelaysMs: [RETRY_MS],
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const lab = new SmtpLab();
  const port = await lab.listen();
  await lab.close();
  return port;
}

function service(config: MailRuntimeConfig): { mail: MailService; lines: string[] } {
  const lines: string[] = [];
  const mail = new MailService(config, createLogger("debug", (line) => lines.push(line)), () => ({ self: true, priority: 100 }));
  return { mail, lines };
}

const becomeMaster = (mail: MailService, instance: string): void =>
  mail.onTransition({ instance, from: "BACKUP", to: "MASTER", reason: "master-down-timer", device: "eth0", vips: ["198.51.100.1/24"] });

const subjects = (lab: SmtpLab): string[] => lab.mails.map((m) => m.headers.get("subject") ?? "").sort();

describe("mail across a reload", () => {
  it("alerts waiting for a retry go out at once through the new server, once each; the counters carry on", async () => {
    const { mail } = service(mailConfig(await deadPort()));
    const lab = new SmtpLab();
    const port = await lab.listen();
    try {
      becomeMaster(mail, "lan");
      becomeMaster(mail, "wan");
      await until("the first attempt failed", () => mail.status().failedAttempts === 1 && mail.status().queued === 2);
      mail.configure(mailConfig(port, { from: "gw-a@example.com" }));
      await until("both delivered", () => lab.mails.length === 2);
      assert.deepEqual(subjects(lab), ["[gw-a] VRRP Instance lan - Entering MASTER state", "[gw-a] VRRP Instance wan - Entering MASTER state"]);
      assert.equal(lab.mails[0]?.from, "gw-a@example.com", "sent with the new sender");
      await wait(300);
      assert.equal(lab.mails.length, 2, "nothing sent twice");
      const s = mail.status();
      assert.deepEqual([s.enabled, s.sent, s.failedAttempts, s.dropped, s.queued], [true, 2, 1, 0, 0]);
      assert.match(s.lastError ?? "", /ECONNREFUSED/);
    } finally {
      mail.close();
      await lab.close();
    }
  });

  it("an attempt on the wire during the reload is not repeated alongside; if it fails, the retry uses the new server", async () => {
    const stalled = new SmtpLab();
    stalled.mode = "stall";
    const oldPort = await stalled.listen();
    // 1 s of silence ends the stalled attempt: long enough to look for a duplicate before it ends.
    const { mail } = service(mailConfig(oldPort, { connectTimeoutMs: 1000 }));
    const lab = new SmtpLab();
    const port = await lab.listen();
    try {
      becomeMaster(mail, "lan");
      await until("the attempt is on the wire", () => stalled.connections === 1);
      mail.configure(mailConfig(port));
      await wait(300);
      assert.equal(lab.connections, 0, "no second attempt while the first is on the wire");
      // The stalled attempt is cut by the old settings' socket timeout; its retry goes to the new server at once.
      await until("delivered through the new server", () => lab.mails.length === 1);
      await wait(300);
      assert.equal(lab.mails.length, 1);
      const s = mail.status();
      assert.deepEqual([s.sent, s.failedAttempts, s.dropped, s.queued], [1, 1, 0, 0]);
    } finally {
      mail.close();
      await lab.close();
      await stalled.close();
    }
  });

  it("mail turned off: what waits is dropped, counted and logged; the counters stay in status", async () => {
    const { mail, lines } = service(mailConfig(await deadPort()));
    try {
      becomeMaster(mail, "lan");
      becomeMaster(mail, "wan");
      await until("the first attempt failed", () => mail.status().failedAttempts === 1 && mail.status().queued === 2);
      mail.configure(undefined);
      const s = mail.status();
      assert.deepEqual([s.enabled, s.sent, s.failedAttempts, s.dropped, s.queued], [false, 0, 1, 2, 0]);
      assert.ok(lines.some((l) => /mail turned off.*2 queued alert\(s\) dropped/.test(l)), lines.join("\n"));
    } finally {
      mail.close();
    }
  });
});
