// `npm pack` / `npm publish` (prepack): the daemon bundle the npm package runs, at dist/npm/vrrpd.js. The
// package's own package.json says "type": "module", so node reads it as ESM; koffi is a dependency, resolved
// from the package's node_modules like any import. Nothing else is built: the .ipk and .deb have their own runs.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleDaemon } from "./bundle.ts";
import { daemonVersion } from "./layout.ts";

export const NPM_BUNDLE = "dist/npm/vrrpd.js";

const root = resolve(import.meta.dirname, "../..");
const out = join(root, NPM_BUNDLE);
mkdirSync(join(root, "dist/npm"), { recursive: true });
writeFileSync(out, await bundleDaemon(root, daemonVersion(root)));
// stderr: `npm pack --json` prints its JSON on stdout, after this script ran.
console.error(`wrote ${NPM_BUNDLE}`);
