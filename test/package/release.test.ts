// `npm run release` makes the tarball the feed's Makefile builds from: one top directory
// vrrpd-<version>/ holding every file the Makefile's install steps read (for both CPUs), the licence
// files it declares, and nothing that needs building; packed reproducibly. The aarch64 addon comes from the
// npm cache: offline without it the test is skipped loudly (and fails in CI).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { KOFFI_CPUS } from "../../scripts/package/arches.ts";
import { defaultCacheDir } from "../../scripts/package/koffi.ts";
import { buildRelease, withPkgHash, type Release } from "../../scripts/package/release.ts";
import { untar, type ReadEntry } from "../../scripts/package/tar.ts";
import { VERSION } from "../../src/daemon/version.ts";
import { VRRPD_MAKEFILE, block, expand, installs, readMakefile, variable } from "./makefile.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const mk = readMakefile(VRRPD_MAKEFILE);
const TOP = `vrrpd-${VERSION}`;

let out: string;
let release: Release | undefined;
let skipped: string | undefined;
let entries: Map<string, ReadEntry>;

before(async () => {
  out = mkdtempSync(join(tmpdir(), "vrrpd-release-"));
  try {
    release = await buildRelease({ root: ROOT, outDir: out, cacheDir: defaultCacheDir(ROOT), log: () => undefined });
  } catch (error) {
    skipped = error instanceof Error ? error.message : String(error);
    if (process.env["CI"] === "true") throw error;
    console.warn(`\n*** release tarball NOT built and NOT checked: ${skipped} ***\n`);
    return;
  }
  entries = new Map(untar(readFileSync(release.path)).map((e) => [e.path, e]));
});
after(() => rmSync(out, { recursive: true, force: true }));

/** Offline without the npm cache the tarball cannot be made: say so instead of checking. */
const notBuilt = (t: { skip: (message: string) => void }): boolean => {
  if (skipped !== undefined) t.skip(`not built: ${skipped}`);
  return skipped !== undefined;
};

describe("the release tarball", () => {
  test("is vrrpd-<version>.tar.gz with the single top directory the buildroot unpacks into $(PKG_BUILD_DIR)", (t) => {
    if (notBuilt(t)) return;
    assert.equal(release?.file, expand(variable(mk, "PKG_SOURCE") ?? "", { PKG_NAME: "vrrpd", PKG_VERSION: VERSION }));
    for (const path of entries.keys()) assert.ok(path === `${TOP}/` || path.startsWith(`${TOP}/`), path);
    for (const e of entries.values()) assert.deepEqual([e.uid, e.gid], [0, 0], e.path);
  });

  test("holds every file the Makefile installs, for each CPU koffi has a musl addon for", (t) => {
    if (notBuilt(t)) return;
    for (const { cpu } of Object.values(KOFFI_CPUS)) {
      const values = { PKG_BUILD_DIR: TOP, KOFFI_CPU: cpu, KOFFI_NATIVE: expand(variable(mk, "KOFFI_NATIVE") ?? "", { KOFFI_CPU: cpu }) };
      for (const name of ["Package/vrrpd/install", "Package/vrrpd-koffi/install"]) {
        for (const line of installs(block(mk, name) ?? "")) {
          const path = expand(line.from, values);
          assert.equal(entries.get(path)?.type, "file", `${name}: ${path}`);
        }
      }
    }
  });

  test("holds the licence files PKG_LICENSE_FILES names, and the repository's LICENSE when there is one", (t) => {
    if (notBuilt(t)) return;
    for (const f of (variable(mk, "PKG_LICENSE_FILES") ?? "").split(/\s+/)) assert.equal(entries.get(`${TOP}/${f}`)?.type, "file", f);
    assert.match(entries.get(`${TOP}/node_modules/koffi/LICENSE.txt`)?.data.toString() ?? "", /MIT|Permission is hereby granted/);
    const repoLicense = (() => {
      try {
        return readFileSync(join(ROOT, "LICENSE"));
      } catch {
        return undefined;
      }
    })();
    if (repoLicense !== undefined) {
      assert.ok(entries.get(`${TOP}/LICENSE`)?.data.equals(repoLicense));
      assert.ok((variable(mk, "PKG_LICENSE_FILES") ?? "").split(/\s+/).includes("LICENSE"), "the Makefile lists LICENSE once the repository has one");
    }
  });

  test("ships only musl addons, and the bundle rather than sources to build", (t) => {
    if (notBuilt(t)) return;
    const addons = [...entries.keys()].filter((p) => p.endsWith(".node")).sort();
    assert.deepEqual(addons, Object.values(KOFFI_CPUS).map(({ cpu }) => `${TOP}/node_modules/@koromix/koffi-linux-${cpu}/musl_${cpu}/koffi.node`).sort());
    assert.ok([...entries.keys()].every((p) => !p.startsWith(`${TOP}/src/`) && !p.endsWith(".ts")));
    const head = entries.get(`${TOP}/dist/vrrpd.js`)?.data.subarray(0, 200).toString() ?? "";
    assert.ok(head.includes(`// vrrpd ${VERSION} `), `the bundle's banner: ${head}`);
  });

  test("the same tree packs to the same bytes, and the sha256 it reports is the file's", async (t) => {
    if (notBuilt(t)) return;
    assert.ok(release);
    assert.equal(createHash("sha256").update(readFileSync(release.path)).digest("hex"), release.sha256);
    const again = mkdtempSync(join(tmpdir(), "vrrpd-release-again-"));
    try {
      const second = await buildRelease({ root: ROOT, outDir: again, cacheDir: defaultCacheDir(ROOT), log: () => undefined });
      assert.equal(second.sha256, release.sha256);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});

test("withPkgHash sets PKG_HASH and nothing else, and refuses a Makefile without one", () => {
  const hash = "ab".repeat(32);
  const updated = withPkgHash(mk, hash);
  assert.equal(variable(updated, "PKG_HASH"), hash);
  assert.equal(updated.replace(/^PKG_HASH:=.*$/m, ""), mk.replace(/^PKG_HASH:=.*$/m, ""));
  assert.throws(() => withPkgHash("PKG_NAME:=x\n", hash), /no PKG_HASH/);
});
