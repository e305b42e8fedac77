// RFC 1071 internet checksum: the 16-bit one's complement of the one's complement sum of 16-bit big-endian words.
// VRRPv2 sums the message alone (RFC 3768 §5.3.8); VRRPv3 and ICMPv6 prepend a pseudo-header (RFC 5798 §5.2.8,
// RFC 8200 §8.1, RFC 4443 §2.3). The parts are summed as if concatenated, so an odd-length part shifts the word
// alignment of the next one exactly as one contiguous buffer would.

/** One's complement sum of the concatenated parts, folded to 16 bits (not yet complemented). */
export function onesComplementSum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd = false; // true when the previous part ended in the middle of a 16-bit word
  for (const part of parts) {
    let i = 0;
    if (odd && part.length > 0) {
      sum += part[0] ?? 0;
      odd = false;
      i = 1;
    }
    // Whole words: half the iterations of a byte loop, which matters on the per-packet path (no JIT on routers).
    const wordsEnd = i + ((part.length - i) & ~1);
    for (; i < wordsEnd; i += 2) {
      sum += ((part[i] ?? 0) << 8) | (part[i + 1] ?? 0);
      // Fold before the accumulator outgrows the 32 bits that `&` and `>>>` work on.
      if (sum > 0x3fffffff) sum = (sum & 0xffff) + (sum >>> 16);
    }
    if (i < part.length) {
      sum += (part[i] ?? 0) << 8;
      odd = true;
    }
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * The checksum to put in the packet, over the parts as if concatenated (checksum field zeroed). Verifying a packet
 * that carries its checksum gives 0 (RFC 1071 §1 (2)): `internetChecksum([pseudo, message]) === 0`.
 */
export function internetChecksum(parts: readonly Uint8Array[]): number {
  return ~onesComplementSum(parts) & 0xffff;
}

/** IPv4 pseudo-header used by UDP/TCP (RFC 768) and by VRRPv3 implementations: src, dst, zero, protocol, length. */
export function ipv4PseudoHeader(
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  upperLayerLength: number,
): Uint8Array {
  const header = new Uint8Array(12);
  header.set(src.subarray(0, 4), 0);
  header.set(dst.subarray(0, 4), 4);
  header[9] = protocol;
  header[10] = (upperLayerLength >> 8) & 0xff;
  header[11] = upperLayerLength & 0xff;
  return header;
}

/** IPv6 pseudo-header (RFC 8200 §8.1, formerly RFC 2460 §8.1): src, dst, 32-bit length, 3 zero bytes, next header. */
export function ipv6PseudoHeader(
  src: Uint8Array,
  dst: Uint8Array,
  nextHeader: number,
  upperLayerLength: number,
): Uint8Array {
  const header = new Uint8Array(40);
  header.set(src.subarray(0, 16), 0);
  header.set(dst.subarray(0, 16), 16);
  header[32] = (upperLayerLength >>> 24) & 0xff;
  header[33] = (upperLayerLength >>> 16) & 0xff;
  header[34] = (upperLayerLength >>> 8) & 0xff;
  header[35] = upperLayerLength & 0xff;
  header[39] = nextHeader;
  return header;
}
