// One case per validation rule, each asserting the exact `file:line: section.option:` of its finding.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatFinding } from "../../src/config/finding.ts";
import { parseUci, parseUciFiles } from "../../src/config/uci/parser.ts";
import { validateParsed } from "../../src/config/validate.ts";
import { check, configOf, errors, findingAt, instance, uci, warnings } from "./helpers.ts";

/** Asserts exactly one finding of `severity` starts with `prefix` and its message matches `pattern`. */
function expectFinding(text: string, severity: "error" | "warning", prefix: string, pattern: RegExp) {
  const r = check(text);
  const list = severity === "error" ? errors(r) : warnings(r);
  const hits = list.filter((f) => f.startsWith(`/etc/config/vrrp:${prefix}: `));
  assert.equal(hits.length, 1, `expected one ${severity} at ${prefix}, got:\n${r.findings.map(formatFinding).join("\n")}`);
  assert.match(hits[0] ?? "", pattern);
  return r;
}

describe("validate: option types (schema-driven)", () => {
  it("reports a value out of range, a bad boolean and a list given for a single option", () => {
    const r = check(uci(...instance("lan", "\toption priority '300'", "\toption nopreempt 'maybe'", "\tlist state 'MASTER'")));
    assert.deepEqual(errors(r), [
      "/etc/config/vrrp:5: lan.priority: 300 is out of range 1..255",
      "/etc/config/vrrp:6: lan.nopreempt: 'maybe' is not a boolean (use 1/yes/on/true/enabled or 0/no/off/false/disabled)",
      "/etc/config/vrrp:7: lan.state: takes a single value: write it as 'option state', not 'list'",
    ]);
    assert.equal(r.config, undefined);
  });

  it("names the section and option of a bad handover, with the values it takes", () => {
    expectFinding(uci(...instance("lan", "\toption handover 'fast'")), "error", "5: lan.handover", /^[^:]+:5: lan\.handover: 'fast' is not one of make-before-break, strict$/);
    expectFinding(uci("config globals 'globals'", "\toption handover 'loose'", ...instance("lan")), "error", "2: globals.handover", /'loose' is not one of make-before-break, strict/);
  });

  it("refuses the name 'globals' for any section but globals (issue #15: rendering renamed it globals_2)", () => {
    // validate-fuzz found it at run 62,372 of FUZZ_RUNS=1e6: a track_script named globals, with no globals section.
    const text = uci("config track_script 'globals'", "\toption script '/bin/true'", ...instance("lan", "\tlist track_script 'globals'"));
    expectFinding(text, "error", "1: globals", /'globals' names the globals section \(uci get vrrp\.globals\.\*, LuCI\); rename this track_script$/);
  });

  it("reports a bad list item at its own line", () => {
    expectFinding(uci(...instance("lan", "\tlist virtual_ipaddress '192.0.2.300/24'")), "error", "5: lan.virtual_ipaddress", /not ADDRESS\/LENGTH/);
  });

  it("hints at list lines when several values are written in one option", () => {
    expectFinding(uci(...instance("lan", "\toption unicast_peer '192.0.2.3 192.0.2.4'")), "error", "5: lan.unicast_peer", /not an IP address; write one 'list unicast_peer' line per value/);
  });

  it("still checks everything when globals.enabled is '0' (it stops the daemon, not the checking)", () => {
    const r = check(uci("config globals 'globals'", "\toption enabled '0'", "\toption log_level 'loud'", ...instance("lan", "\toption priority '0'")));
    assert.deepEqual(errors(r).map((e) => e.split(": ")[1]), ["globals.log_level", "lan.priority"]);
  });

  it("reports missing required options at the section", () => {
    const r = check(uci("config instance 'lan'", "\tlist virtual_ipaddress '192.0.2.1/24'"));
    assert.deepEqual(errors(r), [
      "/etc/config/vrrp:1: lan.virtual_router_id: required option 'virtual_router_id' is missing",
      "/etc/config/vrrp:1: lan.interface: required: set 'interface' (a network such as lan, or a device) or 'device'",
    ]);
  });

  it("treats blank values as unset", () => {
    const r = check(uci(...instance("lan"), "config sync_group 'g'", "\tlist group ' '"));
    assert.deepEqual(warnings(r), ["/etc/config/vrrp:6: g.group: empty value ignored"]);
    assert.deepEqual(errors(r), ["/etc/config/vrrp:5: g.group: required option 'group' is missing"]);
  });

  it("accepts 'device' alone", () => {
    assert.deepEqual(errors(check(uci("config instance 'lan'", "\toption device 'br-lan'", "\toption virtual_router_id '1'", "\tlist virtual_ipaddress '192.0.2.1/24'"))), []);
  });

  it("warns about unknown options and section types, suggesting the likely name", () => {
    const r = check(uci(...instance("lan", "\toption priorty '150'", "\toption script '/bin/true'"), "", "config instnce 'x'", "\toption foo 'bar'"));
    assert.deepEqual(warnings(r), [
      "/etc/config/vrrp:5: lan.priorty: unknown option 'priorty' (did you mean 'priority'?); ignored",
      "/etc/config/vrrp:6: lan.script: unknown option 'script': it belongs in a track_script section; ignored",
      "/etc/config/vrrp:8: x: unknown section type 'instnce' (did you mean 'instance'?); ignored (known: globals, instance, track_script, sync_group)",
    ]);
    assert.ok(r.config, "warnings never block");
  });
});

describe("validate: addresses and versions", () => {
  it("refuses IPv6 addresses with version 2", () => {
    expectFinding(uci("config instance 'lan6'", "\toption interface 'lan'", "\toption virtual_router_id '1'", "\toption version '2'", "\tlist virtual_ipaddress 'fe80::1/64'"),
      "error", "4: lan6.version", /version 2 cannot carry IPv6 .*use version 3/);
  });

  it("requires one family among advertised addresses, but lets excluded ones mix", () => {
    const text = uci(...instance("lan", "\tlist virtual_ipaddress 'fd00::1/64'", "\tlist virtual_ipaddress_excluded 'fd00::2/64'"));
    expectFinding(text, "error", "5: lan.virtual_ipaddress", /fd00::1 is IPv6 but this instance is IPv4/);
    assert.deepEqual(errors(check(uci(...instance("lan", "\tlist virtual_ipaddress_excluded 'fd00::2/64'")))), []);
  });

  it("warns when an IPv6 instance does not list a link-local address first", () => {
    expectFinding(uci("config instance 'lan6'", "\toption interface 'lan'", "\toption virtual_router_id '1'", "\tlist virtual_ipaddress 'fd00::1/64'", "\tlist virtual_ipaddress 'fe80::1/64'"),
      "warning", "4: lan6.virtual_ipaddress", /fd00::1 is not link-local: strict RFC 9568 peers refuse/);
  });

  it("refuses a VRRPv3 instance without addresses and warns for VRRPv2", () => {
    expectFinding(uci("config instance 'lan'", "\toption interface 'lan'", "\toption virtual_router_id '1'", "\toption version '3'"), "error", "1: lan.virtual_ipaddress", /VRRPv3 needs at least one/);
    expectFinding(uci("config instance 'lan'", "\toption interface 'lan'", "\toption virtual_router_id '1'"), "warning", "1: lan.virtual_ipaddress", /moves no address/);
  });

  it("checks advert_int against the version", () => {
    expectFinding(uci(...instance("lan", "\toption advert_int '1.5'")), "error", "5: lan.advert_int", /1\.5 s is not a multiple of 1 s with version 2/);
    expectFinding(uci(...instance("lan", "\toption version '3'", "\toption advert_int '41'")), "error", "6: lan.advert_int", /41 s is out of range 0\.01\.\.40\.95 s with version 3/);
    expectFinding(uci(...instance("lan", "\toption version '3'", "\toption advert_int '0.015'")), "error", "6: lan.advert_int", /not a multiple of 0\.01 s/);
  });

  it("warns below 50 ms", () => {
    expectFinding(uci(...instance("lan", "\toption version '3'", "\toption advert_int '0.03'")), "warning", "6: lan.advert_int", /below 0\.05 s: slow router CPUs/);
    assert.deepEqual(warnings(check(uci(...instance("lan", "\toption version '3'", "\toption advert_int '0.05'")))), []);
  });

  it("refuses the same VRID twice on one interface and family, not across families", () => {
    const text = uci(...instance("a"), ...instance("b"));
    expectFinding(text, "error", "7: b.virtual_router_id", /VRID 51 is already used for IPv4 on lan by instance 'a' \(\/etc\/config\/vrrp:1\)/);
    const v6 = uci(...instance("a"), "config instance 'b'", "\toption interface 'lan'", "\toption virtual_router_id '51'", "\tlist virtual_ipaddress 'fe80::1/64'");
    assert.deepEqual(errors(check(v6)), []);
    assert.deepEqual(errors(check(uci(...instance("a"), "config instance 'b'", "\toption interface 'wan'", "\toption virtual_router_id '51'", "\tlist virtual_ipaddress '198.51.100.1/24'"))), []);
  });

  it("warns when two instances share a virtual address", () => {
    const text = uci(...instance("a"), "config instance 'b'", "\toption interface 'lan'", "\toption virtual_router_id '52'", "\tlist virtual_ipaddress '192.0.2.1/24'");
    expectFinding(text, "warning", "8: b.virtual_ipaddress", /192\.0\.2\.1 is also a virtual address of instance 'a'/);
  });
});

describe("validate: peers and authentication", () => {
  it("refuses unicast peers and source addresses of the other family", () => {
    const r = check(uci(...instance("lan", "\tlist unicast_peer 'fd00::2'", "\tlist unicast_peer '192.0.2.3'", "\toption unicast_src_ip 'fd00::1'")));
    assert.deepEqual(errors(r), [
      "/etc/config/vrrp:5: lan.unicast_peer: fd00::2 is not IPv4, the family of this instance's addresses",
      "/etc/config/vrrp:7: lan.unicast_src_ip: fd00::1 is not IPv4, the family of this instance's addresses",
    ]);
  });

  it("refuses authentication on VRRPv3", () => {
    expectFinding(uci(...instance("lan", "\toption version '3'", "\toption auth_pass 'secret'")), "error", "6: lan.auth_pass", /VRRPv3 has no authentication/);
  });

  it("limits auth_pass to 8 bytes and needs it with auth_type", () => {
    expectFinding(uci(...instance("lan", "\toption auth_pass '123456789'")), "error", "5: lan.auth_pass", /longer than 8 bytes/);
    expectFinding(uci(...instance("lan", "\toption auth_type 'PASS'")), "error", "5: lan.auth_type", /needs auth_pass/);
    assert.equal(configOf(uci(...instance("lan", "\toption auth_pass 'secret'"))).core.instances[0]?.authType, 1);
  });
});

describe("validate: election", () => {
  it("refuses nopreempt with state MASTER, with a hint", () => {
    expectFinding(uci(...instance("lan", "\toption state 'MASTER'", "\toption priority '150'", "\toption nopreempt '1'")),
      "error", "7: lan.nopreempt", /nopreempt needs state BACKUP.*hint: set state 'BACKUP' on every router/);
  });

  it("treats nopreempt '0' as off (the keepalived package's quirk, fixed)", () => {
    assert.equal(configOf(uci(...instance("lan", "\toption nopreempt '0'"))).core.instances[0]?.preempt, true);
    assert.equal(configOf(uci(...instance("lan", "\toption nopreempt 'yes'"))).core.instances[0]?.preempt, false);
  });

  it("notes what an address owner (priority 255) ignores", () => {
    const text = uci(...instance("lan", "\toption priority '255'", "\toption state 'BACKUP'", "\toption nopreempt '1'", "\tlist track_interface 'wan weight -20'", "\tlist track_interface 'lan2'"));
    const r = check(text);
    assert.deepEqual(warnings(r), [
      "/etc/config/vrrp:6: lan.state: the address owner (priority 255) becomes master at once at startup whatever state says (RFC 5798 §6.4.1); keepalived would wait as BACKUP",
      "/etc/config/vrrp:7: lan.nopreempt: ignored: the address owner (priority 255) always preempts (RFC 5798 §6.4.2)",
      "/etc/config/vrrp:8: lan.track_interface: 'wan' with weight -20 ignored: the address owner's priority (255) is never adjusted (as keepalived); use weight 0 to fault while down",
    ]);
    assert.deepEqual(r.config?.core.instances[0]?.tracks, [{ id: "interface:lan2", weight: 0, reverse: false }]);
  });

  it("makes state MASTER without a priority the owner, as keepalived, and says so", () => {
    const r = expectFinding(uci(...instance("lan", "\toption state 'MASTER'")), "warning", "5: lan.state", /state MASTER makes it 255, the address owner, as keepalived does/);
    assert.equal(r.config?.core.instances[0]?.priority, 255);
  });
});

describe("validate: references and sync groups", () => {
  it("refuses an unknown track_script, suggesting the likely name", () => {
    const text = uci(...instance("lan", "\tlist track_script 'chk_wann'"), "config track_script 'chk_wan'", "\toption script '/bin/true'");
    expectFinding(text, "error", "5: lan.track_script", /no track_script section named 'chk_wann' \(did you mean 'chk_wan'\?\)/);
  });

  it("refuses unknown sync group members and an instance in two groups", () => {
    const text = uci(...instance("lan"), "config sync_group 'g1'", "\tlist group 'lan'", "\tlist group 'wan'", "config sync_group 'g2'", "\tlist group 'lan'");
    const r = check(text);
    assert.deepEqual(errors(r), [
      "/etc/config/vrrp:7: g1.group: no instance section named 'wan' (did you mean 'lan'?)",
      "/etc/config/vrrp:9: g2.group: instance 'lan' is already in sync group 'g1' (/etc/config/vrrp:5); an instance belongs to one group",
    ]);
  });

  it("warns about weighted tracking in a sync group, and applies keepalived's rule", () => {
    const text = uci(
      ...instance("lan", "\tlist track_interface 'wan weight -20'", "\tlist track_script 'chk weight -10'"),
      "config instance 'lan6'", "\toption interface 'lan'", "\toption virtual_router_id '52'", "\tlist virtual_ipaddress 'fe80::1/64'",
      "config track_script 'chk'", "\toption script '/bin/true'",
      "config sync_group 'g'", "\tlist group 'lan'", "\tlist group 'lan6'",
    );
    const r = check(text);
    assert.deepEqual(warnings(r), [
      "/etc/config/vrrp:5: lan.track_interface: weight -20 of 'wan' ignored: 'lan' is in sync group 'g', so the interface going down means fault (as keepalived); set sync_group_tracking_weight '1' in the group to keep weights",
      "/etc/config/vrrp:6: lan.track_script: 'chk' with weight -10 ignored: 'lan' is in sync group 'g' (as keepalived); use weight 0 (fault while down) or set sync_group_tracking_weight '1' in the group",
      "/etc/config/vrrp:11: chk: track_script 'chk' is not used by any enabled instance; it will not run",
    ]);
    assert.deepEqual(r.config?.core.instances[0]?.tracks, [{ id: "interface:wan", weight: 0, reverse: false }]);
    const kept = configOf(`${text}\toption sync_group_tracking_weight '1'\n`);
    assert.deepEqual(kept.core.instances[0]?.tracks.map((t) => t.weight), [-20, -10]);
  });

  it("skips instances with enabled '0', reporting their problems as warnings only", () => {
    const text = uci(...instance("lan"), "config instance 'draft'", "\toption enabled '0'", "\toption priority '999'");
    const r = check(text);
    assert.deepEqual(errors(r), []);
    assert.deepEqual(warnings(r), ["/etc/config/vrrp:7: draft.priority: 999 is out of range 1..255 (section disabled)"]);
    assert.deepEqual(r.config?.core.instances.map((i) => i.name), ["lan"]);
    assert.deepEqual(Object.keys(r.config?.instances ?? {}), ["lan"]);
  });

  it("warns that a disabled sync group member is left out", () => {
    const text = uci(...instance("lan"), "config instance 'off'", "\toption enabled '0'", "config sync_group 'g'", "\tlist group 'lan'", "\tlist group 'off'");
    const r = check(text);
    assert.ok(findingAt(r, "/etc/config/vrrp:9: g.group: instance 'off' is disabled"));
    assert.deepEqual(r.config?.core.syncGroups, [{ name: "g", members: ["lan"] }]);
  });
});

describe("validate: whole files", () => {
  it("reports every error at once", () => {
    const text = uci(
      "config globals 'globals'", "\toption vrrp_version '4'",
      "config instance 'a'", "\toption interface 'lan'", "\toption virtual_router_id '0'", "\toption advert_int 'fast'", "\tlist virtual_ipaddress 'nonsense'",
      "config instance 'b'", "\toption interface 'lan'", "\toption virtual_router_id '7'", "\tlist virtual_ipaddress '192.0.2.1/24'", "\toption version '3'", "\toption auth_pass 'x'", "\tlist unicast_peer 'fd00::1'",
      "config track_script 's'", "\toption interval '2'",
      "config sync_group 'g'", "\tlist group 'nobody'",
    );
    const r = check(text);
    assert.deepEqual(errors(r).map((e) => e.slice(0, e.indexOf(": ", e.indexOf(": ") + 2))), [
      "/etc/config/vrrp:2: globals.vrrp_version",
      "/etc/config/vrrp:5: a.virtual_router_id",
      "/etc/config/vrrp:6: a.advert_int",
      "/etc/config/vrrp:7: a.virtual_ipaddress",
      "/etc/config/vrrp:13: b.auth_pass",
      "/etc/config/vrrp:14: b.unicast_peer",
      "/etc/config/vrrp:15: s.script",
      "/etc/config/vrrp:18: g.group",
    ]);
    assert.equal(r.config, undefined);
  });

  it("names anonymous sections stably and suggests naming them", () => {
    const r = check(uci("config instance", "\toption interface 'lan'", "\toption virtual_router_id '1'", "\tlist virtual_ipaddress '192.0.2.1/24'"));
    assert.deepEqual(warnings(r), ["/etc/config/vrrp:1: @instance[0]: anonymous instance section is called 'instance_1' in status and events; give it a name (config instance 'NAME') so references stay stable"]);
    assert.deepEqual(r.config?.core.instances.map((i) => i.name), ["instance_1"]);
  });

  it("refuses a second globals section", () => {
    const r = check(uci("config globals 'globals'", "config globals 'more'"));
    assert.deepEqual(errors(r), ["/etc/config/vrrp:2: more: a second globals section; only one is allowed (the first is at /etc/config/vrrp:1)"]);
  });

  it("turns parse errors into findings and reads the vrrp package of a directory", () => {
    const r = validateParsed(parseUci({ path: "/etc/config/vrrp", text: "config instance 'lan'\n\tbogus line\n" }));
    assert.ok(r.findings.some((f) => f.severity === "error" && f.line === 2 && f.section === ""));
    const dir = parseUciFiles([
      { path: "/etc/config/network", text: "config interface 'lan'\n" },
      { path: "/etc/config/vrrp", text: uci(...instance("lan")) },
    ]);
    assert.deepEqual(validateParsed(dir).config?.core.instances.map((i) => i.name), ["lan"]);
    assert.match(formatFinding(validateParsed(parseUciFiles([])).findings[0] ?? { severity: "error", file: "", line: 0, section: "", message: "" }), /no 'vrrp' configuration file/);
  });

  it("accepts a full two-router example with no finding, and both agree on everything but priority", () => {
    const router = (priority: number, peer: string, self: string) => uci(
      "config globals 'globals'", "\toption router_id 'gw'", "\toption startup_delay '3'",
      "config track_script 'internet'", "\toption script '/bin/ping -c 1 -W 1 192.0.2.254'", "\toption interval '2'", "\toption fall '2'",
      "config instance 'lan'", "\toption interface 'lan'", "\toption virtual_router_id '51'", `\toption priority '${priority}'`, "\toption version '3'",
      "\toption advert_int '0.5'", "\tlist virtual_ipaddress '192.168.1.1/24 dev br-lan label br-lan:vip'", `\tlist unicast_peer '${peer}'`, `\toption unicast_src_ip '${self}'`,
      "\tlist track_interface 'wan'", "\tlist track_script 'internet'", "\toption notify_master '/etc/vrrp/master.sh'",
      "config instance 'lan6'", "\toption interface 'lan'", "\toption virtual_router_id '51'", `\toption priority '${priority}'`,
      "\tlist virtual_ipaddress 'fe80::1/64'", "\tlist virtual_ipaddress 'fd00:1::1/64'", "\tlist virtual_routes 'default via fe80::fe'",
      "config sync_group 'gateway'", "\tlist group 'lan'", "\tlist group 'lan6'", "\toption notify '/etc/vrrp/notify.sh'",
    );
    const a = check(router(150, "192.168.1.3", "192.168.1.2"));
    const b = check(router(100, "192.168.1.2", "192.168.1.3"));
    assert.deepEqual(a.findings.map(formatFinding), []);
    assert.deepEqual(b.findings.map(formatFinding), []);
    const strip = (r: typeof a) => r.config?.core.instances.map(({ priority: _p, unicastPeers: _u, sourceAddress: _s, ...rest }) => rest);
    assert.deepEqual(strip(a), strip(b));
  });
});
