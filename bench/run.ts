// `npm run bench [-- core|ubus|checks|failover|resources|startup|mail|stability] [--reps N] [--seconds S] [--write]`: prints every benchmark as a
// table; with --write, also regenerates docs/performance.md. Speed is measured here, never asserted in tests.
// The netns sections need root, iproute2 and Debian's keepalived: vrrpd and keepalived run in the same run,
// on the same LAN, and the tables give their ratio.
import { readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, release } from "node:os";
import { join } from "node:path";
import { codecBench, simulatedHourBench, type BenchRow } from "./core.ts";
import { keepalivedVersion } from "./daemons.ts";
import { FAILOVER_CONFIGS, FAILOVER_EVENTS, failoverOnce, type FailoverSample } from "./failover.ts";
import { nodeFloor, resourcesOnce, SETTLE_MS, startupOnce, WINDOW_MS, WINDOWS, type ResourceSample, type StartupSample } from "./resources.ts";
import { mailSection } from "./mail-section.ts";
import { nativeChecksBench } from "./native-checks.ts";
import { stabilitySection } from "./stability-section.ts";
import { ubusEventBurstBench, ubusStatusBench } from "./ubus.ts";
import { REPO_ROOT } from "../test/netns/gateway-lab.ts";
import { VERSION } from "../src/daemon/version.ts";

const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith("--"));
const reps = Number(args[args.indexOf("--reps") + 1] ?? 3) || 3;
const write = args.includes("--write");
const seconds = Number(args[args.indexOf("--seconds") + 1] ?? 60) || 60;
/** `--interval 20 --loops 4` (repeatable): only those stability rows. */
const listed = (flag: string): number[] => args.flatMap((a, i) => (a === flag ? [Number(args[i + 1])] : []));
const want = (section: string): boolean => !only || only === section;
const out: string[] = [];
const emit = (line = ""): void => {
  console.log(line);
  out.push(line);
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : v.toFixed(digits)) : "—");
const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : "—");

function rows(title: string, data: readonly BenchRow[]): void {
  emit(`\n### ${title}\n`);
  emit("| measure | value |\n|---|---|");
  for (const r of data) emit(`| ${r.name} | ${fmt(r.value, 3)} ${r.unit} |`);
}

async function failoverSection(): Promise<void> {
  emit("\n### Failover as the client sees it (UDP probe every 10 ms; median of " + reps + " runs)\n");
  emit("Events: **crash** = every daemon process killed and the cable cut at once (power loss); **link cut** = the master's LAN");
  emit("link down; **graceful stop** = SIGTERM; **preemption** = the crashed master comes back with the higher priority.");
  emit("Crash and link cut are timed just after one of the master's adverts (seen by tcpdump): the worst case, the same for both.");
  emit("*RFC gap* = first backup advert after the master's last one, minus Master_Down_Interval (or Skew_Time after priority 0).");
  emit("*Takeover* = until the new master is the only holder of the VIP. On preemption vrrpd's old master keeps the VIP until the");
  emit("new master's second advert (make before break), so that column is one advert interval longer; clients see no difference.\n");
  emit("| advert | event | probes lost vrrpd / keepalived | outage ms vrrpd / keepalived (ratio) | takeover ms vrrpd / keepalived | RFC gap ms vrrpd / keepalived |");
  emit("|---|---|---|---|---|---|");
  for (const cfg of FAILOVER_CONFIGS) {
    for (const event of FAILOVER_EVENTS) {
      const samples: Record<"vrrpd" | "keepalived", FailoverSample[]> = { vrrpd: [], keepalived: [] };
      for (let i = 0; i < reps; i++) {
        for (const daemon of ["vrrpd", "keepalived"] as const) samples[daemon].push(await failoverOnce(daemon, cfg.version, cfg.advertIntervalMs, event));
      }
      const m = (d: "vrrpd" | "keepalived", f: (s: FailoverSample) => number | undefined): number =>
        median(samples[d].map(f).filter((x): x is number => x !== undefined));
      const label = cfg.version === 2 ? "v2 1 s" : `v3 ${cfg.advertIntervalMs} ms`;
      const lost = `${fmt(m("vrrpd", (s) => s.probesLost), 0)} / ${fmt(m("keepalived", (s) => s.probesLost), 0)}`;
      const outage = `${fmt(m("vrrpd", (s) => s.outageMs), 0)} / ${fmt(m("keepalived", (s) => s.outageMs), 0)} (${ratio(m("vrrpd", (s) => s.outageMs), m("keepalived", (s) => s.outageMs))})`;
      const takeover = `${fmt(m("vrrpd", (s) => s.takeoverMs), 0)} / ${fmt(m("keepalived", (s) => s.takeoverMs), 0)}`;
      const gap = `${fmt(m("vrrpd", (s) => s.advertGapMinusRfcMs))} / ${fmt(m("keepalived", (s) => s.advertGapMinusRfcMs))}`;
      emit(`| ${label} | ${event} | ${lost} | ${outage} | ${takeover} | ${gap} |`);
    }
  }
}

/** One row of the resources table from `reps` runs: medians, except the RSS maximum (the worst seen) and the flaps (summed). */
function combined(samples: readonly ResourceSample[]): { rssMiB: number; rssMaxMiB: number; cpuPercent: number; transitions: number } {
  return {
    rssMiB: median(samples.map((s) => s.rssMiB)),
    rssMaxMiB: Math.max(...samples.map((s) => s.rssMaxMiB)),
    cpuPercent: median(samples.map((s) => s.cpuPercent)),
    transitions: samples.reduce((sum, s) => sum + s.transitions, 0),
  };
}

async function resourcesSection(): Promise<void> {
  emit(
    `\n### Memory and CPU (a master and a backup on the LAN, v3; steady state: ${SETTLE_MS / 1000} s after convergence; median of ${reps} runs, each the median CPU of ${WINDOWS} windows of ${WINDOW_MS / 1000} s, all threads, from /proc schedstat; RSS sampled every second through the windows, median and the highest sample of all runs)\n`,
  );
  emit("| instances | advert | role | RSS MiB median (max) vrrpd / keepalived | CPU % vrrpd / keepalived (ratio) | state changes in the windows vrrpd / keepalived |");
  emit("|---|---|---|---|---|---|");
  for (const count of [1, 100, 255]) {
    for (const interval of [1000, 100]) {
      const runs: Record<"vrrpd" | "keepalived", ResourceSample[]> = { vrrpd: [], keepalived: [] };
      for (let rep = 0; rep < reps; rep++) {
        // Interleaved, so a disturbance of the machine does not land on one daemon only.
        runs.vrrpd.push(...(await resourcesOnce("vrrpd", count, interval)));
        runs.keepalived.push(...(await resourcesOnce("keepalived", count, interval)));
      }
      for (const role of ["master", "backup"] as const) {
        const a = combined(runs.vrrpd.filter((s) => s.role === role));
        const b = combined(runs.keepalived.filter((s) => s.role === role));
        emit(`| ${count} | ${interval} ms | ${role} | ${fmt(a.rssMiB)} (${fmt(a.rssMaxMiB)}) / ${fmt(b.rssMiB)} (${fmt(b.rssMaxMiB)}) | ${fmt(a.cpuPercent, 2)} / ${fmt(b.cpuPercent, 2)} (${ratio(a.cpuPercent, b.cpuPercent)}) | ${a.transitions} / ${b.transitions} |`);
      }
    }
  }
  const floor = await nodeFloor(10);
  emit(
    `\nFor scale, node itself with the router's flags, on the same LAN, with 10 UDP datagrams/s (one instance at 100 ms): sending them ${fmt(floor.sendPercent, 2)} % CPU, receiving them into an empty handler ${fmt(floor.receivePercent, 2)} % CPU. ` +
      "That is what any node daemon pays per wake-up before its own code runs, and it is already more than twice keepalived's whole cost for one instance.",
  );
}

async function startupSection(): Promise<void> {
  emit(`\n### Start-up (v3 100 ms; median of ${reps} runs)\n`);
  emit("| measure | vrrpd | keepalived | ratio |\n|---|---|---|---|");
  const s: Record<"vrrpd" | "keepalived", StartupSample[]> = { vrrpd: [], keepalived: [] };
  for (let i = 0; i < reps; i++) for (const d of ["vrrpd", "keepalived"] as const) s[d].push(await startupOnce(d));
  for (const [name, key] of [["start to Backup (a master exists)", "toBackupMs"], ["start to Master when alone (includes Master_Down_Interval)", "toMasterAloneMs"]] as const) {
    const a = median(s.vrrpd.map((x) => x[key]));
    const b = median(s.keepalived.map((x) => x[key]));
    emit(`| ${name} | ${fmt(a, 0)} ms | ${fmt(b, 0)} ms | ${ratio(a, b)} |`);
  }
}

async function checksSection(): Promise<void> {
  emit("\n### Health checks: native against forked, each every second for 10 s\n");
  emit("CPU of the checking process and its reaped children (bench/native-checks.ts); the HTTP server and the ping target are local and not counted. Forked checks are `track_script` commands; native ones are `type 'http'` / `type 'ping'`. A run still going when its next one is due is skipped, so 100 forks a second that cannot keep up show fewer runs.\n");
  emit("| check | checks at 1 s | CPU (one core) | runs | failed |\n|---|---|---|---|---|");
  for (const r of await nativeChecksBench()) emit(`| ${r.what} | ${r.checks} | ${fmt(r.cpuPercent)} % | ${r.runs} | ${r.failures} |`);
}

/**
 * `--write` with one section: its `### ` blocks replace the blocks of the same title in docs/performance.md (or are
 * appended), and the rest of the page stays as measured before.
 */
function replaceSections(page: string, generated: string): string {
  const blocks = (text: string): string[] => text.split(/\n(?=### )/);
  const titleOf = (block: string): string => block.split("\n", 1)[0]?.replace(/ \(.*$/, "") ?? "";
  const fresh = blocks(generated).filter((b) => b.startsWith("### "));
  const kept = blocks(page.trimEnd()).map((b) => fresh.find((f) => titleOf(f) === titleOf(b)) ?? b);
  const added = fresh.filter((f) => !kept.includes(f));
  return `${[...kept, ...added].map((b) => b.trimEnd()).join("\n\n")}\n`;
}

async function main(): Promise<void> {
  emit("# Performance");
  emit(`\nGenerated by \`npm run bench -- --write\` (sections: \`npm run bench -- core|ubus|checks|failover|resources|startup|mail|stability\`).`);
  emit(`vrrpd ${VERSION}, node ${process.version}, ${keepalivedVersion() ?? "keepalived not installed"}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${arch()}, Linux ${release()}, ${new Date().toISOString().slice(0, 10)}.`);
  emit("vrrpd runs from the minified bundle with the router's node flags (bench/bundle.ts); keepalived is Debian's.");
  if (want("core")) {
    rows("Protocol core throughput", codecBench());
    rows("Simulated hour", simulatedHourBench());
  }
  if (want("ubus")) {
    rows("ubus status with 255 instances", await ubusStatusBench());
    rows("State events: a burst of 255 transitions", await ubusEventBurstBench());
  }
  if (want("checks")) await checksSection();
  const netns = process.getuid?.() === 0 && keepalivedVersion() !== undefined;
  if (!netns && (want("failover") || want("resources") || want("startup") || want("mail") || want("stability"))) {
    emit("\n(The namespace benchmarks need root and keepalived: skipped.)");
  } else {
    if (want("failover")) await failoverSection();
    if (want("resources")) await resourcesSection();
    if (want("startup")) await startupSection();
    if (want("mail")) await mailSection(emit, reps);
    if (want("stability")) await stabilitySection(emit, seconds * 1000, { intervalsMs: listed("--interval"), loops: listed("--loops") });
  }
  const doc = join(REPO_ROOT, "docs/performance.md");
  if (write) writeFileSync(doc, only ? replaceSections(readFileSync(doc, "utf8"), out.join("\n")) : `${out.join("\n")}\n`);
}

await main();
