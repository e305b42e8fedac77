import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BlobEncodeError } from "../../src/ubus/blob.ts";
import type { FrameResult } from "../../src/ubus/frame-reader.ts";
import { FrameReader } from "../../src/ubus/frame-reader.ts";
import type { UbusMessage, UbusMessageInit } from "../../src/ubus/message.ts";
import { UbusMsgType, decodeMessage, encodeMessage, ubusMaxMsglen } from "../../src/ubus/message.ts";

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

const messages: UbusMessageInit[] = [
  { type: UbusMsgType.hello, seq: 0, peer: 0x79711a7a }, // 12 bytes: header + empty top blob
  { type: UbusMsgType.lookup, seq: 1, peer: 0, attrs: [{ attr: "objpath", value: "vrrp" }] },
  {
    type: UbusMsgType.invoke, seq: 2, peer: 0x65481a68,
    attrs: [
      { attr: "objid", value: 0x65481a68 },
      { attr: "method", value: "set" },
      { attr: "data", value: [{ type: "string", name: "state", value: "MASTER" }] },
    ],
  },
  { type: UbusMsgType.status, seq: 2, peer: 0x65481a68, attrs: [{ attr: "status", value: 0 }, { attr: "objid", value: 0x65481a68 }] },
];
const frames = messages.map((m) => encodeMessage(m));
const stream = Buffer.concat(frames);
const expected = frames.map((f) => {
  const d = decodeMessage(f);
  assert.ok(d.ok);
  return d.value;
});

function okValues(results: FrameResult[]): UbusMessage[] {
  return results.map((r) => {
    if (!r.ok) assert.fail(`${r.error.code}: ${r.error.message}`);
    return r.value;
  });
}

/** A message whose top blob has exactly `rawLen` bytes: one raw attribute filling it. */
function withBodyLen(rawLen: number): Uint8Array {
  return encodeMessage(
    { type: UbusMsgType.ping, seq: 1, peer: 0, attrs: [{ attr: "raw", id: 100, extended: false, data: new Uint8Array(rawLen - 8), reason: "" }] },
    Infinity,
  );
}

describe("FrameReader: splitting", () => {
  it("several messages in one chunk", () => {
    const r = new FrameReader();
    assert.deepEqual(okValues(r.push(stream)), expected);
    assert.equal(r.pending, 0);
  });

  it("the stream cut at every byte boundary", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = new FrameReader();
      const got = [...okValues(r.push(stream.subarray(0, cut))), ...okValues(r.push(stream.subarray(cut)))];
      assert.deepEqual(got, expected, `cut at ${cut}`);
    }
  });

  it("the stream cut at every pair of byte boundaries", () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b += 3) {
        const r = new FrameReader();
        const got = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)].flatMap((c) => okValues(r.push(c)));
        assert.deepEqual(got, expected, `cuts at ${a}, ${b}`);
      }
    }
  });

  it("one byte at a time, with pending counting the held bytes", () => {
    const ends = frames.map((_, i) => frames.slice(0, i + 1).reduce((n, f) => n + f.length, 0));
    const r = new FrameReader();
    const got: UbusMessage[] = [];
    for (const [i, byte] of stream.entries()) {
      got.push(...okValues(r.push(Uint8Array.of(byte))));
      const boundary = Math.max(0, ...ends.filter((e) => e <= i + 1));
      assert.equal(r.pending, i + 1 - boundary, `after byte ${i}`);
    }
    assert.deepEqual(got, expected);
  });

  it("empty pushes are harmless", () => {
    const r = new FrameReader();
    assert.deepEqual(r.push(new Uint8Array(0)), []);
    assert.deepEqual(okValues(r.push(stream)), expected);
  });

  it("pushFrames hands back copies of the raw messages", () => {
    const r = new FrameReader();
    const chunk = Uint8Array.from(stream);
    const got = r.pushFrames(chunk).map((f) => (f.ok ? Buffer.from(f.value).toString("hex") : f.error.code));
    chunk.fill(0xee);
    assert.deepEqual(got, frames.map((f) => Buffer.from(f).toString("hex")));
  });
});

describe("FrameReader: the 1 MiB limit (blob_pad_len of the top blob, header not counted)", () => {
  it("accepts a body of exactly 1 MiB, as ubusd does", () => {
    for (const rawLen of [ubusMaxMsglen - 8, ubusMaxMsglen]) {
      const msg = withBodyLen(rawLen);
      assert.equal(msg.length, 8 + rawLen);
      const r = new FrameReader();
      const got: FrameResult[] = [];
      for (let i = 0; i < msg.length; i += 65536) got.push(...r.push(msg.subarray(i, i + 65536)));
      assert.equal(got.length, 1);
      assert.equal(got[0]?.ok, true, `raw len ${rawLen}`);
    }
    // An unaligned top blob (which libubus never builds) is framed by its raw length; it pads to exactly 1 MiB.
    const odd = new Uint8Array(8 + ubusMaxMsglen - 3);
    new DataView(odd.buffer).setUint32(8, ubusMaxMsglen - 3);
    const res = new FrameReader().pushFrames(odd);
    assert.equal(res.length, 1);
    assert.equal(res[0]?.ok && res[0].value.length, odd.length);
  });

  it("rejects one byte more as soon as the 12-byte prefix is in, and stays failed", () => {
    const r = new FrameReader();
    const results = r.push(h("00030001 00000000 00100001")); // top blob len 1048577, padded 1048580
    assert.equal(results.length, 1);
    const e = results[0];
    assert.ok(e !== undefined && !e.ok);
    assert.equal(e.error.code, "too-large");
    assert.equal(e.error.fatal, true);
    assert.equal(r.failed, e.error);
    assert.deepEqual(r.push(stream), [e], "no silent resync: the connection must be reset");
    r.reset();
    assert.deepEqual(okValues(r.push(stream)), expected);
  });

  it("the encoder refuses what the reader would refuse", () => {
    assert.throws(() => encodeMessage({
      type: UbusMsgType.ping, seq: 1, peer: 0,
      attrs: [{ attr: "raw", id: 100, extended: false, data: new Uint8Array(ubusMaxMsglen - 7), reason: "" }],
    }), BlobEncodeError);
  });

  it("a configurable limit", () => {
    const r = new FrameReader({ maxMsglen: 64 });
    assert.deepEqual(okValues(r.push(withBodyLen(64))).length, 1);
    const e = r.push(withBodyLen(68))[0];
    assert.equal(e?.ok === false && e.error.code, "too-large");
  });
});

describe("FrameReader: malformed messages", () => {
  it("a top blob len below 4 is fatal (ubusd disconnects)", () => {
    const r = new FrameReader();
    const res = r.push(Buffer.concat([frames[0] as Uint8Array, h("00000000 00000000 00000003")]));
    assert.equal(res.length, 2);
    assert.equal(res[0]?.ok, true, "what came before is still delivered");
    assert.equal(res[1]?.ok === false && res[1].error.code, "bad-len");
    assert.equal(r.failed?.fatal, true);
  });

  it("a well-framed but bad message is reported in place, and reading goes on", () => {
    const badVersion = Uint8Array.from(frames[1] as Uint8Array);
    badVersion[0] = 1;
    const overrun = h("00020001 00000000 0000000c 03000009 01020304"); // an attr longer than the top blob
    const r = new FrameReader();
    const res = r.push(Buffer.concat([badVersion, overrun, stream]));
    assert.deepEqual(res.slice(0, 2).map((x) => (x.ok ? "ok" : `${x.error.code} fatal=${x.error.fatal}`)), [
      "bad-version fatal=false",
      "bad-len fatal=false",
    ]);
    assert.deepEqual(okValues(res.slice(2)), expected);
    assert.equal(r.failed, undefined);
  });
});
