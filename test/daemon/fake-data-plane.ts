// An in-memory data plane: runtimes on one FakeLan hear each other's adverts (as real bytes, TTL 255),
// and every address change and announcement is recorded for assertions.
import type { IpFamily } from "../../src/vrrp/advertisement.ts";
import type { DataPlane, OutgoingAdvert } from "../../src/daemon/data-plane.ts";
import type { LinkState } from "../../src/vrrp/engine.ts";
import type { ReceivedPacket } from "../../src/vrrp/io.ts";
import type { VirtualAddress } from "../../src/vrrp/model.ts";

export class FakeLan {
  readonly planes: FakeDataPlane[] = [];

  deliver(from: FakeDataPlane, advert: OutgoingAdvert): void {
    for (const plane of this.planes) {
      if (plane === from || !plane.linkUp || !from.linkUp) continue;
      const packet: ReceivedPacket = { interface: advert.interface, family: advert.family, src: advert.src, dst: advert.dst, ttl: 255, bytes: advert.bytes };
      setImmediate(() => plane.receive(packet));
    }
  }
}

export class FakeDataPlane implements DataPlane {
  readonly held = new Set<string>();
  readonly journal: string[] = [];
  linkUp = true;
  private onPacket: ((p: ReceivedPacket) => void) | undefined;
  private onBurstEnd: (() => void) | undefined;
  private onLink: ((device: string, link: LinkState) => void) | undefined;
  private readonly pending: ReceivedPacket[] = [];

  constructor(
    private readonly lan: FakeLan,
    readonly device: string,
    readonly ipv4: string,
    stale: readonly string[] = [],
  ) {
    lan.planes.push(this);
    for (const address of stale) this.held.add(address);
  }

  async watchLinks(onChange: (device: string, link: LinkState) => void): Promise<void> {
    this.onLink = onChange;
    onChange(this.device, { up: this.linkUp, ipv4: this.ipv4 });
  }

  setLink(up: boolean): void {
    this.linkUp = up;
    this.onLink?.(this.device, { up, ipv4: this.ipv4 });
  }

  async listen(
    _devices: readonly { device: string; family: IpFamily; group: string }[],
    onPacket: (p: ReceivedPacket) => void,
    onBurstEnd: () => void,
  ): Promise<void> {
    this.onPacket = onPacket;
    this.onBurstEnd = onBurstEnd;
  }

  /** Packets that arrived together: delivered one by one, then one end of burst (as the Linux socket does). */
  receiveBurst(packets: readonly ReceivedPacket[]): void {
    for (const packet of packets) this.onPacket?.(packet);
    this.onBurstEnd?.();
  }

  /**
   * A packet that reached the socket but whose readiness the event loop serves only after `readAfterMs` (epoll
   * reported the timer first): delivered earlier only if the daemon asks for it (receivePending()).
   */
  queue(packet: ReceivedPacket, readAfterMs = 50): void {
    this.pending.push(packet);
    setTimeout(() => this.receivePending(), readAfterMs);
  }

  get queued(): number {
    return this.pending.length;
  }

  receivePending(): void {
    if (this.pending.length > 0) this.receiveBurst(this.pending.splice(0));
  }

  /** One packet, as a burst of its own. */
  receive(packet: ReceivedPacket): void {
    this.onPacket?.(packet);
    this.onBurstEnd?.();
  }

  send(advert: OutgoingAdvert): void {
    this.journal.push(`send ${advert.bytes[2]}`);
    this.lan.deliver(this, advert);
  }

  async addAddresses(_device: string, addresses: readonly VirtualAddress[]): Promise<void> {
    for (const a of addresses) this.held.add(a.address);
    this.journal.push(`add ${addresses.map((a) => a.address).join(",")}`);
  }

  async removeAddresses(_device: string, addresses: readonly VirtualAddress[]): Promise<void> {
    for (const a of addresses) this.held.delete(a.address);
    this.journal.push(`remove ${addresses.map((a) => a.address).join(",")}`);
  }

  async presentAddresses(_device: string, addresses: readonly VirtualAddress[]): Promise<VirtualAddress[]> {
    return addresses.filter((a) => this.held.has(a.address));
  }

  announce(_device: string, _vrid: number, _family: IpFamily, addresses: readonly VirtualAddress[], count: number): void {
    this.journal.push(`announce ${addresses.length}x${count}`);
  }

  async close(): Promise<void> {
    this.onPacket = undefined;
    this.onBurstEnd = undefined;
  }
}
