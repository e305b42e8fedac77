// encodeJsonMessage (the reply fast path) against the reference pipeline jsonToBlobmsg + encodeMessage:
// byte-identical output for every value the reference accepts, and a failure (same path) where it refuses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { jsonToBlobmsg } from "../../src/ubus/blobmsg-json.ts";
import { encodeJsonMessage, encodeJsonMessageSliced } from "../../src/ubus/json-message.ts";
import { encodeMessage } from "../../src/ubus/message.ts";
import { fuzzParameters } from "../fuzz-settings.ts";

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

const init = { type: 2, seq: 7, peer: 0xdeadbeef, attrs: [{ attr: "objid", value: 0x1234 }] } as const;
const outcome = (r: ReturnType<typeof encodeJsonMessage>): Outcome =>
  r.ok ? { ok: true, hex: Buffer.from(r.value).toString("hex") } : { ok: false, path: r.error.path };

function fast(data: unknown, maxMsglen?: number): Outcome {
  return outcome(encodeJsonMessage(init, data, maxMsglen));
}

/** The sliced encoder with a zero slice: it pauses before every member of the top two levels. */
async function sliced(data: unknown, maxMsglen?: number): Promise<Outcome> {
  return outcome(await encodeJsonMessageSliced(init, data, 0, maxMsglen));
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
      fuzzParameters(0x150e, 2000),
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

  it("in slices: the same bytes and the same refusals, pausing anywhere", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keys, value, { maxKeys: 6 }), async (data) => {
        assert.deepEqual(await sliced(data), reference(data));
      }),
      fuzzParameters(0x5115, 500),
    );
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { d: deep };
    for (const c of [[1], "x", null, { deep }, { a: { when: new Date(0) } }, { a: { b: 1, f: () => 1 } }, { a: { "x\u0000": 1 } }, { big: "z".repeat(2000) }]) {
      assert.deepEqual(await sliced(c, 1024), reference(c, 1024), JSON.stringify(c));
    }
  });

  it("in slices: a small value is encoded at once; a big one lets the event loop turn in between", async () => {
    const small = encodeJsonMessageSliced(init, { state: "master", prio: 100 }, 1000);
    assert.ok(!(small instanceof Promise), "no promise when it fits in one slice");
    const instances = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`lan${i}`, { state: "backup", vrid: i % 255, vips: ["192.0.2.1/24"] }]));
    let turned = false;
    setImmediate(() => (turned = true));
    const big = encodeJsonMessageSliced(init, { version: "1", instances }, 0);
    assert.ok(big instanceof Promise);
    const bytes = await big;
    assert.ok(turned, "a setImmediate callback ran before the encoding finished");
    assert.deepEqual(outcome(bytes), reference({ version: "1", instances }));
  });
});
