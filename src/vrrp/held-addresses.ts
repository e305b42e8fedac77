// The virtual addresses one instance holds on the host, and the rules for holding them: what a reload adds and
// removes, whether packets to them are accepted (RFC 5798 §6.4.3 Accept_Mode, always for the owner), and how long
// an old master keeps them while the new one takes over (make-before-break, bounded). The router decides *when*
// (state transitions live in router.ts); this file decides *what* the host is told.
import type { Output } from "./io.ts";
import type { InstanceConfig } from "./model.ts";
import { reloadDelta } from "./reconfigure.ts";

export class HeldAddresses {
  private holding = false;
  /** The Accept_Mode the host was last told while holding (undefined while not holding). */
  private accepting: boolean | undefined;
  /** Make-before-break: the time an old master releases at the latest, while it waits to hear the new one. */
  private releaseAt: number | undefined;

  constructor(private config: InstanceConfig) {}

  get held(): boolean {
    return this.holding;
  }

  get releaseDeadline(): number | undefined {
    return this.releaseAt;
  }

  /** Configure every address (RFC 5798 §6.4.2 "Transition to Master"), accepting packets to them or not. */
  private add(acceptPackets: boolean, out: Output[]): void {
    if (this.holding) return;
    this.holding = true;
    this.accepting = acceptPackets;
    const c = this.config;
    out.push({ type: "add-addresses", instance: c.name, interface: c.interface, addresses: c.virtualAddresses, routes: c.virtualRoutes, acceptPackets });
  }

  /**
   * Becoming master: configure the addresses, or, when an unfinished handover still holds them, keep them (no
   * remove and re-add, which would cut clients off) and end the hold.
   */
  claim(acceptPackets: boolean, out: Output[]): void {
    this.releaseAt = undefined;
    if (this.holding) this.setAccept(acceptPackets, out);
    else this.add(acceptPackets, out);
  }

  remove(out: Output[]): void {
    this.releaseAt = undefined;
    if (!this.holding) return;
    this.holding = false;
    this.accepting = undefined;
    const c = this.config;
    out.push({ type: "remove-addresses", instance: c.name, interface: c.interface, addresses: c.virtualAddresses, routes: c.virtualRoutes });
  }

  /** Gratuitous ARP / unsolicited NA: only a master announces (a backup MUST NOT answer for the VIPs, §6.4.2). */
  announce(count: number, out: Output[]): void {
    const c = this.config;
    if (!this.holding || count <= 0 || c.virtualAddresses.length === 0) return;
    out.push({ type: "announce", instance: c.name, interface: c.interface, vrid: c.vrid, family: c.family, addresses: c.virtualAddresses, count });
  }

  /** Owner status or Accept_Mode changed while holding: the host's filter must follow at once (§6.4.3). */
  setAccept(acceptPackets: boolean, out: Output[]): void {
    if (!this.holding || this.accepting === acceptPackets) return;
    this.accepting = acceptPackets;
    const c = this.config;
    out.push({ type: "accept-packets", instance: c.name, interface: c.interface, addresses: c.virtualAddresses, acceptPackets });
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
   * master still handing over only lets the gone ones go (it must not announce, and will release the rest soon).
   */
  reconfigure(next: InstanceConfig, isMaster: boolean, acceptPackets: boolean, announceCount: number, out: Output[]): void {
    const old = this.config;
    this.config = next;
    if (!this.holding) return;
    const { gone, added } = reloadDelta(old, next);
    const base = { instance: next.name, interface: next.interface };
    if (gone.addresses.length + gone.routes.length > 0) out.push({ type: "remove-addresses", ...base, ...gone });
    if (!isMaster) return;
    if (added.addresses.length + added.routes.length > 0) {
      out.push({ type: "add-addresses", ...base, ...added, acceptPackets });
      if (added.addresses.length > 0 && announceCount > 0) {
        out.push({ type: "announce", ...base, vrid: next.vrid, family: next.family, addresses: added.addresses, count: announceCount });
      }
    }
    this.setAccept(acceptPackets, out);
  }
}
