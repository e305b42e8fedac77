// files/linux/vrrpd.service: the choices docs/linux-servers.md explains. systemd-analyze verify runs on the
// installed copy in deb.test.ts (here /usr/sbin/vrrpd and the man page need not exist).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const unit = readFileSync(fileURLToPath(new URL("../../files/linux/vrrpd.service", import.meta.url)), "utf8");
const settings = unit.split("\n").filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const);
const value = (key: string): string | undefined => settings.find(([k]) => k === key)?.[1];

test("the unit: notify, hitless reload, restart on failure, hand-off record kept across a restart", () => {
  assert.equal(value("Type"), "notify");
  assert.equal(value("ExecStart"), "/usr/sbin/vrrpd run -c /etc/vrrpd/vrrp");
  assert.equal(value("ExecReload"), "/bin/kill -HUP $MAINPID");
  assert.equal(value("Restart"), "on-failure");
  assert.equal(value("RuntimeDirectory"), "vrrpd");
  assert.equal(value("RuntimeDirectoryPreserve"), "restart");
  assert.equal(value("ExecStop"), undefined, "SIGTERM is the stop: the daemon sends priority 0 or hands off");
  // The daemon sends no WATCHDOG=1 (src/daemon/service-notify.ts says why), so a WatchdogSec would kill it.
  assert.equal(value("WatchdogSec"), undefined);
});

test("the unit's privileges: network capabilities, and only what running scripts as script_user needs", () => {
  assert.deepEqual(value("CapabilityBoundingSet")?.split(" ").sort(), ["CAP_KILL", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SYS_NICE"]);
  assert.equal(value("NoNewPrivileges"), "yes");
  assert.equal(value("ProtectSystem"), "strict");
});
