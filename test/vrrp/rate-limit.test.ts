import assert from "node:assert/strict";
import { test } from "node:test";
import { LogRateLimiter } from "../../src/vrrp/rate-limit.ts";

test("one message per key per interval", () => {
  const limiter = new LogRateLimiter(1000);
  assert.equal(limiter.allow("a", 0), true);
  assert.equal(limiter.allow("a", 999), false);
  assert.equal(limiter.allow("b", 999), true);
  assert.equal(limiter.allow("a", 1000), true);
});

test("senders that vary their address cannot grow the table without bound", () => {
  const limiter = new LogRateLimiter(1000, 4);
  for (let i = 0; i < 4; i++) assert.equal(limiter.allow(`src${i}`, 0), true);
  assert.equal(limiter.allow("src4", 10), false, "full of live entries: suppressed, not stored");
  assert.equal(limiter.allow("src5", 2000), true, "expired entries are dropped to make room");
  assert.equal((limiter as unknown as { lastAt: Map<string, number> }).lastAt.size, 1);
});
