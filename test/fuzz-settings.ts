// How many inputs a fuzz or property test tries, and from which seed: FUZZ_RUNS and FUZZ_SEED, so one
// environment variable turns any of them into a long search (`npm run fuzz -- --runs 1000000` sets both for
// every file). Each file keeps its own default count and base seed, so CI stays fast and reproducible.
export function fuzzRuns(defaultRuns: number): number {
  const runs = Number(process.env["FUZZ_RUNS"] ?? defaultRuns);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env["FUZZ_RUNS"]}`);
  return runs;
}

/** The base seed moved by FUZZ_SEED (an integer), so a second long run explores other inputs. */
export function fuzzSeed(base: number): number {
  const offset = Number(process.env["FUZZ_SEED"] ?? 0);
  if (!Number.isSafeInteger(offset)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env["FUZZ_SEED"]}`);
  return (base + offset) | 0;
}

/**
 * A suite's time budget that grows with the number of runs: node's test runner cancels the rest of a suite
 * whose timeout has passed, so a fixed timeout would stop a long search. `perRunMs` is a generous bound per input
 * (several times the measured cost), the minimum covers start-up and slow CI machines.
 */
export function fuzzTimeoutMs(perRunMs: number, defaultRuns: number, minimumMs = 120_000): number {
  return Math.max(minimumMs, Math.ceil(fuzzRuns(defaultRuns) * perRunMs * 4));
}

/**
 * fast-check parameters for one property: FUZZ_RUNS inputs (`defaultRuns` without it; `scale` for a property meant
 * to run more or fewer than its file's others) from the seed FUZZ_SEED moves. Call it inside the test, once per
 * property: it also tells scripts/fuzz.ts how many inputs the property is given, as a `fuzz-inputs N` line (a
 * TAP comment, since the test runner reports a test file's stdout as comments). The runner adds these up per kind
 * and checks their number against the kind's property count, so a property added without updating the runner,
 * or one that takes its numRuns from elsewhere, is caught. Silent unless the runner asks (FUZZ_REPORT_INPUTS=1),
 * so `npm test` stays quiet.
 */
export function fuzzParameters(baseSeed: number, defaultRuns: number, scale = 1): { readonly seed: number; readonly numRuns: number } {
  const numRuns = Math.max(1, Math.round(fuzzRuns(defaultRuns) * scale));
  if (process.env["FUZZ_REPORT_INPUTS"] === "1") console.log(`fuzz-inputs ${numRuns}`);
  return { seed: fuzzSeed(baseSeed), numRuns };
}

/**
 * How long `run` takes, judged by CPU time: wall time is cheap to read but grows when other jobs share the cores,
 * so an input over the limit by the clock is run again (the code under test is pure) and timed by CPU use.
 * Reading CPU time for every input would cost more than many inputs do (getrusage).
 */
export function timedCpuMs<T>(run: () => T, limitMs: number): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  const wall = performance.now() - started;
  if (wall < limitMs) return { result, ms: wall };
  const before = process.cpuUsage();
  run();
  const { user, system } = process.cpuUsage(before);
  return { result, ms: (user + system) / 1000 };
}
