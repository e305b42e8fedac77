// The VRRP flavours the interop tests run, each configured identically on both daemons, and the RFC timers the
// tests derive their bounds from (RFC 3768 §6.1 for v2 in seconds, RFC 5798 §6.1 for v3 in centiseconds).
import { ROUTER_IPV4, VIP4, VIP6, VIP6_LINK_LOCAL, type RouterName } from "../netns/gateway-lab.ts";

export const VRID = 51;
/** Priorities of the router that should win and of the other one. */
export const PRIORITY = { master: 200, backup: 100 } as const;

export interface Mode {
  readonly name: string;
  readonly family: 4 | 6;
  readonly version: 2 | 3;
  /** Seconds: v2 only knows whole seconds; v3 runs at 0.1 s so the suite stays short. */
  readonly advertIntS: number;
  /** The address the client pings and the tests look for on the routers. */
  readonly vip: string;
  /** Configured virtual addresses (with prefix), in advert order. */
  readonly vips: readonly string[];
  readonly authPass?: string;
  /** Unicast adverts to the other router instead of multicast (keepalived and vrrpd only; FRR has no unicast). */
  readonly unicast?: boolean;
  /**
   * vrrpd only: send the RFC 9568 message-only VRRPv3/IPv4 checksum (`v3_checksum_as_v2`). Debian's keepalived
   * 2.2.7 and FRR 8.4.4 have no such option: they always send, and expect, the IPv4 pseudo-header form.
   */
  readonly vrrpdChecksumAsV2?: boolean;
}

export const V2_AUTH: Mode = { name: "v2 auth PASS", family: 4, version: 2, advertIntS: 1, vip: VIP4, vips: [`${VIP4}/24`], authPass: "interop" };
export const V3_IPV4: Mode = { name: "v3 IPv4", family: 4, version: 3, advertIntS: 0.1, vip: VIP4, vips: [`${VIP4}/24`] };
// keepalived users usually configure just the global address; keepalived then sends a global-first address list,
// which RFC 9568 erratum 8300 would refuse. This mode keeps that real-world shape on purpose.
export const V3_IPV6_GLOBAL_ONLY: Mode = { name: "v3 IPv6", family: 6, version: 3, advertIntS: 0.1, vip: VIP6, vips: [`${VIP6}/64`] };
// The RFC 5798 §5.2.9 shape (link-local first); FRR configures it this way.
export const V3_IPV6: Mode = { name: "v3 IPv6", family: 6, version: 3, advertIntS: 0.1, vip: VIP6, vips: [`${VIP6_LINK_LOCAL}/64`, `${VIP6}/64`] };
export const V3_IPV4_CHECKSUM_AS_V2: Mode = { ...V3_IPV4, name: "v3 IPv4, vrrpd v3_checksum_as_v2", vrrpdChecksumAsV2: true };
export const V3_UNICAST: Mode = { name: "v3 IPv4 unicast", family: 4, version: 3, advertIntS: 0.1, vip: VIP4, vips: [`${VIP4}/24`], unicast: true };

export const other = (router: RouterName): RouterName => (router === "r1" ? "r2" : "r1");

/** Source address and peer of a unicast instance on `router`. */
export function unicastOf(router: RouterName): { src: string; peer: string } {
  return { src: ROUTER_IPV4[router], peer: ROUTER_IPV4[other(router)] };
}

export function advertIntMs(mode: Mode): number {
  return mode.advertIntS * 1000;
}

export function skewMs(mode: Mode, priority: number): number {
  return mode.version === 2 ? ((256 - priority) / 256) * 1000 : ((256 - priority) * advertIntMs(mode)) / 256;
}

/** Master_Down_Interval of a backup with `priority`: how long a silent master goes unnoticed. */
export function masterDownMs(mode: Mode, priority: number): number {
  return 3 * advertIntMs(mode) + skewMs(mode, priority);
}
