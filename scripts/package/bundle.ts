// The daemon as one minified ES module for /usr/lib/vrrpd/vrrpd.js. koffi stays external: it loads a native
// addon by path, which a bundle cannot carry, so it is installed next to the bundle in node_modules/.
import { build } from "esbuild";
import { join } from "node:path";

export const DAEMON_ENTRY = "src/daemon/main.ts";

/** `{"type": "module"}` next to the bundle, so node reads vrrpd.js as ESM. */
export const BUNDLE_PACKAGE_JSON = `${JSON.stringify({ name: "vrrpd", private: true, type: "module" }, null, 2)}\n`;

export async function bundleDaemon(root: string, version: string): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, DAEMON_ENTRY)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    external: ["koffi"],
    legalComments: "none",
    banner: { js: `// vrrpd ${version} (GPL-2.0-or-later). Bundled from src/ by scripts/package; the sources are the reference.` },
    write: false,
    logLevel: "silent",
  });
  const out = result.outputFiles[0];
  if (out === undefined) throw new Error("esbuild produced no output");
  return out.contents;
}
