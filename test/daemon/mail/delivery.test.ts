// Delivery against a real SMTP server (smtp-server): keepalived's headers arrive; a dead, stalling or 5xx server
// costs log lines and counters only — enqueue() returns at once, attempts are cut at the timeout, retries are
// bounded, and a full queue drops its oldest message.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { MailSettings } from "../../../src/config/model.ts";
import { createLogger } from "../../../src/daemon/log.ts";
import { MailQueue } from "../../../src/daemon/mail/mail-queue.ts";
import { smtpSender } from "../../../src/daemon/mail/smtp-sender.ts";
import { SmtpLab } from "./smtp-lab.ts";

const dir = mkdtempSync(join(tmpdir(), "vrrpd-mail-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function settings(port: number, extra: Partial<MailSettings> = {}): MailSettings {
  return {
    recipients: ["ops@example.com", "noc@example.com"],
    from: "gw-a@example.com",
    server: { host: "127.0.0.1", port },
    heloName: "gw-a.example.com",
    connectTimeoutMs: 300,
    starttls: false,
    noEmailFaults: false,
    ...extra,
  };
}

function recordingLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: createLogger("debug", (line) => lines.push(line)) };
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const MESSAGE = { subject: "[gw-a] VRRP Instance lan - Entering MASTER state", text: "=> VRRP Instance is now owning VRRP VIPs <=\n\nReason: master-down-timer (was BACKUP)" };

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const lab = new SmtpLab();
  const port = await lab.listen();
  await lab.close();
  return port;
}

describe("mail delivery", () => {
  it("sends keepalived's headers and body to every recipient", async () => {
    const lab = new SmtpLab();
    const port = await lab.listen();
    const { logger } = recordingLogger();
    const queue = new MailQueue(smtpSender(settings(port)), { maxQueued: 4, retryDelaysMs: [], attemptTimeoutMs: 2000 }, logger);
    try {
      queue.enqueue(MESSAGE);
      const [mail] = await lab.waitForMails(1);
      assert.ok(mail);
      assert.equal(mail.headers.get("subject"), MESSAGE.subject);
      assert.equal(mail.headers.get("from"), "gw-a@example.com");
      assert.equal(mail.headers.get("to"), "ops@example.com, noc@example.com");
      assert.match(mail.headers.get("x-mailer") ?? "", /Keepalived/);
      assert.ok(mail.headers.has("date"));
      assert.deepEqual([mail.from, mail.to], ["gw-a@example.com", ["ops@example.com", "noc@example.com"]]);
      assert.equal(mail.body.split("\n")[0], "=> VRRP Instance is now owning VRRP VIPs <=");
      await until("the counter", () => queue.status().sent === 1);
    } finally {
      queue.close();
      await lab.close();
    }
  });

  it("a dead server: enqueue returns at once; failed attempts, retries, then given up — in the log and the counters", async () => {
    const port = await deadPort();
    const { logger, lines } = recordingLogger();
    const queue = new MailQueue(smtpSender(settings(port)), { maxQueued: 4, retryDelaysMs: [20, 40], attemptTimeoutMs: 2000 }, logger);
    const t0 = performance.now();
    queue.enqueue(MESSAGE);
    assert.ok(performance.now() - t0 < 20, "enqueue does not wait for the network");
    await until("given up", () => queue.status().dropped === 1);
    const s = queue.status();
    assert.deepEqual([s.sent, s.failedAttempts, s.dropped, s.queued], [0, 3, 1, 0]);
    assert.match(s.lastError ?? "", /ECONNREFUSED/);
    assert.equal(lines.filter((l) => /mail not sent \(attempt \d, retry in/.test(l)).length, 2);
    assert.equal(lines.filter((l) => /mail not sent after 3 attempts, given up/.test(l)).length, 1);
  });

  it("a server that stalls after DATA is cut at the timeout", async () => {
    const lab = new SmtpLab();
    lab.mode = "stall";
    const port = await lab.listen();
    const { logger } = recordingLogger();
    const queue = new MailQueue(smtpSender(settings(port)), { maxQueued: 4, retryDelaysMs: [], attemptTimeoutMs: 900 }, logger);
    try {
      const t0 = performance.now();
      queue.enqueue(MESSAGE);
      await until("given up", () => queue.status().dropped === 1, 5000);
      const elapsed = performance.now() - t0;
      // The client's socket timeout (300 ms) or the attempt deadline (900 ms) ends it; nothing waits for the server.
      assert.ok(elapsed >= 250 && elapsed < 2000, `gave up after ${elapsed.toFixed(0)} ms`);
      assert.equal(queue.status().failedAttempts, 1);
      assert.equal(lab.mails.length, 0);
    } finally {
      queue.close();
      await lab.close();
    }
  });

  it("a 5xx answer is a failed attempt, retried and then given up", async () => {
    const lab = new SmtpLab();
    lab.mode = "reject";
    const port = await lab.listen();
    const { logger, lines } = recordingLogger();
    const queue = new MailQueue(smtpSender(settings(port)), { maxQueued: 4, retryDelaysMs: [20], attemptTimeoutMs: 2000 }, logger);
    try {
      queue.enqueue(MESSAGE);
      await until("given up", () => queue.status().dropped === 1);
      assert.equal(queue.status().failedAttempts, 2);
      assert.match(queue.status().lastError ?? "", /550/);
      assert.ok(lines.some((l) => /given up: .*550/.test(l)), lines.join("\n"));
      // The server is fine again: the next alert goes through.
      lab.mode = "accept";
      queue.enqueue(MESSAGE);
      await lab.waitForMails(1);
      await until("sent", () => queue.status().sent === 1);
    } finally {
      queue.close();
      await lab.close();
    }
  });

  it("the queue is bounded: behind a stalled server the oldest waiting messages are dropped", async () => {
    const lab = new SmtpLab();
    lab.mode = "stall";
    const port = await lab.listen();
    const { logger } = recordingLogger();
    const queue = new MailQueue(smtpSender(settings(port, { connectTimeoutMs: 5000 })), { maxQueued: 3, retryDelaysMs: [], attemptTimeoutMs: 5000 }, logger);
    try {
      for (let i = 0; i < 50; i++) queue.enqueue({ ...MESSAGE, subject: `m${i}` });
      assert.deepEqual([queue.status().queued, queue.status().dropped], [3, 47]);
    } finally {
      queue.close();
      await lab.close();
    }
  });

  it("AUTH uses the password from a root-only file, and refuses a file others can read", async (t) => {
    // The file must belong to root: only root can make one.
    if (process.getuid?.() !== 0) return void t.skip("needs root (the password file must belong to root)");
    const lab = new SmtpLab({ users: { alerts: "s3cret" } });
    const port = await lab.listen();
    const file = join(dir, "password");
    writeFileSync(file, "s3cret\n");
    chmodSync(file, 0o600);
    const { logger } = recordingLogger();
    const queue = new MailQueue(smtpSender(settings(port, { username: "alerts", passwordFile: file })), { maxQueued: 4, retryDelaysMs: [], attemptTimeoutMs: 2000 }, logger);
    try {
      queue.enqueue(MESSAGE);
      const [mail] = await lab.waitForMails(1);
      assert.equal(mail?.user, "alerts");
      chmodSync(file, 0o644);
      queue.enqueue(MESSAGE);
      await until("refused", () => queue.status().dropped === 1);
      assert.match(queue.status().lastError ?? "", /readable or writable by others \(mode 644\)/);
      assert.equal(lab.mails.length, 1);
    } finally {
      queue.close();
      await lab.close();
    }
  });
});
