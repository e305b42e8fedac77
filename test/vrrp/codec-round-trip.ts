// The one round-trip check every codec test uses (dns-packet's testEncoder, ciao's runPacketEncodingTest):
// encode → encodingLength → decode → re-encode → compare, plus decoding from a buffer at a non-zero offset.
import assert from "node:assert/strict";
import type { Advertisement, DecodeOptions, EncodeOptions } from "../../src/vrrp/advertisement.ts";
import { decode, encode, encodingLength } from "../../src/vrrp/codec.ts";
import { internetChecksum, ipv4PseudoHeader, ipv6PseudoHeader } from "../../src/lib/checksum.ts";
import { parseIp } from "../../src/lib/ip.ts";

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, "");
  assert.match(clean, /^(?:[0-9a-fA-F]{2})*$/, `not hex: ${hex}`);
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

/** The IP context of encode options, without the encode-only checksum choice. */
export function decodeOptionsOf(options: EncodeOptions): DecodeOptions {
  return { family: options.family, src: options.src, dst: options.dst };
}

/**
 * Asserts the whole round trip for one advert and returns its bytes. `expectedHex`, when given, pins the bytes
 * (golden vectors). For VRRPv3 over IPv4 the decoder must report the checksum form the encoder used, unless the bytes
 * verify under both forms (see checksumFormIsAmbiguous), in which case either report is correct.
 */
export function assertRoundTrip(advert: Advertisement, options: EncodeOptions, expectedHex?: string): Uint8Array {
  const bytes = encode(advert, options);
  assert.equal(bytes.length, encodingLength(advert), "encodingLength matches the encoded size");
  if (expectedHex !== undefined) assert.equal(toHex(bytes), expectedHex.replace(/\s/g, ""), "encoded bytes");

  const result = decode(bytes, decodeOptionsOf(options));
  assert.ok(result.ok, `decode failed: ${result.ok ? "" : `${result.error.code}: ${result.error.message}`}`);
  assert.deepEqual(result.value.advert, advert, "decode(encode(advert)) equals advert");

  const isV3Ipv4 = advert.version === 3 && options.family === 4;
  if (!isV3Ipv4) assert.equal(result.value.checksumForm, undefined, "checksumForm is only reported for v3 over IPv4");
  if (!isV3Ipv4 || !checksumFormIsAmbiguous(bytes, options)) {
    if (isV3Ipv4) assert.equal(result.value.checksumForm, options.v3Ipv4Checksum ?? "pseudo-header", "reported form");
    const form = result.value.checksumForm === undefined ? {} : { v3Ipv4Checksum: result.value.checksumForm };
    const reEncoded = encode(result.value.advert, { ...options, ...form });
    assert.equal(toHex(reEncoded), toHex(bytes), "encode(decode(bytes)) reproduces the bytes");
  }

  // Decoding must not assume byteOffset 0: receive buffers are often slices of a larger one.
  const padded = new Uint8Array(bytes.length + 7);
  padded.set(bytes, 3);
  assert.deepEqual(decode(padded.subarray(3, 3 + bytes.length), decodeOptionsOf(options)), result, "decode at an offset");

  if (advert.version === 2) {
    const expectedAuth = { authType: advert.authType, authPassword: advert.authPassword };
    assert.deepEqual(decode(bytes, { ...decodeOptionsOf(options), expectedAuth }), result, "its own auth is accepted");
  }
  return bytes;
}

/**
 * True when a v3/IPv4 message also verifies under a checksum form other than the one it was built with: the
 * pseudo-header then sums to zero (about 1 in 65,535 source addresses), so no decoder can tell which form was used.
 */
function checksumFormIsAmbiguous(bytes: Uint8Array, options: EncodeOptions): boolean {
  const valid = (context: DecodeOptions, form: "message-only" | "pseudo-header"): boolean =>
    toHex(withValidChecksum(bytes, context, form)) === toHex(bytes);
  const context = decodeOptionsOf(options);
  if ((options.v3Ipv4Checksum ?? "pseudo-header") === "pseudo-header") return valid(context, "message-only");
  return valid(context, "pseudo-header") || valid({ ...context, dst: "224.0.0.18" }, "pseudo-header");
}

/**
 * A copy of a hand-built message with its checksum made valid (independently of the codec, straight from
 * RFC 1071 arithmetic), so a test can reach the checks that come after the checksum.
 */
export function withValidChecksum(
  message: Uint8Array,
  context: DecodeOptions,
  form: "message-only" | "pseudo-header" = message[0] !== undefined && message[0] >> 4 === 3 ? "pseudo-header" : "message-only",
): Uint8Array {
  const copy = message.slice();
  copy[6] = 0;
  copy[7] = 0;
  const parts: Uint8Array[] = [];
  if (form === "pseudo-header") {
    const src = parseIp(context.src) ?? assert.fail("bad src");
    const dst = parseIp(context.dst) ?? assert.fail("bad dst");
    parts.push(
      context.family === 4
        ? ipv4PseudoHeader(src, dst, 112, copy.length)
        : ipv6PseudoHeader(src, dst, 112, copy.length),
    );
  }
  parts.push(copy);
  const checksum = internetChecksum(parts);
  copy[6] = checksum >> 8;
  copy[7] = checksum & 0xff;
  return copy;
}
