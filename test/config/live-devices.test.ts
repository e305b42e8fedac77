// check-config's look at this machine: names in `interface`, `device` and `track_interface` that are neither an
// OpenWrt network nor an existing device are warned about, with what the instance does until they appear. The
// machine is faked here (test/daemon/device-facts.test.ts reads the real one).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatFinding } from "../../src/config/finding.ts";
import type { DeviceFacts } from "../../src/config/live-devices.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import { validateParsed } from "../../src/config/validate.ts";
import { FILE, uci } from "./helpers.ts";

const machine = (devices: readonly string[], networks?: readonly string[]): DeviceFacts => ({
  deviceExists: (name) => devices.includes(name),
  ...(networks === undefined ? {} : { networks: { names: new Set(networks), file: "/etc/config/network" } }),
});

function warningsOn(text: string, facts: DeviceFacts): string[] {
  const r = validateParsed(parseUci({ path: FILE, text }), { devices: facts });
  assert.ok(r.config, "missing devices are warnings, never errors");
  return r.findings.filter((f) => f.severity === "warning").map(formatFinding);
}

const lan = (...extra: string[]): string[] => ["config instance 'lan'", "\toption virtual_router_id '51'", "\tlist virtual_ipaddress '192.0.2.1/24'", ...extra];

describe("check-config: devices on this machine", () => {
  it("warns about a missing tracked device at its line, naming the device and the Fault it causes", () => {
    const text = uci(...lan("\toption device 'eth0'", "\tlist track_interface 'eth9'", "\tlist track_interface 'lo'"));
    assert.deepEqual(warningsOn(text, machine(["eth0", "lo"])), [
      "/etc/config/vrrp:5: lan.track_interface: no device 'eth9' on this machine (/sys/class/net/eth9): it counts as down until it exists, so 'lan' stays in Fault (weight 0)",
    ]);
  });

  it("warns about the instance's own device or interface", () => {
    assert.deepEqual(warningsOn(uci(...lan("\toption device 'br-nx'")), machine(["lo"])), [
      "/etc/config/vrrp:4: lan.device: no device 'br-nx' on this machine (/sys/class/net/br-nx): 'lan' stays in Fault until it exists",
    ]);
    // On plain Linux `interface` names a device.
    assert.deepEqual(warningsOn(uci(...lan("\toption interface 'eth7'")), machine(["lo"])), [
      "/etc/config/vrrp:4: lan.interface: no device 'eth7' on this machine (/sys/class/net/eth7): 'lan' stays in Fault until it exists",
    ]);
  });

  it("leaves OpenWrt networks to netifd, and says which names are neither network nor device", () => {
    const text = uci(...lan("\toption interface 'lan'", "\tlist track_interface 'wan'", "\tlist track_interface 'wwan'"));
    assert.deepEqual(warningsOn(text, machine(["br-lan"], ["lan", "wan"])), [
      "/etc/config/vrrp:6: lan.track_interface: no network or device 'wwan' on this machine (/etc/config/network, /sys/class/net/wwan): it counts as down until it exists, so 'lan' stays in Fault (weight 0)",
    ]);
  });

  it("says what a weighted or reversed track does while its device is missing", () => {
    const text = uci(...lan("\toption device 'eth0'", "\tlist track_interface 'nx1 weight 10'", "\tlist track_interface 'nx2 weight -20'",
      "\tlist track_interface 'nx3 weight 0 reverse'", "\tlist track_interface 'nx4 weight 5 reverse'", "\tlist track_interface 'nx5 weight -5 reverse'"));
    const effects = warningsOn(text, machine(["eth0"])).map((w) => w.slice(w.indexOf("until it exists, so ") + "until it exists, so ".length));
    assert.deepEqual(effects, [
      "'lan' does not get its +10",
      "'lan' runs 20 below its priority",
      "with reverse, it does not fault 'lan'",
      "with reverse, 'lan' gets +5",
      "with reverse, its weight does not apply",
    ]);
  });

  it("checks nothing about this machine unless asked (the daemon and LuCI validate without it), nor disabled instances", () => {
    const text = uci(...lan("\toption device 'nx0'", "\tlist track_interface 'nx1'"));
    assert.deepEqual(validateParsed(parseUci({ path: FILE, text })).findings, []);
    assert.deepEqual(warningsOn(uci(...lan("\toption enabled '0'", "\toption device 'nx0'")), machine([], [])), []);
  });
});
