// npm run deb: the Debian packages (amd64 and arm64) into dist/ with dpkg-deb.
//   node --import tsx scripts/package/deb-main.ts [--out DIR] [--cache DIR] [--arch amd64,arm64]
import { resolve } from "node:path";
import { buildDebs, DEB_ARCHES } from "./deb.ts";
import { defaultCacheDir } from "./koffi.ts";

const root = resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const wanted = arg("--arch")?.split(",") ?? DEB_ARCHES.map((a) => a.deb);
const arches = DEB_ARCHES.filter((a) => wanted.includes(a.deb));
if (arches.length !== wanted.length) {
  console.error(`unknown --arch: use ${DEB_ARCHES.map((a) => a.deb).join(" or ")}`);
  process.exit(2);
}
try {
  const outDir = resolve(arg("--out") ?? "dist");
  const files = await buildDebs({ root, outDir, cacheDir: resolve(arg("--cache") ?? defaultCacheDir(root)), arches });
  console.log(`wrote ${files.join(", ")} to ${outDir}/`);
} catch (error) {
  console.error(`deb: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
