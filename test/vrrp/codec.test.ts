// VRRP advertisement codec: golden bytes (vrrp-protocol.md §1.1, holo-vrrp), one test per DecodeErrorCode with its
// message, the order of the checks, the v3 checksum forms, and what encode refuses. Captured daemon bytes are in
// golden-vectors.test.ts; random inputs in codec-fuzz.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AdvertisementV2, AdvertisementV3, DecodeOptions, DecodeResult } from "../../src/vrrp/advertisement.ts";
import {
  authPasswordBytes,
  authPasswordText,
  decode,
  encode,
  encodingLength,
  peekVersion,
  peekVrid,
} from "../../src/vrrp/codec.ts";
import { assertRoundTrip, fromHex, toHex, withValidChecksum } from "./codec-round-trip.ts";

const V4: DecodeOptions = { family: 4, src: "192.0.2.1", dst: "224.0.0.18" };
const V6: DecodeOptions = { family: 6, src: "fe80::1", dst: "ff02::12" };

const v2 = (fields: Partial<AdvertisementV2> = {}): AdvertisementV2 => ({
  version: 2, vrid: 51, priority: 100, addresses: ["192.0.2.100"], authType: 0, authPassword: "", adverIntSec: 1, ...fields,
});
const v3 = (fields: Partial<AdvertisementV3> = {}): AdvertisementV3 => ({
  version: 3, vrid: 51, priority: 100, addresses: ["192.0.2.100"], maxAdverIntCs: 5, ...fields,
});

function refusal(result: DecodeResult): { code: string; message: string } {
  assert.equal(result.ok, false, "expected decode to refuse the packet");
  return result.ok ? assert.fail() : result.error;
}

describe("golden vectors (vrrp-protocol.md §1.1)", () => {
  it("VRRPv2, advert_int 1 s: checksum 0xb865 over the message only", () => {
    assertRoundTrip(v2(), V4, "21 33 64 01 00 01 b8 65 c0 00 02 64 00 00 00 00 00 00 00 00");
  });

  it("VRRPv3/IPv4, 5 cs: checksum 0x05d1 with the IPv4 pseudo-header (keepalived and FRR default)", () => {
    assertRoundTrip(v3(), V4, "31 33 64 01 00 05 05 d1 c0 00 02 64");
    const decoded = decode(fromHex("313364010005 05d1 c0000264"), V4);
    assert.deepEqual(decoded, { ok: true, value: { advert: v3(), checksumForm: "pseudo-header" } });
  });

  it("VRRPv3/IPv4, 5 cs: checksum 0xa861 over the message only (RFC 9568 §5.2.8)", () => {
    assertRoundTrip(v3(), { ...V4, v3Ipv4Checksum: "message-only" }, "31 33 64 01 00 05 a8 61 c0 00 02 64");
    const decoded = decode(fromHex("313364010005 a861 c0000264"), V4);
    assert.deepEqual(decoded, { ok: true, value: { advert: v3(), checksumForm: "message-only" } });
  });

  it("holo-vrrp's VRRPv2 vector: vrid 51, priority 30, 10.0.1.5, checksum 0xb5c5", () => {
    assertRoundTrip(v2({ priority: 30, addresses: ["10.0.1.5"] }), V4, "21 33 1e 01 00 01 b5 c5 0a 00 01 05 0000000000000000");
  });

  it("VRRPv2 auth type 0 always carries 8 zero bytes of Authentication Data, as keepalived sends", () => {
    const bytes = encode(v2({ authPassword: "ignored" }), V4);
    assert.equal(toHex(bytes.subarray(12)), "0000000000000000");
  });

  it("VRRPv2 auth type 1 carries the password NUL-padded to 8 bytes", () => {
    const bytes = assertRoundTrip(v2({ authType: 1, authPassword: "gv-pass" }), V4);
    assert.equal(toHex(bytes.subarray(12)), Buffer.from("gv-pass\0").toString("hex"));
    assertRoundTrip(v2({ authType: 1, authPassword: "12345678" }), V4);
  });

  it("round-trips priority 0 and 255, the largest interval and the maximum number of addresses", () => {
    assertRoundTrip(v2({ priority: 0 }), V4);
    assertRoundTrip(v3({ priority: 255, maxAdverIntCs: 4095 }), V4);
    assertRoundTrip(v2({ adverIntSec: 255 }), V4);
    const v4Addresses = Array.from({ length: 255 }, (_, i) => `192.0.2.${i}`);
    assert.equal(assertRoundTrip(v2({ addresses: v4Addresses }), V4).length, 16 + 4 * 255);
    const v6Addresses = ["fe80::1", ...Array.from({ length: 254 }, (_, i) => `2001:db8::${(i + 1).toString(16)}`)];
    assert.equal(assertRoundTrip(v3({ addresses: v6Addresses }), V6).length, 8 + 16 * 255);
  });

  it("encodingLength is 16 + 4n (v2), 8 + 4n or 8 + 16n (v3)", () => {
    assert.equal(encodingLength(v2({ addresses: [] })), 16);
    assert.equal(encodingLength(v2({ addresses: ["192.0.2.1", "192.0.2.2"] })), 24);
    assert.equal(encodingLength(v3({ addresses: ["192.0.2.1"] })), 12);
    assert.equal(encodingLength(v3({ addresses: ["fe80::1", "2001:db8::1"] })), 40);
  });
});

describe("decode refusals, one per DecodeErrorCode", () => {
  const good = encode(v2(), V4);

  it("truncated: shorter than the 8-byte header", () => {
    for (const length of [0, 1, 7]) {
      const error = refusal(decode(good.subarray(0, length), V4));
      assert.equal(error.code, "truncated");
      assert.match(error.message, new RegExp(`^message is ${length} bytes, shorter than the 8-byte VRRP header`));
    }
  });

  it("truncated: shorter than Count says, naming the Authentication Data for v2", () => {
    const error = refusal(decode(good.subarray(0, 12), V4));
    assert.deepEqual(error, {
      code: "truncated",
      message: "message is 12 bytes, Count IP Addrs 1 needs 20 including 8 bytes of Authentication Data",
    });
    const v6 = encode(v3({ addresses: ["fe80::1", "2001:db8::1"] }), V6);
    assert.equal(refusal(decode(v6.subarray(0, 39), V6)).code, "truncated");
  });

  it("bad-length: more trailing bytes than Ethernet padding can explain", () => {
    // IPv4: 20-byte header + VRRP may be padded up to a 46-byte Ethernet payload, so up to 26 VRRP bytes.
    const padded = new Uint8Array(26);
    padded.set(good);
    assert.equal(decode(padded, V4).ok, true, "a v2 advert padded to 26 bytes is accepted");
    const v3Padded = new Uint8Array(26);
    v3Padded.set(encode(v3(), V4));
    assert.equal(decode(v3Padded, V4).ok, true, "a 12-byte v3 advert padded to 26 bytes is accepted");
    const tooLong = new Uint8Array(27);
    tooLong.set(good);
    assert.deepEqual(refusal(decode(tooLong, V4)), {
      code: "bad-length",
      message:
        "message is 27 bytes, Count IP Addrs 1 needs 20 including 8 bytes of Authentication Data; " +
        "7 extra bytes are more than Ethernet padding",
    });
    // IPv6: the 40-byte header alone fills the minimum frame, so no padding is ever legitimate.
    const v6 = encode(v3({ addresses: ["fe80::1"] }), V6);
    const v6Extra = new Uint8Array(v6.length + 1);
    v6Extra.set(v6);
    assert.equal(refusal(decode(v6Extra, V6)).code, "bad-length");
  });

  it("bad-version", () => {
    for (const first of [0x01, 0x11, 0x41, 0xf1]) {
      const bytes = good.slice();
      bytes[0] = first;
      assert.deepEqual(refusal(decode(bytes, V4)), { code: "bad-version", message: `version ${first >> 4}, expected 2 or 3` });
    }
  });

  it("v2-over-ipv6", () => {
    const bytes = fromHex("2133640100010000fe800000000000000000000000000001 0000000000000000");
    assert.equal(refusal(decode(bytes, V6)).code, "v2-over-ipv6");
  });

  it("bad-type", () => {
    for (const first of [0x20, 0x22, 0x2f, 0x32]) {
      const bytes = (first >> 4 === 3 ? encode(v3(), V4) : good).slice();
      bytes[0] = first;
      assert.deepEqual(refusal(decode(bytes, V4)), {
        code: "bad-type",
        message: `type ${first & 0x0f}, expected 1 (ADVERTISEMENT)`,
      });
    }
  });

  it("bad-checksum names the received and the expected checksum", () => {
    const bytes = good.slice();
    bytes[6] = 0x12;
    bytes[7] = 0x34;
    assert.deepEqual(refusal(decode(bytes, V4)), {
      code: "bad-checksum",
      message: "checksum 0x1234, expected 0xb865 (message only, RFC 3768 §5.3.8)",
    });
  });

  it("bad-checksum for v3/IPv4 lists every accepted form", () => {
    const bytes = fromHex("313364010005 1234 c0000264");
    assert.deepEqual(refusal(decode(bytes, { ...V4, dst: "192.0.2.2" })), {
      code: "bad-checksum",
      message:
        "checksum 0x1234, expected 0x23e1 (pseudo-header, dst 192.0.2.2), 0x05d1 (pseudo-header, dst 224.0.0.18) " +
        "or 0xa861 (message only, RFC 9568 §5.2.8)",
    });
  });

  it("zero-count (v3 only; a v2 advert without addresses is accepted)", () => {
    assert.deepEqual(refusal(decode(encode(v3({ addresses: [] }), V4), V4)), {
      code: "zero-count",
      message: "Count IPvX Addr 0; it must be at least 1 (RFC 9568 §5.2.5, erratum 8299)",
    });
    assert.equal(refusal(decode(encode(v3({ addresses: [] }), V6), V6)).code, "zero-count");
    assertRoundTrip(v2({ addresses: [] }), V4);
  });

  it("zero-interval for both Adver Int (v2) and Max Adver Int (v3)", () => {
    assert.deepEqual(refusal(decode(encode(v2({ adverIntSec: 0 }), V4), V4)), {
      code: "zero-interval",
      message: "Adver Int 0; it must be at least 1 (RFC 9568 erratum 8301)",
    });
    assert.equal(refusal(decode(encode(v3({ maxAdverIntCs: 0 }), V4), V4)).message.startsWith("Max Adver Int 0"), true);
    // Only the 12 interval bits count: reserved bits set and an interval of 0 is still zero.
    const reservedOnly = fromHex("31336401f000 0000 c0000264");
    assert.equal(refusal(decode(withValidChecksum(reservedOnly, V4), V4)).code, "zero-interval");
  });

  it("ipv6-first-not-link-local", () => {
    const bytes = encode(v3({ addresses: ["2001:db8::1", "fe80::1"] }), V6);
    assert.deepEqual(refusal(decode(bytes, V6)), {
      code: "ipv6-first-not-link-local",
      message: "first address 2001:db8::1 is not link-local (fe80::/10, RFC 5798 §5.2.9)",
    });
    assert.equal(decode(encode(v3({ addresses: ["febf::1"] }), V6), V6).ok, true, "febf:: is still in fe80::/10");
    assert.equal(refusal(decode(encode(v3({ addresses: ["fec0::1"] }), V6), V6)).code, "ipv6-first-not-link-local");
  });

  it("auth-type-mismatch against the configured type; unknown-auth-type for a type this codec does not know", () => {
    const none = encode(v2(), V4);
    const pass = encode(v2({ authType: 1, authPassword: "secret" }), V4);
    assert.deepEqual(refusal(decode(none, { ...V4, expectedAuth: { authType: 1, authPassword: "secret" } })), {
      code: "auth-type-mismatch",
      message: "Auth Type 0, expected 1",
    });
    assert.equal(refusal(decode(pass, { ...V4, expectedAuth: { authType: 0, authPassword: "" } })).code, "auth-type-mismatch");
    const ah = withValidChecksum(fromHex("213364010201 0000 c0000264 0000000000000000"), V4);
    assert.deepEqual(refusal(decode(ah, V4)), {
      code: "unknown-auth-type",
      message: "Auth Type 2 is not supported (0 none, 1 simple password)",
    });
  });

  it("auth-failure: the 8 bytes must match exactly", () => {
    const pass = encode(v2({ authType: 1, authPassword: "gv-pass" }), V4);
    for (const wrong of ["gv-pas", "gv-pass1", "GV-PASS", ""]) {
      assert.deepEqual(refusal(decode(pass, { ...V4, expectedAuth: { authType: 1, authPassword: wrong } })), {
        code: "auth-failure",
        message: "Authentication Data does not match the configured password",
      });
    }
    assert.equal(decode(pass, { ...V4, expectedAuth: { authType: 1, authPassword: "gv-pass" } }).ok, true);
  });

  it("auth is only checked when expectedAuth is given, and only for v2", () => {
    const pass = encode(v2({ authType: 1, authPassword: "gv-pass" }), V4);
    const decoded = decode(pass, V4);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value.advert, v2({ authType: 1, authPassword: "gv-pass" }));
    const v3bytes = encode(v3(), V4);
    assert.equal(decode(v3bytes, { ...V4, expectedAuth: { authType: 1, authPassword: "x" } }).ok, true);
  });

  it("auth type 0 ignores whatever the Authentication Data holds (RFC 3768 §5.3.10)", () => {
    const bytes = withValidChecksum(fromHex("213364010001 0000 c0000264 6a756e6b00000000"), V4);
    const decoded = decode(bytes, { ...V4, expectedAuth: { authType: 0, authPassword: "" } });
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value.advert, v2());
  });
});

describe("check order: length/truncated, version, type, checksum, then field rules", () => {
  it("a short packet with a bad version is truncated, not bad-version", () => {
    assert.equal(refusal(decode(fromHex("f1"), V4)).code, "truncated");
  });

  it("version before the length implied by Count", () => {
    assert.equal(refusal(decode(fromHex("4133ff0100010000"), V4)).code, "bad-version");
  });

  it("length before type, type before checksum, checksum before field rules", () => {
    assert.equal(refusal(decode(fromHex("2233640200010000 c0000264"), V4)).code, "truncated");
    assert.equal(refusal(decode(fromHex("2233640100010000 c0000264 0000000000000000"), V4)).code, "bad-type");
    assert.equal(refusal(decode(fromHex("3133640000000000"), V4)).code, "bad-checksum");
    assert.equal(refusal(decode(withValidChecksum(fromHex("3133640000000000"), V4), V4)).code, "zero-count");
  });

  it("field rules in order: count, interval, first IPv6 address, then auth", () => {
    const v6 = withValidChecksum(fromHex(`31336401 0000 0000 20010db8000000000000000000000001`), V6);
    assert.equal(refusal(decode(v6, V6)).code, "zero-interval");
    const v2bytes = withValidChecksum(fromHex("213364010500 0000 c0000264 0000000000000000"), V4);
    assert.equal(refusal(decode(v2bytes, { ...V4, expectedAuth: { authType: 0, authPassword: "" } })).code, "zero-interval");
  });
});

describe("VRRPv3 checksum forms (RFC 5798 §5.2.8 vs RFC 9568 §5.2.8)", () => {
  const advert = v3({ addresses: ["192.0.2.57"] });

  it("keepalived unicast: the pseudo-header carries the real destination", () => {
    const unicast = { family: 4, src: "192.0.2.1", dst: "192.0.2.2" } as const;
    const bytes = encode(advert, unicast);
    assert.deepEqual(decode(bytes, unicast), { ok: true, value: { advert, checksumForm: "pseudo-header" } });
  });

  it("FRR always puts 224.0.0.18 in the pseudo-header, even when the packet went elsewhere", () => {
    const bytes = encode(advert, V4);
    assert.deepEqual(decode(bytes, { ...V4, dst: "192.0.2.2" }), { ok: true, value: { advert, checksumForm: "pseudo-header" } });
  });

  it("message-only is accepted and reported for IPv4", () => {
    const bytes = encode(advert, { ...V4, v3Ipv4Checksum: "message-only" });
    assert.deepEqual(decode(bytes, V4), { ok: true, value: { advert, checksumForm: "message-only" } });
  });

  it("IPv6 accepts only the pseudo-header form and reports no form", () => {
    const v6advert = v3({ addresses: ["fe80::1"] });
    const bytes = encode(v6advert, V6);
    assert.deepEqual(decode(bytes, V6), { ok: true, value: { advert: v6advert } });
    const messageOnly = withValidChecksum(bytes, V6, "message-only");
    assert.equal(refusal(decode(messageOnly, V6)).code, "bad-checksum");
    assert.equal(decode(bytes, { ...V6, src: "fe80::2" }).ok, false, "the source address is covered");
  });

  it("when the pseudo-header sums to zero both forms give the same bytes, and decode says pseudo-header", () => {
    // 31.113.0.0 + 224.0.0.18 + 112 + 12 sums to 0xffff, so the pseudo-header adds nothing to the checksum.
    const context = { family: 4, src: "31.113.0.0", dst: "224.0.0.18" } as const;
    const pseudo = encode(advert, context);
    assert.equal(toHex(encode(advert, { ...context, v3Ipv4Checksum: "message-only" })), toHex(pseudo));
    assert.deepEqual(decode(pseudo, context), { ok: true, value: { advert, checksumForm: "pseudo-header" } });
  });

  it("v3Ipv4Checksum does not change VRRPv2 or IPv6 encodings", () => {
    assert.equal(toHex(encode(v2(), { ...V4, v3Ipv4Checksum: "message-only" })), toHex(encode(v2(), V4)));
    const v6advert = v3({ addresses: ["fe80::1"] });
    assert.equal(toHex(encode(v6advert, { ...V6, v3Ipv4Checksum: "message-only" })), toHex(encode(v6advert, V6)));
  });

  it("the reserved bits are ignored on receive and zero on send (RFC 5798 §5.2.6)", () => {
    const bytes = encode(advert, V4);
    bytes[4] = (bytes[4] ?? 0) | 0xf0;
    const decoded = decode(withValidChecksum(bytes, V4), V4);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value.advert, advert);
    assert.equal((encode(decoded.value.advert, V4)[4] ?? 0) & 0xf0, 0);
  });
});

describe("encode refuses what the fields cannot hold", () => {
  const cases: [string, () => unknown][] = [
    ["VRID 256", () => encode(v2({ vrid: 256 }), V4)],
    ["priority -1", () => encode(v3({ priority: -1 }), V4)],
    ["fractional priority", () => encode(v3({ priority: 1.5 }), V4)],
    ["interval 4096 cs", () => encode(v3({ maxAdverIntCs: 4096 }), V4)],
    ["interval 256 s", () => encode(v2({ adverIntSec: 256 }), V4)],
    ["256 addresses", () => encode(v2({ addresses: Array.from({ length: 256 }, () => "192.0.2.1") }), V4)],
    ["VRRPv2 over IPv6", () => encode(v2({ addresses: ["fe80::1"] }), V6)],
    ["an IPv6 address in an IPv4 advert", () => encode(v3({ addresses: ["2001:db8::1"] }), V4)],
    ["an address that is not one", () => encode(v3({ addresses: ["192.0.2.256"] }), V4)],
    ["a 9-byte password", () => encode(v2({ authType: 1, authPassword: "123456789" }), V4)],
    ["a 5-character password of 9 UTF-8 bytes", () => encode(v2({ authType: 1, authPassword: "ääääa" }), V4)],
    ["a src that is not IPv4", () => encode(v3(), { ...V4, src: "fe80::1" })],
  ];
  for (const [name, run] of cases) it(name, () => assert.throws(run, RangeError));
});

describe("VRRPv2 password text", () => {
  it("is UTF-8, as keepalived copies auth_pass from its configuration byte for byte", () => {
    assert.equal(toHex(authPasswordBytes("pässw")), "70c3a4737377");
    assert.equal(authPasswordText(fromHex("70c3a4737377")), "pässw");
    assertRoundTrip(v2({ authType: 1, authPassword: "pässwö" }), V4); // 8 bytes
  });

  it("keeps bytes that are not UTF-8 as U+DC80..U+DCFF so they encode back unchanged", () => {
    const bytes = fromHex("41ff c3 e282 f0908d 41"); // a stray byte and three sequences cut short
    const text = authPasswordText(bytes);
    assert.equal(text, "A\udcff\udcc3\udce2\udc82\udcf0\udc90\udc8dA");
    assert.equal(toHex(authPasswordBytes(text)), toHex(bytes));
    const decoded = decode(fromHex("213364010101b765c0000264ffffffffffffffff"), V4);
    assert.ok(decoded.ok);
    assert.equal(toHex(encode(decoded.value.advert, V4)), "213364010101b765c0000264ffffffffffffffff");
  });

  it("keeps NUL bytes inside the password and strips only the trailing padding", () => {
    assertRoundTrip(v2({ authType: 1, authPassword: "a\0b" }), V4);
    const decoded = decode(encode(v2({ authType: 1, authPassword: "ab\0\0" }), V4), V4);
    assert.ok(decoded.ok);
    assert.equal(decoded.value.advert.version === 2 && decoded.value.advert.authPassword, "ab");
  });
});

describe("decode options", () => {
  it("throws RangeError for options that are the caller's bug, never for bytes", () => {
    assert.throws(() => decode(new Uint8Array(0), { family: 4, src: "fe80::1", dst: "224.0.0.18" }), RangeError);
    assert.throws(() => decode(new Uint8Array(0), { family: 6, src: "fe80::1", dst: "not-an-address" }), RangeError);
  });
});

describe("peekVrid / peekVersion", () => {
  it("read the VRID and version nibble without validating", () => {
    assert.equal(peekVrid(fromHex("2133")), 0x33);
    assert.equal(peekVrid(fromHex("21")), undefined);
    assert.equal(peekVersion(fromHex("31")), 3);
    assert.equal(peekVersion(new Uint8Array(0)), undefined);
  });
});
