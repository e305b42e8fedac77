// The benchmarks run vrrpd the way a router runs it: the single minified bundle (as packaged), under node with
// the memory-saving flags of the OpenWrt wrapper, not through tsx.
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { REPO_ROOT } from "../test/netns/gateway-lab.ts";

/** Node flags the router uses: keep in step with files/usr/sbin/vrrpd (a test checks). */
export const ROUTER_NODE_FLAGS = ["--max-semi-space-size=1", "--single-threaded", "--lite-mode", "--no-expose-wasm", "--no-flush-bytecode"] as const;

let bundled: string | undefined;

export function vrrpdBundle(): string {
  if (bundled) return bundled;
  // Inside the repo (tmp/ is git-ignored) so the external `koffi` import resolves from node_modules.
  mkdirSync(join(REPO_ROOT, "tmp"), { recursive: true });
  const out = join(mkdtempSync(join(REPO_ROOT, "tmp", "bench-")), "vrrpd.mjs");
  buildSync({
    entryPoints: [join(REPO_ROOT, "src/daemon/main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    external: ["koffi"],
    outfile: out,
  });
  bundled = out;
  return out;
}
