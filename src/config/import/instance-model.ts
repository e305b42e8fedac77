// A vrrp_instance as read from keepalived.conf, before keepalived's completion rules (defaults that depend on
// other keywords, settings it clears) are applied. Every value remembers its line, so a rule that changes it can
// say where the value came from.
import type { IpFamily } from "../../lib/ip.ts";
import type { Where } from "./report.ts";

export interface Read<T> {
  readonly value: T;
  readonly at: Where;
}

export interface TrackEntry {
  /** As written: a device for track_interface, a vrrp_script name for track_script; "track_file NAME" and
   *  "track_process NAME" for those blocks' entries (tracked-objects.ts), which land in the track_script list. */
  readonly name: string;
  /** Undefined when not written: 0 for an interface, the script's own weight for a script. */
  readonly weight: number | undefined;
  /** Undefined when not written: false for an interface, the script's own direction for a script. */
  readonly reverse: boolean | undefined;
  readonly at: Where;
}

export interface AddressEntry {
  readonly text: string;
  readonly family: IpFamily;
  readonly at: Where;
}

export interface KeepalivedInstance {
  readonly name: string;
  readonly uciName: string;
  readonly at: Where;
  state?: Read<"MASTER" | "BACKUP">;
  device?: Read<string>;
  vrid?: Read<number>;
  priority?: Read<number>;
  advertMs?: Read<number>;
  version?: Read<2 | 3>;
  nopreempt?: Read<boolean>;
  preemptDelayMs?: Read<number>;
  accept?: Read<boolean>;
  strict?: Read<boolean>;
  authType?: Read<"PASS" | "AH">;
  authPass?: Read<string>;
  /** Set by the first advertised address or source address, in file order (keepalived's rule). */
  family?: IpFamily;
  readonly vips: AddressEntry[];
  readonly excludedVips: AddressEntry[];
  readonly routes: string[];
  source?: Read<{ readonly keyword: "unicast_src_ip" | "mcast_src_ip"; readonly address: string }>;
  readonly peers: { readonly address: string; readonly at: Where }[];
  readonly trackInterfaces: TrackEntry[];
  readonly trackScripts: TrackEntry[];
  /** garp_* options as UCI text, by option name. */
  readonly garp: Map<string, Read<string>>;
  readonly flags: Map<"lower_prio_no_advert" | "higher_prio_send_advert" | "v3_checksum_as_v2" | "smtp_alert", Read<boolean>>;
  /** notify_* commands by option name (notify_master, ..., notify). */
  readonly notify: Map<string, Read<string>>;
}

export function newInstance(name: string, uciName: string, at: Where): KeepalivedInstance {
  return {
    name,
    uciName,
    at,
    vips: [],
    excludedVips: [],
    routes: [],
    peers: [],
    trackInterfaces: [],
    trackScripts: [],
    garp: new Map(),
    flags: new Map(),
    notify: new Map(),
  };
}
