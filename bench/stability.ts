// Stability under CPU load: a master and a backup with short advert intervals (10 and 20 ms), while 0 to 4 busy
// loops compete for the machine's cores. A master that is starved long enough misses Master_Down_Interval and the
// backup takes over for nothing: the failure this benchmark looks for. Both daemons run in the same run on the same
// LAN, and the wire (tcpdump's kernel timestamps on the switch) is the judge, not either daemon's log:
//   - false takeovers: episodes of adverts from the backup (it only advertises while it believes it is master);
//   - the master's advert gaps: time between consecutive adverts of the master, p50 / p99 / max.
import { spawn, type ChildProcess } from "node:child_process";
import { GatewayLab, ROUTER_IPV4, VIP4, waitUntil, type LabProcess } from "../test/netns/gateway-lab.ts";
import { startDaemon, type DaemonKind, type InstanceSpec } from "./daemons.ts";

export interface StabilitySample {
  readonly daemon: DaemonKind;
  readonly label: string;
  readonly advertIntervalMs: number;
  readonly busyLoops: number;
  readonly durationMs: number;
  /** Times the backup started advertising (each one is a state change to Master and back). */
  readonly falseTakeovers: number;
  readonly masterAdverts: number;
  readonly gapP50Ms: number;
  readonly gapP99Ms: number;
  readonly gapMaxMs: number;
  /** The master's own log lines about late timers (vrrpd's lag warnings), to match with the gaps. */
  readonly masterLagLines: readonly string[];
  /** The longest gaps with the wall-clock time they started (tcpdump's clock), longest first. */
  readonly longestGaps: readonly { readonly atIso: string; readonly gapMs: number }[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ADVERT = /^(\d+\.\d+) IP (\S+) > \S+: VRRPv\d, Advertisement, vrid \d+, prio (\d+)/;

/** The q-quantile (0..1) of `values` by the nearest-rank method: a value that was actually observed. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

export interface WireAdvert {
  readonly atMs: number;
  readonly src: string;
  readonly priority: number;
}

export function wireAdverts(lines: readonly string[]): WireAdvert[] {
  return lines.flatMap((line) => {
    const m = ADVERT.exec(line);
    return m ? [{ atMs: Number(m[1]) * 1000, src: m[2] ?? "", priority: Number(m[3]) }] : [];
  });
}

/**
 * Episodes of the backup advertising: a new one starts at a backup advert more than `quietMs` after its previous
 * one. Each is one false takeover (Backup → Master, then back to Backup on hearing the higher priority).
 */
export function takeoverEpisodes(backupAdvertTimesMs: readonly number[], quietMs: number): number {
  let episodes = 0;
  let last = -Infinity;
  for (const at of backupAdvertTimesMs) {
    if (at - last > quietMs) episodes++;
    last = at;
  }
  return episodes;
}

/** Gaps between consecutive adverts, in ms. */
export function advertGapsMs(timesMs: readonly number[]): number[] {
  return timesMs.slice(1).map((at, i) => at - (timesMs[i] ?? at));
}

/** `count` shell busy loops at normal priority, on the host (CPU is shared with the namespaces anyway). */
function busyLoops(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" }));
}

function stopAll(children: readonly ChildProcess[]): void {
  for (const child of children) child.kill("SIGKILL"); // by pid; a no-op for one already gone
}

export interface StabilityRun {
  readonly daemon: DaemonKind;
  /** How the row is labelled (e.g. "vrrpd, vrrp_rt_priority 0"). */
  readonly label: string;
  /** Extra `config globals` options (vrrpd) or `global_defs` lines (keepalived). */
  readonly globals?: Readonly<Record<string, string>>;
}

export async function stabilityOnce(run: StabilityRun, advertIntervalMs: number, loops: number, durationMs: number): Promise<StabilitySample> {
  const lab = new GatewayLab();
  const children: ChildProcess[] = [];
  let capture: LabProcess | undefined;
  try {
    const instance = (priority: number): InstanceSpec[] => [{ vrid: 51, priority, version: 3, advertIntervalMs, vip: VIP4 }];
    const r1 = startDaemon(lab, run.daemon, "r1", instance(200), run.globals);
    startDaemon(lab, run.daemon, "r2", instance(100), run.globals);
    await waitUntil("r1 to be master", () => lab.holders(VIP4).join() === "r1", 20_000);
    await sleep(1000);
    capture = lab.spawn("tcpdump", lab.sw, ["tcpdump", "-i", "br0", "-n", "-tt", "-l", "ip proto 112"]);
    await sleep(300);
    children.push(...busyLoops(loops));
    await sleep(durationMs);
    stopAll(children);
    capture.kill("SIGINT");
    await Promise.race([capture.exited, sleep(2000)]);
    const adverts = wireAdverts(capture.lines);
    const master = adverts.filter((a) => a.src === ROUTER_IPV4.r1 && a.priority > 0).map((a) => a.atMs);
    const backup = adverts.filter((a) => a.src === ROUTER_IPV4.r2).map((a) => a.atMs);
    const gaps = advertGapsMs(master);
    return {
      daemon: run.daemon,
      label: run.label,
      advertIntervalMs,
      busyLoops: loops,
      durationMs,
      falseTakeovers: takeoverEpisodes(backup, 5 * advertIntervalMs),
      masterAdverts: master.length,
      gapP50Ms: quantile(gaps, 0.5),
      gapP99Ms: quantile(gaps, 0.99),
      gapMaxMs: gaps.length > 0 ? Math.max(...gaps) : NaN,
      masterLagLines: r1.process.lines.filter((l) => / late/.test(l)),
      longestGaps: gaps
        .map((gapMs, i) => ({ atIso: new Date(master[i] ?? 0).toISOString(), gapMs }))
        .sort((a, b) => b.gapMs - a.gapMs)
        .slice(0, 3),
    };
  } finally {
    stopAll(children);
    lab.cleanup();
  }
}

export const STABILITY_INTERVALS_MS: readonly number[] = [10, 20];
export const STABILITY_LOOPS: readonly number[] = [0, 1, 2, 3, 4];
