// Long searches with the N-router simulator (test/sim): runs seeds in worker processes (one per core by default),
// prints progress and every failing seed with the command that replays it, and ends with "N passed, M failed".
//
//   npm run sim -- --seeds 100000 [--from 1] [--jobs 2]     search
//   npm run sim -- --seed 1234 [--logs]                      replay one seed: violations, inputs, transition trace
//   npm run sim -- --seeds 200 --sabotage slow               the same search with a sabotaged router (see sabotage.ts)
//   npm run sim -- --seed 23 --sabotage start-timer [--baseline]  one sabotaged seed (or its faithful baseline)
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { SABOTAGES, type Sabotage } from "../test/sim/sabotage.ts";
import { runScenario, type ScenarioResult } from "../test/sim/scenario.ts";
import { replayCommand } from "../test/sim/seeds.ts";

interface Options {
  readonly seeds: number;
  readonly from: number;
  readonly jobs: number;
  readonly seed: number | undefined;
  readonly logs: boolean;
  readonly sabotage: Sabotage | undefined;
  /** With --sabotage: the sabotage's plan on faithful nodes (what a sabotaged run is compared with). */
  readonly baseline: boolean;
}

/** One finished seed, from a worker: the first violations when it failed. */
interface WorkerMessage {
  readonly seed: number;
  readonly failure?: string;
}

const PROGRESS_EVERY = 1000;

function parse(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (flag: string, fallback: number): number => {
    const text = value(flag);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, got ${text}`);
    return n;
  };
  const sabotageName = value("--sabotage");
  const sabotage = sabotageName === undefined ? undefined : SABOTAGES.find((s) => s.id === sabotageName);
  if (sabotageName !== undefined && sabotage === undefined) {
    throw new Error(`no sabotage "${sabotageName}"; known: ${SABOTAGES.map((s) => s.id).join(", ")}`);
  }
  const seedText = value("--seed");
  return {
    seeds: number("--seeds", 1000),
    from: number("--from", 1),
    jobs: Math.max(1, number("--jobs", availableParallelism())),
    seed: seedText === undefined ? undefined : number("--seed", 0),
    logs: argv.includes("--logs"),
    sabotage,
    baseline: argv.includes("--baseline"),
  };
}

function run(seed: number, sabotage: Sabotage | undefined, baseline = false): ScenarioResult {
  return runScenario(seed, sabotage ? { sabotage, baseline } : {});
}

function replay(options: Options, seed: number): void {
  const result = run(seed, options.sabotage, options.baseline);
  console.log(`seed ${seed}: ${result.violations.length} violation(s)`);
  for (const v of result.violations) console.log(`  ${v}`);
  console.log(`\nmeasured failover: ${result.measured}`);
  console.log(`\ninputs:\n${result.journal.map((l) => `  ${l}`).join("\n")}`);
  console.log(`\ntransitions:\n${result.trace}`);
  if (options.logs) console.log(`\nlogs:\n${result.logs.join("\n")}`);
  process.exitCode = result.violations.length > 0 ? 1 : 0;
}

/** A worker runs every seed s in [from, from + seeds) with s % jobs === index and reports each one. */
function worker(options: Options, index: number): void {
  for (let seed = options.from; seed < options.from + options.seeds; seed++) {
    if (seed % options.jobs !== index) continue;
    let failure: string | undefined;
    try {
      const result = run(seed, options.sabotage);
      if (result.violations.length > 0) failure = result.violations.slice(0, 3).join("\n    ");
    } catch (error) {
      failure = `threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    }
    const message: WorkerMessage = { seed, ...(failure ? { failure } : {}) };
    process.send?.(message);
  }
}

function search(options: Options): void {
  const started = performance.now();
  let done = 0;
  const failed: number[] = [];
  const script = fileURLToPath(import.meta.url);
  const label = options.sabotage ? ` with a router that ${options.sabotage.name}` : "";
  console.log(`seeds ${options.from}..${options.from + options.seeds - 1}${label} on ${options.jobs} worker(s)`);
  let running = options.jobs;
  for (let index = 0; index < options.jobs; index++) {
    const child = fork(script, [...process.argv.slice(2), "--worker", String(index)], { stdio: "inherit" });
    child.on("message", (message: WorkerMessage) => {
      done++;
      if (message.failure !== undefined) {
        failed.push(message.seed);
        console.log(`FAIL seed ${message.seed}: ${message.failure}\n    replay: ${replayCommand(message.seed, options.sabotage?.id)}`);
      }
      if (done % PROGRESS_EVERY === 0) {
        const perThousand = ((performance.now() - started) / done) * 1000;
        console.log(`${done}/${options.seeds} seeds, ${failed.length} failed, ${(perThousand / 1000).toFixed(1)} s wall per 1,000 seeds`);
      }
    });
    child.on("exit", (code) => {
      if (code !== 0) console.log(`worker ${index} exited with ${code}`);
      if (--running > 0) return;
      const seconds = (performance.now() - started) / 1000;
      console.log(`time: ${seconds.toFixed(1)} s wall (${((seconds / Math.max(1, done)) * 1000).toFixed(1)} s per 1,000 seeds)`);
      console.log(`${done - failed.length} passed, ${failed.length} failed`);
      process.exitCode = failed.length > 0 || done < options.seeds ? 1 : 0;
    });
  }
}

// `npm run sim -- --seed N | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const argv = process.argv.slice(2);
const options = parse(argv);
const workerIndex = argv.indexOf("--worker");
if (workerIndex >= 0) worker(options, Number(argv[workerIndex + 1]));
else if (options.seed !== undefined) replay(options, options.seed);
else search(options);
