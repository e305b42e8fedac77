// The N-router simulator over at least 1,500 seeded scenarios (scenario.ts): after every step the checker compares
// each engine with its independent model (exact takeover, advert and handover times, see checker/), and holds the
// cluster to one master per virtual router and to stability after convergence. Same seed => same trace.
// FUZZ_RUNS / FUZZ_SEED choose the seeds; `npm run sim -- --seeds N --jobs J` searches further.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runScenario } from "./scenario.ts";
import { replayCommand, simSeeds } from "./seeds.ts";

const SEEDS = simSeeds(1500);
/** Enough failures to see the pattern; the rest of the run would only repeat it. */
const MAX_FAILURES_SHOWN = 10;

test(`the checker finds no violation over ${SEEDS.length} seeded scenarios`, () => {
  const failures: string[] = [];
  for (const seed of SEEDS) {
    const result = runScenario(seed);
    if (result.violations.length === 0) continue;
    failures.push(`seed ${seed} (${replayCommand(seed)}):\n    ${result.violations.slice(0, 4).join("\n    ")}`);
    if (failures.length >= MAX_FAILURES_SHOWN) break;
  }
  assert.equal(failures.length, 0, `violations found (first ${MAX_FAILURES_SHOWN} failing seeds at most):\n${failures.join("\n")}`);
});

/**
 * Seeds on which the checker caught core bugs (fixed since): a re-created instance's VIPs removed by its retiring
 * predecessor (14, 1789), a retiring router deaf to the new version (4), stale sync-group readiness after Fault
 * (5310), a reload starting instances before tracking was applied (13), a group fault judged before the other
 * member's change (177), a VIP added during a handover never configured (2547), a reload applied after shutdown
 * (5436). Run whatever FUZZ_RUNS says.
 */
const REGRESSIONS = [14, 1789, 4, 5310, 13, 177, 2547, 5436];

test(`the seeds that caught core bugs stay clean (${REGRESSIONS.join(", ")})`, () => {
  for (const seed of REGRESSIONS) {
    const result = runScenario(seed);
    assert.deepEqual(result.violations, [], `seed ${seed} (${replayCommand(seed)})`);
  }
});

test("the same seed gives the same trace", () => {
  for (const seed of SEEDS.filter((_, i) => i % 15 === 0)) {
    const a = runScenario(seed);
    const b = runScenario(seed);
    assert.ok(a.trace.length > 0, "a run produces transitions");
    assert.equal(a.trace, b.trace, `seed ${seed}`);
    assert.deepEqual(a.violations, b.violations, `seed ${seed}`);
  }
});
