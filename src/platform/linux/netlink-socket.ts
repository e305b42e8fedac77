// A NETLINK_ROUTE socket (netlink(7), rtnetlink(7)) on the libuv loop: non-blocking, drained on readiness, every
// datagram split into messages. Two users with different needs share it: the request client (no multicast
// groups, so everything it reads is a reply) and the link monitor (subscribed to groups).
import * as k from "./constants.ts";
import { bind, close, getsockname, recvfrom, sendto, setsockoptInt, socket, SyscallError } from "./libc.ts";
import { parseMessages, type NetlinkMessage } from "./netlink-message.ts";
import { watchReadable, type ReadableWatch } from "./readiness.ts";
import { decodeSockaddrNl, SOCKADDR_NL_BYTES, sockaddrNl } from "./sockaddr.ts";

export interface NetlinkSocketOptions {
  /** RTMGRP_* bitmask to subscribe to; 0 for a request-only socket. */
  readonly groups: number;
  readonly onMessages: (messages: NetlinkMessage[]) => void;
  /** ENOBUFS: the kernel dropped notifications because we read too slowly. State must be re-read (dumped). */
  readonly onOverrun: () => void;
  readonly onError: (error: Error) => void;
  /** SO_RCVBUF(FORCE) for a monitor that must survive bursts (a bridge with 50 ports going down at once). */
  readonly receiveBufferBytes?: number;
}

/** Larger than any netlink datagram the kernel builds (dumps use up to 32 KiB skbs, NLMSG_GOODSIZE is ~8 KiB). */
const RECEIVE_BYTES = 65536;
const MAX_DATAGRAMS_PER_WAKE = 64;
const KERNEL_PORT = 0;

export class NetlinkSocket {
  readonly portId: number;
  private readonly buffer = new Uint8Array(RECEIVE_BYTES);
  private readonly from = new Uint8Array(SOCKADDR_NL_BYTES);
  private readonly fromLength = new Uint32Array(1);
  private readonly kernel = sockaddrNl(k.AF_NETLINK, KERNEL_PORT, 0);
  private readonly watch: ReadableWatch;
  private closed = false;
  private draining = false;

  private constructor(
    private readonly fd: number,
    private readonly options: NetlinkSocketOptions,
  ) {
    const name = new Uint8Array(SOCKADDR_NL_BYTES);
    this.portId = decodeSockaddrNl(name, getsockname(fd, name))?.pid ?? 0;
    this.watch = watchReadable(fd, () => this.drain(), options.onError);
  }

  /** Throws SyscallError if the socket cannot be created or bound. */
  static open(options: NetlinkSocketOptions): NetlinkSocket {
    const fd = socket(k.AF_NETLINK, k.SOCK_RAW | k.SOCK_NONBLOCK | k.SOCK_CLOEXEC, k.NETLINK_ROUTE);
    try {
      if (options.receiveBufferBytes !== undefined) setReceiveBuffer(fd, options.receiveBufferBytes);
      // Extended acks put the kernel's reason ("Invalid prefix for given prefix length") into errors; capped acks
      // keep it from echoing our whole request back. Both are conveniences (Linux ≥ 4.12 / 4.3): ignore failure.
      for (const option of [k.NETLINK_EXT_ACK, k.NETLINK_CAP_ACK]) {
        try {
          setsockoptInt(fd, k.SOL_NETLINK, option, 1, "NETLINK_EXT_ACK/CAP_ACK");
        } catch {
          // older kernel: plain errno only
        }
      }
      bind(fd, sockaddrNl(k.AF_NETLINK, 0, options.groups)); // pid 0: the kernel assigns a unique port id
      return new NetlinkSocket(fd, options);
    } catch (error) {
      close(fd);
      throw error;
    }
  }

  /** Sends one request to the kernel. Returns undefined or the SyscallError as a value. */
  send(message: Uint8Array): SyscallError | undefined {
    if (this.closed) return new SyscallError("sendto", k.EBADF, "netlink socket closed");
    const result = sendto(this.fd, message, 0, this.kernel);
    return typeof result === "number" ? undefined : result;
  }

  /**
   * Reads what is already queued, without waiting for the loop. rtnetlink handles a request inside sendto (in the
   * sender's context), so its ACK is queued by the time send() returns: reading at once saves a loop turn.
   * A no-op when called from inside onMessages: the running drain loop reads on until EAGAIN anyway, and
   * re-entering it would overwrite the receive buffer under the messages being handled.
   */
  readNow(): void {
    if (!this.draining) this.drain();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.close();
    close(this.fd);
  }

  private drain(): void {
    this.draining = true;
    try {
      this.drainLoop();
    } finally {
      this.draining = false;
    }
  }

  private drainLoop(): void {
    for (let i = 0; i < MAX_DATAGRAMS_PER_WAKE && !this.closed; i++) {
      // MSG_TRUNC makes recvfrom return the real datagram size, so a cut reply is detected, never half-parsed.
      const n = recvfrom(this.fd, this.buffer, k.MSG_DONTWAIT | k.MSG_TRUNC, this.from, this.fromLength);
      if (typeof n !== "number") {
        if (n.errno === k.EAGAIN || n.errno === k.EINTR) return;
        if (n.errno === k.ENOBUFS) this.options.onOverrun();
        else this.options.onError(n);
        continue;
      }
      if (n > this.buffer.length) {
        this.options.onOverrun();
        continue;
      }
      // Only the kernel (port 0) may talk to us; another process would need CAP_NET_ADMIN, but check anyway.
      if (decodeSockaddrNl(this.from, this.fromLength[0] ?? 0)?.pid !== KERNEL_PORT) continue;
      this.options.onMessages(parseMessages(this.buffer, n));
    }
  }
}

/** SO_RCVBUFFORCE (root) can exceed net.core.rmem_max; SO_RCVBUF is capped by it but works unprivileged. */
function setReceiveBuffer(fd: number, bytes: number): void {
  try {
    setsockoptInt(fd, k.SOL_SOCKET, k.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
  } catch {
    setsockoptInt(fd, k.SOL_SOCKET, k.SO_RCVBUF, bytes, "SO_RCVBUF");
  }
}
