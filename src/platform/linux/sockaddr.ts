// Byte encoders for the pointer-free socket structs. Their layout is the same on every Linux ABI koffi supports
// (only the host byte order of the non-network fields matters), so they are plain bytes, checked against koffi's
// layout in test/platform/layout.test.ts. Network-order fields (ports, sll_protocol, addresses) are big-endian.

/** Host byte order of "host order" fields (sa_family, ifindex, ...): little-endian on x86_64/aarch64/armhf/i386. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export const SOCKADDR_IN_BYTES = 16;
export const SOCKADDR_IN6_BYTES = 28;
export const SOCKADDR_LL_BYTES = 20;
export const SOCKADDR_NL_BYTES = 12;
export const IP_MREQN_BYTES = 12;
export const IPV6_MREQ_BYTES = 20;
/** sizeof(struct sockaddr_storage): room for any msg_name the kernel may write. */
export const SOCKADDR_STORAGE_BYTES = 128;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function expectLength(what: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw new RangeError(`${what}: expected ${length} address bytes, got ${bytes.length}`);
}

/** struct sockaddr_in { sa_family_t sin_family; in_port_t sin_port (BE); struct in_addr sin_addr; char zero[8]; } */
export function sockaddrIn(family: number, address: Uint8Array, port = 0): Uint8Array {
  expectLength("sockaddr_in", address, 4);
  const bytes = new Uint8Array(SOCKADDR_IN_BYTES);
  view(bytes).setUint16(0, family, HOST_LITTLE_ENDIAN);
  view(bytes).setUint16(2, port, false);
  bytes.set(address, 4);
  return bytes;
}

/** struct sockaddr_in6 { family; port (BE); uint32 flowinfo; struct in6_addr addr; uint32 sin6_scope_id; } */
export function sockaddrIn6(family: number, address: Uint8Array, scopeId = 0, port = 0): Uint8Array {
  expectLength("sockaddr_in6", address, 16);
  const bytes = new Uint8Array(SOCKADDR_IN6_BYTES);
  view(bytes).setUint16(0, family, HOST_LITTLE_ENDIAN);
  view(bytes).setUint16(2, port, false);
  bytes.set(address, 8);
  view(bytes).setUint32(24, scopeId, HOST_LITTLE_ENDIAN);
  return bytes;
}

export interface DecodedSockaddrIn6 {
  readonly address: Uint8Array;
  readonly scopeId: number;
}

/** undefined when fewer bytes than a sockaddr_in6 were filled in (a malformed msg_name). */
export function decodeSockaddrIn6(bytes: Uint8Array, length: number): DecodedSockaddrIn6 | undefined {
  if (length < SOCKADDR_IN6_BYTES || bytes.length < SOCKADDR_IN6_BYTES) return undefined;
  return { address: bytes.slice(8, 24), scopeId: view(bytes).getUint32(24, HOST_LITTLE_ENDIAN) };
}

export interface SockaddrLl {
  readonly family: number;
  /** Ethertype in host order; encoded big-endian as packet(7) requires (htons). */
  readonly protocol: number;
  readonly ifindex: number;
  readonly hatype?: number;
  readonly pkttype?: number;
  /** Link-layer address, at most 8 bytes; sll_halen is its length. */
  readonly address?: Uint8Array;
}

/**
 * struct sockaddr_ll { u16 sll_family; u16 sll_protocol (BE); int sll_ifindex; u16 sll_hatype; u8 sll_pkttype;
 * u8 sll_halen; u8 sll_addr[8]; } (packet(7)).
 */
export function sockaddrLl(fields: SockaddrLl): Uint8Array {
  const bytes = new Uint8Array(SOCKADDR_LL_BYTES);
  const v = view(bytes);
  v.setUint16(0, fields.family, HOST_LITTLE_ENDIAN);
  v.setUint16(2, fields.protocol, false);
  v.setInt32(4, fields.ifindex, HOST_LITTLE_ENDIAN);
  v.setUint16(8, fields.hatype ?? 0, HOST_LITTLE_ENDIAN);
  bytes[10] = fields.pkttype ?? 0;
  const address = fields.address ?? new Uint8Array(0);
  if (address.length > 8) throw new RangeError(`sockaddr_ll: a link-layer address is at most 8 bytes`);
  bytes[11] = address.length;
  bytes.set(address, 12);
  return bytes;
}

export function decodeSockaddrLl(bytes: Uint8Array, length: number): SockaddrLl | undefined {
  if (length < SOCKADDR_LL_BYTES - 8 || bytes.length < SOCKADDR_LL_BYTES) return undefined;
  const v = view(bytes);
  const halen = Math.min(bytes[11] ?? 0, 8);
  return {
    family: v.getUint16(0, HOST_LITTLE_ENDIAN),
    protocol: v.getUint16(2, false),
    ifindex: v.getInt32(4, HOST_LITTLE_ENDIAN),
    hatype: v.getUint16(8, HOST_LITTLE_ENDIAN),
    pkttype: bytes[10] ?? 0,
    address: bytes.slice(12, 12 + halen),
  };
}

/** struct sockaddr_nl { u16 nl_family; u16 nl_pad; u32 nl_pid; u32 nl_groups; } (netlink(7)). */
export function sockaddrNl(family: number, pid: number, groups: number): Uint8Array {
  const bytes = new Uint8Array(SOCKADDR_NL_BYTES);
  const v = view(bytes);
  v.setUint16(0, family, HOST_LITTLE_ENDIAN);
  v.setUint32(4, pid, HOST_LITTLE_ENDIAN);
  v.setUint32(8, groups, HOST_LITTLE_ENDIAN);
  return bytes;
}

export function decodeSockaddrNl(bytes: Uint8Array, length: number): { pid: number; groups: number } | undefined {
  if (length < SOCKADDR_NL_BYTES || bytes.length < SOCKADDR_NL_BYTES) return undefined;
  return { pid: view(bytes).getUint32(4, HOST_LITTLE_ENDIAN), groups: view(bytes).getUint32(8, HOST_LITTLE_ENDIAN) };
}

/**
 * struct ip_mreqn { struct in_addr imr_multiaddr; struct in_addr imr_address; int imr_ifindex; } (ip(7)): joining by
 * ifindex, not by a local address, so an interface without IPv4 address or with several can still join.
 */
export function ipMreqn(group: Uint8Array, ifindex: number): Uint8Array {
  expectLength("ip_mreqn", group, 4);
  const bytes = new Uint8Array(IP_MREQN_BYTES);
  bytes.set(group, 0);
  view(bytes).setInt32(8, ifindex, HOST_LITTLE_ENDIAN);
  return bytes;
}

/** struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; unsigned int ipv6mr_interface; } (ipv6(7)). */
export function ipv6Mreq(group: Uint8Array, ifindex: number): Uint8Array {
  expectLength("ipv6_mreq", group, 16);
  const bytes = new Uint8Array(IPV6_MREQ_BYTES);
  bytes.set(group, 0);
  view(bytes).setUint32(16, ifindex, HOST_LITTLE_ENDIAN);
  return bytes;
}
