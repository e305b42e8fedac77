import assert from "node:assert/strict";
import { isIP } from "node:net";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  canonicalIp,
  compareIp,
  formatIp,
  formatIpv4At,
  ipFamily,
  isIpv6LinkLocal,
  parseIp,
  parseIpShared,
  parsePrefix,
} from "../../src/lib/ip.ts";

const hex = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString("hex");

describe("parseIp", () => {
  it("parses dotted-quad IPv4", () => {
    assert.equal(hex(parseIp("192.0.2.1")), "c0000201");
    assert.equal(hex(parseIp("0.0.0.0")), "00000000");
    assert.equal(hex(parseIp("255.255.255.255")), "ffffffff");
  });

  it("refuses what inet_aton would read differently or not at all", () => {
    for (const text of ["192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.2.01", "192.0.2.-1", "192.0.2.1 ", " 192.0.2.1",
      "192.0.2.", "0x7f.0.0.1", "1e2.0.0.1", "", "192.0.2.1/24", "localhost"]) {
      assert.equal(parseIp(text), undefined, text);
    }
  });

  it("parses every RFC 4291 §2.2 IPv6 text form", () => {
    const cases: [string, string][] = [
      ["2001:db8:0:0:1:0:0:1", "20010db8000000000001000000000001"],
      ["2001:DB8::1", "20010db8000000000000000000000001"],
      ["::", "00000000000000000000000000000000"],
      ["::1", "00000000000000000000000000000001"],
      ["fe80::", "fe800000000000000000000000000000"],
      ["ff02::12", "ff020000000000000000000000000012"],
      ["::ffff:192.0.2.1", "00000000000000000000ffffc0000201"],
      ["64:ff9b::192.0.2.33", "0064ff9b0000000000000000c0000221"],
      ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
      ["::2:3:4:5:6:7:8", "00000002000300040005000600070008"],
      ["1:2:3:4:5:6:192.0.2.1", "000100020003000400050006c0000201"],
    ];
    for (const [text, bytes] of cases) assert.equal(hex(parseIp(text)), bytes, text);
  });

  it("refuses malformed IPv6", () => {
    for (const text of ["1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "::1:", "1:::2", "12345::", "g::1",
      "1:2:3:4:5:6:7::8", "::192.0.2.256", "::1.2.3", "fe80::1%eth0", "[::1]", "1:2:3:4:5:6:7:1.2.3.4", ":"]) {
      assert.equal(parseIp(text), undefined, text);
    }
  });

  it("agrees with node:net on which strings are addresses (zone ids aside)", () => {
    const candidate = fc.oneof(
      fc.stringMatching(/^[0-9a-fA-F:.]{0,45}$/),
      fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIp(b)),
      fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIp(b)),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        const ours = parseIp(text);
        const node = isIP(text);
        assert.equal(ours === undefined ? 0 : ours.length === 4 ? 4 : 6, node, JSON.stringify(text));
      }),
      { seed: 0x1b, numRuns: 3000 },
    );
  });
});

describe("formatIp (RFC 5952)", () => {
  it("writes the canonical form", () => {
    const cases: [string, string][] = [
      ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"], // §4.1 no leading zeros, §4.3 lowercase
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // §4.2.3 the first of two equal runs
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // §4.2.2 a single zero group is not compressed
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // §4.2.3 the longest run
      ["0:0:0:0:0:0:0:0", "::"],
      ["fe80:0:0:0:0:5e:0:54", "fe80::5e:0:54"],
      ["1:0:0:0:0:0:0:0", "1::"],
      ["::ffff:c000:0201", "::ffff:192.0.2.1"], // §5 IPv4-mapped addresses keep the dotted quad
      ["::c000:0201", "::c000:201"], // deprecated IPv4-compatible: plain hex
      ["192.0.2.1", "192.0.2.1"],
    ];
    for (const [text, canonical] of cases) assert.equal(canonicalIp(text), canonical, text);
  });

  it("matches the WHATWG URL serializer (also RFC 5952) for every address but IPv4-mapped ones", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIp(bytes);
        assert.equal(hex(parseIp(text)), hex(bytes), "parse(format(bytes)) is bytes");
        if (!text.startsWith("::ffff:") || !text.includes(".")) {
          assert.equal(`[${text}]`, new URL(`http://[${text}]/`).hostname);
        }
      }),
      { seed: 0x1c, numRuns: 3000 },
    );
  });

  it("throws RangeError for a length that is no address", () => {
    assert.throws(() => formatIp(new Uint8Array(5)), RangeError);
  });
});

describe("canonicalIp / ipFamily", () => {
  it("normalise and classify", () => {
    assert.equal(canonicalIp("FE80::0:1"), "fe80::1");
    assert.equal(canonicalIp("nope"), undefined);
    assert.equal(ipFamily("192.0.2.1"), 4);
    assert.equal(ipFamily("2001:db8::1"), 6);
    assert.equal(ipFamily("::ffff:192.0.2.1"), 6);
    assert.equal(ipFamily("192.0.2.1/24"), undefined);
  });
});

describe("compareIp (RFC 5798 §6.4.3 tie-break: unsigned, network byte order)", () => {
  it("compares numerically, not as strings", () => {
    assert.ok(compareIp("192.0.2.10", "192.0.2.9") > 0);
    assert.ok(compareIp("192.0.2.9", "192.0.2.10") < 0);
    assert.ok(compareIp("10.0.0.1", "9.255.255.255") > 0);
    assert.ok(compareIp("255.0.0.0", "127.255.255.255") > 0, "unsigned: the top bit does not make it negative");
    assert.equal(compareIp("192.0.2.1", "192.0.2.1"), 0);
    assert.ok(compareIp("fe80::a", "fe80::9") > 0);
    assert.ok(compareIp("fe80::1:0", "fe80::ffff") > 0);
    assert.equal(compareIp("2001:DB8::1", "2001:db8:0::1"), 0, "text forms of one address are equal");
  });

  it("is total: IPv4 before IPv6, non-addresses last", () => {
    assert.ok(compareIp("255.255.255.255", "::") < 0);
    assert.ok(compareIp("::", "not-an-ip") < 0);
    assert.ok(compareIp("b", "a") > 0);
    assert.equal(compareIp("x", "x"), 0);
  });

  it("is antisymmetric and agrees with the byte order", () => {
    const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(ipv4, ipv4, (a, b) => {
        const expected = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        assert.equal(Math.sign(compareIp(formatIp(a), formatIp(b))), expected);
        assert.equal(Math.sign(compareIp(formatIp(b), formatIp(a))), -expected);
      }),
      { seed: 0x1d, numRuns: 2000 },
    );
  });
});

describe("isIpv6LinkLocal (fe80::/10)", () => {
  it("checks the first 10 bits", () => {
    assert.equal(isIpv6LinkLocal("fe80::1"), true);
    assert.equal(isIpv6LinkLocal("febf:ffff::1"), true);
    assert.equal(isIpv6LinkLocal("fec0::1"), false);
    assert.equal(isIpv6LinkLocal("fe7f::1"), false);
    assert.equal(isIpv6LinkLocal("2001:db8::1"), false);
    assert.equal(isIpv6LinkLocal("192.0.2.1"), false);
    assert.equal(isIpv6LinkLocal("garbage"), false);
  });
});

describe("parsePrefix", () => {
  it("splits address/length and canonicalises the address", () => {
    assert.deepEqual(parsePrefix("192.0.2.1/24"), { address: "192.0.2.1", prefixLength: 24, family: 4 });
    assert.deepEqual(parsePrefix("2001:DB8::0:1/64"), { address: "2001:db8::1", prefixLength: 64, family: 6 });
    assert.deepEqual(parsePrefix("0.0.0.0/0"), { address: "0.0.0.0", prefixLength: 0, family: 4 });
    assert.deepEqual(parsePrefix("fe80::1/128"), { address: "fe80::1", prefixLength: 128, family: 6 });
  });

  it("refuses bad lengths and missing parts", () => {
    for (const text of ["192.0.2.1", "192.0.2.1/33", "2001:db8::1/129", "192.0.2.1/", "/24", "192.0.2.1/024",
      "192.0.2.1/2 4", "192.0.2.1/-1", "192.0.2.1/24/1", "192.0.2.300/24", "192.0.2.1/0x10"]) {
      assert.equal(parsePrefix(text), undefined, text);
    }
  });
});

describe("per-packet memos", () => {
  it("parseIpShared answers as parseIp, for good and bad text, also past its bound", () => {
    for (let i = 0; i < 1100; i++) {
      const text = i % 3 === 0 ? `2001:db8::${i.toString(16)}` : i % 3 === 1 ? `192.0.2.${i % 256}` : `bad-${i}`;
      assert.deepEqual(parseIpShared(text), parseIp(text), text);
      assert.deepEqual(parseIpShared(text), parseIp(text), `${text}, remembered`);
    }
  });

  it("formatIpv4At formats the address at an offset, as formatIp does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 24 }), fc.integer({ min: 0, max: 20 }), (bytes, offset) => {
        const expected = formatIp(bytes.slice(offset, offset + 4));
        assert.equal(formatIpv4At(bytes, offset), expected);
        assert.equal(formatIpv4At(bytes, offset), expected);
      }),
    );
  });
});
