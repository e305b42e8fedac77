// encodeJsonMessage (the reply fast path) against the reference pipeline jsonToBlobmsg + encodeMessage:
// byte-identical output for every value the reference accepts, and a failure (same path) where it refuses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { jsonToBlobmsg } from "../../src/ubus/blobmsg-json.ts";
import { encodeJsonMessage } from "../../src/ubus/json-message.ts";
import { encodeMessage } from "../../src/ubus/message.ts";

type Outcome = { ok: true; hex: string } | { ok: false; path: string };

function reference(data: unknown, maxMsglen?: number): Outcome {
  const attrs = jsonToBlobmsg(data);
  if (!attrs.ok) return { ok: false, path: attrs.error.path };
  try {
    const bytes = encodeMessage({ type: 2, seq: 7, peer: 0xdeadbeef, attrs: [{ attr: "objid", value: 0x1234 }, { attr: "data", value: attrs.value }] }, maxMsglen);
    return { ok: true, hex: Buffer.from(bytes).toString("hex") };
  } catch {
    return { ok: false, path: "$" };
  }
}

function fast(data: unknown, maxMsglen?: number): Outcome {
  const r = encodeJsonMessage({ type: 2, seq: 7, peer: 0xdeadbeef, attrs: [{ attr: "objid", value: 0x1234 }] }, data, maxMsglen);
  return r.ok ? { ok: true, hex: Buffer.from(r.value).toString("hex") } : { ok: false, path: r.error.path };
}

const keys = fc.oneof(fc.constantFrom("state", "priority", "", "a\u0000b", "__proto__", "ünï", "x".repeat(70)), fc.string());
const leaf = fc.oneof(
  fc.string(),
  fc.constantFrom("master", "eth0", "nul\u0000inside", "ü€😀", "y".repeat(100)),
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, 2 ** 63, -(2 ** 63), 0.5, -0, NaN, Infinity),
  fc.double(),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(keys, tie("value"), { maxKeys: 5 })),
}));

describe("encodeJsonMessage", () => {
  it("matches jsonToBlobmsg + encodeMessage on generated values", () => {
    fc.assert(
      fc.property(fc.dictionary(keys, value, { maxKeys: 6 }), (data) => {
        assert.deepEqual(fast(data), reference(data));
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses what the reference refuses: non-objects, deep nesting, class instances, functions, over-size", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { d: deep };
    const cases: unknown[] = [[1], "x", null, 5, { deep }, { when: new Date(0) }, { f: () => 1 }, { m: new Map() }, { big: "z".repeat(2000) }];
    for (const c of cases) {
      const max = 1024;
      assert.deepEqual(fast(c, max), reference(c, max), String(c));
      assert.equal(fast(c, max).ok, false);
    }
  });
});
