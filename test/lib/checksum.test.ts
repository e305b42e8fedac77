import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { internetChecksum, ipv4PseudoHeader, ipv6PseudoHeader, onesComplementSum } from "../../src/lib/checksum.ts";

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s/g, ""), "hex"));

/** The textbook definition, written for clarity rather than speed: 16-bit words, end-around carry. */
function referenceChecksum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) {
    sum += ((data[i] ?? 0) << 8) + (data[i + 1] ?? 0); // an odd last byte is padded with a zero byte
    sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  }
  return ~sum & 0xffff;
}

describe("RFC 1071 internet checksum", () => {
  it("RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2", () => {
    const data = bytes("0001 f203 f4f5 f6f7");
    assert.equal(onesComplementSum([data]), 0xddf2);
    assert.equal(internetChecksum([data]), 0x220d);
  });

  it("a message carrying its own checksum verifies to 0", () => {
    const advert = bytes("2133640100 01 b865 c0000264 0000000000000000"); // vrrp-protocol.md §1.1 VRRPv2
    assert.equal(internetChecksum([advert]), 0);
    const zeroed = advert.slice();
    zeroed[6] = 0;
    zeroed[7] = 0;
    assert.equal(internetChecksum([zeroed]), 0xb865);
  });

  it("pads an odd final byte with zero", () => {
    assert.equal(internetChecksum([bytes("01")]), ~0x0100 & 0xffff);
    assert.equal(internetChecksum([bytes("0102 03")]), ~(0x0102 + 0x0300) & 0xffff);
  });

  it("all-zero input gives 0xffff, and the empty input too", () => {
    assert.equal(internetChecksum([new Uint8Array(20)]), 0xffff);
    assert.equal(internetChecksum([]), 0xffff);
  });

  it("folds carries: 0xffff + 0x0001 is 0x0001, not 0x10000", () => {
    assert.equal(onesComplementSum([bytes("ffff 0001")]), 0x0001);
    assert.equal(onesComplementSum([bytes("ffff ffff")]), 0xffff);
  });

  it("sums parts as if they were one buffer, whatever their (odd) lengths", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(200), { maxLength: 6 }), (data, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        const parts: Uint8Array[] = [];
        let start = 0;
        for (const point of points) {
          parts.push(data.subarray(start, point));
          start = point;
        }
        parts.push(data.subarray(start));
        assert.equal(internetChecksum(parts), referenceChecksum(data));
      }),
      { seed: 0xc5, numRuns: 2000 },
    );
  });

  it("stays exact for inputs far larger than a packet (no 32-bit overflow)", () => {
    const big = new Uint8Array(1 << 20).fill(0xff);
    big[12345] = 0x12;
    assert.equal(internetChecksum([big]), referenceChecksum(big));
  });
});

describe("pseudo-headers", () => {
  it("IPv4 (RFC 768 layout): src, dst, zero, protocol, length", () => {
    const header = ipv4PseudoHeader(bytes("c0000201"), bytes("e0000012"), 112, 12);
    assert.equal(Buffer.from(header).toString("hex"), "c0000201e0000012" + "00" + "70" + "000c");
  });

  it("IPv6 (RFC 8200 §8.1): src, dst, 32-bit length, three zero bytes, next header", () => {
    const src = bytes("fe800000000000000000000000000001");
    const dst = bytes("ff020000000000000000000000000012");
    const header = ipv6PseudoHeader(src, dst, 112, 40);
    assert.equal(Buffer.from(header).toString("hex"), `${Buffer.from(src).toString("hex")}${Buffer.from(dst).toString("hex")}00000028` + "000000" + "70");
  });

  it("the VRRPv3/IPv4 golden advert verifies with its pseudo-header (vrrp-protocol.md §1.1)", () => {
    const advert = bytes("313364010005 05d1 c0000264");
    const pseudo = ipv4PseudoHeader(bytes("c0000201"), bytes("e0000012"), 112, advert.length);
    assert.equal(internetChecksum([pseudo, advert]), 0);
  });
});
