import assert from "node:assert/strict";
import { test } from "node:test";
import { ScriptHealth } from "../../src/vrrp/script-health.ts";

test("the first result decides, then rise and fall need consecutive results", () => {
  const h = new ScriptHealth(2, 3);
  assert.equal(h.state, "unknown");
  assert.equal(h.record(true), "up");
  assert.equal(h.record(false), undefined);
  assert.equal(h.record(false), undefined);
  assert.equal(h.record(true), undefined, "a success breaks the failure streak");
  assert.equal(h.record(false), undefined);
  assert.equal(h.record(false), undefined);
  assert.equal(h.record(false), "down", "fall = 3 consecutive failures");
  assert.equal(h.record(true), undefined);
  assert.equal(h.record(true), "up", "rise = 2 consecutive successes");
});

test("init_fail starts down and needs `rise` successes", () => {
  const h = new ScriptHealth(3, 1, true);
  assert.equal(h.state, "down");
  assert.equal(h.record(true), undefined);
  assert.equal(h.record(true), undefined);
  assert.equal(h.record(true), "up");
  assert.equal(h.record(false), "down");
});
