// Adverts captured from real keepalived and FRR vrrpd (scripts/capture-golden-vectors.sh writes test/vectors/*.json).
// Each file carries the VRRP message, its IP context and the value an independent parser decoded from it:
// decode(hex) must give that value (and checksum form), and encode(value) must give the bytes back exactly.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Advertisement, DecodeErrorCode, IpFamily, V3Ipv4ChecksumForm } from "../../src/vrrp/advertisement.ts";
import { decode, encode } from "../../src/vrrp/codec.ts";
import { assertRoundTrip, fromHex, toHex } from "./codec-round-trip.ts";

interface GoldenVector {
  readonly name: string;
  readonly description: string;
  readonly source: { readonly daemon: string; readonly version: string; readonly package: string };
  readonly ip: { readonly family: IpFamily; readonly src: string; readonly dst: string };
  readonly hex: string;
  readonly fields: readonly { readonly offset: number; readonly hex: string; readonly field: string }[];
  readonly checksumForm?: V3Ipv4ChecksumForm;
  readonly expectedError?: DecodeErrorCode;
  readonly decoded: Advertisement;
}

const directory = join(import.meta.dirname, "..", "vectors");
const vectors: GoldenVector[] = readdirSync(directory)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(join(directory, name), "utf8")) as GoldenVector);

describe("golden vectors captured from keepalived and FRR", () => {
  it("cover both daemons, VRRPv2 with a password, VRRPv3 over IPv4 and over IPv6", () => {
    const has = (test: (v: GoldenVector) => boolean): boolean => vectors.some(test);
    assert.ok(has((v) => v.source.daemon === "keepalived" && v.decoded.version === 2 && v.decoded.authType === 1));
    assert.ok(has((v) => v.source.daemon === "keepalived" && v.decoded.version === 3 && v.ip.family === 4));
    assert.ok(has((v) => v.source.daemon === "keepalived" && v.decoded.version === 3 && v.ip.family === 6));
    assert.ok(has((v) => v.source.daemon.startsWith("frr") && v.decoded.version === 3));
  });

  for (const vector of vectors) {
    describe(`${vector.name}: ${vector.description}`, () => {
      const bytes = fromHex(vector.hex);
      const context = { family: vector.ip.family, src: vector.ip.src, dst: vector.ip.dst };

      it("its annotated fields match its bytes", () => {
        for (const field of vector.fields) {
          const at = bytes.subarray(field.offset, field.offset + field.hex.length / 2);
          assert.equal(toHex(at), field.hex, `${field.field} at offset ${field.offset}`);
        }
      });

      if (vector.expectedError !== undefined) {
        it(`is refused with ${vector.expectedError}`, () => {
          const result = decode(bytes, context);
          assert.equal(result.ok ? "ok" : result.error.code, vector.expectedError);
        });
      } else {
        it("decodes to the recorded value and checksum form", () => {
          const expected = vector.checksumForm === undefined
            ? { advert: vector.decoded }
            : { advert: vector.decoded, checksumForm: vector.checksumForm };
          assert.deepEqual(decode(bytes, context), { ok: true, value: expected });
        });

        it("round-trips to the same bytes", () => {
          const form = vector.checksumForm === undefined ? {} : { v3Ipv4Checksum: vector.checksumForm };
          assertRoundTrip(vector.decoded, { ...context, ...form }, vector.hex);
        });
      }

      it("encode(recorded value) reproduces the captured bytes", () => {
        const form = vector.checksumForm === undefined ? {} : { v3Ipv4Checksum: vector.checksumForm };
        assert.equal(toHex(encode(vector.decoded, { ...context, ...form })), vector.hex);
      });
    });
  }
});
