// `npm pack` / `npm publish` (prepack): the daemon bundle the npm package runs, at dist/npm/vrrpd.js (and
// dist/npm/vrrpd-mail.js, the SMTP client it loads when e-mail alerts are configured). The
// package's own package.json says "type": "module", so node reads it as ESM; koffi is a dependency, resolved
// from the package's node_modules like any import. Nothing else is built: the .ipk and .deb have their own runs.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DAEMON_FILE, bundleDaemon } from "./bundle.ts";
import { daemonVersion } from "./layout.ts";

export const NPM_BUNDLE = `dist/npm/${DAEMON_FILE}`;

const root = resolve(import.meta.dirname, "../..");
mkdirSync(join(root, "dist/npm"), { recursive: true });
for (const f of await bundleDaemon(root, daemonVersion(root))) {
  writeFileSync(join(root, "dist/npm", f.name), f.data);
  // stderr: `npm pack --json` prints its JSON on stdout, after this script ran.
  console.error(`wrote dist/npm/${f.name}`);
}
