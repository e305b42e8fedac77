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

/** A test's time budget that grows with the number of runs (a fixed timeout would stop a long search). */
export function fuzzTimeoutMs(perRunMs: number, defaultRuns: number, minimumMs = 120_000): number {
  return Math.max(minimumMs, Math.ceil(fuzzRuns(defaultRuns) * perRunMs * 4));
}
