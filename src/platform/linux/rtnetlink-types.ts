// What the platform's rtnetlink layer takes and gives: its own small types (lint keeps src/platform independent
// of the protocol core), plus the rtnetlink(7) numbers they map to.

/** ip(8) scope names or a raw rt_scope number (0..255). */
export type Scope = "global" | "site" | "link" | "host" | "nowhere" | number;

export interface AddressSpec {
  readonly address: string;
  readonly prefixLength: number;
  readonly device: string;
  /** IPv4 only, at most 15 bytes; by convention "<device>:<suffix>" (ip(8) insists, the kernel does not). */
  readonly label?: string;
  readonly scope?: Scope;
  /** IPv4 broadcast address. */
  readonly broadcast?: string;
  /** IPv6: skip Duplicate Address Detection, so the VIP is usable at once instead of tentative for ~1 s. */
  readonly nodad?: boolean;
}

export type RouteType = "unicast" | "blackhole" | "unreachable" | "prohibit";

export interface RouteSpec {
  /** "198.51.100.0/24", "2001:db8:1::/48" or "default". */
  readonly destination: string;
  /** Needed only for "default" without a gateway (default 4); otherwise taken from the addresses. */
  readonly family?: 4 | 6;
  readonly gateway?: string;
  readonly device?: string;
  /** Preferred source (RTA_PREFSRC). */
  readonly source?: string;
  readonly metric?: number;
  /** Routing table id; default main (254). */
  readonly table?: number;
  readonly type?: RouteType;
  /** rtm_protocol; default RTPROT_STATIC (4) on add, any on remove. */
  readonly protocol?: number;
  /** Default: link for a unicast route without gateway, else global (what ip(8) picks); any on remove. */
  readonly scope?: Scope;
}

export interface LinkInfo {
  readonly ifindex: number;
  readonly name: string;
  /** IFF_UP && IFF_RUNNING: administratively up and operationally up (carrier, operstate UP or UNKNOWN). */
  readonly up: boolean;
  readonly adminUp: boolean;
  readonly lowerUp: boolean;
  /** RFC 2863 operstate as ip(8) prints it, lowercase: "up", "down", "lowerlayerdown", "unknown", ... */
  readonly operstate: string;
  /** ifi_flags (IFF_*). */
  readonly flags: number;
  /** "aa:bb:cc:dd:ee:ff"; undefined for links without a hardware address. */
  readonly mac?: string;
  readonly mtu?: number;
  /** ifindex of the bridge/bond this link is enslaved to. */
  readonly master?: number;
}

export interface AddressInfo {
  readonly ifindex: number;
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefixLength: number;
  /** rt_scope number: 0 global, 253 link, 254 host. */
  readonly scope: number;
  /** IFA_F_* (from IFA_FLAGS when present, which carries the bits above 0xff). */
  readonly flags: number;
  readonly label?: string;
  readonly broadcast?: string;
  /** IPv4 point-to-point peer (IFA_ADDRESS when it differs from IFA_LOCAL). */
  readonly peer?: string;
  readonly secondary: boolean;
  /** IPv6 DAD still running: the address cannot be a source yet. */
  readonly tentative: boolean;
}

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;

export const RTMGRP_LINK = 0x1;
export const RTMGRP_IPV4_IFADDR = 0x10;
export const RTMGRP_IPV6_IFADDR = 0x100;

export const IFF_UP = 0x1;
export const IFF_RUNNING = 0x40;
export const IFF_LOWER_UP = 0x10000;

export const IFA_F_SECONDARY = 0x01;
export const IFA_F_NODAD = 0x02;
export const IFA_F_DADFAILED = 0x08;
export const IFA_F_TENTATIVE = 0x40;

export const RT_TABLE_MAIN = 254;
export const RTPROT_STATIC = 4;
export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_NOWHERE = 255;

const SCOPES: Record<Exclude<Scope, number>, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

export function scopeNumber(scope: Scope): number {
  const value = typeof scope === "number" ? scope : SCOPES[scope];
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`scope ${String(scope)} is not 0..255`);
  return value;
}

export const ROUTE_TYPES: Record<RouteType, number> = { unicast: 1, blackhole: 6, unreachable: 7, prohibit: 8 };

/** IF_OPER_* (RFC 2863) in the order of <linux/if.h>. */
export const OPERSTATES = ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"] as const;
