// keepalived's track_file (and its deprecated vrrp_track_file) and vrrp_track_process blocks, and the instance's and
// sync group's track_file / track_process lists, imported as track_scripts of `type 'file'` and `type 'process'`.
// keepalived's rules (trackers/track_file.c, vrrp/vrrp_parser.c, keepalived.conf(5)): a track_file's weight
// defaults to 1, a track_process's to 0; an instance's `NAME weight N [reverse|noreverse]` overrides it (the block's
// direction stays unless reverse or noreverse is written); names live
// apart from vrrp_script names; delays and full_command have no vrrpd equivalent and are reported.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Finding } from "../../src/config/finding.ts";
import { importKeepalived } from "../../src/config/import/index.ts";
import { checkOutput } from "./import-helpers.ts";

const FILE = "/etc/keepalived/keepalived.conf";
const conf = (...lines: string[]): string => `${lines.join("\n")}\n`;
const instance = (name: string, vrid: number, ...body: string[]): string[] => [`vrrp_instance ${name} {`, "  interface eth0", `  virtual_router_id ${vrid}`, ...body, "  virtual_ipaddress {", `    192.0.2.${vrid}/24`, "  }", "}"];
const run = (text: string) => importKeepalived({ path: FILE, text });
const has = (findings: readonly Finding[], line: number, keyword: string, severity: Finding["severity"], words = ""): boolean =>
  findings.some((f) => f.line === line && f.section === keyword && f.severity === severity && f.message.includes(words));

describe("track_file import", () => {
  it("maps file, weight (default 1), reverse and init_file, and instance weight overrides", () => {
    const r = run(conf(
      "track_file weight_file {", "  file /run/vrrp/weight", "  init_file 5 overwrite", "}",
      "vrrp_track_file legacy {", "  file /run/vrrp/legacy", "  weight -3 reverse", "}",
      ...instance("a", 51, "  track_file {", "    weight_file", "    legacy weight 10 noreverse", "  }"),
    ));
    const { config } = checkOutput(r);
    assert.deepEqual(r.findings.filter((f) => f.severity === "error"), []);
    const own = config.trackScripts["weight_file"] ?? assert.fail("weight_file");
    assert.deepEqual([own.file, own.weight, own.reverse], [{ path: "/run/vrrp/weight", initValue: 5, initOverwrite: true }, 1, false]);
    const legacy = config.trackScripts["legacy"] ?? assert.fail("legacy");
    assert.deepEqual([legacy.file?.path, legacy.weight, legacy.reverse], ["/run/vrrp/legacy", -3, true]);
    assert.deepEqual(config.core.instances[0]?.tracks, [
      { id: "script:weight_file", weight: 1, reverse: false },
      { id: "script:legacy", weight: 10, reverse: false },
    ]);
    assert.match(r.uci, /option type 'file'\n\toption file '\/run\/vrrp\/weight'\n\toption init_file '5'\n\toption init_file_overwrite '1'/);
  });

  it("keeps track_file names apart from vrrp_script names, and reports an unknown one", () => {
    const r = run(conf(
      "vrrp_script chk {", "  script /bin/true", "  weight 7", "}",
      "track_file chk {", "  file /run/chk", "}",
      ...instance("a", 51, "  track_script {", "    chk", "  }", "  track_file {", "    chk", "    nosuch", "  }"),
    ));
    const { config } = checkOutput(r);
    assert.deepEqual(config.core.instances[0]?.tracks, [{ id: "script:chk", weight: 7, reverse: false }, { id: "script:chk_2", weight: 1, reverse: false }]);
    assert.equal(config.trackScripts["chk_2"]?.file?.path, "/run/chk");
    assert.ok(has(r.findings, 16, "track_script", "warning", "no track_file 'nosuch'"));
  });

  it("reports a file that is not an absolute path and drops a block without a file, as keepalived drops it", () => {
    const r = run(conf("track_file rel {", "  file weight.txt", "}", ...instance("a", 51, "  track_file {", "    rel", "  }")));
    assert.ok(has(r.findings, 2, "file", "error", "not an absolute path"));
    assert.ok(has(r.findings, 1, "track_file", "warning", "has no file"));
    assert.equal(checkOutput(r).config.core.instances[0]?.tracks.length, 0);
  });

  it("turns a weight of ±254 into ±253 and says where that differs", () => {
    const r = run(conf("track_file f {", "  file /run/f", "  weight -254", "}", ...instance("a", 51, "  track_file {", "    f weight 254", "  }")));
    const { config } = checkOutput(r);
    assert.equal(config.trackScripts["f"]?.weight, -253);
    assert.deepEqual(config.core.instances[0]?.tracks, [{ id: "script:f", weight: 253, reverse: false }]);
    assert.ok(has(r.findings, 3, "weight", "warning", "only for a value of ±1"));
    assert.ok(has(r.findings, 9, "track_file", "warning", "only for a value of ±1"));
  });

  it("puts a sync group's track_file into every member", () => {
    const r = run(conf(
      "track_file f {", "  file /run/f", "  weight 0", "}",
      ...instance("a", 51), ...instance("b", 52),
      "vrrp_sync_group g {", "  group {", "    a", "    b", "  }", "  track_file {", "    f", "  }", "}",
    ));
    const { config } = checkOutput(r);
    assert.deepEqual(config.core.instances.map((i) => i.tracks), [[{ id: "script:f", weight: 0, reverse: false }], [{ id: "script:f", weight: 0, reverse: false }]]);
  });
});

describe("vrrp_track_process import", () => {
  it("maps process, arguments, quorum, quorum_max and weight, and reports what vrrpd does not do", () => {
    const r = run(conf(
      "vrrp_track_process proxy {", "  process /usr/sbin/haproxy -f /etc/haproxy.cfg", "  param_match initial", "  quorum 2", "  quorum_max 4",
      "  weight -20 reverse", "  delay 2", "  terminate_delay 1", "  fork_delay 1", "  full_command", "}",
      ...instance("a", 51, "  track_process {", "    proxy", "  }"),
      ...instance("b", 52, "  track_process {", "    proxy weight 30", "  }"),
    ));
    const { config } = checkOutput(r);
    const proxy = config.trackScripts["proxy"] ?? assert.fail("proxy");
    assert.deepEqual([proxy.process, proxy.weight, proxy.reverse], [{ name: "haproxy", paramMatch: "-f /etc/haproxy.cfg", quorum: 2, quorumMax: 4 }, -20, true]);
    // keepalived (vrrp_track.c, the track_process entry): a weight without reverse|noreverse keeps the block's direction.
    assert.deepEqual(config.core.instances.map((i) => i.tracks), [[{ id: "script:proxy", weight: -20, reverse: true }], [{ id: "script:proxy", weight: 30, reverse: true }]]);
    assert.ok(has(r.findings, 2, "process", "warning", "argv[0] without its path"));
    assert.ok(has(r.findings, 2, "process", "warning", "param_match"));
    assert.ok(has(r.findings, 3, "param_match", "warning", "not imported"));
    for (const [line, keyword] of [[7, "delay"], [8, "terminate_delay"], [9, "fork_delay"], [10, "full_command"]] as const) {
      assert.ok(has(r.findings, line, keyword, "warning", "not imported"), keyword);
    }
  });

  it("keeps quorum_max 0 (up while none runs) and refuses a quorum_max under the quorum", () => {
    const none = checkOutput(run(conf("vrrp_track_process p {", "  process dnsmasq", "  quorum_max 0", "}", ...instance("a", 51, "  track_process {", "    p", "  }"))));
    assert.deepEqual(none.config.trackScripts["p"]?.process, { name: "dnsmasq", quorum: 0, quorumMax: 0 });
    const r = run(conf("vrrp_track_process p {", "  process dnsmasq", "  quorum 3", "  quorum_max 2", "}"));
    assert.ok(has(r.findings, 1, "vrrp_track_process", "error", "quorum_max 2 is less than quorum 3"));
    assert.deepEqual(checkOutput(r).config.trackScripts["p"]?.process, { name: "dnsmasq", quorum: 3 });
  });
});
