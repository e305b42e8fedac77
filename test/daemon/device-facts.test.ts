// `vrrpd check-config` on this machine: devices from /sys/class/net (the real one: `lo` always exists, `..` never
// can, though /sys/class/net/.. is a real path), OpenWrt networks from the `network` file next to the config.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { hostDeviceFacts } from "../../src/daemon/device-facts.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "vrrpd-devices-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("device facts of this machine", () => {
  it("finds lo, and not a name Linux refuses or one nobody made", () => {
    const facts = hostDeviceFacts(join(dir, "vrrp"), { etcConfig: join(dir, "none") });
    assert.equal(facts.deviceExists("lo"), true);
    for (const name of ["..", ".", "vrrpd-nx-0"]) assert.equal(facts.deviceExists(name), false, name);
    assert.equal(facts.networks, undefined, "no network file: plain Linux");
  });

  it("reads OpenWrt networks from the config directory, or from /etc/config beside a single file", () => {
    const etc = join(dir, "etc-config");
    mkdirSync(etc);
    writeFileSync(join(etc, "network"), "config interface 'loopback'\n\toption device 'lo'\n\nconfig interface 'lan'\n\toption device 'br-lan'\n\nconfig device\n\toption name 'br-lan'\n");
    const fromDir = hostDeviceFacts(etc);
    assert.deepEqual([...(fromDir.networks?.names ?? [])], ["loopback", "lan"]);
    assert.equal(fromDir.networks?.file, join(etc, "network"));
    assert.deepEqual([...(hostDeviceFacts(join(dir, "vrrp"), { etcConfig: etc }).networks?.names ?? [])], ["loopback", "lan"]);
  });
});

describe("vrrpd check-config", () => {
  it("warns about a device that does not exist here, at its line, and exits 0 (warnings never block)", () => {
    const config = join(dir, "vrrp-check");
    writeFileSync(config, [
      "config instance 'lan'", "\toption device 'lo'", "\toption virtual_router_id '51'", "\tlist virtual_ipaddress '192.0.2.1/24'",
      "\tlist track_interface 'lo'", "\tlist track_interface '..'", "",
    ].join("\n"));
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/daemon/main.ts"), "check-config", "-c", config], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const lines = r.stdout.trim().split("\n");
    const found = lines.filter((l) => l.includes("on this machine"));
    assert.equal(found.length, 1, r.stdout);
    // "network or device" where this host has an /etc/config/network (OpenWrt).
    assert.ok(found[0]?.startsWith(`${config}:6: lan.track_interface: `), found[0]);
    assert.match(found[0] ?? "", /: no (network or )?device '\.\.' on this machine \(.*\/sys\/class\/net\/\.\.\): it counts as down until it exists, so 'lan' stays in Fault \(weight 0\)$/);
    assert.match(lines.at(-1) ?? "", /0 error\(s\), 1 warning\(s\), 1 instance\(s\)$/);
  });
});
