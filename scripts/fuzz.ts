// npm run fuzz -- (--runs N | --inputs-per-kind N) [--seed S] [--jobs J]: every fuzz and property test file, J
// files at a time (default: the cores), and a table of what each tried, failed and took.
//   --runs N             FUZZ_RUNS=N: N inputs for every property (a kind with more properties tries more).
//   --inputs-per-kind N  N inputs per kind, shared by its properties: FUZZ_RUNS=ceil(N / properties).
// FUZZ_SEED=S moves every base seed. `npm test` runs the same files with their small defaults. The simulator has
// its own: npm run sim. Long runs are recorded in docs/protocol-core.md (Fuzzing).
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";

/**
 * The files whose properties draw inputs from test/fuzz-settings.ts (fuzzParameters), one kind each, with the
 * number of properties in each: the runner splits --inputs-per-kind among them, and checks the number against the
 * `fuzz-inputs` lines the file prints (one per property), so the split cannot silently go stale. Slowest first,
 * so that with --jobs 2 the long kinds start at once and the short ones fill in (the table keeps this order).
 */
const KINDS: readonly { kind: string; file: string; properties: number }[] = [
  { kind: "keepalived import", file: "test/config/import-fuzz.test.ts", properties: 5 },
  { kind: "validation and render", file: "test/config/validate-fuzz.test.ts", properties: 3 },
  { kind: "engine inputs", file: "test/vrrp/engine-fuzz.test.ts", properties: 1 },
  { kind: "UCI and keepalived parsers", file: "test/config/parsers-fuzz.test.ts", properties: 6 },
  { kind: "ubus JSON encoder", file: "test/ubus/json-message.test.ts", properties: 2 },
  { kind: "UCI writer", file: "test/config/uci-writer.test.ts", properties: 3 },
  { kind: "tracking weights", file: "test/vrrp/tracking.test.ts", properties: 3 },
  { kind: "advert codec", file: "test/vrrp/codec-fuzz.test.ts", properties: 4 },
  { kind: "ubus messages", file: "test/ubus/fuzz.test.ts", properties: 6 },
];

function option(name: string): number | undefined {
  const at = process.argv.indexOf(name);
  if (at < 0) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} wants a whole number, got ${process.argv[at + 1]}`);
  return value;
}

interface Outcome {
  readonly kind: string;
  readonly properties: number;
  readonly runs: number;
  /** Inputs the properties were given, from their `fuzz-inputs` lines. */
  readonly inputs: number;
  readonly failed: number;
  readonly problems: readonly string[];
  readonly seconds: number;
  readonly cpuSeconds: number | undefined;
  readonly output: string;
}

/** A property whose numRuns does not come from fuzzParameters would escape the count: refuse the file. */
function uncountedProperties(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return /\bnumRuns\b/.test(text) ? [`${file} sets numRuns itself; take it from fuzzParameters so the runner counts its inputs`] : [];
}

/**
 * CPU seconds used by this process's finished children (and theirs, once reaped): cutime + cstime of
 * /proc/self/stat, in clock ticks of 1/100 s on Linux. Read when each kind's process exits, the difference from the
 * previous reading is that kind's CPU time: unlike wall time it hardly changes when other work shares the cores,
 * so estimates for long runs can be made on a busy machine. Undefined where /proc is missing.
 */
function childrenCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}
let cpuAtLastExit = childrenCpuSeconds();

function runKind(kind: (typeof KINDS)[number], runs: number, seed: number): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", kind.file], {
    env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), FUZZ_REPORT_INPUTS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let cpuSeconds: number | undefined;
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => {
    child.on("exit", () => {
      const now = childrenCpuSeconds();
      cpuSeconds = now !== undefined && cpuAtLastExit !== undefined ? now - cpuAtLastExit : undefined;
      cpuAtLastExit = now;
    });
    child.on("close", (code) => {
      const count = (label: string): number => Number(new RegExp(`^# ${label} (\\d+)$`, "m").exec(output)?.[1] ?? 0);
      const reported = [...output.matchAll(/^\s*# fuzz-inputs (\d+)$/gm)].map((m) => Number(m[1]));
      const problems = uncountedProperties(kind.file);
      if (reported.length !== kind.properties) {
        problems.push(`${kind.file}: ${reported.length} properties reported their inputs, scripts/fuzz.ts expects ${kind.properties}; update KINDS`);
      }
      const failed = count("fail") + (code !== 0 && count("fail") === 0 ? 1 : 0) + problems.length;
      resolve({
        kind: kind.kind,
        properties: reported.length,
        runs,
        inputs: reported.reduce((a, b) => a + b, 0),
        failed,
        problems,
        seconds: (performance.now() - started) / 1000,
        cpuSeconds,
        output,
      });
    });
  });
}

async function main(): Promise<number> {
  const runsOption = option("--runs");
  const perKind = option("--inputs-per-kind");
  if (runsOption !== undefined && perKind !== undefined) throw new Error("give --runs or --inputs-per-kind, not both");
  const seed = option("--seed") ?? 0;
  const jobs = Math.max(1, option("--jobs") ?? availableParallelism());
  const runsOf = (k: (typeof KINDS)[number]): number => Math.max(1, perKind !== undefined ? Math.ceil(perKind / k.properties) : (runsOption ?? 10_000));
  const what = perKind !== undefined ? `${perKind} inputs per kind` : `FUZZ_RUNS=${runsOption ?? 10_000}`;
  console.log(`fuzzing ${KINDS.length} kinds with ${what}, FUZZ_SEED=${seed}, ${jobs} at a time`);
  const started = performance.now();
  const queue = [...KINDS];
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const outcome = await runKind(next, runsOf(next), seed);
        outcomes.push(outcome);
        console.log(`${outcome.failed === 0 ? "ok  " : "FAIL"} ${outcome.kind}: ${outcome.inputs} inputs (${outcome.properties} properties, FUZZ_RUNS=${outcome.runs}), ${outcome.seconds.toFixed(1)} s`);
        for (const p of outcome.problems) console.log(`  ${p}`);
        if (outcome.failed > outcome.problems.length) {
          console.log(outcome.output.split("\n").filter((l) => /not ok|Counterexample|seed|Error/.test(l)).slice(0, 20).join("\n"));
        }
      }
    }),
  );
  const failed = outcomes.reduce((n, o) => n + o.failed, 0);
  const inputs = outcomes.reduce((n, o) => n + o.inputs, 0);
  console.log(`\n| kind | properties | inputs per property (FUZZ_RUNS) | inputs tried | failed | seconds | CPU seconds | CPU µs per input |\n|---|---|---|---|---|---|---|---|`);
  for (const o of KINDS.map((k) => outcomes.find((x) => x.kind === k.kind)).filter((o): o is Outcome => o !== undefined)) {
    const cpu = o.cpuSeconds?.toFixed(1) ?? "-";
    const perInput = o.inputs > 0 && o.cpuSeconds !== undefined ? ((o.cpuSeconds * 1e6) / o.inputs).toFixed(0) : "-";
    console.log(`| ${o.kind} | ${o.properties} | ${o.runs} | ${o.inputs} | ${o.failed} | ${o.seconds.toFixed(1)} | ${cpu} | ${perInput} |`);
  }
  const wall = (performance.now() - started) / 1000;
  console.log(`\n${inputs} inputs in ${wall.toFixed(1)} s with ${jobs} jobs; ${failed === 0 ? "all passed" : `${failed} failed`}`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
