// The buildroot's dependency check, applied to every native addon the packages ship: each DT_NEEDED entry
// of each .node file must be provided by a package vrrpd-koffi depends on (musl's libc, libgcc, libstdcpp:
// fixtures/openwrt-24.10-libraries.json) or by the Makefile's extra_provides, and each extra_provides name
// must be one musl's own loader resolves to itself. OpenWrt has no glibc: nothing may need it.
// The addons are the ones `npm run package` packs (koffiNative, the same call build.ts makes); the
// aarch64 ones come from the npm cache, so offline without a cache they are skipped loudly (fail in CI).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { before, describe, test } from "node:test";
import { ARCHES, familyOf, type Arch } from "../../scripts/package/arches.ts";
import { readElf } from "../../scripts/package/elf.ts";
import { defaultCacheDir, koffiNative, koffiVersion, type PackageFile } from "../../scripts/package/koffi.ts";
import { VRRPD_MAKEFILE, block, expand, field, readMakefile } from "./makefile.ts";

const ROOT = resolve(import.meta.dirname, "../..");
interface Libraries {
  packages: Record<string, { opkg: string; provides: string[] }>;
  musl_reserved: string[];
}
const LIBS = JSON.parse(readFileSync(new URL("fixtures/openwrt-24.10-libraries.json", import.meta.url), "utf8")) as Libraries;
const mk = readMakefile(VRRPD_MAKEFILE);

/** libc (every package's implicit dependency) plus the +deps of Package/vrrpd-koffi, and what they provide. */
function provided(): Set<string> {
  const deps = (field(block(mk, "Package/vrrpd-koffi") ?? "", "DEPENDS") ?? "").split(/\s+/).filter((w) => w.startsWith("+")).map((w) => w.slice(1));
  const names = new Set<string>();
  for (const dep of ["libc", ...deps]) for (const so of LIBS.packages[dep]?.provides ?? []) names.add(so);
  return names;
}

/** What Package/vrrpd-koffi/extra_provides echoes for an architecture ($(ARCH) is OpenWrt's ARCH). */
function extraProvides(arch: Arch): string[] {
  const body = block(mk, "Package/vrrpd-koffi/extra_provides") ?? "";
  return [...expand(body, { ARCH: familyOf(arch.opkg) }).matchAll(/echo '([^']+)'/g)].map((m) => m[1] ?? "");
}

/** musl's load_library: "lib" + one of its reserved names + "." is musl itself. */
const muslResolvesToItself = (name: string): boolean => LIBS.musl_reserved.some((r) => name.startsWith(`lib${r}.`));

const shipped = new Map<string, PackageFile[]>();
let skipped: string | undefined;
before(() => {
  const tried = new Set<string>();
  for (const arch of ARCHES) {
    if (tried.has(arch.cpu)) continue;
    tried.add(arch.cpu);
    try {
      shipped.set(arch.cpu, koffiNative(ROOT, defaultCacheDir(ROOT), arch, koffiVersion(ROOT), () => undefined));
    } catch (error) {
      skipped = `${arch.cpu}: ${error instanceof Error ? error.message : String(error)}`;
      if (process.env["CI"] === "true") throw error;
      console.warn(`\n*** native addon for ${arch.cpu} NOT checked: ${skipped} ***\n`);
    }
  }
});

describe("what each shipped addon needs is provided on OpenWrt", () => {
  test("every .node's DT_NEEDED is in libc + libgcc + libstdcpp's provides or extra_provides", () => {
    const have = provided();
    assert.deepEqual([...have].sort(), ["libc.so", "libgcc_s.so.1", "libstdc++.so.6"]);
    let checked = 0;
    for (const arch of ARCHES) {
      const extra = extraProvides(arch);
      for (const f of (shipped.get(arch.cpu) ?? []).filter((x) => x.path.endsWith(".node"))) {
        const elf = readElf(f.data, f.path);
        const missing = elf.needed.filter((n) => /^lib.*\.so/.test(n) && !have.has(n) && !extra.includes(n));
        assert.deepEqual(missing, [], `${arch.opkg}: ${f.path} needs ${missing.join(", ")}`);
        assert.equal(elf.machine, arch.elfMachine, f.path);
        checked++;
      }
    }
    assert.ok(checked >= (skipped ? 1 : ARCHES.length), `${checked} addons checked`);
  });

  test("extra_provides names only what musl's loader maps onto itself (libc.musl-<arch>.so.1)", () => {
    for (const arch of ARCHES) {
      const extra = extraProvides(arch);
      assert.deepEqual(extra, [`libc.musl-${arch.musl}.so.1`], arch.opkg);
      for (const name of extra) assert.ok(muslResolvesToItself(name), name);
    }
  });

  test("no glibc: one addon per package, the musl build, needing no libc.so.6, libm.so.6 or ld-linux", () => {
    for (const [cpu, files] of shipped) {
      const addons = files.filter((x) => x.path.endsWith(".node"));
      assert.deepEqual(addons.map((a) => a.path), [`musl_${cpu}/koffi.node`]);
      for (const a of addons) for (const n of readElf(a.data).needed) assert.ok(!/^(libc\.so\.6|libm\.so\.6|ld-linux)/.test(n), `${a.path} needs ${n}`);
    }
  });
});
