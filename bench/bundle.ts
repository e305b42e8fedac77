// The benchmarks run vrrpd the way a router runs it: the minified bundle as packaged (vrrpd.js, and vrrpd-mail.js
// next to it, loaded when mail is configured), under node with the memory-saving flags of the OpenWrt wrapper,
// not through tsx.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildSync } from "esbuild";
import { BUNDLE_FILES, BUNDLE_PACKAGE_JSON, DAEMON_FILE, bundleOptions } from "../scripts/package/bundle.ts";
import { REPO_ROOT } from "../test/netns/gateway-lab.ts";
import { VERSION } from "../src/daemon/version.ts";

/** Node flags the router uses: keep in step with files/usr/sbin/vrrpd (a test checks). */
export const ROUTER_NODE_FLAGS = ["--max-semi-space-size=1", "--single-threaded", "--lite-mode", "--no-expose-wasm", "--no-flush-bytecode"] as const;

let bundled: string | undefined;

/** Path of vrrpd.js, built once per process. */
export function vrrpdBundle(): string {
  if (bundled) return bundled;
  // Inside the repo (tmp/ is git-ignored) so the external `koffi` import resolves from node_modules.
  mkdirSync(join(REPO_ROOT, "tmp"), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, "tmp", "bench-"));
  buildSync({ ...bundleOptions(REPO_ROOT, VERSION), outdir: dir });
  writeFileSync(join(dir, "package.json"), BUNDLE_PACKAGE_JSON);
  bundled = join(dir, DAEMON_FILE);
  return bundled;
}

export interface BundleSize {
  readonly file: string;
  readonly bytes: number;
  /** gzip -6, about what the .ipk's data.tar.gz spends on it. */
  readonly gzipBytes: number;
}

/** Sizes of the files vrrpdBundle() built. */
export function bundleSizes(): BundleSize[] {
  const dir = join(vrrpdBundle(), "..");
  return BUNDLE_FILES.map((file) => {
    const data = readFileSync(join(dir, file));
    return { file, bytes: data.length, gzipBytes: gzipSync(data, { level: 6 }).length };
  });
}
