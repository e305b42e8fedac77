// npm run package: bundle the daemon and build the opkg packages into dist/.
//   node --import tsx scripts/package/main.ts [--out DIR] [--cache DIR] [--arch x86_64,aarch64_cortex-a53,...]
// Without --arch: x86_64 and aarch64_generic. Any aarch64_* name works (`opkg print-architecture` on the router).
import { resolve } from "node:path";
import { buildPackages } from "./build.ts";
import { ARCHES, archFor, defaultCacheDir, type Arch } from "./koffi.ts";

const root = resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const wanted = arg("--arch")?.split(",");
const arches = wanted === undefined ? ARCHES : wanted.map(archFor).filter((a): a is Arch => a !== undefined);
if (wanted !== undefined && arches.length !== wanted.length) {
  console.error("unknown --arch: use x86_64 or an aarch64_* name");
  process.exit(2);
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
try {
  const result = await buildPackages({ root, outDir: resolve(arg("--out") ?? "dist"), cacheDir: resolve(arg("--cache") ?? defaultCacheDir(root)), arches });
  console.log(`\nvrrpd ${result.version}\n  bundle vrrpd.js: ${kb(result.bundle.bytes)}`);
  for (const p of result.packages) console.log(`  ${p.file}: ${kb(p.bytes)} (installed ${kb(p.installedSize ?? 0)})`);
} catch (error) {
  console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
