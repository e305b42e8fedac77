// The buildroot rules the feed's Makefiles must follow so that an OpenWrt SDK or buildbot builds them: the
// daemon from the release tarball alone (no repository checkout, no npm, no network beyond PKG_SOURCE), the
// licences declared, the native addon's libraries declared for CheckDependencies, the LuCI app restricted
// like the daemon, and nothing that only the opkg package format honours (25.12 and snapshots build apk).
// Which files they install is compared with `npm run package` in packages.test.ts; the tarball's content in
// release.test.ts; the addon's NEEDED entries in native-deps.test.ts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { DEPENDS } from "../../scripts/package/build.ts";
import { RELEASE, VRRPD_CONFFILES } from "../../scripts/package/layout.ts";
import { VRRPD_PRERM_PKG } from "../../scripts/package/maintainer-scripts.ts";
import { VERSION } from "../../src/daemon/version.ts";
import { LUCI_MAKEFILE, VRRPD_MAKEFILE, block, conditions, field, installs, readMakefile, variable } from "./makefile.ts";

const mk = readMakefile(VRRPD_MAKEFILE);
const luci = readMakefile(LUCI_MAKEFILE);
/** The Makefile without its comment lines: what make reads. */
const code = (text: string): string => text.replace(/^#.*$/gm, "");
const body = (name: string): string => {
  const b = block(mk, name);
  assert.ok(b !== undefined, `define ${name}`);
  return b;
};

describe("net/vrrpd builds from the release tarball", () => {
  test("PKG_SOURCE is vrrpd-<version>.tar.gz at a release URL, with a sha256 PKG_HASH", () => {
    assert.equal(variable(mk, "PKG_SOURCE"), "$(PKG_NAME)-$(PKG_VERSION).tar.gz");
    assert.match(variable(mk, "PKG_SOURCE_URL") ?? "", /^https:\/\/\S+\/v\$\(PKG_VERSION\)\/$/);
    assert.match(variable(mk, "PKG_HASH") ?? "", /^[0-9a-f]{64}$/);
  });

  test("it reads nothing outside its build directory and runs no npm, node or download of its own", () => {
    for (const forbidden of ["$(CURDIR)", "../", "npm", "node_modules/.bin", "esbuild", "STAGING_DIR_HOSTPKG", "Download", "curl", "wget", "PKG_BUILD_DEPENDS"]) {
      assert.ok(!code(mk).includes(forbidden), `Makefile uses ${forbidden}`);
    }
    assert.equal(body("Build/Compile").trim(), "", "nothing to compile: the tarball holds the bundle");
    for (const name of ["Package/vrrpd/install", "Package/vrrpd-koffi/install"]) {
      const lines = installs(body(name));
      assert.ok(lines.length > 0, name);
      for (const l of lines) assert.ok(l.from.startsWith("$(PKG_BUILD_DIR)/"), `${name}: ${l.from}`);
    }
  });

  test("version, release, koffi version and conffiles agree with `npm run package`", () => {
    assert.equal(variable(mk, "PKG_VERSION"), VERSION);
    assert.equal(variable(mk, "PKG_RELEASE"), String(RELEASE));
    assert.equal(variable(mk, "KOFFI_VERSION"), JSON.parse(readFileSync("package.json", "utf8")).dependencies.koffi);
    assert.equal(body("Package/vrrpd/conffiles").trim(), VRRPD_CONFFILES.join("\n"));
  });
});

describe("licences", () => {
  test("the source is GPL-2.0-or-later and MIT (koffi), and names koffi's licence file", () => {
    // vrrpd's own licence and that of every runtime dependency the package carries (bundled or beside the bundle).
    const runtime = Object.keys((JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> }).dependencies);
    const licences = runtime.map((name) => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")) as { license: string }).license);
    assert.deepEqual((variable(mk, "PKG_LICENSE") ?? "").split(/\s+/).sort(), [...new Set(["GPL-2.0-or-later", ...licences])].sort());
    assert.ok((variable(mk, "PKG_LICENSE_FILES") ?? "").split(/\s+/).includes("node_modules/koffi/LICENSE.txt"));
    assert.equal(field(body("Package/vrrpd"), "LICENSE"), "GPL-2.0-or-later");
    assert.equal(field(body("Package/vrrpd-koffi"), "LICENSE"), "MIT");
    assert.equal(field(body("Package/vrrpd-koffi"), "LICENSE_FILES"), "node_modules/koffi/LICENSE.txt");
  });
});

describe("packages and dependencies", () => {
  test("vrrpd is architecture-independent; vrrpd-koffi is per architecture (no PKGARCH) and hidden", () => {
    assert.equal(field(body("Package/vrrpd"), "PKGARCH"), "all");
    assert.equal(field(body("Package/vrrpd-koffi"), "PKGARCH"), undefined);
    assert.equal(field(body("Package/vrrpd-koffi"), "HIDDEN"), "1");
    assert.match(mk, /^\$\(eval \$\(call BuildPackage,vrrpd\)\)$/m);
    assert.match(mk, /^\$\(eval \$\(call BuildPackage,vrrpd-koffi\)\)$/m);
  });

  test("DEPENDS: the control files npm run package writes list the same packages, libc first", () => {
    const names: Record<string, string> = { "+node": "node", "+vrrpd-koffi": "vrrpd-koffi", "+libstdcpp": "libstdcpp6", "+libgcc": "libgcc1" };
    for (const pkg of ["vrrpd", "vrrpd-koffi"] as const) {
      const deps = (field(body(`Package/${pkg}`), "DEPENDS") ?? "").split(/\s+/).filter((w) => w.startsWith("+"));
      assert.equal(DEPENDS[pkg], ["libc", ...deps.map((d) => names[d] ?? d)].join(", "), pkg);
    }
  });

  test("vrrpd-koffi needs libstdc++ and libgcc_s (the addon's NEEDED) and provides musl's Alpine name for the check", () => {
    const deps = field(body("Package/vrrpd-koffi"), "DEPENDS") ?? "";
    for (const d of ["+libstdcpp", "+libgcc"]) assert.ok(deps.split(/\s+/).includes(d), d);
    assert.equal(body("Package/vrrpd-koffi/extra_provides").trim(), "echo 'libc.musl-$(ARCH).so.1'");
  });

  test("the architecture condition is the CPUs with a koffi musl addon, on vrrpd, vrrpd-koffi and luci-app-vrrp alike", () => {
    const daemon = conditions(field(body("Package/vrrpd"), "DEPENDS") ?? "");
    assert.deepEqual(daemon, ["@(x86_64||aarch64)"]);
    assert.deepEqual(conditions(field(body("Package/vrrpd-koffi"), "DEPENDS") ?? ""), daemon);
    assert.deepEqual(conditions(variable(luci, "LUCI_DEPENDS") ?? ""), daemon);
    assert.deepEqual((variable(luci, "LUCI_DEPENDS") ?? "").split(/\s+/).filter((w) => w.startsWith("+")), ["+luci-base", "+vrrpd"]);
  });
});

describe("nothing opkg-only (OpenWrt 25.12 and snapshots make apk packages from the same Makefiles)", () => {
  test("no opkg tools or paths", () => {
    for (const m of [mk, luci]) {
      for (const word of ["opkg", "ipkg-build", "CONTROL/", "/usr/lib/opkg", ".ipk"]) assert.ok(!code(m).includes(word), word);
    }
  });

  test("maintainer scripts are the kinds apk builds run too, and use only IPKG_INSTROOT (which both set)", () => {
    // include/package-pack.mk on main: postinst -> post-install, prerm -> pre-deinstall, postrm -> post-deinstall.
    const scripts = [...mk.matchAll(/^define Package\/[\w-]+\/(\w+)$/gm)].map((m) => m[1] ?? "");
    for (const s of scripts) assert.ok(["install", "description", "conffiles", "extra_provides", "postinst", "prerm", "postrm"].includes(s), s);
    for (const s of ["postinst", "postrm"]) {
      const vars = [...body(`Package/vrrpd/${s}`).matchAll(/\$\$\{(\w+)\}/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(vars)], ["IPKG_INSTROOT"], s);
    }
    // prerm also reads opkg's PKG_UPGRADE; where a package manager does not set it (apk), an upgrade simply hands
    // over to the backup instead of handing off.
    const prermVars = [...body("Package/vrrpd/prerm").matchAll(/\$\$\{(\w+)\}/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(prermVars)], ["IPKG_INSTROOT", "PKG_UPGRADE"]);
  });

  test("the feed's prerm hook is the one `npm run package` ships (prerm-pkg)", () => {
    const line = body("Package/vrrpd/prerm").split("\n").filter((l) => l !== "" && !l.startsWith("#!")).join("\n");
    assert.equal(line.replaceAll("$$", "$"), VRRPD_PRERM_PKG.trim());
  });

  test("versions are valid apk versions (<digits>[.<digits>]-r<digits>)", () => {
    const apkVersion = /^\d+(\.\d+)*-r\d+$/;
    assert.match(`${variable(mk, "PKG_VERSION")}-r${variable(mk, "PKG_RELEASE")}`, apkVersion);
    assert.match(`${variable(mk, "KOFFI_VERSION")}-r${variable(mk, "PKG_RELEASE")}`, apkVersion);
    assert.equal(field(body("Package/vrrpd-koffi"), "VERSION"), "$(KOFFI_VERSION)-r$(PKG_RELEASE)");
  });
});
