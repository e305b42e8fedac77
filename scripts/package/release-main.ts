// npm run release: the source tarball for OpenWrt's buildroot (see release.ts), then PKG_HASH in the feed's
// Makefile set to its sha256, since the tarball changes with every commit. Upload the tarball as the
// release asset PKG_SOURCE_URL names, or copy it into an SDK's dl/ directory.
//   node --import tsx scripts/package/release-main.ts [--out DIR] [--cache DIR] [--no-makefile]
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultCacheDir } from "./koffi.ts";
import { FEED_MAKEFILE, buildRelease, withPkgHash } from "./release.ts";

const root = resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

try {
  const release = await buildRelease({ root, outDir: resolve(arg("--out") ?? "dist"), cacheDir: resolve(arg("--cache") ?? defaultCacheDir(root)) });
  console.log(`wrote ${release.path} (${(release.bytes / 1024).toFixed(1)} KiB, ${release.files.length} files)`);
  console.log(`sha256 ${release.sha256}`);
  if (release.dirty) console.warn(`warning: the tree has uncommitted changes; this tarball is not what commit ${release.commit.slice(0, 12)} gives`);
  if (!args.includes("--no-makefile")) {
    const path = join(root, FEED_MAKEFILE);
    const before = readFileSync(path, "utf8");
    const after = withPkgHash(before, release.sha256);
    writeFileSync(path, after);
    console.log(after === before ? `${FEED_MAKEFILE}: PKG_HASH already matches` : `${FEED_MAKEFILE}: PKG_HASH set to it`);
  }
} catch (error) {
  console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
