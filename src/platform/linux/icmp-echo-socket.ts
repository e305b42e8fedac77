// ICMP / ICMPv6 echo through a raw socket (root's CAP_NET_RAW; the unprivileged ICMP datagram socket needs
// net.ipv4.ping_group_range, which OpenWrt and Debian leave closed even to root's group), never a forked ping.
// One socket per family serves every ping check: requests carry the caller's identifier, and replies are handed
// back by (identifier, sequence). Non-blocking, read on the main loop when readable (readiness.ts).
import { internetChecksum } from "../../lib/checksum.ts";
import { formatIp } from "../../lib/ip.ts";
import { AF_INET, AF_INET6, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_RAW } from "./constants.ts";
import { close, recvfrom, sendto, socket, SyscallError } from "./libc.ts";
import { watchReadable, type ReadableWatch } from "./readiness.ts";
import { SOCKADDR_IN6_BYTES, sockaddrIn, sockaddrIn6 } from "./sockaddr.ts";

const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;
const ECHO = { 4: { request: 8, reply: 0 }, 6: { request: 128, reply: 129 } } as const;
/** Replies read per readiness callback at most: a flood cannot hold the loop. */
const MAX_READS_PER_WAKEUP = 64;

export interface EchoReply {
  readonly from: string;
  readonly identifier: number;
  readonly sequence: number;
}

/** The 8 bytes after the echo header: constant, so encoded once, not for every request. */
const ECHO_PAYLOAD = new TextEncoder().encode("vrrpd-tr");

export class IcmpEchoSocket {
  private readonly watch: ReadableWatch;
  private readonly buffer = new Uint8Array(2048);
  private readonly source = new Uint8Array(SOCKADDR_IN6_BYTES);
  private readonly sourceLength = new Uint32Array(1);
  private closed = false;

  private constructor(
    private readonly fd: number,
    readonly family: 4 | 6,
    private readonly onReply: (reply: EchoReply) => void,
    onError: (error: Error) => void,
  ) {
    this.watch = watchReadable(fd, () => this.readAll(), onError);
    // Ping checks must not keep a stopping daemon alive.
    this.watch.unref();
  }

  static open(family: 4 | 6, onReply: (reply: EchoReply) => void, onError: (error: Error) => void): IcmpEchoSocket {
    const fd = socket(family === 4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, family === 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
    return new IcmpEchoSocket(fd, family, onReply, onError);
  }

  /** Sends one echo request (16 bytes: the header and ECHO_PAYLOAD); an error (no route, EAGAIN) is returned, not thrown: it is that host's failure. */
  send(address: Uint8Array, identifier: number, sequence: number): SyscallError | undefined {
    const packet = new Uint8Array(16);
    const view = new DataView(packet.buffer);
    packet[0] = ECHO[this.family].request;
    view.setUint16(4, identifier);
    view.setUint16(6, sequence);
    packet.set(ECHO_PAYLOAD, 8);
    // ICMPv6: the kernel computes the checksum over its pseudo-header for raw ICMPv6 sockets (RFC 3542 §3.1).
    if (this.family === 4) view.setUint16(2, internetChecksum([packet]));
    const target = this.family === 4 ? sockaddrIn(AF_INET, address) : sockaddrIn6(AF_INET6, address);
    const sent = sendto(this.fd, packet, 0, target);
    return sent instanceof SyscallError ? sent : undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.close();
    close(this.fd);
  }

  private readAll(): void {
    for (let i = 0; i < MAX_READS_PER_WAKEUP && !this.closed; i++) {
      const n = recvfrom(this.fd, this.buffer, 0, this.source, this.sourceLength);
      if (n instanceof SyscallError) return; // EAGAIN: drained
      // A raw IPv4 socket delivers the IP header too; ICMPv6 starts at the ICMP header.
      const offset = this.family === 4 ? ((this.buffer[0] ?? 0) & 0x0f) * 4 : 0;
      if (n < offset + 8 || this.buffer[offset] !== ECHO[this.family].reply) continue;
      const view = new DataView(this.buffer.buffer, offset);
      const from = this.family === 4 ? formatIp(this.source.slice(4, 8)) : formatIp(this.source.slice(8, 24));
      this.onReply({ from, identifier: view.getUint16(4), sequence: view.getUint16(6) });
    }
  }
}
