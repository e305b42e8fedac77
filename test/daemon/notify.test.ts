import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createLogger } from "../../src/daemon/log.ts";
import { NotifyDispatcher, type NotifyEvent } from "../../src/daemon/notify.ts";

const event = (state: NotifyEvent["state"], previous: string): NotifyEvent => ({
  type: "INSTANCE", name: "lan", state, previous, reason: "test", priority: 150, device: "br-lan", vips: ["192.0.2.1/24", "2001:db8::1/64"],
});

test("keepalived's arguments, OpenWrt's hotplug environment, in transition order", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vrrpd-notify-"));
  try {
    const log = join(dir, "log");
    const hotplug = join(dir, "hotplug.d");
    mkdirSync(hotplug);
    // The first script is slow: order must still hold.
    writeFileSync(join(dir, "master.sh"), `sleep 0.2; echo "master $*" >> ${log}\n`);
    writeFileSync(join(hotplug, "10-record"), `echo "hotplug $ACTION $INSTANCE $DEVICE $VIPS $PREVIOUS" >> ${log}\n`);
    const dispatcher = new NotifyDispatcher({ timeoutMs: 5000, hotplugDir: hotplug, hotplugCall: "/nonexistent" }, createLogger("error", () => undefined));
    const scripts = { master: `/bin/sh ${join(dir, "master.sh")}`, any: `/bin/sh -c 'echo "notify $*" >> ${log}' notify` };
    dispatcher.notify(event("MASTER", "BACKUP"), scripts);
    dispatcher.notify(event("BACKUP", "MASTER"), scripts);
    await dispatcher.drain();
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), [
      "master ",
      "notify INSTANCE lan MASTER 150",
      "hotplug MASTER lan br-lan 192.0.2.1/24 2001:db8::1/64 BACKUP",
      "notify INSTANCE lan BACKUP 150",
      "hotplug BACKUP lan br-lan 192.0.2.1/24 2001:db8::1/64 MASTER",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
