// Protocol invariants over >= 1,000 seeded random LANs (see scenario.ts for what each run does):
// one master after convergence, preempt/owner election, no VIP on a backup, takeover within
// Master_Down_Interval + one interval of silence, within Skew_Time of priority 0, and same seed => same trace.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { runScenario } from "./scenario.ts";

const RUNS = Number(process.env.VRRPD_SIM_RUNS ?? 1500);

test(`invariants hold over ${RUNS} seeded random scenarios`, () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
      const result = runScenario(seed);
      assert.deepEqual(result.violations, [], `seed ${seed}:\n${result.violations.join("\n")}\n${result.trace}`);
    }),
    { numRuns: RUNS, seed: 0x5eed, endOnFailure: true },
  );
});

test("the same seed gives the same trace", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
      const a = runScenario(seed);
      const b = runScenario(seed);
      assert.ok(a.trace.length > 0, "a run produces transitions");
      assert.equal(a.trace, b.trace);
    }),
    { numRuns: 100, seed: 0xd1ce },
  );
});

test("the checker reports a router that waits too long or ignores preemption", () => {
  // Proof that the invariants can fail: routers that wait 6 adverts instead of 3, or never preempt,
  // are caught on most seeds.
  const seeds = Array.from({ length: 50 }, (_, i) => i + 1);
  const slow = seeds.filter((seed) => runScenario(seed, (c) => ({ ...c, downTimerAdverts: 6 })).violations.some((v) => v.includes("later than")));
  const lazy = seeds.filter((seed) => runScenario(seed, (c) => ({ ...c, preempt: false })).violations.some((v) => v.includes("should be master")));
  assert.ok(slow.length > 10, `slow takeover caught on ${slow.length} of 50 seeds`);
  assert.ok(lazy.length > 5, `missing preemption caught on ${lazy.length} of 50 seeds`);
});
