// What recvmsg's ancillary data says about one received advert (receiving ifindex, TTL / hop limit, and for IPv6
// the destination), read straight out of the reused control buffer. This is the per-packet path of a backup that
// hears 255 instances ten times a second, so it allocates nothing: one record is filled in place.
import { cmsgAlign, cmsgHeaderBytes, IN_PKTINFO_BYTES, IN6_PKTINFO_BYTES } from "./cmsg.ts";
import * as k from "./constants.ts";
import { readSize } from "./native-words.ts";
import { HOST_LITTLE_ENDIAN } from "./sockaddr.ts";

/** -1 marks a value the kernel did not send. */
export interface ReceiveInfo {
  ifindex: number;
  ttl: number;
  /** Offset in the control buffer of in6_pktinfo.ipi6_addr (the IPv6 destination). */
  ipv6DstOffset: number;
}

export function emptyReceiveInfo(): ReceiveInfo {
  return { ifindex: -1, ttl: -1, ipv6DstOffset: -1 };
}

/**
 * CMSG_FIRSTHDR/CMSG_NXTHDR over the first `length` bytes of the control buffer (viewed by `view`). A header whose
 * cmsg_len is too small or runs past the end stops the walk, as glibc's CMSG_NXTHDR does. Never throws.
 */
export function readReceiveInfo(view: DataView, length: number, sizeTBytes: number, into: ReceiveInfo): ReceiveInfo {
  into.ifindex = -1;
  into.ttl = -1;
  into.ipv6DstOffset = -1;
  const header = cmsgHeaderBytes(sizeTBytes);
  const end = Math.min(length, view.byteLength);
  let offset = 0;
  while (offset + header <= end) {
    const cmsgLength = readSize(view, offset, sizeTBytes);
    if (cmsgLength < header || offset + cmsgLength > end) break;
    const level = view.getInt32(offset + sizeTBytes, HOST_LITTLE_ENDIAN);
    const type = view.getInt32(offset + sizeTBytes + 4, HOST_LITTLE_ENDIAN);
    const data = offset + header;
    const dataBytes = cmsgLength - header;
    if (level === k.IPPROTO_IP && type === k.IP_PKTINFO && dataBytes >= IN_PKTINFO_BYTES) {
      into.ifindex = view.getInt32(data, HOST_LITTLE_ENDIAN);
    } else if (level === k.IPPROTO_IPV6 && type === k.IPV6_PKTINFO && dataBytes >= IN6_PKTINFO_BYTES) {
      into.ipv6DstOffset = data;
      into.ifindex = view.getUint32(data + 16, HOST_LITTLE_ENDIAN);
    } else if (((level === k.IPPROTO_IP && type === k.IP_TTL) || (level === k.IPPROTO_IPV6 && type === k.IPV6_HOPLIMIT)) && dataBytes >= 4) {
      into.ttl = view.getInt32(data, HOST_LITTLE_ENDIAN);
    }
    offset += cmsgAlign(cmsgLength, sizeTBytes);
  }
  return into;
}
