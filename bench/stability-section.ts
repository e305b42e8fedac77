// The stability table of docs/performance.md: for each advert interval and number of busy loops, the three setups
// run back to back (interleaved, so a disturbance of the machine does not land on one of them only).
import { cpus, release } from "node:os";
import { STABILITY_INTERVALS_MS, STABILITY_LOOPS, stabilityOnce, type StabilityRun, type StabilitySample } from "./stability.ts";

const VRRPD: StabilityRun = { daemon: "vrrpd", label: "vrrpd (default: vrrp_rt_priority 10)" };
const VRRPD_NORMAL: StabilityRun = { daemon: "vrrpd", label: "vrrpd, vrrp_rt_priority 0", globals: { vrrp_rt_priority: "0" } };
const KEEPALIVED: StabilityRun = { daemon: "keepalived", label: "keepalived (default: no real-time)" };
const KEEPALIVED_RT: StabilityRun = { daemon: "keepalived", label: "keepalived, vrrp_rt_priority 10", globals: { vrrp_rt_priority: "10" } };
/**
 * The other scheduling of each daemon only under the heaviest load: it shows what real-time buys (and that both
 * daemons meet the same kernel), without doubling the run time.
 */
const runsFor = (loops: number): readonly StabilityRun[] =>
  loops === Math.max(...STABILITY_LOOPS) ? [VRRPD, VRRPD_NORMAL, KEEPALIVED, KEEPALIVED_RT] : [VRRPD, KEEPALIVED];

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : "—");

export interface StabilityFilter {
  /** Only these advert intervals / numbers of busy loops (all when empty). */
  readonly intervalsMs: readonly number[];
  readonly loops: readonly number[];
}

export async function stabilitySection(emit: (line?: string) => void, durationMs: number, filter: StabilityFilter = { intervalsMs: [], loops: [] }): Promise<StabilitySample[]> {
  emit(`\n### Stability under CPU load (v3, a master at priority 200 and a backup at 100, ${durationMs / 1000} s per row at the heaviest load, ${durationMs / 2000} s below)\n`);
  emit("Busy loops (`sh -c 'while :; do :; done'`, normal priority) compete for the cores while the master advertises.");
  emit("Judged on the wire (tcpdump on the LAN switch): *false takeovers* = times the backup started advertising; *gaps* = time");
  emit("between the master's consecutive adverts. The backup's Master_Down_Interval (priority 100) is 36.1 ms at 10 ms adverts and 72.2 ms at 20 ms.");
  emit(`Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? "?"}, Linux ${release()}, nothing else running.\n`);
  emit("| advert | busy loops | setup | false takeovers | master adverts | gap p50 ms | gap p99 ms | gap max ms |");
  emit("|---|---|---|---|---|---|---|---|");
  const samples: StabilitySample[] = [];
  const pick = <T>(all: readonly T[], only: readonly T[]): readonly T[] => (only.length === 0 ? all : all.filter((x) => only.includes(x)));
  for (const interval of pick(STABILITY_INTERVALS_MS, filter.intervalsMs)) {
    for (const loops of pick(STABILITY_LOOPS, filter.loops)) {
      for (const run of runsFor(loops)) {
        // The heaviest load gets the whole duration; the lighter rows half, which keeps the table under 20 minutes.
        const s = await stabilityOnce(run, interval, loops, loops === Math.max(...STABILITY_LOOPS) ? durationMs : durationMs / 2);
        samples.push(s);
        emit(`| ${interval} ms | ${loops} | ${s.label} | ${s.falseTakeovers} | ${s.masterAdverts} | ${ms(s.gapP50Ms)} | ${ms(s.gapP99Ms)} | ${ms(s.gapMaxMs)} |`);
        for (const line of s.masterLagLines.slice(0, 3)) console.error(`    r1: ${line}`);
      }
    }
  }
  return samples;
}
