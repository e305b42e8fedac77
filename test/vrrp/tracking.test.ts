// keepalived's weight rules for tracked objects (vrrp_track.c), including `reverse` and clamping.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { effectivePriority, trackEffect } from "../../src/vrrp/tracking.ts";
import { fuzzParameters } from "../fuzz-settings.ts";

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
    fuzzParameters(7, 500),
  );
  assert.equal(effectivePriority(100, [ref(-200)], () => "down").priority, 1);
  assert.equal(effectivePriority(200, [ref(100)], () => "up").priority, 254);
});

// keepalived's track_file (trackers/track_file.c update_track_file_status, vrrp_track.c
// initialise_vrrp_file_tracking_priorities): value × weight, reversed with `reverse`, clamped to -254..253, and -254
// (anything at or below it) is a Fault; with weight 0 a non-zero value is a Fault (`reverse`: zero is).
test("a tracked value adds value × weight, and reverse negates it", () => {
  assert.equal(trackEffect(ref(10), 3).delta, 30);
  assert.equal(trackEffect(ref(10), -3).delta, -30);
  assert.equal(trackEffect(ref(10, true), 3).delta, -30);
  assert.equal(trackEffect(ref(-10), 3).delta, -30);
  assert.equal(Object.is(trackEffect(ref(10, true), 0).delta, 0), true);
  assert.equal(trackEffect(ref(10), 3).value, 3);
});

test("a tracked value's contribution is clamped to 253 at the top and faults at -254 and below", () => {
  assert.deepEqual([trackEffect(ref(200), 2).delta, trackEffect(ref(200), 2).fault], [253, false]);
  assert.deepEqual([trackEffect(ref(1), -253).delta, trackEffect(ref(1), -253).fault], [-253, false]);
  assert.deepEqual([trackEffect(ref(1), -254).delta, trackEffect(ref(1), -254).fault, trackEffect(ref(1), -254).state], [0, true, "down"]);
  assert.equal(trackEffect(ref(2), -2_000_000_000).fault, true);
});

test("with weight 0 a non-zero value is a fault, and with reverse a zero value is", () => {
  assert.equal(trackEffect(ref(0), 0).fault, false);
  assert.equal(trackEffect(ref(0), 7).fault, true);
  assert.equal(trackEffect(ref(0), -1).fault, true);
  assert.equal(trackEffect(ref(0, true), 0).fault, true);
  assert.equal(trackEffect(ref(0, true), 7).fault, false);
  assert.equal(trackEffect(ref(0), 7).delta, 0);
});

const weights = fc.integer({ min: -253, max: 253 });
const values = fc.integer({ min: -(2 ** 31), max: 2 ** 31 });

test("a tracked value faults exactly when keepalived's clamped contribution reaches -254, else adds it", () => {
  fc.assert(
    fc.property(weights, fc.boolean(), values, (weight, reverse, value) => {
      const e = trackEffect(ref(weight, reverse), value);
      if (weight === 0) {
        assert.equal(e.fault, (value !== 0) !== reverse);
        assert.equal(e.delta, 0);
        return;
      }
      const product = value * weight * (reverse ? -1 : 1) || 0; // 0 × -1 is -0 in JS, not in C
      assert.equal(e.fault, product <= -254);
      assert.equal(e.delta, e.fault ? 0 : Math.min(253, product));
      assert.equal(e.state, e.fault ? "down" : "up");
    }),
    fuzzParameters(8, 1000),
  );
});

test("with tracked values the priority is the base plus every contribution, clamped to 1..254, the owner untouched", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 255 }), fc.array(fc.tuple(weights, fc.boolean(), values), { maxLength: 6 }), (base, tracks) => {
      const refs = tracks.map(([weight, reverse], i) => ({ id: `file:${i}`, weight, reverse }));
      const readings = new Map(tracks.map(([, , value], i) => [`file:${i}`, value]));
      const result = effectivePriority(base, refs, (id) => readings.get(id) ?? "unknown");
      assert.equal(result.fault, result.effects.some((e) => e.fault));
      const sum = result.effects.reduce((total, e) => total + e.delta, base);
      assert.equal(result.priority, base === 255 ? 255 : Math.min(254, Math.max(1, sum)));
    }),
    fuzzParameters(9, 500),
  );
  assert.equal(effectivePriority(100, [ref(10)], () => -5).priority, 50);
  assert.equal(effectivePriority(100, [ref(10)], () => 20).priority, 254);
});

test("a tracked value and an up/down object combine like keepalived's total_priority", () => {
  const refs = [{ id: "file:f", weight: -10, reverse: false }, { id: "script:s", weight: 20, reverse: false }];
  const readings = new Map<string, number | "up">([["file:f", 2], ["script:s", "up"]]);
  assert.equal(effectivePriority(100, refs, (id) => readings.get(id) ?? "unknown").priority, 100 - 20 + 20);
});
