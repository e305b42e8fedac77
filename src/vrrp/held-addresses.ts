// The virtual addresses one instance holds on the host, and the rules for holding them: what a reload adds and
// removes, whether packets to them are accepted (RFC 5798 §6.4.3 Accept_Mode, always for the owner), and how long
// an old master keeps them while the new one takes over (make-before-break, bounded). The router decides *when*
// (state transitions live in router.ts); this file decides *what* the host is told. What is held is tracked as a
// set of its own, not assumed to be the configuration: a reload during a handover changes one and not the other.
import type { Output } from "./io.ts";
import type { InstanceConfig, VirtualAddress, VirtualRoute } from "./model.ts";
import { minus } from "./reconfigure.ts";

const NONE: readonly never[] = [];

export class HeldAddresses {
  private holding = false;
  private addresses: readonly VirtualAddress[] = NONE;
  private routes: readonly VirtualRoute[] = NONE;
  /** The Accept_Mode the host was last told while holding (undefined while not holding). */
  private accepting: boolean | undefined;
  /** Make-before-break: the time an old master releases at the latest, while it waits to hear the new one. */
  private releaseAt: number | undefined;
  /**
   * Set when the instance retires (a reload removed or re-created it): an address that a live instance holds
   * too is left configured when this one releases, since the host has one copy of it (a re-created instance
   * claims the same VIPs while the old one still hands over).
   */
  private heldElsewhere: ((address: VirtualAddress) => boolean) | undefined;

  constructor(private config: InstanceConfig) {}

  get held(): boolean {
    return this.holding;
  }

  /** The addresses configured on the host for this instance now. */
  get heldAddresses(): readonly VirtualAddress[] {
    return this.addresses;
  }

  get releaseDeadline(): number | undefined {
    return this.releaseAt;
  }

  retire(heldElsewhere: (address: VirtualAddress) => boolean): void {
    this.heldElsewhere = heldElsewhere;
  }

  /**
   * Becoming master (RFC 5798 §6.4.2): configure the addresses. When an unfinished handover still holds them, keep
   * those (no remove and re-add, which would cut clients off), add what a reload brought in meanwhile, and end
   * the hold.
   */
  claim(acceptPackets: boolean, out: Output[]): void {
    this.releaseAt = undefined;
    if (this.holding) {
      this.addMissing(acceptPackets, 0, out);
      return;
    }
    const c = this.config;
    this.holding = true;
    this.accepting = acceptPackets;
    this.addresses = c.virtualAddresses;
    this.routes = c.virtualRoutes;
    out.push({ type: "add-addresses", instance: c.name, interface: c.interface, addresses: c.virtualAddresses, routes: c.virtualRoutes, acceptPackets });
  }

  remove(out: Output[]): void {
    this.releaseAt = undefined;
    if (!this.holding) return;
    const elsewhere = this.heldElsewhere;
    const addresses = elsewhere === undefined ? this.addresses : this.addresses.filter((a) => !elsewhere(a));
    const c = this.config;
    out.push({ type: "remove-addresses", instance: c.name, interface: c.interface, addresses, routes: this.routes });
    this.holding = false;
    this.accepting = undefined;
    this.addresses = NONE;
    this.routes = NONE;
  }

  /** Gratuitous ARP / unsolicited NA: only a master announces (a backup MUST NOT answer for the VIPs, §6.4.2). */
  announce(count: number, out: Output[]): void {
    const c = this.config;
    if (!this.holding || count <= 0 || this.addresses.length === 0) return;
    out.push({ type: "announce", instance: c.name, interface: c.interface, vrid: c.vrid, family: c.family, addresses: this.addresses, count });
  }

  /** Owner status or Accept_Mode changed while holding: the host's filter must follow at once (§6.4.3). */
  setAccept(acceptPackets: boolean, out: Output[]): void {
    if (!this.holding || this.accepting === acceptPackets) return;
    this.accepting = acceptPackets;
    const c = this.config;
    out.push({ type: "accept-packets", instance: c.name, interface: c.interface, addresses: this.addresses, acceptPackets });
  }

  /** Keep the addresses while stepping down, until `deadline` at the latest (or released earlier by the caller). */
  holdUntil(deadline: number): void {
    if (this.holding) this.releaseAt = deadline;
  }

  /** Lets go once the hold's deadline has passed (called from the router's timeout handling). */
  releaseIfDue(now: number, out: Output[]): void {
    if (this.releaseAt !== undefined && now >= this.releaseAt) this.remove(out);
  }

  /**
   * A hitless reload: a master configures and announces the added addresses and removes the gone ones; an old
   * master still handing over only lets the gone ones go (it must not announce, and will release the rest soon;
   * should it become master again first, claim() adds what it lacks).
   */
  reconfigure(next: InstanceConfig, isMaster: boolean, acceptPackets: boolean, announceCount: number, out: Output[]): void {
    this.config = next;
    if (!this.holding) return;
    const base = { instance: next.name, interface: next.interface };
    const gone = { addresses: minus(this.addresses, next.virtualAddresses), routes: minus(this.routes, next.virtualRoutes) };
    if (gone.addresses.length + gone.routes.length > 0) out.push({ type: "remove-addresses", ...base, ...gone });
    this.addresses = minus(this.addresses, gone.addresses);
    this.routes = minus(this.routes, gone.routes);
    if (isMaster) this.addMissing(acceptPackets, announceCount, out);
  }

  /**
   * While holding: configure what the configuration has and the host lacks (a reload's additions, or those made
   * during a handover), announce the new addresses `announceCount` times, and bring Accept_Mode up to date.
   */
  private addMissing(acceptPackets: boolean, announceCount: number, out: Output[]): void {
    const c = this.config;
    const added = { addresses: minus(c.virtualAddresses, this.addresses), routes: minus(c.virtualRoutes, this.routes) };
    if (added.addresses.length + added.routes.length > 0) {
      const base = { instance: c.name, interface: c.interface };
      out.push({ type: "add-addresses", ...base, ...added, acceptPackets });
      if (added.addresses.length > 0 && announceCount > 0) {
        out.push({ type: "announce", ...base, vrid: c.vrid, family: c.family, addresses: added.addresses, count: announceCount });
      }
    }
    this.addresses = c.virtualAddresses;
    this.routes = c.virtualRoutes;
    this.setAccept(acceptPackets, out);
  }
}
