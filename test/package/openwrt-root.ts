// A throwaway OpenWrt-like root for running the package's shell scripts under dash without OpenWrt and without
// touching the real /etc: the daemon bundled as it ships (/usr/lib/vrrpd/vrrpd.js behind the real
// /usr/sbin/vrrpd wrapper), the scripts with their absolute paths moved under the root, and the stand-ins of
// fixtures/ (openwrt-standin.sh for rc.common/procd/functions.sh, `uci` and `uci-to-shell` on PATH).
// Records and outputs come back with the root stripped, so assertions read as paths on the router.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { BUNDLE_PACKAGE_JSON, bundleDaemon } from "../../scripts/package/bundle.ts";
import { VERSION } from "../../src/daemon/version.ts";

export const REPO = resolve(import.meta.dirname, "../..");
const FIXTURES = join(import.meta.dirname, "fixtures");
export const STANDIN = join(FIXTURES, "openwrt-standin.sh");

/** Moves /etc, /usr, /var and /tmp paths of a script under root (only where a path starts: not `$tmp/vrrp`). */
export function underRoot(script: string, root: string): string {
  return script.replace(/(?<=^|[\s"'=<>(])\/(etc|usr|var|tmp)\//gm, `${root}/$1/`);
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The stand-in's records since the last run: [name, ...arguments]. */
  readonly records: string[][];
}

export class OpenwrtRoot {
  private constructor(readonly dir: string) {}

  static async create(): Promise<OpenwrtRoot> {
    const root = new OpenwrtRoot(mkdtempSync(join(tmpdir(), "vrrpd-openwrt-")));
    for (const d of ["etc/config", "etc/init.d", "etc/uci-defaults", "usr/sbin", "usr/lib/vrrpd", "usr/share/vrrpd", "var/run", "tmp", "bin"]) root.mkdir(d);
    for (const f of await bundleDaemon(REPO, VERSION)) root.write(`usr/lib/vrrpd/${f.name}`, f.data);
    root.write("usr/lib/vrrpd/package.json", BUNDLE_PACKAGE_JSON);
    // koffi (external to the bundle) is installed next to it on the router; here the repository's serves.
    symlinkSync(join(REPO, "node_modules"), root.path("usr/lib/vrrpd/node_modules"));
    root.installScript("usr/sbin/vrrpd");
    root.installScript("etc/init.d/vrrpd");
    root.installScript("etc/uci-defaults/90_vrrpd-import-keepalived");
    root.write("usr/share/vrrpd/vrrp.example", readFileSync(join(REPO, "files/etc/config/vrrp")));
    const tsx = import.meta.resolve("tsx");
    for (const tool of ["uci", "uci-to-shell"]) root.write(`bin/${tool}`, `#!/bin/sh\nexec node --import ${tsx} ${join(FIXTURES, `${tool}.ts`)} "$@"\n`, 0o755);
    return root;
  }

  path(rel: string): string {
    return join(this.dir, rel);
  }

  mkdir(rel: string): void {
    mkdirSync(this.path(rel), { recursive: true });
  }

  write(rel: string, data: string | Uint8Array, mode = 0o644): void {
    mkdirSync(dirname(this.path(rel)), { recursive: true });
    writeFileSync(this.path(rel), data, { mode });
    chmodSync(this.path(rel), mode); // writeFileSync's mode only applies to a new file
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), "utf8");
  }

  /** Installs files/<rel> with its paths moved under the root, executable as in the package. */
  installScript(rel: string): void {
    this.write(rel, underRoot(readFileSync(join(REPO, "files", rel), "utf8"), this.dir), 0o755);
  }

  /** The router's view of text from the root: its paths without the root's prefix. */
  strip(text: string): string {
    return text.replaceAll(this.dir, "");
  }

  /** Runs a dash script with the stand-in sourced first (as rc.common sources functions.sh). */
  run(script: string, env: Record<string, string> = {}): Run {
    const log = this.path("standin.log");
    writeFileSync(log, "");
    const r = spawnSync("dash", ["-c", `. ${STANDIN}\n${script}`], {
      encoding: "utf8",
      cwd: this.dir,
      env: {
        PATH: `${this.path("bin")}:${dirname(process.execPath)}:/usr/bin:/bin`,
        STANDIN_LOG: log,
        UCI_CONFIG_DIR: this.path("etc/config"),
        ...env,
      },
    });
    const records = this.strip(readFileSync(log, "utf8")).split("\n").filter((l) => l !== "").map((l) => l.split("\t"));
    return { status: r.status, stdout: this.strip(r.stdout), stderr: this.strip(r.stderr), records };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
