// What the daemon needs from the kernel, as one interface: the Linux implementation lives in
// src/platform/linux (wrapped by linux-data-plane.ts); tests use an in-memory one.
import type { IpFamily } from "../vrrp/advertisement.ts";
import type { LinkState } from "../vrrp/engine.ts";
import type { ReceivedPacket } from "../vrrp/io.ts";
import type { VirtualAddress, VirtualRoute } from "../vrrp/model.ts";
import type { GlobalsConfig } from "../config/model.ts";
import type { OneShotTimerFactory } from "./deadline-timer.ts";

/** What the daemon asks of the kernel's scheduler: the two globals, as the configuration reads them. */
export type SchedulingWanted = Pick<GlobalsConfig, "rtPriority" | "rlimitRttimeUs">;

export interface OutgoingAdvert {
  readonly interface: string;
  readonly family: IpFamily;
  readonly src: string;
  readonly dst: string;
  readonly bytes: Uint8Array;
}

export interface DataPlane {
  /** Current state of every device, then every change (link up/down, address, device re-created). */
  watchLinks(onChange: (device: string, link: LinkState) => void): Promise<void>;
  /**
   * Start receiving adverts on these devices and groups (idempotent; called again after a reload). `onBurstEnd`
   * follows every run of `onPacket` calls made in one go (at least after each wake-up of the receive path).
   */
  listen(
    devices: readonly { device: string; family: IpFamily; group: string }[],
    onPacket: (packet: ReceivedPacket) => void,
    onBurstEnd: () => void,
  ): Promise<void>;
  /**
   * Delivers now, synchronously, every advert already waiting in the receive queues (onPacket for each, then
   * onBurstEnd). The daemon calls it before it handles a due timer: after a stall, whether epoll reports the timer
   * or the socket first is arbitrary, and an advert that arrived before a Master_Down_Timer ran out must count.
   */
  receivePending(): void;
  send(advert: OutgoingAdvert): void;
  addAddresses(device: string, addresses: readonly VirtualAddress[], routes: readonly VirtualRoute[]): Promise<void>;
  removeAddresses(device: string, addresses: readonly VirtualAddress[], routes: readonly VirtualRoute[]): Promise<void>;
  /** Which of these addresses are configured on the device right now (stale VIPs after a crash). */
  presentAddresses(device: string, addresses: readonly VirtualAddress[]): Promise<VirtualAddress[]>;
  /** Gratuitous ARP / unsolicited NA: `count` frames for each address, from the device. */
  announce(device: string, vrid: number, family: IpFamily, addresses: readonly VirtualAddress[], count: number): void;
  close(): Promise<void>;
  /** A timer finer than libuv's whole milliseconds, for the protocol deadlines (absent: setTimeout is used). */
  readonly preciseTimer?: OneShotTimerFactory;
  /** The daemon thread's scheduling (globals vrrp_rt_priority, vrrp_rlimit_rttime); throws when refused. */
  readonly setScheduling?: (wanted: SchedulingWanted) => void;
}
