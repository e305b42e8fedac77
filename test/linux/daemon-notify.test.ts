// The daemon under a (fake) systemd: `vrrpd run` with NOTIFY_SOCKET set sends READY=1 once its instance is up,
// STATUS= lines that follow its transitions, RELOADING=1 then READY=1 around a SIGHUP, and STOPPING=1 at
// SIGTERM. The reader is python3 (notify-receiver.ts); the router is a namespace of the gateway lab.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { cleanupAllLabs, REPO_ROOT, transitionLine, vrrpConfig, waitUntil, withLab } from "../netns/gateway-lab.ts";
import { NotifyReceiver, skipWithoutPython } from "./notify-receiver.ts";

after(() => cleanupAllLabs());

test("vrrpd run notifies systemd: READY=1, STATUS= on transitions, RELOADING=1, STOPPING=1", async (t) => {
  if (skipWithoutPython(t)) return;
  await withLab(t, async (gw) => {
    // A path, not an abstract name: abstract AF_UNIX names are per network namespace, and the daemon runs in r1's.
    const receiver = new NotifyReceiver(join(gw.dir, "notify.sock"));
    try {
      await receiver.ready();
      const config = gw.rewriteConfig("r1", vrrpConfig({ priority: 200 }));
      const argv = [process.execPath, "--import", "tsx", join(REPO_ROOT, "src/daemon/main.ts"), "run", "-c", config, "--control-socket", gw.controlSocket("r1")];
      const r1 = gw.spawn("vrrpd-r1", gw.ns.r1, argv, { env: { NOTIFY_SOCKET: receiver.path } });
      await r1.waitForLine(transitionLine("master"), 15_000);
      await waitUntil("STATUS= naming lan as master", () => receiver.messages.some((m) => m.includes("STATUS=1 instance: 1 master (lan)")), 5000);
      const ready = receiver.messages.findIndex((m) => m.startsWith("READY=1\n"));
      assert.ok(ready >= 0, `no READY=1 in ${JSON.stringify(receiver.messages)}`);
      assert.match(receiver.messages[ready] ?? "", /^READY=1\nSTATUS=1 instance: 1 (backup|master \(lan\))$/);

      const beforeReload = receiver.messages.length;
      r1.kill("SIGHUP");
      await waitUntil("READY=1 after the reload", () => receiver.messages.slice(beforeReload).some((m) => m.startsWith("READY=1")), 5000);
      const reload = receiver.messages.slice(beforeReload);
      assert.match(reload[0] ?? "", /^RELOADING=1\nMONOTONIC_USEC=\d+$/);
      assert.equal(reload[1], "READY=1\nSTATUS=1 instance: 1 master (lan)");

      r1.kill("SIGTERM");
      assert.equal(await r1.waitExit(10_000), 0);
      assert.ok(receiver.messages.includes("STOPPING=1\nSTATUS=stopping (SIGTERM)"), JSON.stringify(receiver.messages));
    } finally {
      receiver.stop();
    }
  });
});
