// `vrrpd import`: argument handling, format detection, includes through the real file layout, output streams
// and exit codes. File access is an in-memory map.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runImport, type ImportIo } from "../../src/daemon/import-cli.ts";
import { parseUci } from "../../src/config/uci/parser.ts";

function io(files: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const value: ImportIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error("ENOENT: no such file");
      return text;
    },
    readDir: (dir) => Object.keys(files).filter((p) => p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes("/")).map((p) => p.slice(dir.length + 1)),
  };
  return { value, out: () => stdout, err: () => stderr };
}

const MAIN = "/etc/keepalived/keepalived.conf";
const INSTANCE = "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 90\n  virtual_ipaddress {\n    192.0.2.1/24\n  }\n}\n";

describe("vrrpd import", () => {
  it("prints the UCI on stdout and a summary on stderr; exit 0 without errors", () => {
    const t = io({ [MAIN]: INSTANCE });
    assert.equal(runImport([MAIN], t.value), 0);
    assert.deepEqual(parseUci({ path: "/etc/config/vrrp", text: t.out() }).errors, []);
    assert.match(t.out(), /config instance 'VI_1'/);
    assert.match(t.err(), /\(keepalived\): 1 instance\(s\), 0 track script\(s\), 0 sync group\(s\) imported; 0 error\(s\)/);
  });

  it("prints findings as file:line: keyword: message, marks errors, and exits 1 on errors", () => {
    const t = io({ [MAIN]: INSTANCE.replace("  priority 90\n", "  priority 90\n  use_vmac\n  track_bfd {\n    f\n  }\n") });
    assert.equal(runImport([MAIN], t.value), 1);
    assert.match(t.err(), /^\/etc\/keepalived\/keepalived\.conf:6: use_vmac: not imported: /m);
    assert.match(t.err(), /^\/etc\/keepalived\/keepalived\.conf:7: track_bfd: error: not imported: /m);
  });

  it("follows includes relative to the including file, wildcards through readDir", () => {
    const t = io({ [MAIN]: "include conf.d/*.conf\n", "/etc/keepalived/conf.d/a.conf": INSTANCE, "/etc/keepalived/conf.d/b.txt": "garbage {" });
    assert.equal(runImport([MAIN], t.value), 0);
    assert.match(t.out(), /config instance 'VI_1'/);
  });

  it("detects OpenWrt's UCI file, and --from overrides the detection", () => {
    const uci = "# keepalived\nconfig globals 'globals'\n\toption router_id 'gw'\n";
    const t = io({ "/etc/config/keepalived": uci });
    assert.equal(runImport(["/etc/config/keepalived"], t.value), 0);
    assert.match(t.out(), /option router_id 'gw'/);
    assert.match(t.err(), /\(openwrt-keepalived\)/);
    const forced = io({ "/etc/config/keepalived": uci });
    runImport(["--from=keepalived", "/etc/config/keepalived"], forced.value);
    assert.match(forced.err(), /\(keepalived\)/);
  });

  it("usage errors and unreadable files exit 2", () => {
    for (const argv of [[], ["a", "b"], ["--from", "vyos", MAIN], ["--bogus", MAIN], ["--config-id"]]) {
      const t = io({ [MAIN]: INSTANCE });
      assert.equal(runImport(argv, t.value), 2, argv.join(" "));
      assert.match(t.err(), /usage: vrrpd import/);
    }
    const t = io({});
    assert.equal(runImport(["/nope.conf"], t.value), 2);
    assert.match(t.err(), /cannot read \/nope\.conf/);
  });

  it("passes --config-id to `@id` lines", () => {
    const t = io({ [MAIN]: "global_defs {\n  @gw-b router_id b\n}\n" });
    assert.equal(runImport(["--config-id", "gw-b", MAIN], t.value), 0);
    assert.match(t.out(), /option router_id 'b'/);
  });
});
