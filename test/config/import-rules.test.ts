// keepalived's rules the importer reproduces, one small keepalived.conf each: name sanitising, includes,
// advert_int rounding, priority and preempt rules, address-family rules, authentication, duplicates, sync-group
// weights. Each case states keepalived's behaviour it checks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Finding } from "../../src/config/finding.ts";
import { importKeepalived } from "../../src/config/import/index.ts";
import type { KeepalivedIncludeReader } from "../../src/config/keepalived/types.ts";
import { checkOutput, summarize } from "./import-helpers.ts";

const FILE = "/etc/keepalived/keepalived.conf";
const conf = (...lines: string[]): string => `${lines.join("\n")}\n`;
const instance = (name: string, ...body: string[]): string[] => [`vrrp_instance ${name} {`, "  interface eth0", "  virtual_router_id 51", ...body, "  virtual_ipaddress {", "    192.0.2.1/24", "  }", "}"];

function run(text: string, readInclude?: KeepalivedIncludeReader) {
  return importKeepalived({ path: FILE, text }, readInclude === undefined ? {} : { readInclude });
}

/** A finding at `line` about `keyword`, of `severity`, whose message contains `words`. */
function has(findings: readonly Finding[], line: number, keyword: string, severity: Finding["severity"], words = ""): boolean {
  return findings.some((f) => f.line === line && f.section === keyword && f.severity === severity && f.message.includes(words));
}

describe("keepalived's rules in the import", () => {
  it("makes names valid for UCI, one namespace for every section type, and maps references", () => {
    const r = run(conf(
      "vrrp_script http {", "  script /bin/true", "}",
      ...instance("http", "  track_script {", "    http", "  }"),
      ...instance("vi-1").map((l) => l.replace("51", "52")),
      "vrrp_sync_group g {", "  group {", "    http", "    vi-1", "  }", "}",
    ));
    const { config } = checkOutput(r);
    assert.deepEqual(Object.keys(summarize(config)), ["http_2", "vi_1"]);
    assert.deepEqual(config.syncGroups["g"]?.members, ["http_2", "vi_1"]);
    assert.deepEqual(config.core.instances[0]?.tracks, [{ id: "script:http", weight: 0, reverse: false }]);
    assert.ok(has(r.findings, 4, "vrrp_instance", "warning", "written as 'http_2'"));
    assert.ok(has(r.findings, 14, "vrrp_instance", "warning", "written as 'vi_1'"));
  });

  it("reads includes through the injected reader and reports at the included file's lines", () => {
    const reader: KeepalivedIncludeReader = (pattern) =>
      pattern === "conf.d/*.conf" ? [{ path: "/etc/keepalived/conf.d/lan.conf", text: conf(...instance("lan", "  use_vmac")) }] : [];
    const r = run(conf("global_defs {", "  router_id a", "}", "include conf.d/*.conf"), reader);
    assert.deepEqual(Object.keys(summarize(checkOutput(r).config)), ["lan"]);
    assert.ok(r.findings.some((f) => f.file === "/etc/keepalived/conf.d/lan.conf" && f.line === 4 && f.section === "use_vmac"));
    assert.ok(run(conf("include other.conf")).findings.some((f) => f.severity === "error"), "no reader: the include is an error");
  });

  it("rounds advert_int as keepalived does for the version", () => {
    const r = run(conf(...instance("a", "  advert_int 1.5"), ...instance("b", "  version 3", "  advert_int 0.015").map((l) => l.replace("51", "52")), ...instance("c", "  version 3", "  advert_int 50").map((l) => l.replace("51", "53"))));
    const s = summarize(checkOutput(r).config);
    assert.deepEqual([s["a"]?.advertMs, s["b"]?.advertMs, s["c"]?.advertMs], [2000, 20, 40_950]);
    assert.ok(has(r.findings, 4, "advert_int", "warning", "keepalived uses 2 s"));
  });

  it("priority: 255 for state MASTER without one, 100 for a bad one; nopreempt never for the owner", () => {
    const r = run(conf(...instance("a", "  state MASTER", "  nopreempt"), ...instance("b", "  priority 300").map((l) => l.replace("51", "52"))));
    const s = summarize(checkOutput(r).config);
    assert.deepEqual([s["a"]?.priority, s["a"]?.preempt, s["b"]?.priority], [255, true, 100]);
    assert.ok(has(r.findings, 4, "state", "warning", "priority '255'"));
    assert.ok(has(r.findings, 13, "priority", "error", "keepalived uses 100"));
  });

  it("address families: the first address decides; VRRPv2 over IPv6 cannot be imported as such", () => {
    const r = run(conf(
      "vrrp_instance a {", "  interface eth0", "  virtual_router_id 51", "  virtual_ipaddress {", "    192.0.2.1/24", "    2001:db8::1/64", "    2001:db8::2/64 brd ::1", "  }", "}",
      "vrrp_instance b {", "  interface eth0", "  virtual_router_id 52", "  version 2", "  virtual_ipaddress {", "    fe80::1/64", "  }", "}",
    ));
    const s = summarize(checkOutput(r).config);
    assert.deepEqual([s["a"]?.vips, s["b"]?.version], [["192.0.2.1/24"], 3]);
    assert.ok(has(r.findings, 6, "virtual_ipaddress", "error", "keepalived ignores it"));
    assert.ok(has(r.findings, 7, "virtual_ipaddress", "error", "broadcast"));
    assert.ok(has(r.findings, 13, "version", "error", "VRRPv2 over IPv6"));
  });

  it("authentication: AH is not imported, a block without password or an auth_pass alone means none", () => {
    const r = run(conf(
      ...instance("a", "  authentication {", "    auth_type AH", "    auth_pass x", "  }"),
      ...instance("b", "  authentication {", "    auth_pass x", "  }").map((l) => l.replace("51", "52")),
    ));
    const s = summarize(checkOutput(r).config);
    assert.deepEqual([s["a"]?.auth, s["b"]?.auth], [null, null]);
    assert.ok(has(r.findings, 5, "auth_type", "error", "not imported"));
    assert.ok(has(r.findings, 16, "auth_pass", "warning", "no auth_type"));
  });

  it("keeps the first notify script and the first block of a name, and flags typos", () => {
    const r = run(conf(...instance("a", "  notify_master /bin/one", "  notify_master /bin/two", "  priorty 120", "  state master"), ...instance("a")));
    const s = summarize(checkOutput(r).config);
    assert.deepEqual([s["a"]?.notify.master, s["a"]?.priority, s["a"]?.state], ["/bin/one", 100, "backup"]);
    assert.ok(has(r.findings, 5, "notify_master", "warning", "keeps the first"));
    assert.ok(has(r.findings, 6, "priorty", "warning", "did you mean 'priority'"));
    assert.ok(has(r.findings, 7, "state", "warning", "BACKUP"));
    assert.ok(has(r.findings, 12, "vrrp_instance", "warning", "already defined"));
  });

  it("keeps vrrpd's make-before-break handover, says so only where a script runs on stepping down, and makes strict mode strict", () => {
    const r = run(conf(
      ...instance("a", "  notify_backup /etc/keepalived/backup.sh"),
      ...instance("b", "  notify_master /etc/keepalived/master.sh").map((l) => l.replace("51", "52")),
      ...instance("c", "  strict_mode on", "  notify /etc/keepalived/any.sh").map((l) => l.replace("51", "53")),
      ...instance("d", "  notify_stop /etc/keepalived/stop.sh", "  notify /etc/keepalived/any.sh").map((l) => l.replace("51", "54")),
    ));
    const { config } = checkOutput(r);
    assert.deepEqual(config.core.instances.map((c) => [c.name, c.handover]), [["a", "make-before-break"], ["b", "make-before-break"], ["c", "strict"], ["d", "make-before-break"]]);
    const handoverNotes = r.findings.filter((f) => f.message.includes("make-before-break")).map((f) => [f.line, f.section, f.severity]);
    // One note per instance, at its first script that runs on stepping down; none for notify_master or strict mode.
    assert.deepEqual(handoverNotes, [[4, "notify_backup", "warning"], [29, "notify_stop", "warning"]]);
    assert.ok(has(r.findings, 20, "strict_mode", "warning", "handover 'strict'"));
  });

  it("track entries as keepalived's alloc_track_if / alloc_track_script read them", () => {
    const r = run(conf(
      "vrrp_script rev {", "  script /bin/rev", "  weight -20 reverse", "}",
      ...instance("a", "  track_interface {", "    eth1 weight 300", "    eth2 up", "    eth3 weight 254", "  }", "  track_script {", "    rev weight 10", "  }"),
      ...instance("b", "  track_script {", "    rev weight 10 noreverse", "  }").map((l) => l.replace("51", "52")),
    ));
    const s = summarize(checkOutput(r).config);
    // A bad weight tracks the interface unweighted; an unknown word drops the entry; ±254 is ±253. A script entry
    // with its own weight keeps the script's direction unless it says noreverse.
    assert.deepEqual(s["a"]?.tracks, ["interface:eth1 0", "interface:eth3 253", "script:rev 10 reverse"]);
    assert.deepEqual(s["b"]?.tracks, ["script:rev 10"]);
    assert.ok(has(r.findings, 9, "track_interface", "error", "weight 0"));
    assert.ok(has(r.findings, 10, "track_interface", "error", "ignores this entry"));
  });

  it("sync-group weights: the group's apply to every member, the members' own are dropped", () => {
    const r = run(conf(
      "vrrp_script s {", "  script /bin/s", "}",
      "vrrp_script own {", "  script /bin/own", "  weight 10", "}",
      ...instance("a", "  track_script {", "    own", "  }", "  track_interface {", "    eth1 weight -5", "  }"),
      ...instance("b").map((l) => l.replace("51", "52")),
      "vrrp_sync_group g {", "  group {", "    a", "    b", "  }", "  track_script {", "    s weight -20", "  }", "}",
    ));
    const { config } = checkOutput(r);
    const s = summarize(config);
    assert.deepEqual([s["a"]?.tracks, s["b"]?.tracks], [["interface:eth1 0", "script:s -20"], ["script:s -20"]]);
    assert.equal(config.syncGroups["g"]?.trackingWeight, true);
  });

  it("applies `@id` lines for the given config id", () => {
    const text = conf("global_defs {", "  @gw-a router_id a", "  @gw-b router_id b", "}");
    assert.equal(checkOutput(importKeepalived({ path: FILE, text }, { configId: "gw-b" })).config.globals.routerId, "b");
  });

  it("reports parse errors and an instance without interface or VRID", () => {
    const r = run(conf("vrrp_instance a {", "  virtual_ipaddress {", "    192.0.2.1/24", "  }", "}", "}"));
    assert.ok(has(r.findings, 6, "", "error"));
    assert.ok(has(r.findings, 1, "interface", "error"));
    assert.ok(has(r.findings, 1, "virtual_router_id", "error"));
  });
});
