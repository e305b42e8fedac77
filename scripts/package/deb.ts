// The Debian package: vrrpd_<version>-<release>_<amd64|arm64>.deb, built with dpkg-deb from a staged tree.
// The same bundle and wrapper as the OpenWrt package (/usr/lib/vrrpd/vrrpd.js, /usr/sbin/vrrpd), koffi with
// the glibc addon of that CPU (Debian is glibc; the .ipk carries musl's), the systemd unit, vrrpd(8) and a
// disabled /etc/vrrpd/vrrp. One package per architecture: only the addon differs.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BUNDLE_PACKAGE_JSON, bundleDaemon } from "./bundle.ts";
import { DEB_POSTINST, DEB_POSTRM, DEB_PRERM } from "./deb-scripts.ts";
import { renderManPage } from "./deb-manpage.ts";
import { readElf } from "./elf.ts";
import { koffiCore, koffiVersion, nativePackageFiles, type PackageFile } from "./koffi.ts";
import { DAEMON_DIR, KOFFI_DIR, daemonVersion, koffiNativeDir, sourceDateEpoch } from "./layout.ts";

export interface DebArch {
  /** dpkg's architecture name. */
  readonly deb: "amd64" | "arm64";
  readonly cpu: "x64" | "arm64";
  readonly elfMachine: number;
}

export const DEB_ARCHES: readonly DebArch[] = [
  { deb: "amd64", cpu: "x64", elfMachine: 62 },
  { deb: "arm64", cpu: "arm64", elfMachine: 183 },
];

/** Debian revision of the packaging (the part after the dash). */
export const DEB_REVISION = 1;
export const DEB_UNIT_PATH = "lib/systemd/system/vrrpd.service";
export const DEB_CONFIG = "/etc/vrrpd/vrrp";
/**
 * Debian 12 ships node 18, which the daemon does not support (engines: >=20): the dependency says so, and
 * docs/linux-servers.md says where a 20 comes from (Debian 13's nodejs, NodeSource's nodejs 20.x).
 */
export const NODE_DEPENDS = "nodejs (>= 20)";

/** The Debian package of each library the glibc addon may need (DT_NEEDED); anything else stops the build. */
const LIBRARY_PACKAGES: Readonly<Record<string, string>> = {
  "libc.so.6": "libc6",
  "libm.so.6": "libc6",
  "ld-linux-x86-64.so.2": "libc6",
  "ld-linux-aarch64.so.1": "libc6",
  "libstdc++.so.6": "libstdc++6",
  "libgcc_s.so.1": "libgcc-s1",
};

/** The newest GLIBC_x.y symbol version the file names (its .dynstr), as dpkg-shlibdeps would require. */
export function newestGlibcVersion(data: Uint8Array): string | undefined {
  const versions = [...Buffer.from(data).toString("latin1").matchAll(/GLIBC_(\d+)\.(\d+)(?:\.(\d+))?\0/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] as const);
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const v = versions.at(-1);
  return v === undefined ? undefined : `${v[0]}.${v[1]}${v[2] === 0 ? "" : `.${v[2]}`}`;
}

/** Depends for an addon: node, then its libraries' packages (libc6 at the newest symbol version it uses). */
export function debDepends(addon: Uint8Array, what: string): string {
  const packages = new Set<string>();
  for (const lib of readElf(Buffer.from(addon), what).needed) {
    const pkg = LIBRARY_PACKAGES[lib];
    if (pkg === undefined) throw new Error(`${what} needs ${lib}, which no known Debian package provides`);
    packages.add(pkg);
  }
  const glibc = newestGlibcVersion(addon);
  return [NODE_DEPENDS, ...[...packages].sort().map((p) => (p === "libc6" && glibc !== undefined ? `libc6 (>= ${glibc})` : p))].join(", ");
}

/** Where koffi looks for the glibc build inside @koromix/koffi-linux-<cpu>. */
export const glibcAddonPath = (arch: Pick<DebArch, "cpu">): string => `linux_${arch.cpu}/koffi.node`;

/** A 64-bit little-endian shared object for the CPU that links glibc (libc.so.6) and no musl. */
export function checkGlibcAddon(data: Buffer, arch: DebArch, what: string): void {
  const elf = readElf(data, what);
  if (elf.bits !== 64 || !elf.littleEndian || elf.type !== 3) throw new Error(`${what} is not a 64-bit little-endian shared object`);
  if (elf.machine !== arch.elfMachine) throw new Error(`${what} is for ELF machine ${elf.machine}, not ${arch.elfMachine}`);
  if (!elf.needed.includes("libc.so.6")) throw new Error(`${what} does not link glibc (needs ${elf.needed.join(", ")})`);
  if (elf.needed.some((n) => n.startsWith("libc.musl"))) throw new Error(`${what} links musl`);
}

interface Staged {
  readonly path: string;
  readonly mode: number;
  readonly data: Uint8Array;
}

function gzip9(data: Uint8Array): Uint8Array {
  const run = spawnSync("gzip", ["-9n"], { input: data, maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`gzip -9n failed: ${run.error?.message ?? run.stderr.toString()}`);
  return run.stdout;
}

const utcDate = (epochS: number): string => new Date(epochS * 1000).toISOString().slice(0, 10);
const rfc2822 = (epochS: number): string => new Date(epochS * 1000).toUTCString().replace("GMT", "+0000");

// The project publishes no mail address; .invalid (RFC 2606) says so rather than inventing one (a lintian override explains).
const MAINTAINER = "vrrpd developers <vrrpd@maintainers.invalid>";

function copyright(): string {
  return `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: vrrpd
Source: https://github.com/vrrpd/vrrpd

Files: *
Copyright: 2026 vrrpd developers
License: GPL-2.0-or-later
 On Debian systems, the full text of the GNU General Public License version 2 can be found in
 /usr/share/common-licenses/GPL-2.

Files: usr/lib/vrrpd/node_modules/*
Copyright: Niels Martignène <niels.martignene@protonmail.com> (koffi)
License: Expat
 The full text is usr/lib/vrrpd/node_modules/koffi/LICENSE.txt.
`;
}

function changelog(version: string, epochS: number): string {
  return `vrrpd (${version}) unstable; urgency=medium

  * Built from the vrrpd source tree by scripts/package/deb.ts.

 -- ${MAINTAINER}  ${rfc2822(epochS)}
`;
}

/** What lintian reports on purpose, each with its reason (test/linux/deb.test.ts runs lintian on the result). */
export const LINTIAN_OVERRIDES = `# The configuration may hold VRRP authentication passwords; OpenWrt installs it 0600 too.
vrrpd: non-standard-file-perm 0600 != 0644 [etc/vrrpd/vrrp]
# The bundle keeps main.ts's "#!" line, but it is run by /usr/sbin/vrrpd with node's flags, never directly.
vrrpd: script-not-executable [usr/lib/vrrpd/vrrpd.js]
# Built from the project's tree, not uploaded to Debian: there is no ITP bug to close.
vrrpd: initial-upload-closes-no-bugs [usr/share/doc/vrrpd/changelog.Debian.gz:1]
`;

export interface DebBuildOptions {
  readonly root: string;
  readonly outDir: string;
  readonly cacheDir: string;
  readonly arches?: readonly DebArch[];
  readonly log?: (line: string) => void;
}

/** Builds one .deb per architecture into outDir; returns their file names. */
export async function buildDebs(options: DebBuildOptions): Promise<string[]> {
  const { root, outDir } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const upstream = daemonVersion(root);
  const version = `${upstream}-${DEB_REVISION}`;
  const epoch = sourceDateEpoch(root);
  const bundle = await bundleDaemon(root, upstream);
  const koffi = koffiVersion(root);
  const read = (path: string): Buffer => readFileSync(join(root, path));
  const common: Staged[] = [
    { path: "usr/sbin/vrrpd", mode: 0o755, data: read("files/usr/sbin/vrrpd") },
    ...bundle.map((f) => ({ path: `${DAEMON_DIR}/${f.name}`, mode: 0o644, data: f.data })),
    { path: `${DAEMON_DIR}/package.json`, mode: 0o644, data: Buffer.from(BUNDLE_PACKAGE_JSON) },
    ...koffiCore(root, koffi).map((f: PackageFile) => ({ path: `${KOFFI_DIR}/${f.path}`, mode: 0o644, data: f.data })),
    { path: DEB_UNIT_PATH, mode: 0o644, data: read("files/linux/vrrpd.service") },
    // 0600: a configuration may hold authentication passwords.
    { path: DEB_CONFIG.slice(1), mode: 0o600, data: read("files/linux/vrrp") },
    { path: "usr/share/man/man8/vrrpd.8.gz", mode: 0o644, data: gzip9(Buffer.from(renderManPage(upstream, utcDate(epoch)))) },
    { path: "usr/share/doc/vrrpd/copyright", mode: 0o644, data: Buffer.from(copyright()) },
    { path: "usr/share/lintian/overrides/vrrpd", mode: 0o644, data: Buffer.from(LINTIAN_OVERRIDES) },
    { path: "usr/share/doc/vrrpd/changelog.Debian.gz", mode: 0o644, data: gzip9(Buffer.from(changelog(version, epoch))) },
  ];
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const arch of options.arches ?? DEB_ARCHES) {
    const native = nativePackageFiles(root, options.cacheDir, arch, koffi, log).filter((f) => ["package.json", "index.js", glibcAddonPath(arch)].includes(f.path));
    const addon = native.find((f) => f.path === glibcAddonPath(arch));
    if (addon === undefined || native.length !== 3) throw new Error(`@koromix/koffi-linux-${arch.cpu}@${koffi} lacks ${glibcAddonPath(arch)}, package.json or index.js`);
    checkGlibcAddon(addon.data, arch, `@koromix/koffi-linux-${arch.cpu}/${addon.path}`);
    const files = [...common, ...native.map((f) => ({ path: `${koffiNativeDir(arch.cpu)}/${f.path}`, mode: 0o644, data: f.data }))];
    const stage = mkdtempSync(join(tmpdir(), "vrrpd-deb-"));
    try {
      for (const f of files) {
        const path = join(stage, f.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.data);
        chmodSync(path, f.mode);
      }
      const installedKiB = Math.ceil(files.reduce((n, f) => n + f.data.length, 0) / 1024);
      mkdirSync(join(stage, "DEBIAN"));
      writeFileSync(join(stage, "DEBIAN/control"), control(version, arch, installedKiB, debDepends(addon.data, addon.path)));
      writeFileSync(join(stage, "DEBIAN/conffiles"), `${DEB_CONFIG}\n`);
      for (const [name, text] of [["postinst", DEB_POSTINST], ["prerm", DEB_PRERM], ["postrm", DEB_POSTRM]] as const) {
        writeFileSync(join(stage, "DEBIAN", name), text);
        chmodSync(join(stage, "DEBIAN", name), 0o755);
      }
      const dirs = spawnSync("find", [stage, "-type", "d", "-exec", "chmod", "0755", "{}", "+"]);
      if (dirs.status !== 0) throw new Error("chmod of the staged directories failed");
      const touch = spawnSync("find", [stage, "-exec", "touch", "-h", "-d", `@${epoch}`, "{}", "+"]);
      if (touch.status !== 0) utimesSync(stage, epoch, epoch);
      const file = `vrrpd_${version}_${arch.deb}.deb`;
      const build = spawnSync("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", stage, join(outDir, file)], {
        encoding: "utf8",
        env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
      });
      if (build.status !== 0) throw new Error(`dpkg-deb failed: ${build.error?.message ?? build.stderr.trim()}`);
      written.push(file);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }
  return written;
}

function control(version: string, arch: DebArch, installedKiB: number, depends: string): string {
  return `Package: vrrpd
Version: ${version}
Architecture: ${arch.deb}
Maintainer: ${MAINTAINER}
Installed-Size: ${installedKiB}
Depends: ${depends}
Section: net
Priority: optional
Homepage: https://github.com/vrrpd/vrrpd
Description: VRRP failover daemon (v2/v3, IPv4/IPv6), in Node.js
 vrrpd moves virtual addresses between servers or routers with VRRP. It reads
 /etc/vrrpd/vrrp (UCI syntax, keepalived's option names; vrrpd import translates
 a keepalived.conf), runs as a systemd Type=notify service and is controlled
 with vrrpd status, switchover, set-priority and reload.
`;
}
