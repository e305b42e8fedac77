// `npm run package` into a temporary directory, each .ipk unpacked the way opkg does: shared by the tests
// that check the packages and the tests that compare them with the feed's Makefiles. The addon of the other
// CPU is fetched with npm (or taken from the cache); offline without a cache only this machine's CPU's
// packages are built (its addon is in node_modules), loudly, and in CI that is a failure.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ARCHES, type Arch } from "../../scripts/package/arches.ts";
import { buildPackages, type BuildResult } from "../../scripts/package/build.ts";
import { defaultCacheDir, koffiVersion } from "../../scripts/package/koffi.ts";
import { KOFFI_PACKAGE, RELEASE } from "../../scripts/package/layout.ts";
import { untar, type ReadEntry } from "../../scripts/package/tar.ts";
import { VERSION } from "../../src/daemon/version.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
export const PKG_VERSION = `${VERSION}-r${RELEASE}`;
export const KOFFI_PKG_VERSION = `${koffiVersion(ROOT)}-r${RELEASE}`;
export const DAEMON_IPK = `vrrpd_${PKG_VERSION}_all.ipk`;
export const LUCI_IPK = `luci-app-vrrp_${PKG_VERSION}_all.ipk`;
export const koffiIpk = (arch: Pick<Arch, "opkg">): string => `${KOFFI_PACKAGE}_${KOFFI_PKG_VERSION}_${arch.opkg}.ipk`;

export interface Unpacked {
  readonly outer: ReadEntry[];
  readonly control: Record<string, string>;
  readonly controlFiles: Map<string, ReadEntry>;
  readonly data: Map<string, ReadEntry>;
  readonly dataTarSize: number;
}

export function unpack(file: string): Unpacked {
  const outer = untar(readFileSync(file));
  const member = (name: string): Buffer => {
    const e = outer.find((x) => x.path === name);
    assert.ok(e, `${file} has ${name}`);
    return e.data;
  };
  const controlFiles = new Map(untar(member("./control.tar.gz")).map((e) => [e.path, e]));
  const fields: Record<string, string> = {};
  let last = "";
  for (const line of (controlFiles.get("./control")?.data.toString("utf8") ?? "").split("\n")) {
    const m = /^([\w-]+):\s*(.*)$/.exec(line);
    if (m) fields[(last = m[1] ?? "")] = m[2] ?? "";
    else if (line.startsWith(" ")) fields[last] += `\n${line.slice(1)}`;
  }
  const dataGz = member("./data.tar.gz");
  const data = new Map(untar(dataGz).map((e) => [e.path, e]));
  return { outer, control: fields, controlFiles, data, dataTarSize: dataGz.readUInt32LE(dataGz.length - 4) };
}

export interface Built {
  readonly out: string;
  readonly result: BuildResult;
  /** The architectures built: all of ARCHES, or those of this machine's CPU when the others could not be fetched. */
  readonly arches: readonly Arch[];
  /** Why only this machine's CPU was built, if it was. */
  readonly skipped: string | undefined;
  readonly pkgs: Map<string, Unpacked>;
  get(file: string): Unpacked;
  remove(): void;
}

export async function buildAndUnpack(): Promise<Built> {
  const out = mkdtempSync(join(tmpdir(), "vrrpd-package-"));
  const log = (): void => undefined;
  let result: BuildResult;
  let arches: readonly Arch[] = ARCHES;
  let skipped: string | undefined;
  try {
    result = await buildPackages({ root: ROOT, outDir: out, cacheDir: defaultCacheDir(ROOT), log });
  } catch (error) {
    skipped = error instanceof Error ? error.message : String(error);
    if (process.env["CI"] === "true") throw error;
    arches = ARCHES.filter((a) => a.cpu === process.arch);
    console.warn(`\n*** vrrpd-koffi built for ${arches.map((a) => a.opkg).join(", ") || "nothing"} only, the others NOT checked: ${skipped} ***\n`);
    result = await buildPackages({ root: ROOT, outDir: out, cacheDir: defaultCacheDir(ROOT), arches, log });
  }
  const pkgs = new Map(result.packages.map((p) => [p.file, unpack(join(out, p.file))]));
  return {
    out,
    result,
    arches,
    skipped,
    pkgs,
    get(file: string): Unpacked {
      const p = pkgs.get(file);
      assert.ok(p, `${file} was built`);
      return p;
    },
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}
