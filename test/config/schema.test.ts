// The schema is data that validation, docs and LuCI all trust: check it is self-consistent and complete.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SCHEMA, SECTION_TYPES, optionSpec } from "../../src/config/schema.ts";
import { parseValue } from "../../src/config/values/parse.ts";

const all = SECTION_TYPES.flatMap((type) => SCHEMA[type].options.map((o) => ({ type, o })));

describe("schema", () => {
  it("has the four section types", () => {
    assert.deepEqual([...SECTION_TYPES].sort(), ["globals", "instance", "sync_group", "track_script"]);
  });

  it("uses valid, unique UCI option names per section", () => {
    for (const type of SECTION_TYPES) {
      const names = SCHEMA[type].options.map((o) => o.name);
      assert.equal(new Set(names).size, names.length, `${type} has a duplicate option`);
      for (const n of names) assert.match(n, /^[a-z0-9_]+$/, `${type}.${n}`);
    }
  });

  it("gives every option a description, a LuCI tab that exists, and a default that parses", () => {
    for (const { type, o } of all) {
      assert.ok(o.description.length > 10, `${type}.${o.name} description`);
      assert.ok(SCHEMA[type].tabs.some((t) => t.name === o.luci.tab), `${type}.${o.name} tab ${o.luci.tab}`);
      if (o.default !== undefined) assert.ok(parseValue(o.type, o.default).ok, `${type}.${o.name} default '${o.default}'`);
      assert.ok(!(o.default !== undefined && o.inherit !== undefined), `${type}.${o.name} has both default and inherit`);
    }
  });

  it("inherits only from globals options of the same kind", () => {
    for (const { type, o } of all) {
      if (o.inherit === undefined) continue;
      const from = optionSpec("globals", o.inherit);
      assert.ok(from, `${type}.${o.name} inherits unknown globals.${o.inherit}`);
      assert.equal(from.type.kind, o.type.kind, `${type}.${o.name}`);
    }
  });

  it("lists the keepalived options the issue asks for, under keepalived's names", () => {
    const instance = ["virtual_router_id", "priority", "state", "version", "advert_int", "nopreempt", "preempt_delay", "accept", "auth_type", "auth_pass",
      "virtual_ipaddress", "virtual_ipaddress_excluded", "virtual_routes", "unicast_src_ip", "unicast_peer", "mcast_src_ip", "garp_master_delay",
      "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat", "lower_prio_no_advert",
      "higher_prio_send_advert", "track_interface", "track_script", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify", "smtp_alert",
      "enabled", "interface", "device", "v3_checksum_as_v2"];
    const globals = ["enabled", "router_id", "log_level", "script_user", "enable_script_security", "vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_version",
      "v3_checksum_as_v2", "startup_delay", "hotplug", "control_socket", "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_master_refresh",
      "vrrp_garp_master_refresh_repeat", "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat"];
    const trackScript = ["script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail"];
    const syncGroup = ["group", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify", "smtp_alert"];
    for (const [type, names] of [["instance", instance], ["globals", globals], ["track_script", trackScript], ["sync_group", syncGroup]] as const) {
      for (const n of names) assert.ok(optionSpec(type, n), `${type}.${n} missing`);
    }
  });

  it("describes advert_int per version: v2 whole seconds 1-255, v3 0.01-40.95 in 10 ms steps", () => {
    const t = optionSpec("instance", "advert_int")?.type;
    assert.ok(t?.kind === "duration" && t.byVersion);
    assert.deepEqual(t.byVersion[2], { minMs: 1000, maxMs: 255_000, stepMs: 1000 });
    assert.deepEqual(t.byVersion[3], { minMs: 10, maxMs: 40_950, stepMs: 10 });
  });

  it("limits auth_pass to 8 bytes and list options are marked as lists", () => {
    const pass = optionSpec("instance", "auth_pass")?.type;
    assert.ok(pass?.kind === "string" && pass.maxBytes === 8);
    for (const n of ["virtual_ipaddress", "unicast_peer", "track_interface", "track_script", "virtual_routes"]) assert.equal(optionSpec("instance", n)?.list, true, n);
    assert.equal(optionSpec("sync_group", "group")?.list, true);
  });

  it("maps every option with a keepalived equivalent, and keeps vrrpd-only options few", () => {
    const own = all.filter(({ o }) => o.keepalived === undefined).map(({ type, o }) => `${type}.${o.name}`);
    assert.deepEqual(own.sort(), [
      "globals.control_socket", "globals.enabled", "globals.handover", "globals.hotplug", "globals.log_level",
      // Beyond keepalived's SMTP client: TLS and AUTH, the password in a root-only file.
      "globals.smtp_password_file", "globals.smtp_starttls", "globals.smtp_username", "instance.device", "instance.enabled", "instance.handover",
      // Native checks (issue #14): which kind, ping targets (mwan3's track_ip and reliability), https certificate checking.
      "track_script.host", "track_script.reliability", "track_script.tls_verify", "track_script.type",
    ]);
  });
});
