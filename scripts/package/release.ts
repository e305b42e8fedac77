// The release source tarball the OpenWrt feed builds from (openwrt-feed/net/vrrpd/Makefile, PKG_SOURCE):
// dist/vrrpd-<version>.tar.gz with one top directory vrrpd-<version>/ (the buildroot unpacks it into
// $(BUILD_DIR) and expects $(PKG_NAME)-$(PKG_VERSION)), holding what the Makefile installs, already built:
//   dist/vrrpd.js, dist/package.json          the bundled daemon (bundle.ts)
//   files/...                                 the repository's files/ that the package installs
//   node_modules/koffi/...                    koffi's JS and LICENSE.txt (MIT)
//   node_modules/@koromix/koffi-linux-<cpu>/  package.json, index.js, musl_<cpu>/koffi.node for x64 and arm64
//   LICENSE (when the repository has one), RELEASE.txt
// So the SDK needs neither npm nor node. Packed like the packages (tar.ts, gzip.ts) with the same mtime, so
// the same tree gives the same bytes, and the sha256 printed here is what the Makefile's PKG_HASH must say.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KOFFI_CPUS, type Arch } from "./arches.ts";
import { BUNDLE_PACKAGE_JSON, bundleDaemon } from "./bundle.ts";
import { gzip } from "./gzip.ts";
import { koffiCore, koffiNative, koffiVersion } from "./koffi.ts";
import { VRRPD_FILES, daemonVersion, sourceDateEpoch } from "./layout.ts";
import { sortEntries, tar, withParents, type TarEntry } from "./tar.ts";

export const FEED_MAKEFILE = "openwrt-feed/net/vrrpd/Makefile";

export interface ReleaseOptions {
  readonly root: string;
  readonly outDir: string;
  readonly cacheDir: string;
  readonly log?: (line: string) => void;
}

export interface Release {
  readonly file: string;
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Files in the tarball, relative to its top directory. */
  readonly files: readonly string[];
  /** The commit it was made from, and whether the tree had changes beyond it. */
  readonly commit: string;
  readonly dirty: boolean;
}

const git = (root: string, ...args: string[]): string => spawnSync("git", args, { cwd: root, encoding: "utf8" }).stdout?.trim() ?? "";

export async function buildRelease(options: ReleaseOptions): Promise<Release> {
  const { root, outDir, cacheDir } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const version = daemonVersion(root);
  const top = `vrrpd-${version}`;
  const koffi = koffiVersion(root);
  const commit = git(root, "rev-parse", "HEAD") || "unknown";
  const dirty = git(root, "status", "--porcelain") !== "";

  const files: { path: string; mode: number; data: Uint8Array }[] = [];
  const add = (path: string, mode: number, data: Uint8Array): void => void files.push({ path, mode, data });

  for (const f of await bundleDaemon(root, version)) add(`dist/${f.name}`, 0o644, f.data);
  add("dist/package.json", 0o644, Buffer.from(BUNDLE_PACKAGE_JSON));
  // The repository's files/ as installed; /usr/share/vrrpd/vrrp.example is a second copy of files/etc/config/vrrp.
  for (const from of new Set(VRRPD_FILES.map((i) => i.from))) {
    const mode = VRRPD_FILES.find((i) => i.from === from)?.mode === 0o755 ? 0o755 : 0o644;
    add(from, mode, readFileSync(join(root, from)));
  }
  for (const f of koffiCore(root, koffi)) add(`node_modules/koffi/${f.path}`, f.mode, f.data);
  for (const cpu of Object.values(KOFFI_CPUS)) {
    const arch: Arch = { opkg: cpu.cpu, ...cpu };
    for (const f of koffiNative(root, cacheDir, arch, koffi, log)) add(`node_modules/@koromix/koffi-linux-${cpu.cpu}/${f.path}`, f.mode, f.data);
  }
  if (existsSync(join(root, "LICENSE"))) add("LICENSE", 0o644, readFileSync(join(root, "LICENSE")));
  add("RELEASE.txt", 0o644, Buffer.from(releaseNote(version, koffi, commit, dirty)));

  const entries: TarEntry[] = sortEntries(withParents(files.map((f) => ({ path: `${top}/${f.path}`, mode: f.mode, data: f.data }))));
  const tarball = gzip(tar(entries, sourceDateEpoch(root)));
  const file = `${top}.tar.gz`;
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, file);
  writeFileSync(path, tarball);
  const sha256 = createHash("sha256").update(tarball).digest("hex");
  return { file, path, bytes: tarball.length, sha256, files: files.map((f) => f.path).sort(), commit, dirty };
}

function releaseNote(version: string, koffi: string, commit: string, dirty: boolean): string {
  return [
    `vrrpd ${version}: the files openwrt-feed/net/vrrpd/Makefile installs, already built.`,
    `Made by \`npm run release\` from commit ${commit}${dirty ? " with uncommitted changes" : ""}.`,
    "dist/vrrpd.js is the daemon bundled from src/ by esbuild, dist/vrrpd-mail.js its SMTP client (loaded only when",
    "e-mail alerts are configured); the sources are in the repository.",
    `node_modules/ holds koffi ${koffi} (MIT, node_modules/koffi/LICENSE.txt) and its prebuilt musl addons from npm.`,
    "",
  ].join("\n");
}

/** The Makefile with PKG_HASH set to `sha256`; throws if it has no PKG_HASH line. */
export function withPkgHash(makefile: string, sha256: string): string {
  if (!/^PKG_HASH:=.*$/m.test(makefile)) throw new Error(`${FEED_MAKEFILE} has no PKG_HASH line`);
  return makefile.replace(/^PKG_HASH:=.*$/m, `PKG_HASH:=${sha256}`);
}
