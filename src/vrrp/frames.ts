// Bytes-only builders for the frames a new Master sends so hosts and bridges move to it (RFC 5798/9568 §6.4.2):
// a gratuitous ARP per IPv4 address and an unsolicited Neighbor Advertisement per IPv6 address.
// The platform layer writes them to an AF_PACKET socket (whole frame) or a raw ICMPv6 socket (ICMPv6 part only).
import { internetChecksum, ipv6PseudoHeader } from "../lib/checksum.ts";
import { parseIp } from "../lib/ip.ts";
import { MAC_LENGTH_BYTES, virtualMac } from "./virtual-mac.ts";

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const IPPROTO_ICMPV6 = 58;
export const ICMPV6_NEIGHBOR_ADVERT = 136; // RFC 4861 §4.4

const ETHERNET_HEADER_BYTES = 14;
const ARP_PAYLOAD_BYTES = 28; // Ethernet/IPv4 ARP (RFC 826)
const IPV6_HEADER_BYTES = 40;
const NEIGHBOR_ADVERT_BYTES = 24; // type, code, checksum, R|S|O + reserved, target (RFC 4861 §4.4)
const TLLA_OPTION_BYTES = 8; // type 2, length 1 (× 8 bytes), 6-byte MAC (RFC 4861 §4.6.1)
const NA_FLAG_ROUTER = 0x80;
const NA_FLAG_OVERRIDE = 0x20; // S (0x40) stays 0: the advert is unsolicited
const BROADCAST_MAC = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
/** 33-33 + low 32 bits of ff02::1 (RFC 2464 §7). */
const ALL_NODES_MAC = Uint8Array.of(0x33, 0x33, 0x00, 0x00, 0x00, 0x01);
const ALL_NODES_IPV6 = "ff02::1";

export interface GratuitousArpOptions {
  readonly vip: string;
  readonly vrid: number;
  /**
   * Ethernet source. Default: the virtual MAC, so learning bridges move it to this port. keepalived without use_vmac
   * (the 2.2.7 captures in test/vectors/frames/) uses the interface MAC here and in the ARP sender field.
   */
  readonly srcMac?: Uint8Array;
  /**
   * ARP Sender Hardware Address, the MAC hosts will cache for the VIP. Default: the virtual MAC (RFC 5798/9568 §6.4.2
   * with errata 7947/7949, §8.1.2 "MUST NOT" expose the physical MAC). Override only to mimic keepalived without
   * use_vmac, where the interface MAC is what actually answers for the VIP.
   */
  readonly linkLayerAddress?: Uint8Array;
}

function parseFamily(text: string, family: 4 | 6, what: string): Uint8Array {
  const bytes = parseIp(text);
  if (bytes?.length !== (family === 4 ? 4 : 16)) {
    throw new RangeError(`${what}: "${text}" is not an IPv${family} address`);
  }
  return bytes;
}

function macOrDefault(mac: Uint8Array | undefined, fallback: Uint8Array, what: string): Uint8Array {
  if (mac === undefined) return fallback;
  if (mac.length !== MAC_LENGTH_BYTES) throw new RangeError(`${what}: a MAC is 6 bytes, got ${mac.length}`);
  return mac;
}

function writeEthernetHeader(frame: Uint8Array, dst: Uint8Array, src: Uint8Array, ethertype: number): void {
  frame.set(dst, 0);
  frame.set(src, 6);
  frame[12] = ethertype >> 8;
  frame[13] = ethertype & 0xff;
}

/**
 * A 42-byte Ethernet broadcast ARP request announcing `vip` (RFC 5227 §2.3 "ARP Announcement" form, which is what
 * keepalived and FRR send): sender IP = target IP = VIP, sender MAC = virtual MAC. The Target Hardware Address is
 * ff:ff:ff:ff:ff:ff as keepalived 2.2.7 and FRR 8.4 put it (RFC 5227 says it is ignored and suggests zero; we follow
 * the deployed daemons byte for byte). No padding to 60 bytes: the NIC pads, and both daemons send 42 bytes.
 */
export function gratuitousArp(options: GratuitousArpOptions): Uint8Array {
  const vip = parseFamily(options.vip, 4, "gratuitousArp");
  const vmac = virtualMac(options.vrid, 4);
  const sender = macOrDefault(options.linkLayerAddress, vmac, "gratuitousArp linkLayerAddress");
  const frame = new Uint8Array(ETHERNET_HEADER_BYTES + ARP_PAYLOAD_BYTES);
  writeEthernetHeader(frame, BROADCAST_MAC, macOrDefault(options.srcMac, vmac, "gratuitousArp srcMac"), ETHERTYPE_ARP);
  const arp = frame.subarray(ETHERNET_HEADER_BYTES);
  arp.set([0x00, 0x01, 0x08, 0x00, MAC_LENGTH_BYTES, 4, 0x00, 0x01]); // htype Ethernet, ptype IPv4, hlen, plen, request
  arp.set(sender, 8); // sender hardware address
  arp.set(vip, 14); // sender protocol address
  arp.set(BROADCAST_MAC, 18); // target hardware address
  arp.set(vip, 24); // target protocol address
  return frame;
}

export interface NeighborAdvertOptions {
  readonly vip: string;
  readonly vrid: number;
  /** Target Link-Layer Address option. Default: the IPv6 virtual MAC (RFC 5798/9568 §6.4.2, §8.2.2). */
  readonly linkLayerAddress?: Uint8Array;
  /**
   * R flag. Default true, as RFC 5798/9568 §6.4.2 requires. keepalived 2.2.7 follows the IPv6 forwarding sysctl: it
   * sent O only with forwarding off and R|O with it on (captured). Set false only to reproduce the former.
   */
  readonly routerFlag?: boolean;
}

export interface NeighborAdvertIcmpOptions extends NeighborAdvertOptions {
  /** IPv6 source and destination for the checksum pseudo-header; without `src` the checksum is left 0. */
  readonly src?: string;
  readonly dst?: string;
}

/**
 * The 32-byte ICMPv6 part of an unsolicited NA: type 136, R=1 S=0 O=1, target = VIP, TLLA option = virtual MAC.
 * For a raw ICMPv6 socket the kernel always computes the checksum (RFC 3542 §3.1), so `src` may be omitted; with
 * `src` (and `dst`, default ff02::1) the checksum is filled in over the RFC 8200 §8.1 pseudo-header.
 */
export function neighborAdvertIcmp(options: NeighborAdvertIcmpOptions): Uint8Array {
  const target = parseFamily(options.vip, 6, "neighborAdvertIcmp");
  const vmac = virtualMac(options.vrid, 6);
  const tlla = macOrDefault(options.linkLayerAddress, vmac, "neighborAdvertIcmp linkLayerAddress");
  const icmp = new Uint8Array(NEIGHBOR_ADVERT_BYTES + TLLA_OPTION_BYTES);
  icmp[0] = ICMPV6_NEIGHBOR_ADVERT;
  icmp[4] = (options.routerFlag ?? true ? NA_FLAG_ROUTER : 0) | NA_FLAG_OVERRIDE;
  icmp.set(target, 8);
  icmp[24] = 2; // option type: Target Link-Layer Address
  icmp[25] = 1; // option length in units of 8 bytes
  icmp.set(tlla, 26);
  if (options.src !== undefined) {
    const src = parseFamily(options.src, 6, "neighborAdvertIcmp src");
    const dst = parseFamily(options.dst ?? ALL_NODES_IPV6, 6, "neighborAdvertIcmp dst");
    const checksum = internetChecksum([ipv6PseudoHeader(src, dst, IPPROTO_ICMPV6, icmp.length), icmp]);
    icmp[2] = checksum >> 8;
    icmp[3] = checksum & 0xff;
  }
  return icmp;
}

export interface UnsolicitedNeighborAdvertOptions extends NeighborAdvertOptions {
  /**
   * IPv6 source. Default: the VIP itself, as keepalived 2.2.7 and FRR 8.4 both send it (the VIP is assigned on the
   * new Master, so RFC 4861 §7.2.6 is met). Pass the interface link-local to source it from there instead.
   */
  readonly srcLinkLocal?: string;
  /** Ethernet source. Default: the IPv6 virtual MAC (keepalived without use_vmac uses the interface MAC). */
  readonly srcMac?: Uint8Array;
}

/** An 86-byte Ethernet frame: Ethernet to 33:33:00:00:00:01, IPv6 (hop limit 255, dst ff02::1), the ICMPv6 NA. */
export function unsolicitedNeighborAdvert(options: UnsolicitedNeighborAdvertOptions): Uint8Array {
  const src = options.srcLinkLocal ?? options.vip;
  const icmp = neighborAdvertIcmp({ ...options, src, dst: ALL_NODES_IPV6 });
  const frame = new Uint8Array(ETHERNET_HEADER_BYTES + IPV6_HEADER_BYTES + icmp.length);
  const srcMac = macOrDefault(options.srcMac, virtualMac(options.vrid, 6), "unsolicitedNeighborAdvert srcMac");
  writeEthernetHeader(frame, ALL_NODES_MAC, srcMac, ETHERTYPE_IPV6);
  const ip = frame.subarray(ETHERNET_HEADER_BYTES);
  ip[0] = 0x60; // version 6, traffic class 0, flow label 0
  ip[4] = icmp.length >> 8; // payload length
  ip[5] = icmp.length & 0xff;
  ip[6] = IPPROTO_ICMPV6; // next header
  ip[7] = 255; // hop limit: RFC 4861 §7.1.2 receivers drop NAs with anything else
  ip.set(parseFamily(src, 6, "unsolicitedNeighborAdvert src"), 8);
  ip.set(parseFamily(ALL_NODES_IPV6, 6, "unsolicitedNeighborAdvert dst"), 24);
  frame.set(icmp, ETHERNET_HEADER_BYTES + IPV6_HEADER_BYTES);
  return frame;
}
