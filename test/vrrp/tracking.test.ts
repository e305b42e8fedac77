// keepalived's weight rules for tracked objects (vrrp_track.c), including `reverse` and clamping.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { effectivePriority, trackEffect } from "../../src/vrrp/tracking.ts";
import { fuzzRuns, fuzzSeed } from "../fuzz-settings.ts";

const ref = (weight: number, reverse = false) => ({ id: "script:x", weight, reverse });

test("positive weight adds while up, negative subtracts while down, zero faults while down", () => {
  assert.equal(trackEffect(ref(20), "up").delta, 20);
  assert.equal(trackEffect(ref(20), "down").delta, 0);
  assert.equal(trackEffect(ref(-20), "up").delta, 0);
  assert.equal(trackEffect(ref(-20), "down").delta, -20);
  assert.equal(trackEffect(ref(0), "down").fault, true);
  assert.equal(trackEffect(ref(0), "up").fault, false);
});

test("reverse swaps up and down", () => {
  assert.equal(trackEffect(ref(20, true), "down").delta, 20);
  assert.equal(trackEffect(ref(-20, true), "up").delta, -20);
  assert.equal(trackEffect(ref(0, true), "up").fault, true);
});

test("an object with no result yet neither adjusts nor faults", () => {
  assert.deepEqual([trackEffect(ref(0), "unknown").fault, trackEffect(ref(-5), "unknown").delta], [false, 0]);
});

test("the effective priority stays in 1..254 and the owner is never adjusted", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 255 }), fc.array(fc.tuple(fc.integer({ min: -253, max: 253 }), fc.boolean(), fc.constantFrom("up", "down") as fc.Arbitrary<"up" | "down">)), (base, tracks) => {
      const refs = tracks.map(([weight, reverse], i) => ({ id: `t${i}`, weight, reverse }));
      const states = new Map(tracks.map(([, , state], i) => [`t${i}`, state]));
      const result = effectivePriority(base, refs, (id) => states.get(id) ?? "unknown");
      if (base === 255) assert.equal(result.priority, 255);
      else assert.ok(result.priority >= 1 && result.priority <= 254);
    }),
    { seed: fuzzSeed(7), numRuns: fuzzRuns(500) },
  );
  assert.equal(effectivePriority(100, [ref(-200)], () => "down").priority, 1);
  assert.equal(effectivePriority(200, [ref(100)], () => "up").priority, 254);
});
