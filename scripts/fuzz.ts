// npm run fuzz -- --runs N [--seed S] [--jobs J]: every fuzz and property test file with FUZZ_RUNS=N and FUZZ_SEED=S,
// J files at a time (default: the cores), and a table of what each tried, failed and took. For long searches:
// `npm test` runs the same files with their small defaults. The simulator has its own: npm run sim.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";

/** The files whose tests draw inputs from FUZZ_RUNS / FUZZ_SEED (test/fuzz-settings.ts), one kind each. */
const KINDS: readonly { kind: string; file: string }[] = [
  { kind: "advert codec", file: "test/vrrp/codec-fuzz.test.ts" },
  { kind: "engine inputs", file: "test/vrrp/engine-fuzz.test.ts" },
  { kind: "tracking weights", file: "test/vrrp/tracking.test.ts" },
  { kind: "UCI and keepalived parsers", file: "test/config/parsers-fuzz.test.ts" },
  { kind: "UCI writer", file: "test/config/uci-writer.test.ts" },
  { kind: "validation and render", file: "test/config/validate-fuzz.test.ts" },
  { kind: "keepalived import", file: "test/config/import-fuzz.test.ts" },
  { kind: "ubus messages", file: "test/ubus/fuzz.test.ts" },
  { kind: "ubus JSON encoder", file: "test/ubus/json-message.test.ts" },
];

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} wants a whole number, got ${process.argv[at + 1]}`);
  return value;
}

interface Outcome {
  readonly kind: string;
  readonly tests: number;
  readonly failed: number;
  readonly seconds: number;
  readonly output: string;
}

function runKind(kind: string, file: string, runs: number, seed: number): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", file], {
    env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const count = (label: string): number => Number(new RegExp(`^# ${label} (\\d+)$`, "m").exec(output)?.[1] ?? 0);
      const failed = count("fail") + (code !== 0 && count("fail") === 0 ? 1 : 0);
      resolve({ kind, tests: count("tests"), failed, seconds: (performance.now() - started) / 1000, output });
    });
  });
}

async function main(): Promise<number> {
  const runs = option("--runs", 10_000);
  const seed = option("--seed", 0);
  const jobs = Math.max(1, option("--jobs", availableParallelism()));
  console.log(`fuzzing ${KINDS.length} kinds with FUZZ_RUNS=${runs} FUZZ_SEED=${seed}, ${jobs} at a time`);
  const queue = [...KINDS];
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const outcome = await runKind(next.kind, next.file, runs, seed);
        outcomes.push(outcome);
        console.log(`${outcome.failed === 0 ? "ok  " : "FAIL"} ${outcome.kind}: ${outcome.tests} properties x up to ${runs} inputs, ${outcome.seconds.toFixed(1)} s`);
        if (outcome.failed > 0) console.log(outcome.output.split("\n").filter((l) => /not ok|Counterexample|seed|Error/.test(l)).slice(0, 20).join("\n"));
      }
    }),
  );
  const failed = outcomes.reduce((n, o) => n + o.failed, 0);
  const tests = outcomes.reduce((n, o) => n + o.tests, 0);
  console.log(`\n| kind | properties | inputs per property | failed | seconds |\n|---|---|---|---|---|`);
  for (const o of KINDS.map((k) => outcomes.find((x) => x.kind === k.kind)).filter((o): o is Outcome => o !== undefined)) {
    console.log(`| ${o.kind} | ${o.tests} | ${runs} | ${o.failed} | ${o.seconds.toFixed(1)} |`);
  }
  console.log(`\n${tests - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
