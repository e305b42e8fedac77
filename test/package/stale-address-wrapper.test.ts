// What the wrappers (files/usr/sbin/vrrpd for OpenWrt and the .deb, files/linux/npm/vrrpd for npm) do before they
// exec node: after a crash, remove the addresses the daemon listed as held (src/daemon/held-address-record.ts), and
// nothing else. Run under dash (Debian's /bin/sh) with mawk, and under busybox sh and awk as on OpenWrt when busybox
// is installed; `ip` and `node` are stand-ins that log their arguments, so no root and no namespace is needed
// (test/netns/crash-respawn.test.ts runs the real thing).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { REPO, underRoot } from "./openwrt-root.ts";

const WRAPPERS = ["files/usr/sbin/vrrpd", "files/linux/npm/vrrpd"] as const;
const BUSYBOX = ["/usr/bin/busybox", "/bin/busybox"].find((path) => existsSync(path));
const SHELLS: readonly { name: string; argv: readonly string[]; awk?: string }[] = [
  { name: "dash", argv: ["dash"] },
  ...(BUSYBOX !== undefined ? [{ name: "busybox", argv: [BUSYBOX, "sh"], awk: BUSYBOX }] : []),
];
if (BUSYBOX === undefined) {
  // CI installs busybox (.ci/run): there, the OpenWrt shell must be tested, not skipped.
  if (process.env["CI"] === "true") throw new Error("busybox is not installed: under CI=true the wrappers must be checked as OpenWrt runs them");
  console.error("\n!!! busybox is not installed: the wrappers are checked under dash only, not as OpenWrt runs them. !!!\n");
}

const root = mkdtempSync(join(tmpdir(), "vrrpd-wrapper-"));
after(() => rmSync(root, { recursive: true, force: true }));
const log = join(root, "calls.log");
const socket = join(root, "run/control.sock");
const record = join(root, "run/control.held-addresses");
const config = join(root, "etc/vrrp");
for (const dir of ["bin", "run", "etc", "usr/sbin", "linux"]) mkdirSync(join(root, dir), { recursive: true });
// `ip addr del` fails for 198.51.100.9 as it does for an address that is no longer there; it succeeds otherwise.
writeFileSync(join(root, "bin/ip"), `#!/bin/sh\necho "ip $*" >> "${log}"\ncase "$*" in *198.51.100.9/*) exit 2 ;; esac\n`, { mode: 0o755 });
writeFileSync(join(root, "bin/node"), `#!/bin/sh\necho "node $*" >> "${log}"\n`, { mode: 0o755 });

const CONFIG = `config globals 'globals'
	option enabled '1'

config instance 'lan'
	option interface 'lan'
	list virtual_ipaddress '192.0.2.254/24'
	list virtual_ipaddress "2001:db8::fe/64 dev br-lan"
	list virtual_ipaddress_excluded 198.51.100.9

config instance 'off'
	list virtual_ipaddress '203.0.113.7/24'
	option enabled '0'
`;

interface Outcome {
  readonly calls: string[];
  readonly stderr: string;
  readonly recordLeft: boolean;
}

function run(wrapper: string, shell: (typeof SHELLS)[number], args: readonly string[], recordText?: string, files: Record<string, string> = {}): Outcome {
  const installed = join(root, wrapper.endsWith("npm/vrrpd") ? "linux/vrrpd" : "usr/sbin/vrrpd");
  writeFileSync(installed, underRoot(readFileSync(join(REPO, wrapper), "utf8"), root), { mode: 0o755 });
  writeFileSync(config, CONFIG);
  writeFileSync(log, "");
  rmSync(join(root, "run"), { recursive: true, force: true });
  mkdirSync(join(root, "run"));
  if (recordText !== undefined) writeFileSync(record, recordText);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  rmSync(join(root, "bin/awk"), { force: true });
  if (shell.awk !== undefined) writeFileSync(join(root, "bin/awk"), `#!/bin/sh\nexec ${shell.awk} awk "$@"\n`, { mode: 0o755 });
  const r = spawnSync(shell.argv[0] ?? "", [...shell.argv.slice(1), installed, ...args], { encoding: "utf8", env: { PATH: `${join(root, "bin")}:/usr/bin:/bin` }, timeout: 10_000 });
  assert.equal(r.status, 0, `${r.stderr}${r.error?.message ?? ""}`);
  const calls = readFileSync(log, "utf8").split("\n").filter((l) => l !== "");
  return { calls, stderr: r.stderr, recordLeft: existsSync(record) };
}

const RUN = ["run", "-c", config, "--control-socket", socket];
const header = `vrrpd-held-addresses/1 ${config}\n`;
const ipCalls = (o: Outcome): string[] => o.calls.filter((c) => c.startsWith("ip "));

for (const wrapper of WRAPPERS) {
  for (const shell of SHELLS) {
    describe(`${wrapper} under ${shell.name}`, () => {
      test("removes the listed addresses the configuration still has, then execs node with the same arguments", () => {
        const o = run(wrapper, shell, RUN, `${header}br-lan 192.0.2.254/24\nbr-lan 2001:db8::fe/64\nbr-lan 198.51.100.9/32\n`);
        assert.deepEqual(ipCalls(o), ["ip addr del 192.0.2.254/24 dev br-lan", "ip addr del 2001:db8::fe/64 dev br-lan", "ip addr del 198.51.100.9/32 dev br-lan"]);
        assert.match(o.calls.at(-1) ?? "", new RegExp(`^node .*vrrpd\\.js ${RUN.join(" ").replaceAll(".", "\\.")}$`));
        // Only what was actually removed is reported (198.51.100.9 was no longer there).
        assert.deepEqual(o.stderr.trim().split("\n"), [
          "warning: removed 192.0.2.254/24 from br-lan, left by a daemon that did not stop",
          "warning: removed 2001:db8::fe/64 from br-lan, left by a daemon that did not stop",
        ]);
        assert.ok(!o.recordLeft, "read once");
      });

      test("leaves an address no enabled instance of the configuration has now (reconfigured), and says so", () => {
        const o = run(wrapper, shell, RUN, `${header}br-lan 192.0.2.254/24\nbr-lan 192.0.2.99/24\neth1 203.0.113.7/24\n`);
        assert.deepEqual(ipCalls(o), ["ip addr del 192.0.2.254/24 dev br-lan"]);
        assert.match(o.stderr, /^warning: leaving 192\.0\.2\.99\/24 203\.0\.113\.7\/24 to the daemon: not a virtual_ipaddress of an enabled instance in /m);
      });

      test("removes nothing after a planned restart: its handoff.json says the next daemon resumes those addresses", () => {
        const o = run(wrapper, shell, RUN, `${header}br-lan 192.0.2.254/24\n`, { "run/control.handoff.json": "{}" });
        assert.deepEqual(ipCalls(o), []);
        assert.ok(o.recordLeft);
        assert.equal(o.stderr, "");
      });

      test("another daemon's hand-off in the same directory does not stop the clean-up after this one's crash", () => {
        const o = run(wrapper, shell, RUN, `${header}br-lan 192.0.2.254/24\n`, { "run/other.handoff.json": "{}" });
        assert.deepEqual(ipCalls(o), ["ip addr del 192.0.2.254/24 dev br-lan"]);
      });

      test("a missing record is the usual start: nothing to do, nothing said", () => {
        const o = run(wrapper, shell, RUN);
        assert.equal(o.calls.length, 1, o.calls.join("\n"));
        assert.ok(o.calls[0]?.startsWith("node ") && o.calls[0].endsWith(` ${RUN.join(" ")}`), o.calls[0]);
        assert.equal(o.stderr, "");
      });

      test("a corrupt record, or one of another configuration file, is ignored with a log line and dropped", () => {
        for (const [text, why] of [
          [`${header}br-lan 192.0.2.254/24\nbr-lan 192.0.2.254/24 extra\n`, /line 3 is corrupt/],
          [`${header}br-lan $(reboot)/24\n`, /line 2 is corrupt/],
          [`${header}-dev 192.0.2.254/24\n`, /line 2 is corrupt/],
          ["\u0000\u0001garbage", /not a record of/],
          [`vrrpd-held-addresses/1 /etc/other\nbr-lan 192.0.2.254/24\n`, /not a record of/],
        ] as const) {
          const o = run(wrapper, shell, RUN, text);
          assert.deepEqual(ipCalls(o), [], text);
          assert.match(o.stderr, why, text);
          assert.ok(!o.recordLeft, text);
          assert.match(o.calls.at(-1) ?? "", /^node /, "the daemon still starts");
        }
      });

      test("only `run` looks at the record (status, check-config and the rest leave it alone)", () => {
        const o = run(wrapper, shell, ["status", "--control-socket", socket], `${header}br-lan 192.0.2.254/24\n`);
        assert.deepEqual(ipCalls(o), []);
        assert.ok(o.recordLeft);
      });

      test("without -c: OpenWrt's /etc/config/vrrp when /etc/openwrt_release exists, else /etc/vrrpd/vrrp", () => {
        const openwrt = run(wrapper, shell, ["run", "--control-socket", socket], `vrrpd-held-addresses/1 ${root}/etc/config/vrrp\nbr-lan 192.0.2.254/24\n`, {
          "etc/openwrt_release": "DISTRIB_ID='OpenWrt'\n",
          "etc/config/vrrp": CONFIG,
        });
        assert.deepEqual(ipCalls(openwrt), ["ip addr del 192.0.2.254/24 dev br-lan"], openwrt.stderr);
        rmSync(join(root, "etc/openwrt_release"));
        const linux = run(wrapper, shell, ["run", "--control-socket", socket], `vrrpd-held-addresses/1 ${root}/etc/vrrpd/vrrp\neth0 192.0.2.254/24\n`, { "etc/vrrpd/vrrp": CONFIG });
        assert.deepEqual(ipCalls(linux), ["ip addr del 192.0.2.254/24 dev eth0"], linux.stderr);
      });
    });
  }
}

test("both wrappers carry the same remove_stale_addresses", () => {
  const body = (path: string): string => {
    const text = readFileSync(join(REPO, path), "utf8");
    const from = text.indexOf("remove_stale_addresses() {");
    const to = text.indexOf('\nremove_stale_addresses "$@"\n');
    assert.ok(from >= 0 && to > from, `${path}: no remove_stale_addresses`);
    return text.slice(from, to);
  };
  assert.equal(body(WRAPPERS[0]), body(WRAPPERS[1]));
});
