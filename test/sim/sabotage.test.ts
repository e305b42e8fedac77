// Proof that the checker can fail: routers that break one rule (sabotage.ts) without the checker being told must be
// caught on a clear majority of the seeds where that rule matters. A seed counts as caught when the sabotaged run
// reports a violation its faithful baseline (same seed, same plan, faithful nodes) does not. FUZZ_RUNS / FUZZ_SEED
// scale and move the search.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SABOTAGES, type Sabotage } from "./sabotage.ts";
import { runScenario, type ScenarioResult } from "./scenario.ts";

/** Relevant seeds per sabotage (FUZZ_RUNS / 50, at least 30), and the most seeds scanned to find them. */
const RELEVANT_WANTED = Math.max(30, Math.round(Number(process.env["FUZZ_RUNS"] ?? 1500) / 50));
const MAX_SEEDS = 20 * RELEVANT_WANTED;
const MIN_RELEVANT = Math.ceil((2 / 3) * RELEVANT_WANTED);
const MIN_CAUGHT_SHARE = 2 / 3;
const FIRST_SEED = Number(process.env["FUZZ_SEED"] ?? 0) * 1_000_000 + 1;

const plain = new Map<number, ScenarioResult>();
const baselineOf = (seed: number, sabotage: Sabotage): ScenarioResult => {
  if (sabotage.plan) return runScenario(seed, { sabotage, baseline: true });
  const cached = plain.get(seed) ?? runScenario(seed);
  plain.set(seed, cached);
  return cached;
};

for (const sabotage of SABOTAGES) {
  test(`the checker catches a router that ${sabotage.name}`, (t) => {
    let relevant = 0;
    const missed: number[] = [];
    for (let seed = FIRST_SEED; seed < FIRST_SEED + MAX_SEEDS && relevant < RELEVANT_WANTED; seed++) {
      const baseline = baselineOf(seed, sabotage);
      if (!sabotage.relevant(baseline)) continue;
      relevant++;
      const known = new Set(baseline.violations);
      if (!runScenario(seed, { sabotage }).violations.some((v) => !known.has(v))) missed.push(seed);
    }
    const caught = relevant - missed.length;
    t.diagnostic(`caught on ${caught} of ${relevant} relevant seeds`);
    assert.ok(relevant >= MIN_RELEVANT, `only ${relevant} relevant seeds in ${MAX_SEEDS}`);
    assert.ok(caught >= MIN_CAUGHT_SHARE * relevant, `caught on ${caught} of ${relevant} relevant seeds; missed ${missed.join(", ")}`);
  });
}
