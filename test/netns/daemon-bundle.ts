// The daemon as it ships: one esbuild bundle run by plain node, without tsx. Tests whose bound is the daemon's
// start-up time (a restart that hands off must be master again within three advert intervals) run this, since
// tsx's on-the-fly compilation triples the start-up and is not what a router runs.
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE_PACKAGE_JSON, bundleDaemon } from "../../scripts/package/bundle.ts";
import { REPO_ROOT } from "./gateway-lab.ts";

let built: Promise<string> | undefined;

/** Path of the bundled daemon (built once per test process), with koffi reachable as the package installs it. */
export function daemonBundle(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "vrrpd-bundle-"));
    for (const f of await bundleDaemon(REPO_ROOT, "0.0.0-test")) writeFileSync(join(dir, f.name), f.data);
    writeFileSync(join(dir, "package.json"), BUNDLE_PACKAGE_JSON);
    symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"));
    return join(dir, "vrrpd.js");
  })();
  return built;
}
