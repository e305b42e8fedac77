// The feed's Makefiles install the same trees `npm run package` packs: every file of vrrpd_all.ipk and of
// each vrrpd-koffi ipk, at the same path with the same mode (INSTALL_BIN 0755, INSTALL_CONF 0600,
// INSTALL_DATA 0644), and nothing else. luci-app-vrrp uses luci.mk with the repository's luci-app/ linked in.
import assert from "node:assert/strict";
import { lstatSync, readlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { DAEMON_IPK, ROOT, buildAndUnpack, koffiIpk, type Built } from "./built.ts";
import { LUCI_MAKEFILE, VRRPD_MAKEFILE, block, expand, installs, readMakefile, variable } from "./makefile.ts";

const mk = readMakefile(VRRPD_MAKEFILE);

let built: Built;
before(async () => {
  built = await buildAndUnpack();
});
after(() => built.remove());

/** path -> mode of an install block, with the Makefile's variables for one CPU filled in. */
function installed(name: string, cpu: string): Map<string, number> {
  const values = { KOFFI_CPU: cpu, KOFFI_NATIVE: expand(variable(mk, "KOFFI_NATIVE") ?? "", { KOFFI_CPU: cpu }) };
  return new Map(installs(block(mk, name) ?? "").map((l) => [`.${expand(l.to, values)}`, l.mode]));
}

function files(file: string): Map<string, number> {
  return new Map([...built.get(file).data].filter(([, e]) => e.type === "file").map(([path, e]) => [path, e.mode]));
}

test("Package/vrrpd/install: every file of vrrpd_all.ipk, at the same path with the same mode", () => {
  const fromMakefile = installed("Package/vrrpd/install", "unused");
  const ipk = files(DAEMON_IPK);
  assert.deepEqual([...fromMakefile.keys()].sort(), [...ipk.keys()].sort());
  for (const [path, mode] of fromMakefile) assert.equal(mode, ipk.get(path), path);
});

test("Package/vrrpd-koffi/install: every file of each architecture's vrrpd-koffi ipk, at the same path with the same mode", () => {
  for (const arch of built.arches) {
    const fromMakefile = installed("Package/vrrpd-koffi/install", arch.cpu);
    const ipk = files(koffiIpk(arch));
    assert.deepEqual([...fromMakefile.keys()].sort(), [...ipk.keys()].sort(), arch.opkg);
    for (const [path, mode] of fromMakefile) assert.equal(mode, ipk.get(path), `${arch.opkg}: ${path}`);
  }
});

test("KOFFI_CPU maps OpenWrt's ARCH to node's process.arch: x86_64 -> x64, aarch64 -> arm64", () => {
  const rule = variable(mk, "KOFFI_CPU") ?? "";
  const apply = (arch: string): string => {
    let out = arch;
    for (const m of [...rule.matchAll(/\$\(subst (\w+),(\w+),/g)].reverse()) out = out.split(m[1] ?? "").join(m[2] ?? "");
    return out;
  };
  assert.equal(apply("x86_64"), "x64");
  assert.equal(apply("aarch64"), "arm64");
});

test("luci-app-vrrp: luci.mk, architecture all, the app's directories linked in", () => {
  const dir = join(ROOT, "openwrt-feed/luci/luci-app-vrrp");
  const luci = readMakefile(LUCI_MAKEFILE);
  assert.equal(variable(luci, "LUCI_PKGARCH"), "all");
  assert.match(luci, /^include \$\(TOPDIR\)\/feeds\/luci\/luci\.mk$/m);
  for (const d of ["htdocs", "root", "po"]) {
    assert.ok(lstatSync(join(dir, d)).isSymbolicLink(), d);
    assert.equal(resolve(dir, readlinkSync(join(dir, d))), join(ROOT, "luci-app", d));
  }
});
