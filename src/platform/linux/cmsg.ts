// Ancillary data (cmsg(3)): how sendmsg picks the outgoing interface and source address per packet (reading what
// recvmmsg delivers is receive-info.ts). The layout depends on sizeof(size_t):
// struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } followed by data aligned to sizeof(size_t)
// (CMSG_ALIGN), so `sizeTBytes` (8 on x86_64/aarch64, 4 on armhf/i386) is a parameter and this file stays pure.
import { writeSize } from "./native-words.ts";
import { HOST_LITTLE_ENDIAN } from "./sockaddr.ts";

export interface Cmsg {
  readonly level: number;
  readonly type: number;
  readonly data: Uint8Array;
}

export const IN_PKTINFO_BYTES = 12;
export const IN6_PKTINFO_BYTES = 20;

export function cmsgAlign(length: number, sizeTBytes: number): number {
  // sizeof(size_t) is a power of two; integer masking keeps this off doubles (it runs per cmsg per packet).
  return (length + sizeTBytes - 1) & -sizeTBytes;
}

/** CMSG_LEN(0): the header size, itself aligned. */
export function cmsgHeaderBytes(sizeTBytes: number): number {
  return cmsgAlign(sizeTBytes + 8, sizeTBytes);
}

/** CMSG_SPACE(n): what one message of `dataBytes` occupies in the control buffer. */
export function cmsgSpace(dataBytes: number, sizeTBytes: number): number {
  return cmsgHeaderBytes(sizeTBytes) + cmsgAlign(dataBytes, sizeTBytes);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Writes one cmsg at `offset` and returns the offset after it (offset + CMSG_SPACE). */
export function writeCmsg(target: Uint8Array, offset: number, message: Cmsg, sizeTBytes: number): number {
  const space = cmsgSpace(message.data.length, sizeTBytes);
  if (offset + space > target.length) throw new RangeError(`cmsg: ${space} bytes do not fit at offset ${offset}`);
  const v = view(target);
  target.fill(0, offset, offset + space);
  const length = cmsgHeaderBytes(sizeTBytes) + message.data.length;
  writeSize(v, offset, length, sizeTBytes);
  v.setInt32(offset + sizeTBytes, message.level, HOST_LITTLE_ENDIAN);
  v.setInt32(offset + sizeTBytes + 4, message.type, HOST_LITTLE_ENDIAN);
  target.set(message.data, offset + cmsgHeaderBytes(sizeTBytes));
  return offset + space;
}

/**
 * struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst; struct in_addr ipi_addr; } (ip(7)). On sendmsg,
 * ipi_ifindex picks the outgoing interface and ipi_spec_dst the source address; on recvmsg, ipi_ifindex is the
 * receiving interface and ipi_addr the header's destination.
 */
export function inPktinfo(ifindex: number, specDst: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(IN_PKTINFO_BYTES);
  view(bytes).setInt32(0, ifindex, HOST_LITTLE_ENDIAN);
  bytes.set(specDst.subarray(0, 4), 4);
  return bytes;
}

/** struct in6_pktinfo { struct in6_addr ipi6_addr; unsigned int ipi6_ifindex; } (ipv6(7), RFC 3542 §6). */
export function in6Pktinfo(address: Uint8Array, ifindex: number): Uint8Array {
  const bytes = new Uint8Array(IN6_PKTINFO_BYTES);
  bytes.set(address.subarray(0, 16), 0);
  view(bytes).setUint32(16, ifindex, HOST_LITTLE_ENDIAN);
  return bytes;
}
