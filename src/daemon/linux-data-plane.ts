// The DataPlane on Linux: src/platform/linux (koffi: raw VRRP sockets, AF_PACKET, rtnetlink) driven by the
// daemon's vocabulary. Devices are addressed by name, because netifd deletes and re-creates bridges on reload:
// ifindexes change, names do not, so group memberships are re-joined whenever a name gets a new ifindex.
import type { IpFamily } from "../vrrp/advertisement.ts";
import type { LinkState } from "../vrrp/engine.ts";
import { gratuitousArp, unsolicitedNeighborAdvert } from "../vrrp/frames.ts";
import type { ReceivedPacket } from "../vrrp/io.ts";
import type { VirtualAddress, VirtualRoute } from "../vrrp/model.ts";
import { parseMac } from "../vrrp/virtual-mac.ts";
import { ipFamily, isIpv6LinkLocal } from "../lib/ip.ts";
import {
  LinuxPlatform,
  setScheduling,
  SyscallError,
  type AddressInfo,
  type LinkInfo,
  type MonitorEvent,
  type RouteSpec,
  type VrrpPacket,
  type VrrpSocket,
} from "../platform/linux/index.ts";
import type { DataPlane, OutgoingAdvert } from "./data-plane.ts";
import type { OneShotTimer } from "./deadline-timer.ts";
import type { Logger } from "./log.ts";

interface Membership {
  readonly device: string;
  readonly family: IpFamily;
  readonly group: string;
}

export class LinuxDataPlane implements DataPlane {
  private readonly platform: LinuxPlatform;
  private links = new Map<string, LinkInfo>();
  /** ifindex -> device name, for every received packet (kept as a map: this is the hot path). */
  private names = new Map<number, string>();
  private addresses: AddressInfo[] = [];
  private readonly reported = new Map<string, string>();
  private onLink: ((device: string, link: LinkState) => void) | undefined;
  private memberships: Membership[] = [];
  private readonly joined = new Map<string, number>(); // membership key -> ifindex joined on
  private onPacket: ((packet: ReceivedPacket) => void) | undefined;
  private onBurstEnd: (() => void) | undefined;
  /** Addresses we configured: never a source address, and re-added if someone else removes them. */
  private readonly held = new Map<string, { device: string; address: VirtualAddress }>();
  private refreshQueued = false;
  private readonly received: { -readonly [K in keyof ReceivedPacket]: ReceivedPacket[K] } = { interface: "", family: 4, src: "", dst: "", ttl: 0, bytes: new Uint8Array(0) };

  constructor(private readonly logger: Logger) {
    this.platform = LinuxPlatform.open({ onError: (error) => logger.log("error", `platform: ${error.message}`) });
  }

  /** A timerfd: fires within microseconds of the deadline, where setTimeout is 1-2.5 ms late. */
  readonly preciseTimer = (fire: () => void): OneShotTimer => this.platform.timer(fire);

  readonly setScheduling = setScheduling;

  async watchLinks(onChange: (device: string, link: LinkState) => void): Promise<void> {
    this.onLink = onChange;
    await this.platform.monitor((event) => this.onMonitorEvent(event));
    await this.refresh();
  }

  async listen(devices: readonly Membership[], onPacket: (packet: ReceivedPacket) => void, onBurstEnd: () => void): Promise<void> {
    this.onPacket = onPacket;
    this.onBurstEnd = onBurstEnd;
    this.memberships = [...devices];
    if (this.links.size === 0) await this.refresh();
    this.syncMemberships();
  }

  receivePending(): void {
    this.platform.receivePending();
  }

  send(advert: OutgoingAdvert): void {
    const link = this.links.get(advert.interface);
    if (!link) return;
    const socket = this.socket(advert.family);
    const error = socket.send({ ifindex: link.ifindex, src: advert.src, dst: advert.dst, bytes: advert.bytes });
    if (error) this.logger.log("warning", `sending an advert on ${advert.interface} to ${advert.dst} failed: ${error.message}`);
  }

  async addAddresses(device: string, addresses: readonly VirtualAddress[], routes: readonly VirtualRoute[]): Promise<void> {
    for (const address of addresses) {
      const on = address.device ?? device;
      this.held.set(key(on, address.address), { device: on, address });
      await this.addAddress(on, address);
    }
    for (const route of routes) await this.expect("add route", await this.platform.netlink.addRoute(routeSpec(route, device)), "EEXIST");
  }

  async removeAddresses(device: string, addresses: readonly VirtualAddress[], routes: readonly VirtualRoute[]): Promise<void> {
    for (const route of routes) await this.expect("remove route", await this.platform.netlink.removeRoute(routeSpec(route, device)), "ESRCH");
    for (const address of addresses) {
      const on = address.device ?? device;
      this.held.delete(key(on, address.address));
      const result = await this.platform.netlink.removeAddress({ address: address.address, prefixLength: address.prefixLength, device: on });
      // ENODEV: the device went away and took the address with it, which is what we wanted.
      if (!result.ok && result.error.code === "ENODEV") continue;
      await this.expect(`remove ${address.address} from ${on}`, result, "EADDRNOTAVAIL");
    }
  }

  async presentAddresses(device: string, addresses: readonly VirtualAddress[]): Promise<VirtualAddress[]> {
    await this.refresh();
    return addresses.filter((a) => {
      const link = this.links.get(a.device ?? device);
      return link !== undefined && this.addresses.some((x) => x.ifindex === link.ifindex && x.address === a.address);
    });
  }

  announce(device: string, vrid: number, family: IpFamily, addresses: readonly VirtualAddress[], count: number): void {
    const link = this.links.get(device);
    const mac = link?.mac ? parseMac(link.mac) : undefined;
    if (!link || !mac) return;
    // Without a virtual-MAC interface the physical MAC is what answers for the VIP, so that is what we announce
    // (keepalived does the same without use_vmac); announcing 00-00-5E-00-01-{VRID} would black-hole clients.
    const frames = addresses
      .filter((a) => ipFamily(a.address) === family)
      .map((a) =>
        family === 4
          ? gratuitousArp({ vip: a.address, vrid, srcMac: mac, linkLayerAddress: mac })
          : unsolicitedNeighborAdvert({ vip: a.address, vrid, srcMac: mac, linkLayerAddress: mac }),
      );
    for (let i = 0; i < count; i++) {
      for (const frame of frames) {
        const error = this.platform.sendFrame(link.ifindex, frame);
        if (error) this.logger.log("warning", `announcing on ${device} failed: ${error.message}`);
      }
    }
  }

  async close(): Promise<void> {
    this.platform.close();
  }

  // ---- internals ----------------------------------------------------------------------------------------

  /** The family's VRRP socket (opened on first use), delivering here. Bound once: send() runs per advert. */
  private socket(family: IpFamily): VrrpSocket {
    return this.platform.vrrpSocket(family, this.deliverPacket, this.burstEnded);
  }

  private readonly deliverPacket = (packet: VrrpPacket): void => this.deliver(packet);
  private readonly burstEnded = (): void => this.onBurstEnd?.();

  private deliver(packet: { ifindex: number; family: IpFamily; src: string; dst: string; ttl: number; bytes: Uint8Array }): void {
    const device = this.names.get(packet.ifindex);
    if (device === undefined || this.onPacket === undefined) return;
    // One record refilled per packet, like the socket's own: the core copies what it keeps (io.ts ReceivedPacket).
    const received = this.received;
    received.interface = device;
    received.family = packet.family;
    received.src = packet.src;
    received.dst = packet.dst;
    received.ttl = packet.ttl;
    received.bytes = packet.bytes;
    this.onPacket(received);
  }

  private onMonitorEvent(event: MonitorEvent): void {
    if (event.type === "address-removed") {
      const held = this.held.get(key(this.nameOf(event.address.ifindex) ?? "", event.address.address));
      const link = held ? this.links.get(held.device) : undefined;
      if (held && link?.up) {
        // Someone (or the kernel, on an IPv6 link bounce) removed an address we hold: put it back.
        this.logger.log("warning", `${held.address.address} was removed from ${held.device} while held: re-adding it`);
        // The device may be going away (netifd re-creating a bridge, IPv6 disabled): a failed re-add is logged,
        // never left as an unhandled rejection, and the link events that follow settle the state.
        this.addAddress(held.device, held.address).catch((error: unknown) => {
          this.logger.log("warning", `re-adding ${held.address.address} to ${held.device} failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
    }
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    setImmediate(() => {
      this.refreshQueued = false;
      void this.refresh();
    });
  }

  /** Re-read links and addresses, report every device whose state changed, re-join groups on new ifindexes. */
  private async refresh(): Promise<void> {
    const [links, addresses] = await Promise.all([this.platform.netlink.links(), this.platform.netlink.addresses()]);
    if (!links.ok || !addresses.ok) {
      this.logger.log("error", `reading links/addresses failed: ${(!links.ok ? links.error : !addresses.ok ? addresses.error : undefined)?.message}`);
      return;
    }
    this.links = new Map(links.value.map((l) => [l.name, l]));
    this.names = new Map(links.value.map((l) => [l.ifindex, l.name]));
    this.addresses = addresses.value;
    if (!this.onLink) return this.syncMemberships(); // nobody to tell yet: report everything once watched
    for (const name of new Set([...this.links.keys(), ...this.reported.keys()])) {
      const state = this.linkState(name);
      const text = JSON.stringify(state);
      if (this.reported.get(name) === text) continue;
      this.reported.set(name, text);
      this.onLink?.(name, state);
    }
    this.syncMemberships();
  }

  private linkState(name: string): LinkState {
    const link = this.links.get(name);
    if (!link) return { up: false };
    const mine = this.addresses.filter((a) => a.ifindex === link.ifindex && !a.tentative && !this.held.has(key(name, a.address)));
    const ipv4 = mine.find((a) => a.family === 4 && !a.secondary)?.address ?? mine.find((a) => a.family === 4)?.address;
    const ipv6LinkLocal = mine.find((a) => a.family === 6 && isIpv6LinkLocal(a.address))?.address;
    return { up: link.up, ...(ipv4 ? { ipv4 } : {}), ...(ipv6LinkLocal ? { ipv6LinkLocal } : {}) };
  }

  private syncMemberships(): void {
    if (!this.onPacket) return;
    for (const m of this.memberships) {
      const link = this.links.get(m.device);
      const id = `${m.device}|${m.family}|${m.group}`;
      if (!link || this.joined.get(id) === link.ifindex) continue;
      const socket = this.socket(m.family);
      try {
        socket.join(link.ifindex, m.group);
        this.joined.set(id, link.ifindex);
      } catch (error) {
        this.logger.log("error", `joining ${m.group} on ${m.device} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async addAddress(device: string, address: VirtualAddress): Promise<void> {
    const family = ipFamily(address.address);
    const result = await this.platform.netlink.addAddress({
      address: address.address,
      prefixLength: address.prefixLength,
      device,
      ...(address.label ? { label: address.label } : {}),
      ...(address.scope ? { scope: address.scope as "global" } : {}),
      ...(address.broadcast ? { broadcast: address.broadcast } : {}),
      // A VIP must work the moment we are master, not after ~1 s of DAD (and DAD would flag the peer's copy).
      ...(family === 6 ? { nodad: true } : {}),
    });
    await this.expect(`add ${address.address} to ${device}`, result, "EEXIST");
  }

  private async expect(what: string, result: { ok: true } | { ok: false; error: SyscallError }, harmless: string): Promise<void> {
    if (result.ok || result.error.code === harmless) return;
    throw new Error(`${what}: ${result.error.message}`);
  }

  private nameOf(ifindex: number): string | undefined {
    return this.names.get(ifindex);
  }
}

const key = (device: string, address: string): string => `${device}|${address}`;

function routeSpec(route: VirtualRoute, device: string): RouteSpec {
  return {
    destination: route.destination,
    ...(route.gateway ? { gateway: route.gateway } : {}),
    device: route.device ?? device,
    ...(route.source ? { source: route.source } : {}),
    ...(route.metric !== undefined ? { metric: route.metric } : {}),
    ...(route.table !== undefined ? { table: route.table } : {}),
    ...(route.type ? { type: route.type } : {}),
  };
}
