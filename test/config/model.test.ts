// What validate() builds: keepalived's defaults, units, tracking weights, sync groups; plus rendering back to
// UCI and resolving logical networks to devices.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderUci, renderUciText } from "../../src/config/render.ts";
import { resolveDevices } from "../../src/config/resolve.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import { validateParsed } from "../../src/config/validate.ts";
import { DEFAULT_GARP, instanceDefaults } from "../../src/vrrp/model.ts";
import { configOf, instance, uci } from "./helpers.ts";

const first = (text: string) => {
  const c = configOf(text).core.instances[0];
  assert.ok(c);
  return c;
};

describe("model: defaults follow keepalived", () => {
  it("fills an IPv4 instance like keepalived (and like the core's instanceDefaults)", () => {
    const c = first(uci(...instance("lan")));
    assert.deepEqual(c, instanceDefaults({
      name: "lan", interface: "lan", vrid: 51, family: 4, version: 2,
      virtualAddresses: [{ address: "192.0.2.1", prefixLength: 24 }],
    }));
    assert.equal(c.priority, 100);
    assert.equal(c.advertIntervalMs, 1000);
    assert.equal(c.preempt, true);
    assert.equal(c.acceptMode, true);
    assert.equal(c.initialState, "backup");
    assert.equal(c.multicastGroup, "224.0.0.18");
    assert.equal(c.v3Ipv4Checksum, "pseudo-header");
    assert.deepEqual(c.garp, DEFAULT_GARP);
  });

  it("makes IPv6 instances VRRPv3 to ff02::12, IPv4 ones take globals.vrrp_version", () => {
    const v6 = first(uci("config instance 'lan6'", "\toption interface 'lan'", "\toption virtual_router_id '1'", "\tlist virtual_ipaddress 'fe80::1/64'"));
    assert.deepEqual([v6.family, v6.version, v6.multicastGroup], [6, 3, "ff02::12"]);
    assert.equal(first(uci("config globals 'globals'", "\toption vrrp_version '3'", ...instance("lan"))).version, 3);
  });

  it("takes multicast groups, checksum form and GARP defaults from globals, and lets the instance override", () => {
    const text = uci(
      "config globals 'globals'", "\toption vrrp_mcast_group4 '224.0.0.19'", "\toption v3_checksum_as_v2 '1'", "\toption vrrp_garp_master_delay '2'", "\toption vrrp_garp_master_repeat '3'",
      ...instance("lan", "\toption version '3'", "\toption garp_master_refresh '60'"),
    );
    const c = first(text);
    assert.equal(c.multicastGroup, "224.0.0.19");
    assert.equal(c.v3Ipv4Checksum, "message-only");
    // keepalived: lower_prio_* default to the global lower_prio_*, which default to the global master values.
    assert.deepEqual(c.garp, { masterDelayMs: 2000, masterRepeat: 3, masterRefreshMs: 60_000, masterRefreshRepeat: 1, lowerPrioDelayMs: 2000, lowerPrioRepeat: 3 });
    assert.equal(first(text.replace("option garp_master_refresh '60'", "option v3_checksum_as_v2 '0'")).v3Ipv4Checksum, "pseudo-header");
  });

  it("keeps addresses until the new master is heard unless handover says 'strict', per instance or from globals", () => {
    assert.equal(first(uci(...instance("lan"))).handover, "make-before-break");
    assert.equal(first(uci(...instance("lan", "\toption handover 'strict'"))).handover, "strict");
    const strictByDefault = uci("config globals 'globals'", "\toption handover 'strict'", ...instance("lan"));
    assert.equal(first(strictByDefault).handover, "strict");
    assert.equal(configOf(strictByDefault).globals.handover, "strict");
    assert.equal(first(strictByDefault.replace("config instance 'lan'", "config instance 'lan'\n\toption handover 'make-before-break'")).handover, "make-before-break");
  });

  it("derives state from priority 255 when no state is given (keepalived)", () => {
    assert.equal(first(uci(...instance("lan", "\toption priority '255'"))).initialState, "master");
    assert.equal(first(uci(...instance("lan", "\toption state 'master'", "\toption priority '200'"))).initialState, "master");
  });

  it("fills globals", () => {
    const g = configOf(uci(...instance("lan"))).globals;
    assert.deepEqual(g, {
      enabled: true, logLevel: "info", startupDelayMs: 0, hotplug: true, controlSocket: "/run/vrrpd/control.sock", enableScriptSecurity: false,
      // Real-time by default, unlike keepalived: a starved master is a false failover (docs/performance.md).
      rtPriority: 10, rlimitRttimeUs: 2_000_000,
      vrrpVersion: 2, v3ChecksumAsV2: false, multicastGroup4: "224.0.0.18", multicastGroup6: "ff02::12", garp: DEFAULT_GARP,
      lowerPrioNoAdvert: false, higherPrioSendAdvert: false, handover: "make-before-break",
      mail: { recipients: [], connectTimeoutMs: 30_000, starttls: false, noEmailFaults: false },
    });
    const named = configOf(uci("config globals 'globals'", "\toption router_id 'gw-a'", "\toption script_user 'vrrp nogroup'", "\toption enabled 'no'"));
    assert.deepEqual([named.globals.routerId, named.globals.scriptUser, named.globals.scriptGroup, named.globals.enabled], ["gw-a", "vrrp", "nogroup", false]);
  });
});

describe("model: units", () => {
  it("reads advert_int in seconds: v3 '0.05' is 50 ms, v2 '1' is 1000 ms", () => {
    assert.equal(first(uci(...instance("lan", "\toption version '3'", "\toption advert_int '0.05'"))).advertIntervalMs, 50);
    assert.equal(first(uci(...instance("lan", "\toption version '2'", "\toption advert_int '1'"))).advertIntervalMs, 1000);
    assert.equal(first(uci(...instance("lan", "\toption advert_int '255'"))).advertIntervalMs, 255_000);
  });

  it("reads the other durations in seconds too", () => {
    const c = first(uci(...instance("lan", "\toption preempt_delay '2.5'", "\toption garp_master_delay '10'", "\toption garp_lower_prio_delay '1'")));
    assert.deepEqual([c.preemptDelayMs, c.garp.masterDelayMs, c.garp.lowerPrioDelayMs], [2500, 10_000, 1000]);
    const g = configOf(uci("config globals 'globals'", "\toption startup_delay '0.5'")).globals;
    assert.equal(g.startupDelayMs, 500);
  });
});

describe("model: tracking", () => {
  const text = uci(
    ...instance("lan", "\tlist track_interface 'wan'", "\tlist track_interface 'wwan weight 10 reverse'", "\tlist track_script 'ping'", "\tlist track_script 'dns weight -5'"),
    "config track_script 'ping'", "\toption script '/bin/ping -c1 192.0.2.254'", "\toption weight '-30'", "\toption reverse '1'", "\toption interval '0.5'",
    "config track_script 'dns'", "\toption script 'nslookup openwrt.org'", "\toption timeout '3'", "\toption rise '2'", "\toption fall '3'", "\toption init_fail '1'", "\toption user 'nobody'",
  );

  it("gives interfaces weight 0 unless written, and scripts their own weight unless the instance overrides it", () => {
    assert.deepEqual(first(text).tracks, [
      { id: "interface:wan", weight: 0, reverse: false },
      { id: "interface:wwan", weight: 10, reverse: true },
      { id: "script:ping", weight: -30, reverse: true },
      { id: "script:dns", weight: -5, reverse: false },
    ]);
    assert.deepEqual(configOf(text).instances["lan"]?.trackedInterfaces, [{ name: "wan", weight: 0, reverse: false }, { name: "wwan", weight: 10, reverse: true }]);
  });

  it("builds track scripts with keepalived's defaults (timeout = interval)", () => {
    const scripts = configOf(text).trackScripts;
    assert.deepEqual({ ...scripts["ping"], location: undefined }, {
      name: "ping", script: "/bin/ping -c1 192.0.2.254", intervalMs: 500, timeoutMs: 500, weight: -30, reverse: true, rise: 1, fall: 1, initFail: false, location: undefined,
    });
    assert.deepEqual({ ...scripts["dns"], location: undefined }, {
      name: "dns", script: "nslookup openwrt.org", intervalMs: 1000, timeoutMs: 3000, weight: 0, reverse: false, rise: 2, fall: 3, user: "nobody", initFail: true, location: undefined,
    });
  });
});

describe("model: sync groups and meta", () => {
  it("puts groups in the core and their notify scripts in meta", () => {
    const config = configOf(uci(
      ...instance("lan", "\toption notify_master '/etc/vrrp/up lan'", "\toption smtp_alert '1'"),
      "config instance 'wan'", "\toption device 'eth1'", "\toption virtual_router_id '52'", "\tlist virtual_ipaddress '198.51.100.1/24'",
      "config sync_group 'gw'", "\tlist group 'lan'", "\tlist group 'wan'", "\toption notify_fault '/etc/vrrp/fault'", "\toption notify '/etc/vrrp/all'",
    ));
    assert.deepEqual(config.core.syncGroups, [{ name: "gw", members: ["lan", "wan"] }]);
    assert.deepEqual(config.syncGroups["gw"]?.notify, { fault: "/etc/vrrp/fault", any: "/etc/vrrp/all" });
    assert.deepEqual(config.instances["lan"]?.notify, { master: "/etc/vrrp/up lan" });
    assert.equal(config.instances["lan"]?.smtpAlert, true);
    assert.deepEqual([config.instances["wan"]?.device, config.instances["wan"]?.logicalInterface, config.core.instances[1]?.interface], ["eth1", undefined, "eth1"]);
  });

  it("resolves logical networks to devices, in instances and interface track ids", () => {
    const config = configOf(uci(...instance("lan", "\tlist track_interface 'wan weight -20'", "\tlist track_interface 'eth9'")));
    const netifd: Record<string, string> = { lan: "br-lan", wan: "pppoe-wan" };
    const { core, unresolved } = resolveDevices(config, (n) => netifd[n]);
    assert.equal(core.instances[0]?.interface, "br-lan");
    assert.deepEqual(core.instances[0]?.tracks.map((t) => t.id), ["interface:pppoe-wan", "interface:eth9"]);
    assert.deepEqual(unresolved, ["eth9"]);
  });

  it("reports instances that meet on one device only once networks are resolved", () => {
    const config = configOf(uci(...instance("a"), "config instance 'b'", "\toption device 'br-lan'", "\toption virtual_router_id '51'", "\tlist virtual_ipaddress '192.0.2.9/24'"));
    assert.deepEqual(resolveDevices(config, (n) => (n === "lan" ? "br-lan" : undefined)).conflicts, ["instances 'a' and 'b' both use VRID 51 for IPv4 on br-lan"]);
  });
});

describe("model: rendering back to UCI", () => {
  const text = uci(
    "config globals 'globals'", "\toption router_id 'gw-a'", "\toption vrrp_garp_master_delay '2'", "\toption vrrp_version '3'", "\toption handover 'strict'",
    "config track_script 'ping'", "\toption script '/bin/ping -c1 192.0.2.254'", "\toption weight '-30'", "\toption timeout '0.5'",
    ...instance("lan", "\toption priority '150'", "\toption advert_int '0.5'", "\toption nopreempt '1'", "\toption accept '0'",
      "\tlist virtual_ipaddress '192.0.2.2/24 dev br-lan label br-lan:1 scope global brd 192.0.2.255'", "\tlist virtual_ipaddress_excluded 'fd00::1/64'",
      "\tlist virtual_routes 'blackhole 198.51.100.0/24'", "\tlist virtual_routes 'default via 192.0.2.254 metric 5 table 100'",
      "\tlist unicast_peer '192.0.2.3'", "\toption unicast_src_ip '192.0.2.4'", "\tlist track_interface 'wan weight -20 reverse'", "\tlist track_script 'ping'",
      "\tlist track_script 'ping2 weight 7'", "\toption garp_lower_prio_repeat '0'", "\toption handover 'make-before-break'", "\toption notify_backup '/bin/true'"),
    "config track_script 'ping2'", "\toption script '/bin/true'",
    "config instance 'lan6'", "\toption interface 'lan'", "\toption virtual_router_id '51'", "\tlist virtual_ipaddress 'fe80::1/64'", "\toption state 'MASTER'", "\toption priority '100'",
    "config sync_group 'g'", "\tlist group 'lan'", "\tlist group 'lan6'", "\toption sync_group_tracking_weight '1'", "\toption notify '/bin/echo'",
  );

  it("round-trips: render, write, parse and validate give the same configuration", () => {
    const config = configOf(text);
    const { text: written, notes } = renderUciText(config);
    assert.deepEqual(notes, []);
    const again = validateParsed(parseUci({ path: "/etc/config/vrrp", text: written }));
    assert.deepEqual(again.findings, []);
    const strip = (c: typeof config) => JSON.parse(JSON.stringify(c, (k, v: unknown) => (k === "location" ? undefined : v))) as unknown;
    assert.deepEqual(strip(again.config ?? config), strip(config));
    assert.deepEqual(config.core.instances.map((c) => c.handover), ["make-before-break", "strict"]);
    assert.match(written, /config globals 'globals'\n(\t.*\n)*\toption handover 'strict'\n/);
  });

  it("leaves defaults out and gives locations that match the written text", () => {
    const { package: pkg } = renderUci(configOf(uci(...instance("lan"))));
    const written = renderUciText(configOf(uci(...instance("lan")))).text.split("\n");
    const lan = pkg.sections.find((s) => s.name === "lan");
    assert.deepEqual(lan?.options.map((o) => o.name), ["interface", "virtual_router_id", "priority", "version", "virtual_ipaddress"]);
    for (const section of pkg.sections) {
      assert.match(written[section.location.line - 1] ?? "", /^config /);
      for (const o of section.options) assert.match(written[o.location.line - 1] ?? "", new RegExp(`^\\t(option|list) ${o.name} `));
    }
  });

  it("notes what UCI cannot carry and renames invalid section names", () => {
    const c = instanceDefaults({ name: "VI-1", interface: "eth0", vrid: 1, downTimerAdverts: 4, multicastGroup: "224.0.0.99",
      tracks: [{ id: "file:/tmp/x", weight: 0, reverse: false }] });
    const { package: pkg, notes } = renderUci({ core: { instances: [c], syncGroups: [{ name: "G", members: ["VI-1"] }] } });
    assert.deepEqual(pkg.sections.map((s) => s.name), ["globals", "VI_1", "G"]);
    assert.deepEqual(pkg.sections[2]?.options[0], { kind: "list", name: "group", items: [{ value: "VI_1", location: { file: "/etc/config/vrrp", line: 12 } }], location: { file: "/etc/config/vrrp", line: 12 } });
    assert.equal(notes.length, 4);
  });
});
