// E-mail alerts in the daemon loop, over an in-memory LAN with a real SMTP server: the backup that takes over
// mails keepalived's subject with the reason and itself as master; a stalled or dead server leaves the takeover
// time as it is and shows in status().mail.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MailSettings } from "../../../src/config/model.ts";
import { createLogger } from "../../../src/daemon/log.ts";
import { Runtime, type RuntimeConfig } from "../../../src/daemon/runtime.ts";
import { instanceDefaults } from "../../../src/vrrp/model.ts";
import { FakeDataPlane, FakeLan } from "../fake-data-plane.ts";
import { SmtpLab, type SmtpMode } from "./smtp-lab.ts";

const VIP = "198.51.100.1";
const ADVERT_MS = 50;
const quiet = createLogger("error", () => undefined);

function config(routerId: string, priority: number, settings: MailSettings): RuntimeConfig {
  const instance = instanceDefaults({ name: "lan", interface: "eth0", vrid: 51, version: 3, advertIntervalMs: ADVERT_MS, priority, virtualAddresses: [{ address: VIP, prefixLength: 24 }] });
  return {
    core: { instances: [instance], syncGroups: [] },
    trackScripts: [],
    notify: {},
    notifyTimeoutMs: 2000,
    mail: { settings, routerId, instances: ["lan"], groups: {}, windowMs: 100, retryDelaysMs: [30] },
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const stateOf = (r: Runtime) => r.status().instances[0]?.state;

/** r1 (master) loses its link; returns how long r2 took to become master, and r2's mail status afterwards. */
async function failover(mode: SmtpMode | "dead"): Promise<{ takeoverMs: number; lab: SmtpLab; r2: Runtime; r1: Runtime }> {
  const lab = new SmtpLab();
  lab.mode = mode === "dead" ? "accept" : mode;
  const port = await lab.listen();
  if (mode === "dead") await lab.close();
  const settings: MailSettings = { recipients: ["ops@example.com"], server: { host: "127.0.0.1", port }, connectTimeoutMs: 300, starttls: false, noEmailFaults: false };
  const lan = new FakeLan();
  const plane1 = new FakeDataPlane(lan, "eth0", "192.0.2.1");
  const r1 = new Runtime(config("r1", 200, settings), plane1, quiet);
  const r2 = new Runtime(config("r2", 100, settings), new FakeDataPlane(lan, "eth0", "192.0.2.2"), quiet);
  await r1.start();
  await r2.start();
  await until("r1 master, r2 backup", () => stateOf(r1) === "master" && stateOf(r2) === "backup");
  const t0 = performance.now();
  plane1.setLink(false);
  await until("r2 master", () => stateOf(r2) === "master");
  return { takeoverMs: performance.now() - t0, lab, r1, r2 };
}

async function stopAll(run: { lab: SmtpLab; r1: Runtime; r2: Runtime }): Promise<void> {
  await run.r1.stop();
  await run.r2.stop();
  await run.lab.close().catch(() => undefined);
}

describe("e-mail alerts in the runtime", () => {
  it("the backup that takes over mails '[r2] VRRP Instance lan - Entering MASTER state' with the reason and the master", async () => {
    const run = await failover("accept");
    try {
      await until("r2's MASTER mail", () => run.lab.mails.some((m) => m.headers.get("subject") === "[r2] VRRP Instance lan - Entering MASTER state"));
      const mail = run.lab.mails.find((m) => m.headers.get("subject") === "[r2] VRRP Instance lan - Entering MASTER state");
      assert.match(mail?.body ?? "", /^=> VRRP Instance is now owning VRRP VIPs <=$/m);
      assert.match(mail?.body ?? "", /^Reason: (master-down-timer|priority-zero-received) \(was BACKUP\)$/m);
      assert.match(mail?.body ?? "", /^Master now: this router \(priority 100\)$/m);
      assert.ok(run.lab.mails.some((m) => m.headers.get("subject") === "[r1] VRRP Instance lan - Entering FAULT state"));
      await until("the counter", () => run.r2.status().mail.sent >= 1);
    } finally {
      await stopAll(run);
    }
  });

  for (const mode of ["stall", "dead", "reject"] as const) {
    it(`a ${mode} SMTP server changes nothing in the takeover; it shows in the log counters only`, async () => {
      const healthy = await failover("accept");
      await stopAll(healthy);
      const run = await failover(mode);
      try {
        // Master_Down_Interval is 3 × 50 ms + skew; the takeover is bounded by it whatever the mail server does.
        const boundMs = 3 * ADVERT_MS + ADVERT_MS + 100;
        assert.ok(run.takeoverMs < boundMs, `takeover took ${run.takeoverMs.toFixed(0)} ms with a ${mode} server (bound ${boundMs} ms; healthy: ${healthy.takeoverMs.toFixed(0)} ms)`);
        await until("a failed attempt counted", () => run.r2.status().mail.failedAttempts >= 1, 5000);
        const mail = run.r2.status().mail;
        assert.equal(mail.enabled, true);
        assert.equal(mail.sent, 0);
        assert.notEqual(mail.lastError, null);
      } finally {
        await stopAll(run);
      }
    });
  }
});
