// The alert text is keepalived's, so mail filters written for keepalived keep working: subject
// "[<router_id>] VRRP Instance <name> - Entering MASTER state" (keepalived/core/smtp.c smtp_alert()) and the first
// body line of keepalived/vrrp/vrrp_notify.c vrrp_smtp_notifier(); vrrpd's reason and master lines follow.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alertMail, digestMail, type AlertEvent } from "../../../src/daemon/mail/alert-message.ts";

const at = new Date("2026-01-01T10:00:00Z");
const base: AlertEvent = { kind: "instance", name: "lan", state: "MASTER", previous: "BACKUP", reason: "master-down-timer", at, device: "br-lan", vips: ["192.0.2.254/24"] };

describe("alert mail text", () => {
  it("uses keepalived's subject and first body line for every state", () => {
    const cases: [AlertEvent["state"], string, string][] = [
      ["MASTER", "Entering MASTER state", "=> VRRP Instance is now owning VRRP VIPs <="],
      ["BACKUP", "Entering BACKUP state", "=> VRRP Instance is no longer owning VRRP VIPs <="],
      ["FAULT", "Entering FAULT state", "=> VRRP Instance is no longer owning VRRP VIPs <="],
      ["STOP", "Stopping", "=> VRRP Instance stopping <="],
    ];
    for (const [state, subject, line] of cases) {
      const mail = alertMail("gw-a", { ...base, state });
      assert.equal(mail.subject, `[gw-a] VRRP Instance lan - ${subject}`);
      assert.equal(mail.text.split("\n")[0], line);
    }
  });

  it("says why and who is master now", () => {
    const self = alertMail("gw-a", { ...base, master: { self: true, priority: 150 } }).text;
    assert.match(self, /^Reason: master-down-timer \(was BACKUP\)$/m);
    assert.match(self, /^Master now: this router \(priority 150\)$/m);
    assert.match(self, /^Virtual addresses: 192\.0\.2\.254\/24 on br-lan$/m);
    assert.match(self, /^Time: 2026-01-01T10:00:00\.000Z$/m);
    const peer = alertMail("gw-b", { ...base, state: "BACKUP", reason: "higher-priority-advert", master: { self: false, address: "192.0.2.1", priority: 200 } }).text;
    assert.match(peer, /^Master now: 192\.0\.2\.1 \(priority 200\)$/m);
    const none = alertMail("gw-b", { ...base, state: "FAULT", master: { self: false, address: null, priority: null } }).text;
    assert.match(none, /^Master now: none heard yet$/m);
  });

  it("uses keepalived's group wording for sync groups", () => {
    const mail = alertMail("gw-a", { kind: "group", name: "G1", state: "BACKUP", previous: "MASTER", reason: "sync-group-backup", at, members: ["lan", "wan"] });
    assert.equal(mail.subject, "[gw-a] VRRP Group G1 - Entering BACKUP state");
    assert.equal(mail.text.split("\n")[0], "=> All VRRP group instances are now in BACKUP state <=");
    assert.match(mail.text, /^Members: lan, wan$/m);
  });

  it("a digest keeps 'VRRP Instance' in the subject and each transition's keepalived headline in the body", () => {
    const events = ["a", "b", "c", "d"].map((name) => ({ ...base, name }));
    const mail = digestMail("gw-a", events);
    assert.equal(mail.subject, "[gw-a] VRRP Instances - 4 state changes");
    for (const name of ["a", "b", "c", "d"]) assert.match(mail.text, new RegExp(`^VRRP Instance ${name} - Entering MASTER state$`, "m"));
  });
});
