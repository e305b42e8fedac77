// npm run package: bundle the daemon and build the opkg packages into dist/, then say what was written where.
//   node --import tsx scripts/package/main.ts [--out DIR] [--cache DIR] [--arch x86_64,aarch64_cortex-a53,...]
// Without --arch: every architecture of arches.ts. --arch also takes other aarch64_* names (a later release's
// CPU types); `opkg print-architecture` on the router says which name it wants.
import { resolve } from "node:path";
import { ARCHES, archFor, type Arch } from "./arches.ts";
import { buildPackages } from "./build.ts";
import { defaultCacheDir } from "./koffi.ts";

const root = resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const wanted = arg("--arch")?.split(",");
const arches = wanted === undefined ? ARCHES : wanted.map(archFor).filter((a): a is Arch => a !== undefined);
if (wanted !== undefined && arches.length !== wanted.length) {
  console.error(`unknown --arch: use x86_64 or an aarch64_* name (built by default: ${ARCHES.map((a) => a.opkg).join(", ")})`);
  process.exit(2);
}

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
try {
  const result = await buildPackages({ root, outDir: resolve(arg("--out") ?? "dist"), cacheDir: resolve(arg("--cache") ?? defaultCacheDir(root)), arches });
  const rows: [string, string, string][] = [
    [result.bundle.file, kib(result.bundle.bytes), "the daemon, bundled"],
    [result.mailModule.file, kib(result.mailModule.bytes), "its SMTP client, loaded only when mail is configured"],
    ...result.packages.map((p): [string, string, string] => [p.file, kib(p.bytes), `installed ${kib(p.installedSize ?? 0)}`]),
    ["sizes.json", "", "these numbers"],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`vrrpd ${result.version}: wrote ${rows.length} files to ${result.outDir}/`);
  for (const [file, size, note] of rows) console.log(`  ${file.padEnd(width)}  ${size.padStart(10)}  ${note}`);
  console.log("A router needs vrrpd_*_all.ipk, the vrrpd-koffi ipk of its architecture (`opkg print-architecture`) and, for LuCI, luci-app-vrrp.");
} catch (error) {
  console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
