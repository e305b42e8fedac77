// rtnetlink(7) replies and notifications to plain objects: RTM_NEWLINK/RTM_DELLINK (struct ifinfomsg) and
// RTM_NEWADDR/RTM_DELADDR (struct ifaddrmsg). Pure and total: an unexpected message is `undefined`.
import { formatIp, isIpv6LinkLocal } from "../../lib/ip.ts";
import * as k from "./constants.ts";
import { parseAttributes, readString, readU32 } from "./netlink-message.ts";
import * as rt from "./rtnetlink-types.ts";
import type { AddressInfo, LinkInfo } from "./rtnetlink-types.ts";
import { HOST_LITTLE_ENDIAN } from "./sockaddr.ts";

const IFINFOMSG_BYTES = 16;
const IFADDRMSG_BYTES = 8;
const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_MASTER = 10;
const IFLA_OPERSTATE = 16;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_LABEL = 3;
const IFA_BROADCAST = 4;
const IFA_FLAGS = 8;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(":");
}

/** struct ifinfomsg { u8 family; u8 pad; u16 type; int index; unsigned flags; unsigned change; } + IFLA_*. */
export function decodeLink(payload: Uint8Array): LinkInfo | undefined {
  if (payload.length < IFINFOMSG_BYTES) return undefined;
  const v = view(payload);
  const ifindex = v.getInt32(4, HOST_LITTLE_ENDIAN);
  const flags = v.getUint32(8, HOST_LITTLE_ENDIAN);
  const attributes = parseAttributes(payload, IFINFOMSG_BYTES);
  const name = readString(attributes.get(IFLA_IFNAME));
  if (name === undefined || ifindex <= 0) return undefined;
  const operstateByte = attributes.get(IFLA_OPERSTATE)?.[0] ?? 0;
  const mac = attributes.get(IFLA_ADDRESS);
  const mtu = readU32(attributes.get(IFLA_MTU));
  const master = readU32(attributes.get(IFLA_MASTER));
  const adminUp = (flags & rt.IFF_UP) !== 0;
  return {
    ifindex,
    name,
    up: adminUp && (flags & rt.IFF_RUNNING) !== 0,
    adminUp,
    lowerUp: (flags & rt.IFF_LOWER_UP) !== 0,
    operstate: rt.OPERSTATES[operstateByte] ?? `operstate ${operstateByte}`,
    flags,
    ...(mac !== undefined && mac.length > 0 ? { mac: formatMac(mac) } : {}),
    ...(mtu !== undefined ? { mtu } : {}),
    ...(master !== undefined && master > 0 ? { master } : {}),
  };
}

/** struct ifaddrmsg { u8 family, prefixlen, flags, scope; u32 index; } + IFA_*. */
export function decodeAddress(payload: Uint8Array): AddressInfo | undefined {
  if (payload.length < IFADDRMSG_BYTES) return undefined;
  const familyByte = payload[0];
  const family = familyByte === k.AF_INET ? 4 : familyByte === k.AF_INET6 ? 6 : undefined;
  if (family === undefined) return undefined;
  const attributes = parseAttributes(payload, IFADDRMSG_BYTES);
  const length = family === 4 ? 4 : 16;
  const local = attributes.get(IFA_LOCAL);
  const peer = attributes.get(IFA_ADDRESS);
  const own = local ?? peer;
  if (own?.length !== length) return undefined;
  const flags = readU32(attributes.get(IFA_FLAGS)) ?? payload[2] ?? 0;
  const label = readString(attributes.get(IFA_LABEL));
  const broadcast = attributes.get(IFA_BROADCAST);
  const address = formatIp(own.slice());
  const peerText = peer?.length === length ? formatIp(peer.slice()) : undefined;
  return {
    ifindex: view(payload).getUint32(4, HOST_LITTLE_ENDIAN),
    family,
    address,
    prefixLength: payload[1] ?? 0,
    scope: payload[3] ?? 0,
    flags,
    ...(label !== undefined ? { label } : {}),
    ...(broadcast?.length === 4 ? { broadcast: formatIp(broadcast.slice()) } : {}),
    ...(peerText !== undefined && peerText !== address ? { peer: peerText } : {}),
    secondary: (flags & rt.IFA_F_SECONDARY) !== 0,
    tentative: (flags & rt.IFA_F_TENTATIVE) !== 0,
  };
}

export interface PrimaryAddresses {
  /** The first non-secondary IPv4 address: the RFC 5798 §5.1.1.1 advert source ("primary IP address"). */
  readonly ipv4?: string;
  /** The first usable (not tentative, not DAD-failed) IPv6 link-local: the RFC 5798 §5.1.2.1 advert source. */
  readonly ipv6LinkLocal?: string;
}

/** Per ifindex, from an address dump (kernel order: primaries before their secondaries). */
export function primaryAddresses(addresses: readonly AddressInfo[]): Map<number, PrimaryAddresses> {
  const result = new Map<number, PrimaryAddresses>();
  for (const a of addresses) {
    const current = result.get(a.ifindex) ?? {};
    if (a.family === 4 && current.ipv4 === undefined && !a.secondary) {
      result.set(a.ifindex, { ...current, ipv4: a.address });
    } else if (a.family === 6 && current.ipv6LinkLocal === undefined && isIpv6LinkLocal(a.address)) {
      if (!a.tentative && (a.flags & rt.IFA_F_DADFAILED) === 0) result.set(a.ifindex, { ...current, ipv6LinkLocal: a.address });
    }
  }
  return result;
}
