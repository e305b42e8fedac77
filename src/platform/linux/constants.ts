// Linux ABI numbers used by the platform layer, from the uapi headers (the same on x86_64, aarch64, armhf and i386;
// MIPS differs for SOCK_* and several SO_* values, but koffi has no MIPS ABI, so it is not a target).
// Grouped by header so each value can be checked against its source.

// <linux/socket.h>, <bits/socket_type.h>
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_PACKET = 17;
export const SOCK_RAW = 3;
/** Every fd is non-blocking (libuv polls it) and close-on-exec (notify scripts must not inherit raw sockets). */
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

// <asm-generic/socket.h>
export const SOL_SOCKET = 1;
export const SO_RCVBUF = 8;
export const SO_RCVBUFFORCE = 33;

// <bits/socket.h> msg flags
export const MSG_CTRUNC = 0x08;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;

// <netinet/in.h>, ip(7)
export const IPPROTO_IP = 0;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_VRRP = 112;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_PKTINFO = 8;
export const IP_RECVTTL = 12;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IP_DROP_MEMBERSHIP = 36;
export const IP_MULTICAST_ALL = 49;

// <linux/in6.h>, ipv6(7), RFC 3542
export const IPV6_CHECKSUM = 7;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_JOIN_GROUP = 20;
export const IPV6_LEAVE_GROUP = 21;
export const IPV6_MULTICAST_ALL = 29;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_PKTINFO = 50;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_HOPLIMIT = 52;
export const IPV6_TCLASS = 67;

/** IPTOS_PREC_INTERNETCONTROL: keepalived and FRR both mark adverts 0xc0 (see test/vectors/README.md). */
export const TOS_INTERNET_CONTROL = 0xc0;

// <linux/if_ether.h>, packet(7)
export const ETH_P_ALL = 0x0003;
export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;
export const PACKET_OUTGOING = 4; // sll_pkttype of frames this host sent

// <linux/netlink.h>, netlink(7)
export const NETLINK_ROUTE = 0;
export const SOL_NETLINK = 270;
export const NETLINK_CAP_ACK = 10;
export const NETLINK_EXT_ACK = 11;

// <asm-generic/errno-base.h>, <asm-generic/errno.h>: the ones the code branches on.
export const EINTR = 4;
export const EAGAIN = 11;
export const ENOBUFS = 105;
export const ETIMEDOUT = 110;
export const ENODEV = 19;
export const EADDRINUSE = 98;
export const EADDRNOTAVAIL = 99;
export const EBADF = 9;

// <linux/time.h>, <sys/timerfd.h> (TFD_* are O_NONBLOCK and O_CLOEXEC)
export const CLOCK_MONOTONIC = 1;
export const TFD_NONBLOCK = 0o4000;
export const TFD_CLOEXEC = 0o2000000;

// <linux/sched.h>, <linux/resource.h>: real-time scheduling (keepalived's vrrp_rt_priority) and its safety limit.
export const SCHED_OTHER = 0;
export const SCHED_RR = 2;
/** OR'd into the policy: children (notify and track scripts) start with normal scheduling, not real-time. */
export const SCHED_RESET_ON_FORK = 0x40000000;
export const RLIMIT_RTTIME = 15;
