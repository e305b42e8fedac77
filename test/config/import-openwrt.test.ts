// OpenWrt's /etc/config/keepalived → /etc/config/vrrp. keepalived ran what the package's init script generated
// from the UCI file, so the expectations follow that script (openwrt/packages net/keepalived, see
// shared/reference/openwrt-integration.md §1.3-1.5): references through `option name`, flags emitted for any
// non-empty value, UCI notify_* options never used, script_user root + enable_script_security always added.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importOpenwrtKeepalived } from "../../src/config/import/index.ts";
import { checkOutput, FIXTURE_DIR, keepalivedInstance as ka, lineOf, readInput, summarize } from "./import-helpers.ts";

const SAMPLE = `${FIXTURE_DIR}openwrt-keepalived-all-sections.uci`;
const SECTION_TYPES = [
  "globals", "ipaddress", "route", "static_ipaddress", "static_routes", "interface_up_down_delays", "vrrp_script", "track_script", "track_interface",
  "bfd_instance", "peer", "vrrp_sync_group", "vrrp_instance", "virtual_server", "real_server", "url",
];

const uciImport = (text: string, path = "/etc/config/keepalived") => importOpenwrtKeepalived({ path, text });

describe("import of OpenWrt's /etc/config/keepalived", () => {
  const text = readInput(SAMPLE);
  const { result, config } = checkOutput(uciImport(text, SAMPLE));
  const reported = (line: number, keyword: string): boolean => result.findings.some((f) => f.line === line && f.section === keyword);

  it("the sample has every section type of the package", () => {
    for (const type of SECTION_TYPES) lineOf(text, `config ${type}`);
  });

  it("imports what keepalived ran", () => {
    const g = config.globals;
    // The init script always adds `script_user root` and `enable_script_security`.
    assert.deepEqual([g.enabled, g.routerId, g.scriptUser, g.enableScriptSecurity, g.startupDelayMs], [true, "gw-a", "root", true, 5000]);
    const { location: _w, ...wan } = config.trackScripts["chk_wan"] ?? assert.fail("chk_wan");
    assert.deepEqual(wan, { name: "chk_wan", script: "/usr/bin/check-wan", intervalMs: 5000, timeoutMs: 4000, weight: -30, reverse: false, rise: 3, fall: 2, user: "root", initFail: false });
    // LuCI's `fail` is never read by the init script: fall stays 1. A multi-word value is written quoted.
    assert.deepEqual([config.trackScripts["chk_dns"]?.script, config.trackScripts["chk_dns"]?.fall], ["pidof dnsmasq", 1]);
    assert.deepEqual(summarize(config), {
      lan: ka({
        device: "br-lan", vrid: 51, priority: 150,
        preempt: false, // option nopreempt '0' still wrote `nopreempt`; preempt_delay is then cleared
        auth: "secret12",
        vips: ["192.168.1.1/24 dev br-lan label br-lan:vip scope global", "192.168.1.2/24"],
        routes: ["10.20.0.0/16 via 192.168.1.254 dev br-lan table 100", "10.30.0.0/16 via 192.168.1.254 dev br-lan src 192.168.1.1"],
        peers: ["192.168.1.3"], // '192.168.1.4' names no peer section
        source: "192.168.1.2",
        // Every named vrrp_script lands in the track_script block (chk_dns included); the group keeps weights
        // because option global_tracking '0' still wrote `global_tracking`.
        tracks: ["interface:eth1 -20", "interface:br-lan 0", "script:chk_wan -30", "script:chk_dns 0"],
        smtpAlert: true,
      }),
      // state MASTER without priority: 255; no_accept; auth_type without auth_pass writes no authentication.
      wan: ka({ device: "eth1", state: "master", vrid: 52, priority: 255, accept: false, vips: ["192.168.1.2/24"] }),
    });
    assert.deepEqual(config.core.instances[0]?.garp, { masterDelayMs: 2000, masterRepeat: 3, masterRefreshMs: 60_000, masterRefreshRepeat: 2, lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 });
    const { location: _g, ...group } = config.syncGroups["G1"] ?? assert.fail("G1");
    assert.deepEqual(group, { name: "G1", members: ["lan", "wan"], notify: {}, smtpAlert: true, trackingWeight: true });
    // global_defs' SMTP settings are imported (they were "vrrpd sends no e-mail" before issue #14).
    assert.deepEqual(config.globals.mail, { recipients: ["ops@example.com"], from: "gw@example.com", server: { host: "192.0.2.25", port: 25 }, connectTimeoutMs: 30_000, starttls: false, noEmailFaults: false });
  });

  it("reports every quirk and every dropped setting at its UCI line", () => {
    const expected: [string, string, string?][] = [
      ["option alt_config_file", "alt_config_file"],
      ["option linkbeat_use_polling", "linkbeat_use_polling"],
      ["option scope 'link'", "route"],
      ["option fail", "fail"],
      ["config track_script", "track_script"],
      ["option name 'bfd1'", "bfd_instance"],
      ["option min_ttl", "min_ttl"],
      ["list group 'missing'", "group"],
      ["option global_tracking '0'", "global_tracking"],
      ["option notify_master '/bin/true'", "notify_master"],
      ["option nopreempt '0'", "nopreempt"],
      ["option native_ipv6 '0'", "native_ipv6"],
      ["option use_vmac", "use_vmac"],
      ["option debug", "debug"],
      ["option notify_master '/usr/bin/on-master'", "notify_master"],
      ["list virtual_ipaddress_excluded 'vip_missing'", "virtual_ipaddress_excluded"],
      ["list track_script 'chk_wan'", "track_script"],
      ["list track_bfd", "track_bfd"],
      ["list unicast_peer '192.168.1.4'", "unicast_peer"],
      ["option mystery", "mystery"],
      ["config virtual_server", "virtual_server"],
      ["config real_server", "real_server"],
      ["config url", "url"],
      ["config mystery_section", "mystery_section"],
    ];
    for (const [line, keyword] of expected) assert.ok(reported(lineOf(text, line), keyword), `${keyword} at '${line}' (line ${lineOf(text, line)})`);
    // The auth_type of 'wan' lacks its auth_pass; the third instance has no name.
    assert.ok(reported(lineOf(text, "option auth_type 'PASS'", "option name 'wan'"), "auth_type"));
    assert.ok(reported(lineOf(text, "config vrrp_instance", "option name 'wan'"), "vrrp_instance"));
    const errors = result.findings.filter((f) => f.severity === "error").map((f) => `${f.line}:${f.section}`);
    assert.deepEqual(errors, [`${lineOf(text, "list track_bfd")}:track_bfd`]);
  });

  it("says where hotplug hooks go, and that BACKUP and STOP hooks now run before the addresses are released", () => {
    const hotplug = result.findings.filter((f) => f.section === "hotplug");
    assert.equal(hotplug.length, 1);
    assert.match(hotplug[0]?.message ?? "", /\/etc\/hotplug\.d\/vrrp\/.*BACKUP and STOP hooks .* handover 'strict'/);
    // keepalived's strict mode is not set: vrrpd's default stays.
    assert.ok(config.core.instances.every((c) => c.handover === "make-before-break"));
  });

  it("keeps keepalived's reading of values: a `#` in a value starts a comment", () => {
    const r = checkOutput(uciImport([
      "config vrrp_instance",
      "\toption name 'v1'",
      "\toption interface 'eth0'",
      "\toption virtual_router_id '7'",
      "\toption auth_type 'PASS'",
      "\toption auth_pass 'ab#cd'",
      "\tlist virtual_ipaddress 'a'",
      "config ipaddress",
      "\toption name 'a'",
      "\toption address '192.0.2.7/24'",
    ].join("\n")));
    assert.equal(r.config.core.instances[0]?.authPassword, "ab");
  });

  it("a disabled service imports as globals.enabled '0'", () => {
    const r = uciImport("config globals 'globals'\n\toption enabled '0'\n");
    assert.equal(checkOutput(r).config.globals.enabled, false);
    assert.ok(r.findings.some((f) => f.line === 2 && f.section === "enabled"));
  });

  it("reports UCI syntax errors", () => {
    const r = uciImport("config globals 'globals'\n\toption enabled '1\n");
    assert.ok(r.findings.some((f) => f.severity === "error"));
  });
});
