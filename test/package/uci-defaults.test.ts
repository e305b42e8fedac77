// files/etc/uci-defaults/90_vrrpd-import-keepalived's behaviour: sourced under dash in a subshell from its
// directory, as default_postinst and the first boot run uci-defaults, in a throwaway root (openwrt-root.ts) with
// the daemon bundled as it ships as the importer and fixtures/uci.ts standing in for `uci`. It must offer the
// import without forcing it: always disabled, over /etc/config/vrrp only while that is the shipped example.
import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { after, before, beforeEach, describe, test } from "node:test";
import { parseUci } from "../../src/config/uci/parser.ts";
import { resolveUciAddress } from "../../src/config/uci/address.ts";
import { OpenwrtRoot, type Run } from "./openwrt-root.ts";

// OpenWrt's keepalived package's UCI: one instance, its address by reference, VRRPv2 password (a secret).
const KEEPALIVED = `config globals 'globals'
	option router_id 'gw-a'

config ipaddress
	option name 'vip_lan'
	option address '192.0.2.1/24'

config vrrp_instance
	option name 'lan'
	option interface 'br-lan'
	option virtual_router_id '51'
	option priority '150'
	option auth_type 'PASS'
	option auth_pass 'secret12'
	list virtual_ipaddress 'vip_lan'
`;
// keepalived refuses the instance: the import has errors (exit 1).
const KEEPALIVED_BAD = KEEPALIVED.replace("'51'", "'300'");
const REVIEW = "Review it, stop keepalived (/etc/init.d/keepalived disable; /etc/init.d/keepalived stop), then: uci set vrrp.globals.enabled=1; uci commit vrrp";

let root: OpenwrtRoot;
let example: string;
before(async () => {
  root = await OpenwrtRoot.create();
  example = root.read("usr/share/vrrpd/vrrp.example");
});
after(() => root.remove());
beforeEach(() => {
  for (const f of ["etc/config/vrrp", "etc/config/keepalived", "etc/vrrp.imported"]) rmSync(root.path(f), { force: true });
  root.installScript("usr/sbin/vrrpd");
});

/** Runs the script as uci-defaults scripts run; the package's conffiles are 0600 (INSTALL_CONF). */
function importOnce(files: { keepalived?: string; vrrp?: string } = {}): Run {
  if (files.keepalived !== undefined) root.write("etc/config/keepalived", files.keepalived, 0o600);
  if (files.vrrp !== undefined) root.write("etc/config/vrrp", files.vrrp, 0o600);
  const r = root.run(`( cd ${root.path("etc/uci-defaults")} && . ./90_vrrpd-import-keepalived )`);
  assert.equal(r.status, 0, `uci-defaults scripts exit 0 (then they are deleted and never run again): ${r.stderr}`);
  assert.deepEqual(readdirSync(root.path("tmp")), [], "its temporary directory is removed");
  return r;
}

const option = (text: string, address: string): string | undefined => {
  const o = resolveUciAddress([parseUci({ path: "vrrp", text }).package], address)?.option;
  return o?.kind === "option" ? o.value : undefined;
};

/** An imported file: the importer's report as comments, then a disabled config (without errors: one the daemon accepts). */
function assertImported(rel: string, errors: boolean): void {
  const text = root.strip(root.read(rel));
  assert.match(text, /^# \/etc\/config\/keepalived:\d+: /);
  assert.equal(option(text, "vrrp.@globals[0].enabled"), "0");
  assert.equal(statSync(root.path(rel)).mode & 0o777, 0o600, `${rel} holds auth_pass, as the 0600 keepalived config did`);
  if (errors) return;
  assert.equal(option(text, "vrrp.lan.auth_pass"), "secret12");
  const check = root.run(`${root.path("usr/sbin/vrrpd")} check-config -c ${root.path(rel)}`);
  assert.equal(check.status, 0, check.stdout);
}

describe("files/etc/uci-defaults/90_vrrpd-import-keepalived under dash, with uci and logger stand-ins", () => {
  test("nothing to offer: no keepalived config, one without vrrp_instance, or no vrrpd to import with", () => {
    assert.deepEqual(importOnce().records, []);
    assert.deepEqual(importOnce({ keepalived: "config globals 'globals'\n\toption router_id 'gw-a'\n" }).records, []);
    root.write("usr/sbin/vrrpd", root.read("usr/sbin/vrrpd"), 0o644);
    assert.deepEqual(importOnce({ keepalived: KEEPALIVED }).records, []);
    assert.ok(!existsSync(root.path("etc/config/vrrp")) && !existsSync(root.path("etc/vrrp.imported")));
  });

  test("over the shipped example: the import, disabled, becomes /etc/config/vrrp; /etc/vrrp.imported keeps it", () => {
    const r = importOnce({ keepalived: KEEPALIVED, vrrp: example });
    assertImported("etc/config/vrrp", false);
    assertImported("etc/vrrp.imported", false);
    assert.equal(root.read("etc/vrrp.imported"), root.read("etc/config/vrrp"));
    assert.deepEqual(r.records, [["logger", "vrrpd", "user.notice", `imported /etc/config/keepalived into /etc/config/vrrp (disabled). ${REVIEW}`]]);
    // Disabled means the init script starts nothing.
    const start = root.run(`. ${root.path("etc/init.d/vrrpd")}\nstart_service`);
    assert.deepEqual([start.status, start.records.filter((x) => x[0] !== "extra_command")], [0, []]);
  });

  test("no /etc/config/vrrp at all: the import becomes it", () => {
    importOnce({ keepalived: KEEPALIVED });
    assertImported("etc/config/vrrp", false);
  });

  test("a user-modified /etc/config/vrrp is never touched: the import goes to /etc/vrrp.imported only", () => {
    const mine = example.replace("option enabled '0'", "option enabled '1'");
    const r = importOnce({ keepalived: KEEPALIVED, vrrp: mine });
    assert.equal(root.read("etc/config/vrrp"), mine);
    assertImported("etc/vrrp.imported", false);
    assert.deepEqual(r.records, [["logger", "vrrpd", "user.notice", `imported /etc/config/keepalived into /etc/vrrp.imported. ${REVIEW}`]]);
  });

  test("an import with errors is kept for review only, even where the example could be replaced", () => {
    const r = importOnce({ keepalived: KEEPALIVED_BAD, vrrp: example });
    assert.equal(root.read("etc/config/vrrp"), example);
    assertImported("etc/vrrp.imported", true);
    assert.match(root.strip(root.read("etc/vrrp.imported")), /^# \/etc\/config\/keepalived:\d+: virtual_router_id: error: /m);
    assert.deepEqual(r.records, [
      ["logger", "vrrpd", "user.notice", `imported /etc/config/keepalived into /etc/vrrp.imported, with errors (see the comments at its top). ${REVIEW}`],
    ]);
  });

  test("once only: while /etc/vrrp.imported exists, nothing is imported again", () => {
    importOnce({ keepalived: KEEPALIVED });
    const first = root.read("etc/config/vrrp");
    root.write("etc/config/vrrp", example, 0o600);
    assert.deepEqual(importOnce({ keepalived: KEEPALIVED.replace("'150'", "'100'") }).records, []);
    assert.equal(root.read("etc/config/vrrp"), example);
    assert.equal(root.read("etc/vrrp.imported"), first);
  });

  test("the importer fails: its report goes to the log and nothing is written", () => {
    root.write("usr/sbin/vrrpd", "#!/bin/sh\necho 'vrrpd: cannot read /etc/config/keepalived' >&2\nexit 2\n", 0o755);
    const r = importOnce({ keepalived: KEEPALIVED, vrrp: example });
    assert.equal(root.read("etc/config/vrrp"), example);
    assert.ok(!existsSync(root.path("etc/vrrp.imported")));
    assert.deepEqual(r.records, [
      ["logger", "vrrpd", "user.notice", "import of /etc/config/keepalived failed; run: vrrpd import --from openwrt-keepalived /etc/config/keepalived"],
      ["logger", "vrrpd", "user.notice", "vrrpd: cannot read /etc/config/keepalived"],
    ]);
  });

  test("an import without a globals section gets one, disabled", () => {
    // A stand-in importer: the script must not rely on the importer writing globals.
    const output = "config instance 'lan'\n\toption interface 'lan'\n\toption virtual_router_id '51'\n\tlist virtual_ipaddress '192.0.2.1/24'\n";
    root.write("usr/sbin/vrrpd", `#!/bin/sh\nprintf '%s' "${output}"\necho '0 error(s)' >&2\n`, 0o755);
    importOnce({ keepalived: KEEPALIVED });
    const text = root.read("etc/config/vrrp");
    assert.equal(option(text, "vrrp.globals.enabled"), "0");
    assert.equal(option(text, "vrrp.lan.virtual_router_id"), "51");
  });
});
