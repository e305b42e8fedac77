// Which seeds the simulator's tests run: FUZZ_RUNS of them (default given by the test), starting after
// FUZZ_SEED × 1,000,000, so a longer or different search is one environment variable away (npm run sim for more).
export function simSeeds(defaultRuns: number): number[] {
  const runs = Number(process.env["FUZZ_RUNS"] ?? process.env["VRRPD_SIM_RUNS"] ?? defaultRuns);
  const offset = Number(process.env["FUZZ_SEED"] ?? 0) * 1_000_000;
  return Array.from({ length: runs }, (_, i) => offset + i + 1);
}

export const replayCommand = (seed: number, sabotage?: string): string =>
  `npm run sim -- --seed ${seed}${sabotage === undefined ? "" : ` --sabotage ${sabotage}`}`;
