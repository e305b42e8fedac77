// The string fast paths against the reference TextDecoder / TextEncoder: decodeCString (ASCII interning) and
// BlobBuf.writeUtf8 (ASCII copied char by char) must give exactly what the plain decoder / encoder give.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { BlobBuf } from "../../src/ubus/blob.ts";
import { decodeCString } from "../../src/ubus/cstring.ts";

const reference = (b: Uint8Array): string => {
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? b : b.subarray(0, nul));
};

describe("decodeCString", () => {
  it("matches TextDecoder up to the first NUL, for any bytes, at any offset", () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => new TextEncoder().encode(s)));
    fc.assert(
      fc.property(bytes, fc.nat(8), (b, pad) => {
        const framed = new Uint8Array(pad + b.length + 3).fill(0x41);
        framed.set(b, pad);
        assert.equal(decodeCString(framed, pad, pad + b.length), reference(b));
        assert.equal(decodeCString(b), reference(b)); // again, now possibly from the intern table
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it("never mixes up two interned strings (more distinct strings than table slots)", () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `k${(i * 7919).toString(36)}`);
    const encoded = words.map((w) => new TextEncoder().encode(w));
    for (let round = 0; round < 2; round++) {
      encoded.forEach((b, i) => assert.equal(decodeCString(b), words[i]));
    }
  });
});

describe("BlobBuf.writeUtf8", () => {
  it("writes TextEncoder's bytes (lone surrogates become U+FFFD), or refuses a NUL", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constant("\ud800"), fc.constant("\0"), fc.string({ unit: "binary", maxLength: 1 })), maxLength: 30 }), (s) => {
        const buf = new BlobBuf(16);
        buf.writeU8(0x55); // not at offset 0
        const n = buf.writeUtf8(s);
        if (s.includes("\0")) return assert.equal(n, -1);
        const expected = new TextEncoder().encode(s);
        assert.equal(n, expected.length);
        assert.deepEqual(buf.bytes(), Uint8Array.of(0x55, ...expected));
      }),
      { numRuns: 3000, seed: 5 },
    );
  });
});
