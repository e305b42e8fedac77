// Socket options of the VRRP raw sockets, one function per family so the "why" of each option sits next to it.
import * as k from "./constants.ts";
import { setsockopt, setsockoptInt, SyscallError } from "./libc.ts";
import { ipMreqn, ipv6Mreq } from "./sockaddr.ts";

const ENOPROTOOPT = 92;
const EINVAL = 22;

/** Options that only newer kernels know are tried, and their absence is not fatal. */
function optional(set: () => void): void {
  try {
    set();
  } catch (error) {
    if (!(error instanceof SyscallError && (error.errno === ENOPROTOOPT || error.errno === EINVAL))) throw error;
  }
}

export function configureVrrpSocket(fd: number, family: 4 | 6, hopLimit: number, trafficClass: number): void {
  if (family === 4) {
    // ip(7): IP_PKTINFO gives the receiving ifindex; IP_RECVTTL the TTL (also in the header, but the cmsg is what
    // the kernel vouches for). IP_MULTICAST_TTL is what multicast sends use; IP_TTL covers unicast peers.
    setsockoptInt(fd, k.IPPROTO_IP, k.IP_PKTINFO, 1, "IP_PKTINFO");
    setsockoptInt(fd, k.IPPROTO_IP, k.IP_RECVTTL, 1, "IP_RECVTTL");
    setsockoptInt(fd, k.IPPROTO_IP, k.IP_TTL, hopLimit, "IP_TTL");
    setsockoptInt(fd, k.IPPROTO_IP, k.IP_MULTICAST_TTL, hopLimit, "IP_MULTICAST_TTL");
    // Our own adverts must not come back to us as if from a peer.
    setsockoptInt(fd, k.IPPROTO_IP, k.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
    setsockoptInt(fd, k.IPPROTO_IP, k.IP_TOS, trafficClass, "IP_TOS");
    // ip(7): with the default 1, a raw socket gets every group any socket on the host joined, on any interface;
    // 0 restricts it to the (group, ifindex) pairs this socket joined. Linux ≥ 2.6.31.
    optional(() => setsockoptInt(fd, k.IPPROTO_IP, k.IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL"));
    return;
  }
  // ipv6(7)/RFC 3542 §3.1: the kernel computes the checksum at offset 6 on send and drops bad ones on receive, so
  // the VRRPv3 pseudo-header checksum needs no code here. The header is never delivered on IPv6 raw sockets, so the
  // destination, ifindex and hop limit must come from IPV6_PKTINFO and IPV6_HOPLIMIT ancillary data.
  setsockoptInt(fd, k.IPPROTO_IPV6, k.IPV6_CHECKSUM, 6, "IPV6_CHECKSUM");
  setsockoptInt(fd, k.IPPROTO_IPV6, k.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
  setsockoptInt(fd, k.IPPROTO_IPV6, k.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
  setsockoptInt(fd, k.IPPROTO_IPV6, k.IPV6_UNICAST_HOPS, hopLimit, "IPV6_UNICAST_HOPS");
  setsockoptInt(fd, k.IPPROTO_IPV6, k.IPV6_MULTICAST_HOPS, hopLimit, "IPV6_MULTICAST_HOPS");
  setsockoptInt(fd, k.IPPROTO_IPV6, k.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
  setsockoptInt(fd, k.IPPROTO_IPV6, k.IPV6_TCLASS, trafficClass, "IPV6_TCLASS");
  optional(() => setsockoptInt(fd, k.IPPROTO_IPV6, k.IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL")); // Linux ≥ 4.20
}

/** IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP by ifindex. EADDRINUSE (already a member) counts as success. */
export function joinGroup(fd: number, family: 4 | 6, group: Uint8Array, ifindex: number): void {
  try {
    if (family === 4) setsockopt(fd, k.IPPROTO_IP, k.IP_ADD_MEMBERSHIP, ipMreqn(group, ifindex), "IP_ADD_MEMBERSHIP");
    else setsockopt(fd, k.IPPROTO_IPV6, k.IPV6_JOIN_GROUP, ipv6Mreq(group, ifindex), "IPV6_JOIN_GROUP");
  } catch (error) {
    if (!(error instanceof SyscallError && error.errno === k.EADDRINUSE)) throw error;
  }
}

/** Leaves; EADDRNOTAVAIL and ENODEV (not a member, interface gone) count as success. */
export function leaveGroup(fd: number, family: 4 | 6, group: Uint8Array, ifindex: number): void {
  try {
    if (family === 4) setsockopt(fd, k.IPPROTO_IP, k.IP_DROP_MEMBERSHIP, ipMreqn(group, ifindex), "IP_DROP_MEMBERSHIP");
    else setsockopt(fd, k.IPPROTO_IPV6, k.IPV6_LEAVE_GROUP, ipv6Mreq(group, ifindex), "IPV6_LEAVE_GROUP");
  } catch (error) {
    if (!(error instanceof SyscallError && (error.errno === k.EADDRNOTAVAIL || error.errno === k.ENODEV))) throw error;
  }
}
