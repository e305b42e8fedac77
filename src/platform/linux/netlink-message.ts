// The netlink wire format (netlink(7), <linux/netlink.h>): 16-byte nlmsghdr, a family-specific fixed header, then
// rtattr/nlattr TLVs, each 4-byte aligned. Host byte order throughout. Pure: parsing stops at the first malformed
// header instead of throwing, since the bytes come from the kernel but a bug there must not crash the daemon.
import { HOST_LITTLE_ENDIAN } from "./sockaddr.ts";

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_DUMP = 0x300; // NLM_F_ROOT | NLM_F_MATCH
/** In an NLMSG_ERROR reply: the echoed request was cut to its header (NETLINK_CAP_ACK). */
export const NLM_F_CAPPED = 0x100;
/** In an NLMSG_ERROR reply: extended-ack TLVs follow (NETLINK_EXT_ACK). */
export const NLM_F_ACK_TLVS = 0x200;
const NLMSGERR_ATTR_MSG = 1;
const NLA_TYPE_MASK = 0x3fff; // strips NLA_F_NESTED and NLA_F_NET_BYTEORDER

export interface NetlinkMessage {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  /** The bytes after nlmsghdr: fixed header then attributes. A view into the receive buffer: copy to keep it. */
  readonly payload: Uint8Array;
}

export interface Attribute {
  readonly type: number;
  readonly data: Uint8Array;
}

export const align4 = (n: number): number => (n + 3) & ~3;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const attribute = {
  bytes: (type: number, data: Uint8Array): Attribute => ({ type, data }),
  u32(type: number, value: number): Attribute {
    const data = new Uint8Array(4);
    view(data).setUint32(0, value >>> 0, HOST_LITTLE_ENDIAN);
    return { type, data };
  },
  /** NUL-terminated, as the kernel's nla_strscpy expects for names and labels. */
  string(type: number, value: string): Attribute {
    const text = new TextEncoder().encode(value);
    const data = new Uint8Array(text.length + 1);
    data.set(text);
    return { type, data };
  },
};

export interface MessageHeader {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
}

/** nlmsghdr + fixed header + attributes, every part padded to 4 bytes. nlmsg_pid 0: the kernel assigns it. */
export function encodeMessage(header: MessageHeader, fixed: Uint8Array, attributes: readonly Attribute[]): Uint8Array {
  let length = NLMSG_HDRLEN + align4(fixed.length);
  for (const a of attributes) length += align4(4 + a.data.length);
  const bytes = new Uint8Array(length);
  const v = view(bytes);
  v.setUint32(0, length, HOST_LITTLE_ENDIAN);
  v.setUint16(4, header.type, HOST_LITTLE_ENDIAN);
  v.setUint16(6, header.flags, HOST_LITTLE_ENDIAN);
  v.setUint32(8, header.seq >>> 0, HOST_LITTLE_ENDIAN);
  bytes.set(fixed, NLMSG_HDRLEN);
  let offset = NLMSG_HDRLEN + align4(fixed.length);
  for (const a of attributes) {
    v.setUint16(offset, 4 + a.data.length, HOST_LITTLE_ENDIAN);
    v.setUint16(offset + 2, a.type, HOST_LITTLE_ENDIAN);
    bytes.set(a.data, offset + 4);
    offset += align4(4 + a.data.length);
  }
  return bytes;
}

/** Every complete message in the first `length` bytes of one datagram. */
export function parseMessages(buffer: Uint8Array, length: number): NetlinkMessage[] {
  const messages: NetlinkMessage[] = [];
  const end = Math.min(length, buffer.length);
  const v = view(buffer);
  let offset = 0;
  while (offset + NLMSG_HDRLEN <= end) {
    const messageLength = v.getUint32(offset, HOST_LITTLE_ENDIAN);
    if (messageLength < NLMSG_HDRLEN || offset + messageLength > end) break;
    messages.push({
      type: v.getUint16(offset + 4, HOST_LITTLE_ENDIAN),
      flags: v.getUint16(offset + 6, HOST_LITTLE_ENDIAN),
      seq: v.getUint32(offset + 8, HOST_LITTLE_ENDIAN),
      pid: v.getUint32(offset + 12, HOST_LITTLE_ENDIAN),
      payload: buffer.subarray(offset + NLMSG_HDRLEN, offset + messageLength),
    });
    offset += align4(messageLength);
  }
  return messages;
}

/** The attributes after a `fixedBytes`-long family header, first occurrence of each type. */
export function parseAttributes(payload: Uint8Array, fixedBytes: number): Map<number, Uint8Array> {
  const found = new Map<number, Uint8Array>();
  const v = view(payload);
  let offset = align4(fixedBytes);
  while (offset + 4 <= payload.length) {
    const length = v.getUint16(offset, HOST_LITTLE_ENDIAN);
    if (length < 4 || offset + length > payload.length) break;
    const type = v.getUint16(offset + 2, HOST_LITTLE_ENDIAN) & NLA_TYPE_MASK;
    if (!found.has(type)) found.set(type, payload.subarray(offset + 4, offset + length));
    offset += align4(length);
  }
  return found;
}

export function readU32(data: Uint8Array | undefined): number | undefined {
  if (data === undefined || data.length < 4) return undefined;
  return view(data).getUint32(0, HOST_LITTLE_ENDIAN);
}

export function readString(data: Uint8Array | undefined): string | undefined {
  if (data === undefined) return undefined;
  const end = data.indexOf(0);
  return new TextDecoder().decode(end < 0 ? data : data.subarray(0, end));
}

export interface NetlinkAck {
  /** 0 for success, else the positive errno. */
  readonly errno: number;
  /** The kernel's extended-ack text ("Nexthop has invalid gateway"), when it gave one. */
  readonly message?: string;
}

/** struct nlmsgerr { int error; struct nlmsghdr msg; ... } then, with NLM_F_ACK_TLVS, extended-ack attributes. */
export function decodeAck(message: NetlinkMessage): NetlinkAck | undefined {
  const payload = message.payload;
  if (payload.length < 4 + NLMSG_HDRLEN) return undefined;
  const errno = -view(payload).getInt32(0, HOST_LITTLE_ENDIAN);
  if ((message.flags & NLM_F_ACK_TLVS) === 0) return { errno };
  const echoed = (message.flags & NLM_F_CAPPED) !== 0 ? NLMSG_HDRLEN : view(payload).getUint32(4, HOST_LITTLE_ENDIAN);
  const text = readString(parseAttributes(payload.subarray(Math.min(payload.length, align4(4 + echoed))), 0).get(NLMSGERR_ATTR_MSG));
  return text === undefined || text === "" ? { errno } : { errno, message: text };
}
