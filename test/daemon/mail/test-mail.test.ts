// ubus/control method `test_mail`: one mail now, through the server a reload configured, to a real SMTP server;
// a dead server is an error reply with the reason (and no retry), and without settings the reply says so.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MailSettings } from "../../../src/config/model.ts";
import { lanInstances, startTestDaemon } from "../api-fixture.ts";
import { SmtpLab } from "./smtp-lab.ts";

const settings = (port: number): MailSettings => ({ recipients: ["ops@example.com"], server: { host: "127.0.0.1", port }, connectTimeoutMs: 300, starttls: false, noEmailFaults: false });

describe("test_mail", () => {
  it("sends one mail through the configured server; a dead one is an error reply with the reason", async () => {
    const lab = new SmtpLab();
    const port = await lab.listen();
    const daemon = await startTestDaemon({ instances: lanInstances(1, 100) });
    try {
      const unset = await daemon.api.call("test_mail", {});
      assert.deepEqual(unset, { status: "unknown_error", message: "test mail not sent: no notification_email or no smtp_server in globals" });

      daemon.current = { ...daemon.current, mail: { settings: settings(port), routerId: "gw-a", instances: [], groups: {} } };
      assert.equal((await daemon.api.call("reload", {})).status, "ok");
      const sent = await daemon.api.call("test_mail", {});
      assert.deepEqual(sent, { status: "ok", data: { sent: true, recipients: ["ops@example.com"] } });
      assert.equal(lab.mails[0]?.headers.get("subject"), "[gw-a] VRRP test mail");

      await lab.close();
      const dead = await daemon.api.call("test_mail", {});
      assert.ok(dead.status === "unknown_error", JSON.stringify(dead));
      assert.match(dead.message, /ECONNREFUSED/);
    } finally {
      await daemon.stop();
      await lab.close().catch(() => undefined);
    }
  });
});
