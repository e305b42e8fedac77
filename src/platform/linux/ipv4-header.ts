// A raw IPv4 socket hands recvmsg the whole datagram, IP header included (raw(7): "the IPv4 header is always
// included on receive"), so the VRRP message is found by parsing IHL; IPv6 raw sockets never include the header.
// Pure and total: a malformed header is `undefined`, never an exception. The result is filled into a record the
// caller owns, since this runs for every received IPv4 advert.

export interface Ipv4Header {
  headerBytes: number;
  /** The IP Total Length, at most the bytes received: link-layer padding after it is not part of the payload. */
  totalBytes: number;
  ttl: number;
  protocol: number;
}

export function emptyIpv4Header(): Ipv4Header {
  return { headerBytes: 0, totalBytes: 0, ttl: 0, protocol: 0 };
}

/** Where the addresses sit in the header (RFC 791 §3.1); read in place, not copied. */
export const IPV4_SRC_OFFSET = 12;
export const IPV4_DST_OFFSET = 16;

const MIN_HEADER_BYTES = 20;

/** Parses the RFC 791 header at the start of the first `length` bytes of `packet` into `into` (returned). */
export function parseIpv4Header(packet: Uint8Array, length: number, into: Ipv4Header = emptyIpv4Header()): Ipv4Header | undefined {
  const received = Math.min(length, packet.length);
  if (received < MIN_HEADER_BYTES) return undefined;
  const first = packet[0] ?? 0;
  if (first >> 4 !== 4) return undefined;
  const headerBytes = (first & 0x0f) * 4;
  if (headerBytes < MIN_HEADER_BYTES || headerBytes > received) return undefined;
  const totalBytes = ((packet[2] ?? 0) << 8) | (packet[3] ?? 0);
  if (totalBytes < headerBytes || totalBytes > received) return undefined;
  into.headerBytes = headerBytes;
  into.totalBytes = totalBytes;
  into.ttl = packet[8] ?? 0;
  into.protocol = packet[9] ?? 0;
  return into;
}
