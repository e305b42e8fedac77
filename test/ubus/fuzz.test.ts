// Property tests for the ubus codec, with fixed seeds so runs are reproducible:
// - random, framed-random and mutated real messages go into every decoder: nothing may throw, decoding
//   re-encoded output must give the same model, and the frame reader must agree with itself however the
//   bytes are chunked;
// - random well-formed messages must survive encode → decode → encode byte for byte;
// - arbitrary JS values go into the JSON converter without throwing.
// A failing byte input is shrunk by fast-check and written to fuzz-regressions/, which is replayed on every run.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { blobParseAttrs } from "../../src/ubus/blob.ts";
import type { BlobmsgAttr } from "../../src/ubus/blobmsg.ts";
import { blobmsgDecode, blobmsgEncode } from "../../src/ubus/blobmsg.ts";
import { blobmsgToJson, jsonToBlobmsg, jsonToBlobmsgValue } from "../../src/ubus/blobmsg-json.ts";
import { blobmsgFormatJson } from "../../src/ubus/blobmsg-format.ts";
import { FrameReader } from "../../src/ubus/frame-reader.ts";
import type { UbusAttr, UbusMessage, UbusMessageInit } from "../../src/ubus/message.ts";
import { attrTable, decodeMessage, encodeMessage, ubusMaxMsglen } from "../../src/ubus/message.ts";
import { signatureFromBlobmsg, validateArgs } from "../../src/ubus/policy.ts";
import { loadCaptures } from "./captures.ts";
import { fuzzParameters } from "../fuzz-settings.ts";

const regressionsDir = fileURLToPath(new URL("./fuzz-regressions/", import.meta.url));
// FUZZ_RUNS / FUZZ_SEED (fuzzParameters) allow a longer exploratory session; the defaults keep CI fast and reproducible.
const DEFAULT_RUNS = 3000;

// ---------------------------------------------------------------------------------------------------------
// What every input goes through.

const anyPolicy = { state: "string", prio: "int32", on: "bool", w: "double", big: "int64", t: "table", a: "array", u: "unspec" } as const;

function exerciseBlobmsg(list: readonly BlobmsgAttr[]): void {
  blobmsgToJson(list);
  blobmsgFormatJson(list);
  blobmsgFormatJson(list, { indent: 0, array: true });
  validateArgs(anyPolicy, list);
  signatureFromBlobmsg(list);
  // Canonical re-encoding decodes to the same model.
  const again = blobmsgDecode(blobmsgEncode(list));
  assert.ok(again.ok, "re-encoded blobmsg must decode");
  assert.deepEqual(again.value, list);
}

function exerciseMessage(m: UbusMessage, size: number): void {
  const t = attrTable(m.attrs);
  for (const list of [t.data, t.signature]) if (list !== undefined) exerciseBlobmsg(list);
  // Re-encoding can grow a message (invalid UTF-8 becomes U+FFFD), so only check well below the limit.
  if (size < ubusMaxMsglen / 4) {
    const again = decodeMessage(encodeMessage(m));
    assert.ok(again.ok, "a re-encoded message must decode");
    assert.deepEqual(again.value, m);
  }
}

/** Runs every decoder on `bytes`. Throws only on a codec bug. */
function exercise(bytes: Uint8Array): void {
  const d = decodeMessage(bytes);
  if (d.ok) exerciseMessage(d.value, bytes.length);
  for (const body of [bytes, bytes.subarray(Math.min(12, bytes.length))]) {
    blobParseAttrs(body);
    const b = blobmsgDecode(body);
    if (b.ok) exerciseBlobmsg(b.value);
  }
  // The frame reader: same results whether fed at once or in uneven chunks.
  const whole = new FrameReader().push(bytes);
  const chunked = new FrameReader();
  const got = [];
  for (let i = 0, step = 1; i < bytes.length && chunked.failed === undefined; i += step, step = (step % 7) + 1) {
    got.push(...chunked.push(bytes.subarray(i, i + step)));
  }
  assert.deepEqual(got, whole); // a fatal error ends both, once
  for (const r of whole) if (r.ok) exerciseMessage(r.value, bytes.length);
}

function saveCrasher(bytes: Uint8Array): string {
  mkdirSync(regressionsDir, { recursive: true });
  const name = `crash-${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.bin`;
  writeFileSync(regressionsDir + name, bytes);
  return name;
}

/** fc.check, then on failure save the shrunk counterexample before failing the test. */
function checkBytes(arb: fc.Arbitrary<Uint8Array>, seed: number): void {
  const details = fc.check(fc.property(arb, (bytes) => exercise(bytes)), fuzzParameters(seed, DEFAULT_RUNS));
  if (details.failed) {
    const example = details.counterexample?.[0];
    const saved = example !== undefined ? saveCrasher(example) : "(none)";
    assert.fail(`${fc.defaultReportMessage(details) ?? "property failed"}\nsaved as fuzz-regressions/${saved}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Inputs.

const corpus: Uint8Array[] = [...new Map([...loadCaptures().values()].flat().map((r) => [Buffer.from(r.bytes).toString("hex"), r.bytes])).values()];

/** A header plus a top blob whose len matches the body, so inputs get past framing into the attribute parser. */
const framedRandom = fc
  .tuple(fc.nat(255), fc.nat(0xffff), fc.nat(), fc.uint8Array({ maxLength: 300 }))
  .map(([type, seq, peer, body]) => {
    const b = new Uint8Array(12 + body.length);
    const v = new DataView(b.buffer);
    v.setUint8(1, type);
    v.setUint16(2, seq);
    v.setUint32(4, peer);
    v.setUint32(8, 4 + body.length);
    b.set(body, 12);
    return b;
  });

type Edit = readonly ["set" | "insert" | "delete" | "len", number, number];
function applyEdits(src: Uint8Array, edits: readonly Edit[]): Uint8Array {
  const b = [...src];
  for (const [op, at, value] of edits) {
    const i = b.length === 0 ? 0 : at % b.length;
    if (op === "set") b[i] = value;
    else if (op === "insert") b.splice(i, 0, value);
    else if (op === "delete") b.splice(i, 1);
    else {
      // Rewrite the low byte(s) of a length field: the most fragile part of the format.
      const word = i & ~3;
      if (word + 3 < b.length) {
        b[word + 3] = value;
        if (value & 1) b[word + 2] = value >> 4;
      }
    }
  }
  return Uint8Array.from(b);
}
const mutated = fc
  .tuple(
    fc.nat(corpus.length - 1),
    fc.array(fc.tuple(fc.constantFrom("set", "insert", "delete", "len"), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
  )
  .map(([i, edits]) => applyEdits(corpus[i] ?? new Uint8Array(0), edits as Edit[]));

/** fc.record, minus the null-prototype objects fast-check 4 mixes in (the codec builds plain objects). */
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(model, { noNullPrototype: true });

const cName = fc.string({ unit: "grapheme", maxLength: 10 }).filter((s) => !s.includes("\0"));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const { attr: blobmsgAttr } = fc.letrec<{ attr: BlobmsgAttr }>((tie) => ({
  attr: fc.oneof(
    { depthSize: "small", maxDepth: 6 },
    rec({ type: fc.constant("string" as const), name: cName, value: cName }),
    rec({ type: fc.constant("int32" as const), name: cName, value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
    rec({ type: fc.constant("int16" as const), name: cName, value: fc.integer({ min: -32768, max: 32767 }) }),
    rec({ type: fc.constant("int8" as const), name: cName, value: fc.integer({ min: -128, max: 127 }) }),
    rec({ type: fc.constant("int64" as const), name: cName, value: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n) }),
    rec({ type: fc.constant("double" as const), name: cName, value: fc.double() }),
    fc.tuple(cName, fc.uint8Array({ maxLength: 6 })).map(([name, v]): BlobmsgAttr =>
      v.length > 0 ? { type: "unspec", name, value: v } : { type: "unspec", name }),
    rec({ type: fc.constant("table" as const), name: cName, value: fc.array(tie("attr"), { maxLength: 4 }) }),
    rec({ type: fc.constant("array" as const), name: cName, value: fc.array(tie("attr"), { maxLength: 4 }) }),
  ),
}));
const blobmsgList = fc.array(blobmsgAttr, { maxLength: 5 });

const ubusAttr: fc.Arbitrary<UbusAttr> = fc.oneof(
  rec({ attr: fc.constant("status" as const), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  rec({ attr: fc.constantFrom("objpath" as const, "method" as const, "user" as const, "group" as const), value: cName }),
  rec({ attr: fc.constantFrom("objid" as const, "objtype" as const, "target" as const), value: u32 }),
  rec({ attr: fc.constantFrom("signature" as const, "data" as const), value: blobmsgList }),
  rec({ attr: fc.constantFrom("active" as const, "noReply" as const), value: fc.boolean() }),
  rec({ attr: fc.constant("subscribers" as const), value: fc.array(u32, { maxLength: 4 }) }),
  rec({
    attr: fc.constant("raw" as const), id: fc.integer({ min: 14, max: 127 }), extended: fc.boolean(),
    data: fc.uint8Array({ maxLength: 9 }), reason: fc.constant("unknown attribute id"),
  }),
);
const monitorAttr: fc.Arbitrary<UbusAttr> = fc.oneof(
  rec({ attr: fc.constantFrom("monitorClient" as const, "monitorPeer" as const, "monitorSeq" as const, "monitorType" as const), value: u32 }),
  rec({ attr: fc.constant("monitorSend" as const), value: fc.boolean() }),
  rec({ attr: fc.constant("monitorData" as const), value: fc.array(ubusAttr, { maxLength: 4 }) }),
);
const message: fc.Arbitrary<UbusMessageInit> = fc.oneof(
  rec({ type: fc.integer({ min: 0, max: 10 }), seq: fc.nat(0xffff), peer: u32, attrs: fc.array(ubusAttr, { maxLength: 6 }) }),
  rec({ type: fc.constant(11), seq: fc.nat(0xffff), peer: u32, attrs: fc.array(monitorAttr, { maxLength: 6 }) }),
);

// ---------------------------------------------------------------------------------------------------------

describe("fuzz: decoders never throw", () => {
  it("random bytes", () => checkBytes(fc.uint8Array({ maxLength: 400 }), 0x5eed0001));
  it("random bodies behind a valid header", () => checkBytes(framedRandom, 0x5eed0002));
  it("mutated real messages", () => checkBytes(mutated, 0x5eed0003));
  it("random well-formed messages, cut and mutated", () =>
    checkBytes(
      fc.tuple(message, fc.array(fc.tuple(fc.constantFrom("set", "insert", "delete", "len"), fc.nat(), fc.nat(255)), { maxLength: 3 }))
        .map(([m, edits]) => applyEdits(encodeMessage(m), edits as Edit[])),
      0x5eed0004,
    ));

  it("a 1 MiB message of nested tables is refused without exhausting the stack", () => {
    const depth = 130000; // 8 bytes per level: an unnamed table header and its empty name
    const body = new Uint8Array(depth * 8);
    const v = new DataView(body.buffer);
    for (let i = 0; i < depth; i++) {
      v.setUint32(i * 8, (0x82000000 | (body.length - i * 8)) >>> 0);
    }
    const msg = new Uint8Array(16 + body.length);
    const mv = new DataView(msg.buffer);
    mv.setUint8(1, 2);
    mv.setUint32(8, 4 + 4 + body.length);
    mv.setUint32(12, (0x07000000 | (4 + body.length)) >>> 0);
    msg.set(body, 16);
    const d = decodeMessage(msg);
    assert.ok(d.ok);
    const data = d.value.attrs[0];
    assert.ok(data?.attr === "raw" && data.reason.includes("deeper"), "DATA dropped as too deep");
  });
});

describe("fuzz: round trips", () => {
  it("encode → decode → encode is the identity for well-formed messages", () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeMessage(m);
        const d = decodeMessage(bytes);
        if (!d.ok) throw new Error(d.error.message);
        assert.deepEqual(d.value, { version: 0, ...m });
        assert.deepEqual(encodeMessage(d.value), bytes);
      }),
      fuzzParameters(0x5eed0005, DEFAULT_RUNS),
    );
  });

  it("JSON conversion never throws, and what converts survives the wire", () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withNullPrototype: true, withMap: true, withDate: true }), (v) => {
        jsonToBlobmsgValue("", v);
        const r = jsonToBlobmsg(v);
        if (r.ok) assert.ok(blobmsgDecode(blobmsgEncode(r.value)).ok);
      }),
      fuzzParameters(0x5eed0006, DEFAULT_RUNS),
    );
  });
});

describe("fuzz regressions", () => {
  const files = readdirSync(regressionsDir).filter((f) => f.endsWith(".bin")).sort();
  it("has a corpus to replay", () => assert.ok(files.length > 0));
  for (const f of files) it(`replays ${f}`, () => exercise(Uint8Array.from(readFileSync(regressionsDir + f))));
});
