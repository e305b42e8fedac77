// The SMTP client (nodemailer) is loaded only when alerts are configured, or when test_mail asks for it
// (smtp-loader.ts); a client that will not load is an error in the log and failed attempts in the counters,
// and the service goes on answering.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MailSettings } from "../../../src/config/model.ts";
import { createLogger } from "../../../src/daemon/log.ts";
import { MailService, type MailRuntimeConfig } from "../../../src/daemon/mail/mail-service.ts";
import { loadSmtpModule, type LoadSmtp } from "../../../src/daemon/mail/smtp-loader.ts";
import { SmtpLab } from "./smtp-lab.ts";

function mailConfig(port: number, instances: readonly string[]): MailRuntimeConfig {
  const settings: MailSettings = { recipients: ["ops@example.com"], server: { host: "127.0.0.1", port }, connectTimeoutMs: 300, starttls: false, noEmailFaults: false };
  return { settings, routerId: "gw-a", instances, groups: {}, windowMs: 10, retryDelaysMs: [] };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const quiet = createLogger("error", () => undefined);
const self = () => ({ self: true as const, priority: 100 });

describe("loading the SMTP client", () => {
  it("not without mail; at once when an instance alerts; for settings kept only for test_mail, when test_mail asks", async () => {
    let loads = 0;
    const counting: LoadSmtp = () => {
      loads++;
      return loadSmtpModule();
    };
    const lab = new SmtpLab();
    const port = await lab.listen();
    const off = new MailService(undefined, quiet, self, counting);
    const testOnly = new MailService(mailConfig(port, []), quiet, self, counting);
    try {
      off.onTransition({ instance: "lan", from: "BACKUP", to: "MASTER", reason: "master-down-timer", device: "eth0", vips: [] });
      assert.equal((await off.sendTest()).sent, false);
      assert.equal(loads, 0, "mail off: nodemailer stays unloaded");

      assert.equal(loads, 0, "settings without smtp_alert anywhere: not loaded yet");
      assert.deepEqual(await testOnly.sendTest(), { sent: true, recipients: ["ops@example.com"] });
      assert.equal(loads, 1);

      off.configure(mailConfig(port, ["lan"]));
      assert.equal(loads, 2, "an alerting instance: loaded at the reload, before any failover");
      off.configure({ ...mailConfig(port, ["lan"]), routerId: "gw-b" });
      off.onTransition({ instance: "lan", from: "BACKUP", to: "MASTER", reason: "master-down-timer", device: "eth0", vips: [] });
      await until("the alert", () => lab.mails.length === 2);
      assert.equal(loads, 2, "loaded once");
    } finally {
      off.close();
      testOnly.close();
      await lab.close();
    }
  });

  it("a client that will not load: a clear error in the log, the attempt counted as failed, the service goes on", async () => {
    const lines: string[] = [];
    const logger = createLogger("debug", (line) => lines.push(line));
    // A real failed import, as when vrrpd-mail.js is missing next to vrrpd.js.
    const missing: LoadSmtp = () => import(new URL("./no-such-mail-module.js", import.meta.url).href) as ReturnType<LoadSmtp>;
    const mail = new MailService(mailConfig(25, ["lan"]), logger, self, missing);
    try {
      await until("the load error logged", () => lines.some((l) => /cannot load the e-mail module: .*no-such-mail-module\.js.*the daemon runs on/.test(l)));
      mail.onTransition({ instance: "lan", from: "BACKUP", to: "MASTER", reason: "master-down-timer", device: "eth0", vips: [] });
      await until("the alert given up", () => mail.status().dropped === 1);
      const s = mail.status();
      assert.deepEqual([s.enabled, s.sent, s.failedAttempts, s.queued], [true, 0, 1, 0]);
      assert.match(s.lastError ?? "", /^e-mail module not loaded: .*no-such-mail-module\.js/);
      const test = await mail.sendTest();
      assert.equal(test.sent, false);
      assert.match(test.sent ? "" : test.error, /e-mail module not loaded/);
    } finally {
      mail.close();
    }
  });
});
