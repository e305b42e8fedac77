// global_defs' SMTP keywords become globals' e-mail options (issue #14; they were "vrrpd sends no e-mail"),
// read as keepalived reads them, and the result validates into the daemon's MailSettings.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importKeepalived } from "../../src/config/import/index.ts";
import { checkOutput } from "./import-helpers.ts";

const INSTANCE = ["vrrp_instance lan {", "  interface eth0", "  virtual_router_id 51", "  priority 100", "  virtual_ipaddress {", "    192.0.2.254/24", "  }", "}"];

function imported(globalDefs: readonly string[]) {
  const text = ["global_defs {", ...globalDefs.map((l) => `  ${l}`), "}", ...INSTANCE, ""].join("\n");
  return checkOutput(importKeepalived({ path: "/etc/keepalived/keepalived.conf", text }));
}

describe("import of keepalived's e-mail settings", () => {
  it("maps every SMTP keyword to the option of the same name", () => {
    const { config, result } = imported([
      "notification_email {",
      "  ops@example.com",
      "  <noc@example.com>",
      "}",
      "notification_email_from <gw@example.com>",
      "smtp_server 192.0.2.25 587",
      "smtp_helo_name gw-a.example.com",
      "smtp_connect_timeout 0",
      "no_email_faults",
      "smtp_alert",
    ]);
    assert.deepEqual(config.globals.mail, {
      recipients: ["ops@example.com", "noc@example.com"],
      from: "gw@example.com",
      server: { host: "192.0.2.25", port: 587 },
      heloName: "gw-a.example.com",
      connectTimeoutMs: 1000, // keepalived: "must be greater than 0, setting to 1"
      starttls: false,
      noEmailFaults: true,
    });
    assert.equal(config.instances["lan"]?.smtpAlert, true, "global smtp_alert is each instance's default");
    assert.deepEqual(result.findings.filter((f) => /not imported/.test(f.message)), []);
    assert.match(result.uci, /list notification_email 'noc@example\.com'/);
    assert.match(result.uci, /option smtp_server '192\.0\.2\.25 587'/);
  });

  it("a bad address or port is a warning, not an error: mail changes no failover", () => {
    const { config, result } = imported(["notification_email {", "  not-an-address", "}", "smtp_server 192.0.2.25 99999"]);
    assert.deepEqual(config.globals.mail.recipients, []);
    assert.equal(config.globals.mail.server, undefined);
    const mailFindings = result.findings.filter((f) => f.section === "notification_email" || f.section === "smtp_server");
    assert.deepEqual(mailFindings.map((f) => f.severity), ["warning", "warning"]);
  });
});
