// The Linux platform as the daemon sees it: one object that owns every kernel resource it opened (VRRP sockets,
// the AF_PACKET sender, the rtnetlink client, the link monitor) and closes them all on close(). The daemon maps the
// protocol core's outputs to these calls; nothing here knows VRRP state.
import { EBADF } from "./constants.ts";
import { ifIndexToName, ifNameToIndex, SyscallError } from "./libc.ts";
import { LinkMonitor, type MonitorEvent } from "./link-monitor.ts";
import { Rtnetlink } from "./netlink.ts";
import { PacketSender } from "./packet-socket.ts";
import { TimerFd } from "./timer-fd.ts";
import { VrrpSocket, type Family, type VrrpPacket } from "./vrrp-socket.ts";

export { SyscallError } from "./libc.ts";
export { LinkMonitor, type LinkChange, type MonitorEvent } from "./link-monitor.ts";
export { Rtnetlink, type NetlinkResult } from "./netlink.ts";
export { PacketReceiver, PacketSender, type CapturedFrame } from "./packet-socket.ts";
export { TimerFd } from "./timer-fd.ts";
export { currentScheduling, setScheduling, type Scheduling } from "./realtime.ts";
export { UnixDatagramSender } from "./unix-datagram.ts";
export { primaryAddresses, type PrimaryAddresses } from "./rtnetlink-decode.ts";
export type { AddressInfo, AddressSpec, LinkInfo, RouteSpec, RouteType, Scope } from "./rtnetlink-types.ts";
export {
  VrrpSocket,
  type DropReason,
  type Family,
  type VrrpPacket,
  type VrrpSendRequest,
  type VrrpSocketCounters,
} from "./vrrp-socket.ts";

export interface LinuxPlatformOptions {
  /** Errors that belong to no call: poll failures, exceptions thrown by the daemon's own callbacks. */
  readonly onError: (error: Error) => void;
  /** Bound on each netlink request. */
  readonly netlinkTimeoutMs?: number;
}

export class LinuxPlatform {
  /** Address, route and dump requests. */
  readonly netlink: Rtnetlink;
  private readonly vrrp = new Map<Family, VrrpSocket>();
  private frames: PacketSender | undefined;
  private readonly monitors = new Set<LinkMonitor>();
  private readonly timers = new Set<TimerFd>();
  private closed = false;

  private constructor(private readonly options: LinuxPlatformOptions) {
    this.netlink = Rtnetlink.open({
      onError: options.onError,
      ...(options.netlinkTimeoutMs === undefined ? {} : { timeoutMs: options.netlinkTimeoutMs }),
    });
  }

  /** Opens the netlink client; sockets are opened on first use. Throws SyscallError. */
  static open(options: LinuxPlatformOptions): LinuxPlatform {
    return new LinuxPlatform(options);
  }

  /**
   * The VRRP socket of one family, opened on first call (CAP_NET_RAW). One socket serves every instance and
   * interface of that family; `onPacket` and `onBurstEnd` are bound by the first call. Throws SyscallError.
   */
  vrrpSocket(family: Family, onPacket: (packet: VrrpPacket) => void, onBurstEnd?: () => void): VrrpSocket {
    const existing = this.vrrp.get(family);
    if (existing !== undefined) return existing;
    this.assertOpen();
    const socket = VrrpSocket.open({ family, onPacket, onError: this.options.onError, ...(onBurstEnd ? { onBurstEnd } : {}) });
    this.vrrp.set(family, socket);
    return socket;
  }

  /** Reads every VRRP socket's queue now (non-blocking), delivering to the callbacks bound at open. */
  receivePending(): void {
    for (const socket of this.vrrp.values()) socket.receivePending();
  }

  /**
   * Sends a gratuitous ARP / unsolicited NA frame (built by src/vrrp/frames.ts) out of `ifindex`. Every failure,
   * opening the AF_PACKET socket on first use included (EPERM without CAP_NET_RAW), is a SyscallError value.
   */
  sendFrame(ifindex: number, frame: Uint8Array): SyscallError | undefined {
    if (this.closed) return new SyscallError("sendto", EBADF, "platform closed");
    try {
      this.frames ??= PacketSender.open();
    } catch (error) {
      if (error instanceof SyscallError) return error;
      throw error;
    }
    return this.frames.send(ifindex, frame);
  }

  /** Starts a link/address monitor; resolves after its initial link dump. Closed with the platform. */
  async monitor(onEvent: (event: MonitorEvent) => void): Promise<LinkMonitor> {
    this.assertOpen();
    const monitor = await LinkMonitor.open({ onEvent, onError: this.options.onError });
    if (this.closed) monitor.close();
    else this.monitors.add(monitor);
    return monitor;
  }

  /** A one-shot timerfd whose expiry calls `onExpire` on the loop; closed with the platform. Throws SyscallError. */
  timer(onExpire: () => void): TimerFd {
    this.assertOpen();
    const timer = new TimerFd(onExpire, this.options.onError);
    this.timers.add(timer);
    return timer;
  }

  /** if_nametoindex(3) in this process's network namespace; the SyscallError (ENODEV) as a value. */
  ifindex(name: string): number | SyscallError {
    return ifNameToIndex(name);
  }

  ifname(ifindex: number): string | SyscallError {
    return ifIndexToName(ifindex);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.vrrp.values()) socket.close();
    this.vrrp.clear();
    this.frames?.close();
    for (const monitor of this.monitors) monitor.close();
    this.monitors.clear();
    for (const timer of this.timers) timer.close();
    this.timers.clear();
    this.netlink.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new SyscallError("LinuxPlatform", EBADF, "platform closed");
  }
}
