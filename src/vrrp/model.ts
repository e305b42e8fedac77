// The protocol core's view of configuration: validated, immutable, with units in every name.
// src/config turns UCI or keepalived.conf into this; the core never parses text.
import type { AuthType, IpFamily, V3Ipv4ChecksumForm } from "./advertisement.ts";

export type VrrpVersion = 2 | 3;

/** A virtual address with the options keepalived's `virtual_ipaddress` takes. */
export interface VirtualAddress {
  readonly address: string; // canonical text
  readonly prefixLength: number;
  readonly device?: string; // defaults to the instance's interface
  readonly label?: string;
  readonly scope?: string;
  readonly broadcast?: string;
  /** Not carried in adverts (keepalived's virtual_ipaddress_excluded). */
  readonly excluded?: boolean;
}

export interface VirtualRoute {
  readonly destination: string; // "198.51.100.0/24" or "default"
  readonly gateway?: string;
  readonly device?: string;
  readonly source?: string;
  readonly metric?: number;
  readonly table?: number;
  readonly type?: "unicast" | "blackhole" | "unreachable" | "prohibit";
}

/**
 * A reference from an instance to a tracked object with keepalived's weight rules:
 * weight > 0 adds to the priority while the object is up, weight < 0 subtracts while it is down,
 * weight 0 means Fault while it is down; `reverse` swaps up and down in all three rules.
 * An object reported as a number (a track_file value) adds value × weight instead (tracking.ts).
 */
export interface TrackRef {
  /** "interface:<dev>" or "script:<name>" (any opaque id the caller reports results for). */
  readonly id: string;
  readonly weight: number; // -253..253
  readonly reverse: boolean;
}

/** Gratuitous ARP / unsolicited NA tuning, keepalived's garp_* options. */
export interface GarpConfig {
  readonly masterDelayMs: number; // second burst after becoming master (5 s); 0 = none
  readonly masterRepeat: number; // frames per burst (5)
  readonly masterRefreshMs: number; // periodic refresh while master (0 = off)
  readonly masterRefreshRepeat: number; // frames per refresh (1)
  readonly lowerPrioDelayMs: number; // min gap between bursts answering a lower-priority master (5 s)
  readonly lowerPrioRepeat: number; // frames per such burst (5); 0 = none
}

export interface InstanceConfig {
  readonly name: string;
  readonly interface: string; // Linux device the adverts use
  readonly family: IpFamily;
  readonly version: VrrpVersion;
  readonly vrid: number; // 1..255
  readonly priority: number; // 1..255; 255 = address owner
  /** v2: whole seconds × 1000; v3: centiseconds × 10. */
  readonly advertIntervalMs: number;
  readonly preempt: boolean;
  readonly preemptDelayMs: number;
  readonly acceptMode: boolean;
  /** keepalived's `state`: MASTER shortens the first master-down wait (and lets an owner start as master). */
  readonly initialState: "master" | "backup";
  readonly authType: AuthType; // v2 only
  readonly authPassword: string;
  readonly virtualAddresses: readonly VirtualAddress[];
  readonly virtualRoutes: readonly VirtualRoute[];
  /** Multicast group to send to (224.0.0.18 / ff02::12 by default). */
  readonly multicastGroup: string;
  /** When non-empty, adverts go to each peer by unicast and only peers are accepted. */
  readonly unicastPeers: readonly string[];
  /** Source address override (unicast_src_ip / mcast_src_ip); else the interface's primary address. */
  readonly sourceAddress?: string;
  readonly v3Ipv4Checksum: V3Ipv4ChecksumForm;
  readonly garp: GarpConfig;
  readonly tracks: readonly TrackRef[];
  /** keepalived `lower_prio_no_advert`: stay silent on a lower-priority advert (pre-RFC 9568 behaviour). */
  readonly lowerPrioNoAdvert: boolean;
  /** keepalived `higher_prio_send_advert`: send one advert before yielding, so the winner re-announces. */
  readonly higherPrioSendAdvert: boolean;
  /** keepalived `down_timer_adverts` (3 per the RFCs). */
  readonly downTimerAdverts: number;
  /**
   * What a master that steps down does with its addresses. "make-before-break" (the default) keeps them until
   * it hears the new master's next advert (preempted: at most one advert interval after the advert that preempted
   * it), so clients in flight lose nothing; "strict" releases them at once, as RFC 5798 §6.4.2 and keepalived do.
   */
  readonly handover: Handover;
}

export type Handover = "make-before-break" | "strict";

export interface SyncGroupConfig {
  readonly name: string;
  readonly members: readonly string[];
}

export interface CoreConfig {
  readonly instances: readonly InstanceConfig[];
  readonly syncGroups: readonly SyncGroupConfig[];
}

export const DEFAULT_GARP: GarpConfig = {
  masterDelayMs: 5000,
  masterRepeat: 5,
  masterRefreshMs: 0,
  masterRefreshRepeat: 1,
  lowerPrioDelayMs: 5000,
  lowerPrioRepeat: 5,
};

export const VRRP_MULTICAST_GROUP = { 4: "224.0.0.18", 6: "ff02::12" } as const;
export const PRIORITY_OWNER = 255;
export const PRIORITY_STOP = 0;

/** The defaults of an instance, as keepalived and RFC 5798 choose them. */
export function instanceDefaults(
  fields: Pick<InstanceConfig, "name" | "interface" | "vrid"> & Partial<InstanceConfig>,
): InstanceConfig {
  const family = fields.family ?? 4;
  return {
    family,
    version: family === 6 ? 3 : 2,
    priority: 100,
    advertIntervalMs: 1000,
    preempt: true,
    preemptDelayMs: 0,
    acceptMode: true,
    initialState: "backup",
    authType: 0,
    authPassword: "",
    virtualAddresses: [],
    virtualRoutes: [],
    multicastGroup: VRRP_MULTICAST_GROUP[family],
    unicastPeers: [],
    v3Ipv4Checksum: "pseudo-header",
    garp: DEFAULT_GARP,
    tracks: [],
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    downTimerAdverts: 3,
    handover: "make-before-break",
    ...fields,
  };
}
