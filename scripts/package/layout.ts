// What each package installs where, and with which mode: the one list both `npm run package` and the tests
// use, mirrored by the install steps of openwrt-feed/net/vrrpd/Makefile (a test compares them).
// Modes follow the buildroot's helpers: INSTALL_BIN 0755, INSTALL_DATA 0644, INSTALL_CONF 0600.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

export interface Install {
  /** Path in this repository. */
  readonly from: string;
  /** Installed path, relative to / (no leading slash). */
  readonly to: string;
  readonly mode: number;
}

/** PKG_RELEASE of every package; the opkg version is `<VERSION>-r<RELEASE>` as OpenWrt 24.10 writes it. */
export const RELEASE = 1;

export const DAEMON_DIR = "usr/lib/vrrpd";

/** The per-architecture package with koffi (its JS and the CPU's musl addon); vrrpd itself is arch "all". */
export const KOFFI_PACKAGE = "vrrpd-koffi";
/** koffi's JS: node resolves `import "koffi"` from vrrpd.js to here. */
export const KOFFI_DIR = `${DAEMON_DIR}/node_modules/koffi`;
/** Where koffi's JS looks for the addon package of the running CPU (`@koromix/koffi-linux-${process.arch}`). */
export const koffiNativeDir = (cpu: string): string => `${DAEMON_DIR}/node_modules/@koromix/koffi-linux-${cpu}`;

/** Static files of the vrrpd package (the bundle and koffi are added by the build). */
export const VRRPD_FILES: readonly Install[] = [
  { from: "files/etc/init.d/vrrpd", to: "etc/init.d/vrrpd", mode: 0o755 },
  { from: "files/usr/sbin/vrrpd", to: "usr/sbin/vrrpd", mode: 0o755 },
  { from: "files/etc/config/vrrp", to: "etc/config/vrrp", mode: 0o600 },
  // The pristine example, so the keepalived import can tell whether /etc/config/vrrp is still untouched.
  { from: "files/etc/config/vrrp", to: "usr/share/vrrpd/vrrp.example", mode: 0o644 },
  { from: "files/etc/vrrp.user", to: "etc/vrrp.user", mode: 0o600 },
  { from: "files/etc/hotplug.d/vrrp/00-logger.sample", to: "etc/hotplug.d/vrrp/00-logger.sample", mode: 0o644 },
  { from: "files/etc/uci-defaults/90_vrrpd-import-keepalived", to: "etc/uci-defaults/90_vrrpd-import-keepalived", mode: 0o755 },
  { from: "files/usr/share/rpcd/acl.d/vrrpd.json", to: "usr/share/rpcd/acl.d/vrrpd.json", mode: 0o644 },
];

export const VRRPD_CONFFILES: readonly string[] = ["/etc/config/vrrp", "/etc/vrrp.user"];

/** luci.mk's rule: htdocs/ goes to /www, root/ to /; modes as in the checkout (0755 only where executable). */
export function luciFiles(root: string): Install[] {
  const walk = (dir: string, to: string): Install[] =>
    readdirSync(join(root, dir)).sort().flatMap((name) => {
      const from = `${dir}/${name}`;
      const st = statSync(join(root, from));
      if (st.isDirectory()) return walk(from, `${to}/${name}`);
      return [{ from, to: `${to}/${name}`, mode: st.mode & 0o100 ? 0o755 : 0o644 }];
    });
  return [...walk("luci-app/htdocs", "www"), ...walk("luci-app/root", "")].map((i) => ({ ...i, to: i.to.replace(/^\//, "") }));
}

/** The daemon's version (src/daemon/version.ts, kept equal to package.json's by a test). */
export function daemonVersion(root: string): string {
  const m = /VERSION = "([^"]+)"/.exec(readFileSync(join(root, "src/daemon/version.ts"), "utf8"));
  if (m?.[1] === undefined) throw new Error("src/daemon/version.ts: no VERSION");
  return m[1];
}

/** SOURCE_DATE_EPOCH if set, else the last commit's time: the same tree packs to the same bytes. */
export function sourceDateEpoch(root: string): number {
  const env = process.env["SOURCE_DATE_EPOCH"];
  if (env !== undefined && /^\d+$/.test(env)) return Number(env);
  const git = spawnSync("git", ["log", "-1", "--format=%ct"], { cwd: root, encoding: "utf8" });
  const t = Number(git.stdout.trim());
  return git.status === 0 && Number.isSafeInteger(t) && t > 0 ? t : 0;
}
