// rtnetlink(7) requests as bytes. Pure: the ifindex is resolved by the caller, the seq assigned by the socket.
// Invalid specs (an address of the wrong family, a 16-byte label) are programming errors: RangeError.
import { parseIp, parsePrefix } from "../../lib/ip.ts";
import * as k from "./constants.ts";
import {
  attribute,
  encodeMessage,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  type Attribute,
} from "./netlink-message.ts";
import * as rt from "./rtnetlink-types.ts";
import type { AddressSpec, RouteSpec } from "./rtnetlink-types.ts";
import { HOST_LITTLE_ENDIAN } from "./sockaddr.ts";

const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_LABEL = 3;
const IFA_BROADCAST = 4;
const IFA_FLAGS = 8;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_PRIORITY = 6;
const RTA_PREFSRC = 7;
const RTA_TABLE = 15;
const IFNAMSIZ = 16;

export type Change = "add" | "remove";

/**
 * Add: NLM_F_CREATE | NLM_F_EXCL, so a second add fails with EEXIST instead of silently succeeding, and the caller
 * can tell "already there" (fine for a VIP) from a real failure. Every request carries NLM_F_ACK: the kernel then
 * always answers, with errno 0 or the exact error.
 */
function changeFlags(change: Change): number {
  return change === "add" ? NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL : NLM_F_REQUEST | NLM_F_ACK;
}

function address(text: string, what: string, family?: 4 | 6): Uint8Array {
  const bytes = parseIp(text);
  if (bytes === undefined || (family !== undefined && bytes.length !== (family === 4 ? 4 : 16))) {
    throw new RangeError(`rtnetlink: ${what} "${text}" is not an IPv${family ?? "4/6"} address`);
  }
  return bytes;
}

/** RTM_NEWADDR / RTM_DELADDR: struct ifaddrmsg { u8 family, prefixlen, flags, scope; u32 index; } + IFA_*. */
export function encodeAddressRequest(change: Change, spec: AddressSpec, ifindex: number, seq: number): Uint8Array {
  const local = address(spec.address, "address");
  const family = local.length === 4 ? 4 : 6;
  if (!Number.isInteger(spec.prefixLength) || spec.prefixLength < 0 || spec.prefixLength > local.length * 8) {
    throw new RangeError(`rtnetlink: prefix length ${spec.prefixLength} is invalid for ${spec.address}`);
  }
  const flags = family === 6 && spec.nodad === true ? rt.IFA_F_NODAD : 0;
  const fixed = Uint8Array.of(family === 4 ? k.AF_INET : k.AF_INET6, spec.prefixLength, flags, 0, 0, 0, 0, 0);
  fixed[3] = spec.scope === undefined ? rt.RT_SCOPE_UNIVERSE : rt.scopeNumber(spec.scope);
  new DataView(fixed.buffer).setUint32(4, ifindex, HOST_LITTLE_ENDIAN);
  // IFA_LOCAL is the address on this host, IFA_ADDRESS the peer (equal unless point-to-point); IPv6 reads either.
  const attributes: Attribute[] = [attribute.bytes(IFA_LOCAL, local), attribute.bytes(IFA_ADDRESS, local)];
  if (spec.label !== undefined) {
    if (family === 6) throw new RangeError("rtnetlink: address labels are IPv4 only");
    if (new TextEncoder().encode(spec.label).length >= IFNAMSIZ) {
      throw new RangeError(`rtnetlink: label "${spec.label}" is longer than ${IFNAMSIZ - 1} bytes`);
    }
    attributes.push(attribute.string(IFA_LABEL, spec.label));
  }
  if (spec.broadcast !== undefined) {
    if (family === 6) throw new RangeError("rtnetlink: a broadcast address is IPv4 only");
    attributes.push(attribute.bytes(IFA_BROADCAST, address(spec.broadcast, "broadcast", 4)));
  }
  if (flags !== 0) attributes.push(attribute.u32(IFA_FLAGS, flags));
  const type = change === "add" ? rt.RTM_NEWADDR : rt.RTM_DELADDR;
  return encodeMessage({ type, flags: changeFlags(change), seq }, fixed, attributes);
}

/** The family a route spec is for, from its destination, gateway or source, else `family`, else IPv4. */
export function routeFamily(spec: RouteSpec): 4 | 6 {
  if (spec.destination !== "default") {
    const prefix = parsePrefix(spec.destination);
    if (prefix === undefined) throw new RangeError(`rtnetlink: route destination "${spec.destination}" is not a prefix`);
    return prefix.family;
  }
  const hint = spec.gateway ?? spec.source;
  if (hint !== undefined) return address(hint, "gateway").length === 4 ? 4 : 6;
  return spec.family ?? 4;
}

/**
 * RTM_NEWROUTE / RTM_DELROUTE: struct rtmsg { u8 family, dst_len, src_len, tos, table, protocol, scope, type;
 * u32 flags; } + RTA_*. On remove, protocol 0 and scope RT_SCOPE_NOWHERE are wildcards, as ip(8) sends them, so
 * a route is found whatever scope the kernel gave it.
 */
export function encodeRouteRequest(change: Change, spec: RouteSpec, ifindex: number | undefined, seq: number): Uint8Array {
  const family = routeFamily(spec);
  const routeType = spec.type ?? "unicast";
  const table = spec.table ?? rt.RT_TABLE_MAIN;
  if (!Number.isInteger(table) || table < 1 || table > 0xffffffff) throw new RangeError(`rtnetlink: table ${table}`);
  const prefix = spec.destination === "default" ? undefined : parsePrefix(spec.destination);
  const attributes: Attribute[] = [];
  if (prefix !== undefined && prefix.prefixLength > 0) attributes.push(attribute.bytes(RTA_DST, address(prefix.address, "destination", family)));
  if (spec.gateway !== undefined) attributes.push(attribute.bytes(RTA_GATEWAY, address(spec.gateway, "gateway", family)));
  if (ifindex !== undefined) attributes.push(attribute.u32(RTA_OIF, ifindex));
  if (spec.metric !== undefined) attributes.push(attribute.u32(RTA_PRIORITY, spec.metric));
  if (spec.source !== undefined) attributes.push(attribute.bytes(RTA_PREFSRC, address(spec.source, "source", family)));
  attributes.push(attribute.u32(RTA_TABLE, table)); // rtm_table is 8 bits; RTA_TABLE carries ids above 255
  let scope: number;
  if (spec.scope !== undefined) scope = rt.scopeNumber(spec.scope);
  else if (change === "remove") scope = rt.RT_SCOPE_NOWHERE;
  else scope = routeType === "unicast" && spec.gateway === undefined ? rt.RT_SCOPE_LINK : rt.RT_SCOPE_UNIVERSE;
  const fixed = Uint8Array.of(
    family === 4 ? k.AF_INET : k.AF_INET6,
    prefix?.prefixLength ?? 0,
    0,
    0,
    table < 256 ? table : 0,
    spec.protocol ?? (change === "add" ? rt.RTPROT_STATIC : 0),
    scope,
    rt.ROUTE_TYPES[routeType],
    0,
    0,
    0,
    0,
  );
  const type = change === "add" ? rt.RTM_NEWROUTE : rt.RTM_DELROUTE;
  return encodeMessage({ type, flags: changeFlags(change), seq }, fixed, attributes);
}

/** RTM_GETLINK / RTM_GETADDR with NLM_F_DUMP: every link, or every address of `family` (AF_UNSPEC: both). */
export function encodeDumpRequest(type: typeof rt.RTM_GETLINK | typeof rt.RTM_GETADDR, seq: number, family = k.AF_UNSPEC): Uint8Array {
  const fixed = new Uint8Array(type === rt.RTM_GETLINK ? 16 : 8); // ifinfomsg / ifaddrmsg, only the family set
  fixed[0] = family;
  return encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_DUMP, seq }, fixed, []);
}
