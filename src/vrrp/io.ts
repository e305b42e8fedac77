// What crosses the boundary of the sans-IO core: inputs the daemon (or a simulator) feeds in,
// and outputs it must carry out. Times are milliseconds on the caller's monotonic clock.
import type { IpFamily } from "./advertisement.ts";
import type { VirtualAddress, VirtualRoute } from "./model.ts";

export type State = "initialize" | "backup" | "master" | "fault";

/** Why a transition happened: plain words for logs, ubus `reason` and notify scripts. */
export type TransitionReason =
  | "startup"
  | "owner-startup"
  | "master-down-timer"
  | "priority-zero-received"
  | "higher-priority-advert"
  | "preempted-by-higher-priority"
  | "link-down"
  | "link-up"
  | "no-source-address"
  | "track-fault"
  | "track-recovered"
  | "sync-group-fault"
  | "sync-group-recovered"
  | "sync-group-backup"
  | "sync-group-master"
  | "shutdown"
  | "switchover"
  | "removed"
  /** A restarted daemon took over its predecessor's mastership (an upgrade or restart handed off, see handOff). */
  | "resumed";

/** Valid for the duration of the call only: the daemon refills one record per packet, so keep fields, not the record. */
export interface ReceivedPacket {
  readonly interface: string;
  readonly family: IpFamily;
  readonly src: string;
  readonly dst: string;
  /** IPv4 TTL or IPv6 hop limit as the kernel delivered it (recvmsg IP_TTL / IPV6_HOPLIMIT). */
  readonly ttl: number;
  /** Valid for the duration of the call only (the daemon passes a view into its receive buffer): kept bytes are copied. */
  readonly bytes: Uint8Array;
}

export type Output =
  | {
      readonly type: "send";
      readonly instance: string;
      readonly interface: string;
      readonly family: IpFamily;
      readonly src: string;
      readonly dst: string;
      readonly bytes: Uint8Array;
    }
  | {
      readonly type: "add-addresses";
      readonly instance: string;
      readonly interface: string;
      readonly addresses: readonly VirtualAddress[];
      readonly routes: readonly VirtualRoute[];
      /**
       * RFC 5798 §6.4.3 Accept_Mode: false means a non-owner master must not accept packets addressed to the
       * virtual addresses (other than ND), so the daemon installs a filter for them while they are held.
       */
      readonly acceptPackets: boolean;
    }
  | {
      readonly type: "remove-addresses";
      readonly instance: string;
      readonly interface: string;
      readonly addresses: readonly VirtualAddress[];
      readonly routes: readonly VirtualRoute[];
    }
  /**
   * The held addresses' Accept_Mode changed while master (a reload, or owner status gained or lost through a
   * priority change): RFC 5798 §6.4.3 makes the owner accept packets to its addresses at once.
   */
  | {
      readonly type: "accept-packets";
      readonly instance: string;
      readonly interface: string;
      readonly addresses: readonly VirtualAddress[];
      readonly acceptPackets: boolean;
    }
  /** Gratuitous ARP (IPv4) or unsolicited NA (IPv6) for every VIP, `count` frames each. */
  | {
      readonly type: "announce";
      readonly instance: string;
      readonly interface: string;
      readonly vrid: number;
      readonly family: IpFamily;
      readonly addresses: readonly VirtualAddress[];
      readonly count: number;
    }
  | {
      readonly type: "transition";
      readonly instance: string;
      readonly from: State;
      readonly to: State;
      readonly reason: TransitionReason;
      readonly priority: number;
      readonly at: number;
    }
  | { readonly type: "priority"; readonly instance: string; readonly from: number; readonly to: number }
  /** A master heard a lower-priority master (keepalived's MASTER_RX_LOWER_PRI): a sign of split brain healing. */
  | { readonly type: "master-rx-lower-pri"; readonly instance: string; readonly from: string; readonly priority: number }
  | {
      readonly type: "log";
      readonly level: "error" | "warning" | "info" | "debug";
      readonly instance?: string;
      readonly message: string;
    };

export type LogLevel = Extract<Output, { type: "log" }>["level"];
