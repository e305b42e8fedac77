// Every VRRP keyword of keepalived's inventory (shared/reference/vrrp-protocol.md §4) is either imported — the
// validated model shows its effect, checked below — or reported with its own line number. The inputs are
// fixtures/keepalived-all-keywords*.conf; the keyword lists here are written from the reference, so a keyword
// missing from the fixtures or silently dropped by the importer fails the test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importKeepalived } from "../../src/config/import/index.ts";
import { checkOutput, FIXTURE_DIR, keepalivedInstance as ka, lineOf, readInput, summarize, type Checked } from "./import-helpers.ts";

const MAIN = `${FIXTURE_DIR}keepalived-all-keywords.conf`;
const STRICT = `${FIXTURE_DIR}keepalived-all-keywords-strict.conf`;

const GLOBAL_IMPORTED = [
  "router_id", "vrrp_version", "vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_garp_master_repeat", "vrrp_garp_master_delay", "vrrp_garp_lower_prio_repeat",
  "vrrp_garp_lower_prio_delay", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat", "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert",
  "v3_checksum_as_v2", "script_user", "enable_script_security", "vrrp_startup_delay", "smtp_server", "smtp_helo_name", "smtp_connect_timeout", "smtp_alert",
  "smtp_alert_vrrp", "notification_email", "notification_email_from", "vrrp_rt_priority", "vrrp_rlimit_rttime",
];
const GLOBAL_REPORTED = [
  "default_interface", "vrrp_garp_interval", "vrrp_gna_interval", "vrrp_min_garp", "vrrp_garp_extra_if", "vrrp_down_timer_adverts", "nftables", "nftables_priority",
  "nftables_counters", "nftables_ifindex", "vrrp_iptables", "vrrp_ipsets", "disable_local_igmp", "vrrp_check_unicast_src", "vrrp_skip_check_adv_addr",
  "vrrp_notify_priority_changes", "max_auto_priority", "min_auto_priority_delay", "vrrp_priority", "vrrp_no_swap", "vrrp_cpu_affinity",
  "snmp_socket", "enable_snmp_vrrp", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_traps", "enable_dbus",
  "dbus_service_name", "set_supplementary_groups", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script",
  "fifo_write_vrrp_states_on_reload", "dynamic_interfaces", "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
  "vrrp_netlink_monitor_rcv_bufs_force", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier", "vrrp_delay_after_boot", "log_unknown_vrids", "vmac_prefix",
  "vmac_addr_prefix", "reload_check_config", "include_check", "reload_time_file", "reload_repeat", "reload_file", "data_use_instance", "state_file_location",
  "stats_file_location", "json_file_location", "json_version", "startup_script", "startup_script_timeout", "shutdown_script", "shutdown_script_timeout",
  "net_namespace", "instance", "child_wait_time", "linkbeat_use_polling",
];
const SCRIPT_IMPORTED = ["script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail"];
/** [keyword, the instance block it is in] */
const INSTANCE_IMPORTED: [string, string][] = [
  ...["state", "interface", "track_interface", "track_script", "unicast_src_ip", "version", "unicast_peer", "v3_checksum_as_v2", "garp_master_delay",
    "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat", "lower_prio_no_advert",
    "higher_prio_send_advert", "virtual_router_id", "priority", "advert_int", "authentication", "auth_type", "auth_pass", "virtual_ipaddress",
    "virtual_ipaddress_excluded", "virtual_routes", "no_accept", "nopreempt", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify",
    "smtp_alert", "track_file", "track_process"].map((k): [string, string] => [k, "VI-1"]),
  ...["mcast_src_ip", "accept", "preempt", "preempt_delay"].map((k): [string, string] => [k, "VI_2"]),
];
const INSTANCE_REPORTED: [string, string][] = [
  ...["vrf", "use_vmac", "use_vmac_addr", "vmac_xmit_base", "use_ipvlan", "native_ipv6", "dont_track_primary", "track_bfd",
    "mcast_dst_ip", "track_src_ip", "check_unicast_src", "unicast_fault_no_peer", "unicast_ttl", "old_unicast_checksum", "garp_extra_if", "vmac_garp_intvl",
    "down_timer_adverts", "timer_expired_backup", "owner_ignore_adverts", "promote_secondaries", "virtual_rules", "skip_check_adv_addr", "debug",
    "notify_deleted", "notify_master_rx_lower_pri", "notify_priority_changes", "kernel_rx_buf_size", "linkbeat_use_polling"].map((k): [string, string] => [k, "VI-1"]),
  ["no_virtual_ipaddress", "VI_2"],
  ["auth_hmac", "VI_3"],
];
const GROUP_IMPORTED = ["group", "track_interface", "track_script", "track_file", "track_process", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify", "smtp_alert", "global_tracking", "sync_group_tracking_weight"];
const GROUP_REPORTED = ["track_bfd", "notify_deleted", "notify_priority_changes"];
const TOP_REPORTED = ["bfd_instance", "garp_group", "linkbeat_interfaces", "interface_up_down_delays", "virtual_server_group", "virtual_server"];
/** Reported entry by entry, at the line after the block's opening. */
const STATIC_BLOCKS = ["static_ipaddress", "static_routes", "static_rules"];

function importFile(path: string): { text: string; checked: Checked } {
  const text = readInput(path);
  return { text, checked: checkOutput(importKeepalived({ path, text })) };
}

describe("every keepalived VRRP keyword is imported or reported", () => {
  const { text, checked } = importFile(MAIN);
  const { result, config } = checked;
  const reportedAt = (line: number, keyword: string): boolean => result.findings.some((f) => f.file === MAIN && f.line === line && f.section === keyword);
  /** Present in the fixture and not reported as dropped (its effect is checked on the model). */
  const assertImported = (keyword: string, from: string): void => {
    const line = lineOf(text, keyword, from);
    const dropped = result.findings.filter((f) => f.line === line && f.section === keyword && f.message.startsWith("not imported"));
    assert.deepEqual(dropped, [], `${keyword} (line ${line}) should be imported`);
  };
  const assertReported = (keyword: string, from: number | string): void => {
    const line = lineOf(text, keyword, from);
    assert.ok(reportedAt(line, keyword), `${keyword} (line ${line}) is neither imported nor reported`);
  };

  it("global_defs", () => {
    for (const k of GLOBAL_IMPORTED) assertImported(k, "global_defs {");
    for (const k of GLOBAL_REPORTED) assertReported(k, "global_defs {");
    const g = config.globals;
    assert.deepEqual(
      [g.routerId, g.vrrpVersion, g.multicastGroup4, g.multicastGroup6, g.lowerPrioNoAdvert, g.higherPrioSendAdvert, g.v3ChecksumAsV2, g.scriptUser, g.scriptGroup, g.enableScriptSecurity, g.startupDelayMs],
      ["gw-a", 2, "224.0.0.18", "ff02::12", true, true, true, "nobody", "nogroup", true, 5500],
    );
    assert.deepEqual(g.garp, { masterDelayMs: 4000, masterRepeat: 3, masterRefreshMs: 30_000, masterRefreshRepeat: 2, lowerPrioDelayMs: 6000, lowerPrioRepeat: 2 });
    assert.deepEqual(g.mail, {
      recipients: ["ops@example.com"],
      from: "gw-a@example.com",
      server: { host: "192.0.2.25", port: 25 },
      heloName: "gw-a.example.com",
      connectTimeoutMs: 30_000,
      starttls: false,
      noEmailFaults: false,
    });
    // keepalived's 10000 µs would get a node daemon killed by the kernel: raised to vrrpd's floor, with a warning.
    assert.deepEqual([g.rtPriority, g.rlimitRttimeUs], [50, 200_000]);
    const rttimeLine = lineOf(text, "vrrp_rlimit_rttime", "global_defs {");
    assert.ok(result.findings.some((f) => f.line === rttimeLine && f.severity === "warning" && /too short for vrrpd/.test(f.message)), "the raised rlimit is reported");
  });

  it("vrrp_script", () => {
    for (const k of SCRIPT_IMPORTED) assertImported(k, "vrrp_script chk_gw {");
    const { location: _a, ...gw } = config.trackScripts["chk_gw"] ?? assert.fail("chk_gw");
    assert.deepEqual(gw, { name: "chk_gw", script: "/usr/bin/check-gw --quick", intervalMs: 2500, timeoutMs: 1500, weight: -20, reverse: true, rise: 3, fall: 2, user: "nobody", group: "nogroup", initFail: true });
    // Defaults: interval 1 s, timeout = interval, weight 0 (fault while failing); the user is global script_user.
    const { location: _b, ...zero } = config.trackScripts["chk_zero"] ?? assert.fail("chk_zero");
    assert.deepEqual(zero, { name: "chk_zero", script: "/usr/bin/check-zero", intervalMs: 1000, timeoutMs: 1000, weight: 0, reverse: false, rise: 1, fall: 1, user: "nobody", group: "nogroup", initFail: false });
  });

  it("vrrp_instance", () => {
    for (const [k, where] of INSTANCE_IMPORTED) assertImported(k, `vrrp_instance ${where} {`);
    for (const [k, where] of INSTANCE_REPORTED) assertReported(k, `vrrp_instance ${where} {`);
    assert.deepEqual(summarize(config), {
      VI_1: ka({
        device: "eth0", vrid: 51, priority: 150, advertMs: 2000, preempt: false, accept: false,
        auth: "secretpa", // keepalived uses the first 8 characters
        vips: ["192.0.2.1/24 dev eth0 label eth0:vip scope global brd 192.0.2.255", "192.0.2.10/32"],
        excluded: ["2001:db8::1/64 dev eth0"],
        routes: ["198.51.100.0/24 via 192.0.2.254 dev eth0 src 192.0.2.1 metric 10 table 100", "blackhole 203.0.113.0/24", "198.51.101.0/24 via 192.0.2.254"],
        peers: ["192.0.2.3", "192.0.2.4"],
        source: "192.0.2.2",
        // chk_gw takes its script's weight and direction; chk_zero is also tracked by the group, whose
        // weight (0) replaces the instance's 15 (keepalived's add_vrrp_to_track_script); eth5 comes from the group.
        // tf1 (a track_file, weight 1) and tp1 (a vrrp_track_process, weight 0) are tracked by both.
        tracks: ["interface:eth1 0", "interface:eth2 -10", "interface:eth3 5 reverse", "interface:eth5 0", "script:chk_gw -20 reverse", "script:chk_zero 0", "script:tf1 1", "script:tp1 0"],
        notify: { master: "/usr/bin/vrrp-notify master", backup: "/usr/bin/on-backup", fault: "/usr/bin/on-fault", stop: "/usr/bin/on-stop", any: "/usr/bin/on-any" },
        smtpAlert: true,
      }),
      VI_2: ka({
        device: "eth1", vrid: 52, version: 3, advertMs: 500, preempt: true, preemptDelayMs: 2500, accept: true,
        vips: ["fe80::1/64", "2001:db8:1::1/64"], source: "fe80::2", tracks: ["interface:eth5 0", "script:chk_zero 0", "script:tf1 1", "script:tp1 0"],
        smtpAlert: false, // smtp_alert_vrrp false wins over smtp_alert
      }),
      // state MASTER without priority: the address owner; auth_hmac is not imported.
      VI_3: ka({ device: "eth2", state: "master", vrid: 53, priority: 255, vips: ["198.51.100.1/24"] }),
    });
    const [vi1, vi2] = config.core.instances;
    assert.deepEqual(vi1?.garp, { masterDelayMs: 10_000, masterRepeat: 2, masterRefreshMs: 60_000, masterRefreshRepeat: 3, lowerPrioDelayMs: 7000, lowerPrioRepeat: 1 });
    assert.deepEqual([vi1?.lowerPrioNoAdvert, vi1?.higherPrioSendAdvert, vi1?.v3Ipv4Checksum], [false, true, "pseudo-header"]);
    // An instance without its own settings inherits global_defs' vrrp_* values.
    assert.deepEqual(vi2?.garp, config.globals.garp);
    assert.deepEqual([vi2?.lowerPrioNoAdvert, vi2?.higherPrioSendAdvert], [true, true]);
  });

  it("vrrp_sync_group", () => {
    for (const k of GROUP_IMPORTED) assertImported(k, "vrrp_sync_group G-1 {");
    for (const k of GROUP_REPORTED) assertReported(k, "vrrp_sync_group G-1 {");
    const { location: _l, ...group } = config.syncGroups["G_1"] ?? assert.fail("G_1");
    assert.deepEqual(group, {
      name: "G_1",
      members: ["VI_1", "VI_2"],
      notify: { master: "/usr/bin/g-master", backup: "/usr/bin/g-backup", fault: "/usr/bin/g-fault now", stop: "/usr/bin/g-stop", any: "/usr/bin/g-any" },
      smtpAlert: true,
      trackingWeight: true, // global_tracking / sync_group_tracking_weight
    });
  });

  it("vrrp_track_file and vrrp_track_process become track_scripts of type file and process", () => {
    const { location: _f, ...tf1 } = config.trackScripts["tf1"] ?? assert.fail("tf1");
    assert.deepEqual([tf1.file, tf1.weight, tf1.reverse], [{ path: "/tmp/tf1", initOverwrite: false }, 1, false]);
    const { location: _p, ...tp1 } = config.trackScripts["tp1"] ?? assert.fail("tp1");
    assert.deepEqual([tp1.process, tp1.weight], [{ name: "haproxy", quorum: 1 }, 0]);
  });

  it("top-level blocks without a vrrpd equivalent", () => {
    for (const k of TOP_REPORTED) assertReported(k, 1);
    for (const k of STATIC_BLOCKS) {
      const line = lineOf(text, k) + 1;
      assert.ok(reportedAt(line, k), `${k} entry at line ${line} not reported`);
    }
  });

  it("renames are reported where the name is defined", () => {
    assert.ok(reportedAt(lineOf(text, "vrrp_instance VI-1"), "vrrp_instance"));
    assert.ok(reportedAt(lineOf(text, "vrrp_sync_group G-1"), "vrrp_sync_group"));
  });
});

describe("vrrp_strict and strict_mode", () => {
  const { text, checked } = importFile(STRICT);
  it("writes strict mode's effects into each instance", () => {
    const [s1, s2] = checked.config.core.instances;
    // S1 is strict (global vrrp_strict): state must match ownership, no preempt_delay, no authentication,
    // no accept mode, no lower-priority GARP, lower_prio_no_advert on, higher_prio_send_advert off.
    assert.deepEqual(
      [s1?.initialState, s1?.priority, s1?.preemptDelayMs, s1?.authType, s1?.acceptMode, s1?.garp.lowerPrioRepeat, s1?.garp.lowerPrioDelayMs, s1?.lowerPrioNoAdvert, s1?.higherPrioSendAdvert],
      ["backup", 100, 0, 0, false, 0, 0, true, false],
    );
    // S2 has strict_mode off: keepalived's normal defaults.
    assert.deepEqual([s2?.acceptMode, s2?.garp.lowerPrioRepeat, s2?.garp.lowerPrioDelayMs, s2?.lowerPrioNoAdvert], [true, 5, 5000, false]);
    // Strict mode releases the addresses at once when stepping down (keepalived, RFC 5798 §6.4.2); vrrpd's
    // default is make-before-break, so the import writes handover 'strict' for it.
    assert.deepEqual([s1?.handover, s2?.handover], ["strict", "make-before-break"]);
    const at = (keyword: string, from: number | string = 1): boolean =>
      checked.result.findings.some((f) => f.line === lineOf(text, keyword, from) && f.section === keyword);
    assert.ok(checked.result.findings.some((f) => f.line === lineOf(text, "vrrp_strict") && f.message.includes("handover 'strict'")));
    for (const k of ["state", "preempt_delay", "garp_lower_prio_repeat", "auth_type"]) assert.ok(at(k, "vrrp_instance S1"), k);
    lineOf(text, "strict_mode", "vrrp_instance S2");
  });
});
