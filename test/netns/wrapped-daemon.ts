// The daemon as procd and systemd start it: the real /usr/sbin/vrrpd wrapper (files/usr/sbin/vrrpd, also the
// Debian package's), which execs node on /usr/lib/vrrpd/vrrpd.js. The wrapper is installed with its absolute
// paths moved under a throw-away root whose usr/lib/vrrpd is the bundle's directory (daemon-bundle.ts).
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { underRoot } from "../package/openwrt-root.ts";
import { daemonBundle } from "./daemon-bundle.ts";
import { REPO_ROOT, type GatewayLab, type LabProcess, type RouterName } from "./gateway-lab.ts";

let installed: Promise<string> | undefined;

/** Path of the installed wrapper (once per test process). */
export function routerWrapper(): Promise<string> {
  installed ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), "vrrpd-root-"));
    for (const dir of ["usr/sbin", "usr/lib"]) mkdirSync(join(root, dir), { recursive: true });
    symlinkSync(dirname(await daemonBundle()), join(root, "usr/lib/vrrpd"));
    const wrapper = join(root, "usr/sbin/vrrpd");
    writeFileSync(wrapper, underRoot(readFileSync(join(REPO_ROOT, "files/usr/sbin/vrrpd"), "utf8"), root), { mode: 0o755 });
    return wrapper;
  })();
  return installed;
}

/**
 * `vrrpd run` in a router's namespace through the wrapper, as procd's respawn or systemd's Restart= runs it (with
 * the lab's control socket, so the run directory is the lab's). Returns the process and performance.now() just
 * before the spawn: the respawn's exec, as far as this process can tell.
 */
export async function spawnWrapped(gw: GatewayLab, router: RouterName, uci: string): Promise<{ proc: LabProcess; execAt: number }> {
  const wrapper = await routerWrapper();
  const file = gw.rewriteConfig(router, uci);
  const execAt = performance.now();
  const proc = gw.spawn(`vrrpd-${router}-wrapped`, gw.ns[router], [wrapper, "run", "-c", file, "--control-socket", gw.controlSocket(router)]);
  return { proc, execAt };
}
