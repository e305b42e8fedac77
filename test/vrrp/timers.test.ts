// The worked values of RFC 3768 §6.1 and RFC 5798 §6.1 (see shared/reference/vrrp-protocol.md fact 13).
import assert from "node:assert/strict";
import { test } from "node:test";
import { masterDownIntervalMs, skewTimeMs } from "../../src/vrrp/timers.ts";

test("VRRPv2 Skew_Time and Master_Down_Interval in seconds", () => {
  assert.equal(skewTimeMs(2, 100, 1000), 609.375);
  assert.equal(masterDownIntervalMs(2, 100, 1000), 3609.375);
  assert.equal(masterDownIntervalMs(2, 254, 1000), 3007.8125);
  assert.equal(masterDownIntervalMs(2, 1, 1000), 3996.09375);
  // v2's skew does not scale with the interval (RFC 3768 §6.1: (256 - Priority) / 256 seconds).
  assert.equal(skewTimeMs(2, 100, 3000), 609.375);
});

test("VRRPv3 scales Skew_Time with Master_Adver_Interval", () => {
  assert.equal(skewTimeMs(3, 200, 1000), 218.75); // 21.875 cs
  assert.equal(masterDownIntervalMs(3, 100, 50), 180.46875); // the 50 ms worked value: ≈ 180.5 ms
  assert.ok(Math.abs(masterDownIntervalMs(3, 254, 10) - 30.078125) < 1e-9); // ≈ 30.1 ms at 1 cs
});

test("keepalived's down_timer_adverts replaces the factor 3", () => {
  assert.equal(masterDownIntervalMs(3, 100, 100, 5), 560.9375);
});
