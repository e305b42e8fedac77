// Reads the parts of the feed's buildroot Makefiles the tests check: `NAME:=value` variables, `define ...
// endef` blocks, DEPENDS words and the $(INSTALL_*) lines of an install block. Not a make interpreter: the
// Makefiles are written in the plain style these patterns expect, and the tests fail if they stop matching.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const REPO = resolve(import.meta.dirname, "../..");

export const VRRPD_MAKEFILE = join(REPO, "openwrt-feed/net/vrrpd/Makefile");
export const LUCI_MAKEFILE = join(REPO, "openwrt-feed/luci/luci-app-vrrp/Makefile");

export const readMakefile = (path: string): string => readFileSync(path, "utf8");

/** The value of a top-level `NAME:=value` line, or undefined. */
export function variable(makefile: string, name: string): string | undefined {
  return new RegExp(`^${name}:=(.*)$`, "m").exec(makefile)?.[1]?.trim();
}

/** The body of `define NAME` ... `endef`, or undefined. */
export function block(makefile: string, name: string): string | undefined {
  const escaped = name.replace(/[/$()]/g, (c) => `\\${c}`);
  return new RegExp(`^define ${escaped}\\n([\\s\\S]*?)^endef$`, "m").exec(makefile)?.[1];
}

/** A field inside a define block (`  DEPENDS:=...`). */
export function field(body: string, name: string): string | undefined {
  return new RegExp(`^\\s*${name}:=(.*)$`, "m").exec(body)?.[1]?.trim();
}

/** The `@condition` words of a DEPENDS value, the architecture and feature restrictions. */
export const conditions = (depends: string): string[] => depends.split(/\s+/).filter((w) => w.startsWith("@")).sort();

export interface InstallLine {
  readonly mode: number;
  /** Source path as written, e.g. "$(PKG_BUILD_DIR)/files/etc/init.d/vrrpd". */
  readonly from: string;
  /** Installed path relative to the package root, with a leading "/". */
  readonly to: string;
}

const MODES: Record<string, number> = { INSTALL_BIN: 0o755, INSTALL_CONF: 0o600, INSTALL_DATA: 0o644 };

/** The $(INSTALL_BIN|CONF|DATA) FROM $(1)TO lines of an install block. */
export function installs(body: string): InstallLine[] {
  return [...body.matchAll(/\$\((INSTALL_BIN|INSTALL_CONF|INSTALL_DATA)\) (\S+) \$\(1\)(\S+)/g)].map((m) => ({ mode: MODES[m[1] ?? ""] ?? 0, from: m[2] ?? "", to: m[3] ?? "" }));
}

/** Replaces $(NAME) references by the given values (applied repeatedly, so values may refer to others). */
export function expand(text: string, values: Record<string, string>): string {
  let out = text;
  for (let i = 0; i < 5; i++) out = out.replace(/\$\(([A-Z_]+)\)/g, (all, name: string) => values[name] ?? all);
  return out;
}
