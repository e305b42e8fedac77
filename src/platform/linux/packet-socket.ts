// AF_PACKET (packet(7)) for whole Ethernet frames: the gratuitous ARPs and unsolicited NAs a new Master sends
// (built by src/vrrp/frames.ts and passed in as bytes), whose Ethernet source is the virtual MAC, which no IP
// socket can set. The receiver exists for tests and diagnostics (a capture without tcpdump).
import * as k from "./constants.ts";
import { bind, close, recvfrom, sendto, socket, SyscallError } from "./libc.ts";
import { watchReadable, type ReadableWatch } from "./readiness.ts";
import { decodeSockaddrLl, HOST_LITTLE_ENDIAN, SOCKADDR_LL_BYTES, sockaddrLl } from "./sockaddr.ts";

const ETHERNET_HEADER_BYTES = 14;
const MAC_BYTES = 6;
const htons = (value: number): number => (HOST_LITTLE_ENDIAN ? ((value & 0xff) << 8) | (value >> 8) : value);

/** One socket sends on every interface: sockaddr_ll names the ifindex per frame, so no bind is needed. */
export class PacketSender {
  private closed = false;

  private constructor(private readonly fd: number) {}

  /**
   * packet(7): "When protocol is set to zero, no packets are received", so this socket never queues traffic.
   * Needs CAP_NET_RAW. Throws SyscallError.
   */
  static open(): PacketSender {
    return new PacketSender(socket(k.AF_PACKET, k.SOCK_RAW | k.SOCK_NONBLOCK | k.SOCK_CLOEXEC, 0));
  }

  /**
   * Sends `frame` (destination MAC, source MAC, ethertype, payload) as is out of `ifindex`. Returns undefined or
   * the SyscallError (ENETDOWN while the link is down, ENXIO/ENODEV for a vanished ifindex) as a value.
   */
  send(ifindex: number, frame: Uint8Array): SyscallError | undefined {
    if (frame.length < ETHERNET_HEADER_BYTES) throw new RangeError(`PacketSender: a ${frame.length}-byte frame has no Ethernet header`);
    if (this.closed) return new SyscallError("sendto", k.EBADF, "socket closed");
    // sll_protocol becomes skb->protocol; the kernel does not read it from a SOCK_RAW frame itself.
    const ethertype = ((frame[12] ?? 0) << 8) | (frame[13] ?? 0);
    const address = sockaddrLl({ family: k.AF_PACKET, protocol: ethertype, ifindex, address: frame.subarray(0, MAC_BYTES) });
    const result = sendto(this.fd, frame, 0, address);
    return typeof result === "number" ? undefined : result;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    close(this.fd);
  }
}

export interface CapturedFrame {
  readonly ifindex: number;
  /** sll_pkttype: 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing (PACKET_OUTGOING). */
  readonly pkttype: number;
  readonly ethertype: number;
  /** The whole frame from the destination MAC on, owned by the callee. */
  readonly frame: Uint8Array;
}

export interface PacketReceiverOptions {
  readonly ifindex: number;
  /** Ethertype to capture (ETH_P_ARP, ETH_P_IPV6, ...); default ETH_P_ALL. */
  readonly ethertype?: number;
  readonly onFrame: (frame: CapturedFrame) => void;
  readonly onError: (error: Error) => void;
}

const FRAME_BYTES = 65536;
const MAX_FRAMES_PER_WAKE = 64;

export class PacketReceiver {
  private readonly buffer = new Uint8Array(FRAME_BYTES);
  private readonly address = new Uint8Array(SOCKADDR_LL_BYTES);
  private readonly addressLength = new Uint32Array(1);
  private readonly watch: ReadableWatch;
  private closed = false;

  private constructor(
    private readonly fd: number,
    private readonly options: PacketReceiverOptions,
  ) {
    this.watch = watchReadable(fd, () => this.drain(), options.onError);
  }

  static open(options: PacketReceiverOptions): PacketReceiver {
    const ethertype = options.ethertype ?? k.ETH_P_ALL;
    const fd = socket(k.AF_PACKET, k.SOCK_RAW | k.SOCK_NONBLOCK | k.SOCK_CLOEXEC, htons(ethertype));
    try {
      // packet(7): bind limits the socket to one interface. Frames queued between socket() and bind() may come
      // from any interface, so drain() also filters on sll_ifindex.
      bind(fd, sockaddrLl({ family: k.AF_PACKET, protocol: ethertype, ifindex: options.ifindex }));
      return new PacketReceiver(fd, options);
    } catch (error) {
      close(fd);
      throw error;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.close();
    close(this.fd);
  }

  private drain(): void {
    for (let i = 0; i < MAX_FRAMES_PER_WAKE && !this.closed; i++) {
      const n = recvfrom(this.fd, this.buffer, k.MSG_DONTWAIT, this.address, this.addressLength);
      if (typeof n !== "number") {
        if (n.errno === k.EAGAIN || n.errno === k.EINTR) return;
        this.options.onError(n); // ENETDOWN when the link went down: returned once, then frames flow again
        continue;
      }
      const from = decodeSockaddrLl(this.address, this.addressLength[0] ?? 0);
      if (from === undefined || from.ifindex !== this.options.ifindex || n < ETHERNET_HEADER_BYTES) continue;
      this.options.onFrame({
        ifindex: from.ifindex,
        pkttype: from.pkttype ?? 0,
        ethertype: from.protocol,
        frame: this.buffer.slice(0, n),
      });
    }
  }
}
