// The unit's privilege settings, applied by hand: the daemon runs under `setpriv` with no_new_privs and the
// bounding set of files/linux/vrrpd.service, in a lab namespace. It must still win mastership (raw sockets,
// addresses) and run its notify script as script_user. The same without CAP_SETUID shows why the unit keeps it.
// systemd itself is not involved (it is not PID 1 here): ProtectSystem= and the rest are not exercised.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { cleanupAllLabs, REPO_ROOT, transitionLine, vrrpConfig, waitUntil, withLab, type GatewayLab } from "../netns/gateway-lab.ts";

after(() => cleanupAllLabs());

const unit = readFileSync(fileURLToPath(new URL("../../files/linux/vrrpd.service", import.meta.url)), "utf8");
/** CapabilityBoundingSet= of the unit, in setpriv's spelling (net_admin, ...). */
const unitCaps = (/^CapabilityBoundingSet=(.*)$/m.exec(unit)?.[1] ?? "").split(" ").map((c) => c.replace(/^CAP_/, "").toLowerCase());

/**
 * The script and its answer live where nobody can reach them: the lab's directory sits in the temp directory,
 * which may be root's alone (0700 /tmp on some machines). /var/tmp is world-traversable on Debian.
 */
function scriptDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync("/var/tmp/vrrpd-privileges-");
  chmodSync(dir, 0o777);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function startConfined(gw: GatewayLab, dir: string, caps: readonly string[]): { uidFile: string; proc: ReturnType<GatewayLab["spawn"]> } {
  const uidFile = join(dir, "uid");
  const script = join(dir, "master.sh");
  writeFileSync(script, `#!/bin/sh\nid -u > ${uidFile}\n`);
  chmodSync(script, 0o755);
  const uci = vrrpConfig({ priority: 200 })
    .replace("\toption enabled '1'", "\toption enabled '1'\n\toption script_user 'nobody'")
    .replace("\toption advert_int '0.1'", `\toption advert_int '0.1'\n\toption notify_master '${script}'`);
  const config = gw.rewriteConfig("r1", uci);
  const argv = [
    "setpriv", "--no-new-privs", "--inh-caps=-all", `--bounding-set=-all,${caps.map((c) => `+${c}`).join(",")}`, "--",
    process.execPath, "--import", "tsx", join(REPO_ROOT, "src/daemon/main.ts"), "run", "-c", config, "--control-socket", gw.controlSocket("r1"),
  ];
  return { uidFile, proc: gw.spawn("vrrpd-r1", gw.ns.r1, argv) };
}

function readable(path: string): boolean {
  try {
    return readFileSync(path, "utf8").trim() !== "";
  } catch {
    return false;
  }
}

test("with the unit's capabilities and no_new_privs the daemon becomes master and runs notify scripts as script_user", async (t) => {
  await withLab(t, async (gw) => {
    const { uidFile, proc } = startConfined(gw, scriptDir(t), unitCaps);
    await proc.waitForLine(transitionLine("master"), 15_000);
    await waitUntil("the notify script to write its uid", () => readable(uidFile), 10_000);
    assert.equal(readFileSync(uidFile, "utf8").trim(), "65534");
    // vrrp_rt_priority's default: the unit lets the daemon run real-time (CAP_SYS_NICE, no RestrictRealtime=).
    await proc.waitForLine(/real-time scheduling: SCHED_RR priority 10/, 10_000);
    assert.equal(/^policy\s*:\s*(\d+)/m.exec(readFileSync(`/proc/${proc.pid}/sched`, "utf8"))?.[1], "2", "the daemon runs SCHED_RR");
    proc.kill("SIGTERM");
    assert.equal(await proc.waitExit(10_000), 0);
  });
});

test("without CAP_SYS_NICE the daemon warns once and runs at normal priority", async (t) => {
  await withLab(t, async (gw) => {
    const { proc } = startConfined(gw, scriptDir(t), unitCaps.filter((c) => c !== "sys_nice"));
    await proc.waitForLine(transitionLine("master"), 15_000);
    await proc.waitForLine(/warning: cannot set vrrp_rt_priority 10 \(pthread_setschedparam: EPERM/, 10_000);
    assert.equal(/^policy\s*:\s*(\d+)/m.exec(readFileSync(`/proc/${proc.pid}/sched`, "utf8"))?.[1], "0");
    assert.ok(proc.isRunning);
    proc.kill("SIGTERM");
    assert.equal(await proc.waitExit(10_000), 0);
  });
});

test("without CAP_SETUID the notify script cannot run as script_user (why the unit keeps it)", async (t) => {
  await withLab(t, async (gw) => {
    const { uidFile, proc } = startConfined(gw, scriptDir(t), unitCaps.filter((c) => c !== "setuid"));
    await proc.waitForLine(transitionLine("master"), 15_000);
    const failed = await proc.waitForLine(/notify_master for MASTER failed: spawn EPERM/, 10_000);
    assert.ok(failed >= 0);
    assert.throws(() => readFileSync(uidFile), /ENOENT/, "the script did not run at all");
    assert.ok(proc.isRunning, "the daemon survives a script it cannot start");
    proc.kill("SIGTERM");
    await proc.waitExit(10_000);
  });
});
