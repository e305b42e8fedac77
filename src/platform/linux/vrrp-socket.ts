// One raw IP-protocol-112 socket per address family (raw(7), ip(7), ipv6(7)). It receives adverts from every
// interface, each tagged with the receiving ifindex, source, destination and TTL/hop limit, which RFC 5798 §7.1
// requires checking (TTL 255) and which only recvmsg's ancillary data can give; and it sends per packet out of a
// chosen ifindex from a chosen source (IP_PKTINFO / IPV6_PKTINFO on sendmsg), so one socket serves all instances.
import { formatIp, formatIpv4At, isIpv6LinkLocalBytes, parseIpShared } from "../../lib/ip.ts";
import { in6Pktinfo, inPktinfo, writeCmsg } from "./cmsg.ts";
import * as k from "./constants.ts";
import { emptyIpv4Header, IPV4_DST_OFFSET, IPV4_SRC_OFFSET, parseIpv4Header } from "./ipv4-header.ts";
import { LAYOUT, SyscallError, close, sendmsg, socket } from "./libc.ts";
import { MessageBuffers } from "./message-buffers.ts";
import { watchReadable, type ReadableWatch } from "./readiness.ts";
import { ReceiveBatch } from "./receive-batch.ts";
import { emptyReceiveInfo, readReceiveInfo } from "./receive-info.ts";
import { decodeSockaddrIn6, sockaddrIn, sockaddrIn6 } from "./sockaddr.ts";
import { configureVrrpSocket, joinGroup, leaveGroup } from "./vrrp-socket-options.ts";

export type Family = 4 | 6;

/**
 * One received advert. `bytes` is the VRRP message only (the IPv4 header is stripped), a view into the receive
 * buffer that the next datagram overwrites; the record itself is refilled for the next datagram too. Both are valid
 * during onPacket only: a callee that keeps anything copies it (the strings are immutable, so those may be kept).
 */
export interface VrrpPacket {
  readonly ifindex: number;
  readonly family: Family;
  readonly src: string;
  readonly dst: string;
  /** IPv4 TTL or IPv6 hop limit as received; RFC 5798 §7.1 drops anything but 255. */
  readonly ttl: number;
  readonly bytes: Uint8Array;
}

export interface VrrpSendRequest {
  /** Outgoing interface; required for multicast. 0 lets the routing table choose (unicast peers only). */
  readonly ifindex: number;
  /** Source address; must be local (primary address, unicast_src_ip or a VIP). Omitted: the kernel picks. */
  readonly src?: string;
  readonly dst: string;
  readonly bytes: Uint8Array;
}

export interface VrrpSocketOptions {
  readonly family: Family;
  readonly onPacket: (packet: VrrpPacket) => void;
  /**
   * After the packets of one wake-up were delivered (a burst: a master sends all its instances' adverts back to
   * back), so per-burst work (reading the clock, re-arming a timer) runs once, not per packet. Runs even when
   * onPacket threw.
   */
  readonly onBurstEnd?: () => void;
  /** Poll errors and exceptions thrown by onPacket; the socket stays open. */
  readonly onError: (error: Error) => void;
  /** TTL / hop limit of sent packets. RFC 5798 §5.1.1.3 and §5.1.2.3 require 255; other values are for tests. */
  readonly hopLimit?: number;
  /** IP TOS / IPv6 traffic class; default 0xc0 (Internet control), as keepalived and FRR send. */
  readonly trafficClass?: number;
}

export type DropReason = "truncated" | "bad-ip-header" | "not-vrrp" | "short" | "no-ancillary-data";

export interface VrrpSocketCounters {
  received: number;
  delivered: number;
  dropped: Record<DropReason, number>;
  sendErrors: number;
}

const DATA_BYTES = 9216; // a jumbo frame, for sending
// The largest valid advert is 4,088 bytes (IPv6, 255 addresses; IPv4 with 255 and a 60-byte header is 1,088).
// Anything longer is refused as "truncated" rather than as a bad length: it is not VRRP either way.
const RECEIVE_DATA_BYTES = 4096;
const CONTROL_BYTES = 256;
const RECEIVE_SLOTS = 32; // datagrams per recvmmsg call
const MAX_DATAGRAMS_PER_WAKE = 64; // yield to timers between bursts; libuv polls again while data is left
/**
 * Shorter than this, a datagram cannot even name its VRID, so no instance could count it. Anything longer goes to
 * the core, whose decoder refuses a truncated advert with the instance's packet_len_err and a log line.
 */
const VRID_NAMED_BYTES = 2;
const DEFAULT_GROUP = { 4: "224.0.0.18", 6: "ff02::12" } as const;

export class VrrpSocket {
  readonly counters: VrrpSocketCounters = {
    received: 0,
    delivered: 0,
    dropped: { truncated: 0, "bad-ip-header": 0, "not-vrrp": 0, short: 0, "no-ancillary-data": 0 },
    sendErrors: 0,
  };
  private readonly memberships = new Set<string>();
  private readonly rx = new ReceiveBatch(RECEIVE_SLOTS, RECEIVE_DATA_BYTES, CONTROL_BYTES);
  private readonly tx = new MessageBuffers(DATA_BYTES, CONTROL_BYTES);
  private readonly rxInfo = emptyReceiveInfo();
  private readonly rxHeader = emptyIpv4Header();
  /** The record handed to onPacket, refilled per datagram: nothing is allocated per received advert for it. */
  private readonly rxPacket: { -readonly [K in keyof VrrpPacket]: VrrpPacket[K] };
  private lastSendHeader: { ifindex: number; src: string | undefined; dst: string; nameBytes: number; controlBytes: number } | undefined;
  private readonly watch: ReadableWatch;
  private closed = false;

  private constructor(
    private readonly fd: number,
    private readonly options: VrrpSocketOptions,
  ) {
    this.rxPacket = { ifindex: 0, family: options.family, src: "", dst: "", ttl: 0, bytes: new Uint8Array(0) };
    this.watch = watchReadable(fd, () => this.drain(), options.onError);
  }

  /** Opens and configures the socket (needs CAP_NET_RAW). Throws SyscallError if the kernel refuses. */
  static open(options: VrrpSocketOptions): VrrpSocket {
    const hopLimit = options.hopLimit ?? 255;
    if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 255) throw new RangeError(`VrrpSocket: hop limit ${hopLimit}`);
    const domain = options.family === 4 ? k.AF_INET : k.AF_INET6;
    const fd = socket(domain, k.SOCK_RAW | k.SOCK_NONBLOCK | k.SOCK_CLOEXEC, k.IPPROTO_VRRP);
    try {
      configureVrrpSocket(fd, options.family, hopLimit, options.trafficClass ?? k.TOS_INTERNET_CONTROL);
      return new VrrpSocket(fd, options);
    } catch (error) {
      close(fd);
      throw error;
    }
  }

  get family(): Family {
    return this.options.family;
  }

  /**
   * Joins `group` (default 224.0.0.18 / ff02::12) on one interface: without membership no advert arrives (the
   * NIC's multicast filter drops it). Idempotent. Throws SyscallError (ENODEV for a vanished ifindex).
   */
  join(ifindex: number, group: string = DEFAULT_GROUP[this.family]): void {
    const key = `${ifindex}/${group}`;
    if (this.memberships.has(key)) return;
    joinGroup(this.fd, this.family, this.groupBytes(group), ifindex);
    this.memberships.add(key);
  }

  /** Leaves; never throws for an interface that is already gone (the kernel dropped the membership with it). */
  leave(ifindex: number, group: string = DEFAULT_GROUP[this.family]): void {
    const key = `${ifindex}/${group}`;
    if (!this.memberships.delete(key)) return;
    leaveGroup(this.fd, this.family, this.groupBytes(group), ifindex);
  }

  /** The joined (ifindex, group) pairs, e.g. to re-join after netifd recreated a bridge with a new ifindex. */
  joined(): { ifindex: number; group: string }[] {
    return [...this.memberships].map((key) => {
      const [ifindex = "0", group = ""] = key.split("/");
      return { ifindex: Number(ifindex), group };
    });
  }

  /**
   * Sends one VRRP message (the kernel adds the IP header; IPv6 also gets its checksum, IPV6_CHECKSUM).
   * Returns undefined on success or the SyscallError (ENETUNREACH, EADDRNOTAVAIL for a non-local src, ENOBUFS, ...)
   * as a value. Throws RangeError only for addresses of the wrong family, a caller bug.
   */
  send(request: VrrpSendRequest): SyscallError | undefined {
    if (this.closed) return new SyscallError("sendmsg", k.EBADF, "socket closed");
    if (request.bytes.length > this.tx.data.length) throw new RangeError(`send: ${request.bytes.length} bytes is too long`);
    const header = this.sendHeader(request);
    this.tx.data.set(request.bytes);
    const result = sendmsg(this.fd, this.tx.prepare(header.nameBytes, header.controlBytes, request.bytes.length), 0);
    if (typeof result === "number") return undefined;
    this.counters.sendErrors++;
    return result;
  }

  /**
   * Writes msg_name and the PKTINFO cmsg for (ifindex, src, dst) into the send buffers. Every instance on an
   * interface sends from the same source to the same group, so a repeat of the last triple reuses what is there.
   */
  private sendHeader(request: VrrpSendRequest): { nameBytes: number; controlBytes: number } {
    const last = this.lastSendHeader;
    if (last !== undefined && last.ifindex === request.ifindex && last.src === request.src && last.dst === request.dst) return last;
    this.lastSendHeader = undefined; // the buffers are about to change
    const dst = this.addressBytes(request.dst, "dst");
    const src = request.src === undefined ? new Uint8Array(dst.length) : this.addressBytes(request.src, "src");
    const sizeT = LAYOUT.sizeTBytes;
    let name: Uint8Array;
    let controlBytes: number;
    if (this.family === 4) {
      name = sockaddrIn(k.AF_INET, dst);
      const data = inPktinfo(request.ifindex, src);
      controlBytes = writeCmsg(this.tx.control, 0, { level: k.IPPROTO_IP, type: k.IP_PKTINFO, data }, sizeT);
    } else {
      // Link-scoped destinations (ff02::12, fe80::peer) are ambiguous without a zone: give it in both places.
      const linkScoped = isIpv6LinkLocalBytes(dst) || (dst[0] === 0xff && ((dst[1] ?? 0) & 0x0f) <= 2);
      name = sockaddrIn6(k.AF_INET6, dst, linkScoped ? request.ifindex : 0);
      const data = in6Pktinfo(src, request.ifindex);
      controlBytes = writeCmsg(this.tx.control, 0, { level: k.IPPROTO_IPV6, type: k.IPV6_PKTINFO, data }, sizeT);
    }
    this.tx.name.set(name);
    this.lastSendHeader = { ifindex: request.ifindex, src: request.src, dst: request.dst, nameBytes: name.length, controlBytes };
    return this.lastSendHeader;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.close();
    close(this.fd);
    this.rx.free();
    this.tx.free();
  }

  /** What the readiness callback does, on demand: read the queue until EAGAIN (bounded), then end the burst. */
  receivePending(): void {
    if (!this.closed) this.drain();
  }

  private drain(): void {
    try {
      this.drainBurst();
    } finally {
      this.options.onBurstEnd?.();
    }
  }

  private drainBurst(): void {
    for (let received = 0; received < MAX_DATAGRAMS_PER_WAKE && !this.closed; ) {
      const n = this.rx.receive(this.fd, k.MSG_DONTWAIT);
      if (n < 0) {
        if (n === -k.EAGAIN || n === -k.EINTR) return;
        // A pending socket error (sk_err) is returned once and cleared: report it and read on.
        this.options.onError(new SyscallError("recvmmsg", -n));
        received++;
        continue;
      }
      for (let slot = 0; slot < n && !this.closed; slot++) this.deliver(slot);
      if (n < RECEIVE_SLOTS) return; // the queue is empty (or nearly: level-triggered poll wakes us again)
      received += n;
    }
  }

  private deliver(slot: number): void {
    this.counters.received++;
    const packet = this.decode(slot);
    if (typeof packet === "string") {
      this.counters.dropped[packet]++;
      return;
    }
    this.counters.delivered++;
    this.options.onPacket(packet);
  }

  /** The datagram in `slot` as a VrrpPacket (the reused record), or why it is dropped. Total: never throws on peer input. */
  private decode(slot: number): VrrpPacket | DropReason {
    const rx = this.rx;
    if ((rx.flags(slot) & k.MSG_TRUNC) !== 0) return "truncated";
    const { data, control, controlView, name } = rx.slots[slot] as (typeof rx.slots)[number];
    const length = rx.length(slot);
    const info = readReceiveInfo(controlView, rx.controlLength(slot), LAYOUT.sizeTBytes, this.rxInfo);
    const packet = this.rxPacket;
    if (this.family === 4) {
      const header = parseIpv4Header(data, length, this.rxHeader);
      if (header === undefined) return "bad-ip-header";
      if (header.protocol !== k.IPPROTO_VRRP) return "not-vrrp";
      if (info.ifindex < 0) return "no-ancillary-data";
      if (header.totalBytes - header.headerBytes < VRID_NAMED_BYTES) return "short";
      packet.ifindex = info.ifindex;
      packet.src = formatIpv4At(data, IPV4_SRC_OFFSET);
      packet.dst = formatIpv4At(data, IPV4_DST_OFFSET);
      packet.ttl = info.ttl >= 0 ? info.ttl : header.ttl;
      packet.bytes = rx.payload(slot, header.headerBytes, header.totalBytes);
      return packet;
    }
    const from = decodeSockaddrIn6(name, rx.nameLength(slot));
    if (info.ifindex < 0 || info.ttl < 0 || info.ipv6DstOffset < 0 || from === undefined) return "no-ancillary-data";
    if (length < VRID_NAMED_BYTES) return "short";
    packet.ifindex = info.ifindex;
    packet.src = formatIp(from.address);
    packet.dst = formatIp(control.subarray(info.ipv6DstOffset, info.ipv6DstOffset + 16));
    packet.ttl = info.ttl;
    packet.bytes = rx.payload(slot, 0, length);
    return packet;
  }

  private addressBytes(text: string, what: string): Uint8Array {
    const bytes = parseIpShared(text);
    if (bytes?.length !== (this.family === 4 ? 4 : 16)) {
      throw new RangeError(`VrrpSocket: ${what} "${text}" is not an IPv${this.family} address`);
    }
    return bytes;
  }

  private groupBytes(group: string): Uint8Array {
    const bytes = this.addressBytes(group, "group");
    const multicast = this.family === 4 ? ((bytes[0] ?? 0) & 0xf0) === 0xe0 : bytes[0] === 0xff;
    if (!multicast) throw new RangeError(`VrrpSocket: group "${group}" is not a multicast address`);
    return bytes;
  }
}
