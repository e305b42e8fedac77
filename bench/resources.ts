// Memory and CPU of vrrpd and keepalived running the same instances (1, 100, 255 at 1 s and 100 ms), a master
// and a backup on the namespace LAN, plus start-up time to Backup and to Master when alone.
import { readFileSync } from "node:fs";
import { GatewayLab, VIP4, waitUntil } from "../test/netns/gateway-lab.ts";
import { gatewayInstances, manyInstances, startDaemon, type DaemonKind, type RunningDaemon } from "./daemons.ts";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid: number): number {
  try {
    // Fields after the parenthesised command: state is 3rd, utime 14th, stime 15th (proc(5)).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function rssKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export interface ResourceSample {
  readonly daemon: DaemonKind;
  readonly instances: number;
  readonly advertIntervalMs: number;
  readonly role: "master" | "backup";
  readonly rssMiB: number;
  readonly cpuPercent: number;
}

async function measureDaemon(daemon: RunningDaemon, windowMs: number): Promise<{ rssMiB: number; cpuPercent: number }> {
  const pids = daemon.pids();
  const before = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const started = performance.now();
  await sleep(windowMs);
  const ticks = daemon.pids().reduce((sum, pid) => sum + cpuTicks(pid), 0) - before;
  const seconds = (performance.now() - started) / 1000;
  const rss = daemon.pids().reduce((sum, pid) => sum + rssKiB(pid), 0);
  return { rssMiB: rss / 1024, cpuPercent: (100 * ticks) / TICKS_PER_SECOND / seconds };
}

export async function resourcesOnce(kind: DaemonKind, count: number, advertIntervalMs: number, windowMs = 10_000): Promise<ResourceSample[]> {
  const lab = new GatewayLab();
  try {
    const master = startDaemon(lab, kind, "r1", manyInstances(count, 200, 3, advertIntervalMs));
    const backup = startDaemon(lab, kind, "r2", manyInstances(count, 100, 3, advertIntervalMs));
    const lastVip = manyInstances(count, 200, 3, advertIntervalMs).at(-1)?.vip ?? "";
    await waitUntil(`${count} instances to converge`, () => lab.addresses(lab.ns.r1).includes(lastVip), 60_000, 100);
    await sleep(2000); // past the start-up burst (GARP repeats, first adverts)
    const [m, b] = await Promise.all([measureDaemon(master, windowMs), measureDaemon(backup, windowMs)]);
    return [
      { daemon: kind, instances: count, advertIntervalMs, role: "master", ...m },
      { daemon: kind, instances: count, advertIntervalMs, role: "backup", ...b },
    ];
  } finally {
    lab.cleanup();
  }
}

export interface StartupSample {
  readonly daemon: DaemonKind;
  readonly toBackupMs: number;
  readonly toMasterAloneMs: number;
}

/** Time to Backup (a master is already there) and to Master when alone (includes the protocol's wait). */
export async function startupOnce(kind: DaemonKind, advertIntervalMs = 100): Promise<StartupSample> {
  const lab = new GatewayLab();
  try {
    const startedAlone = performance.now();
    startDaemon(lab, kind, "r1", gatewayInstances(200, 3, advertIntervalMs));
    await waitUntil("master alone", () => lab.holders(VIP4).includes("r1"), 20_000, 5);
    const toMasterAloneMs = performance.now() - startedAlone;
    const startedBackup = performance.now();
    const backup = startDaemon(lab, kind, "r2", gatewayInstances(100, 3, advertIntervalMs));
    const backupLine = kind === "vrrpd" ? /-> backup/ : /Entering BACKUP STATE/;
    await waitUntil("backup", () => backup.process.lines.some((l) => backupLine.test(l)), 20_000, 5);
    return { daemon: kind, toBackupMs: performance.now() - startedBackup, toMasterAloneMs };
  } finally {
    lab.cleanup();
  }
}
