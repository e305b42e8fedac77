// The validated configuration the daemon runs on: the protocol core's CoreConfig (src/vrrp/model.ts) plus what
// only the daemon needs (logical interface names to resolve, notify scripts, track-script commands, globals).
// Units are in the field names; every duration is in milliseconds.
import type { CoreConfig, GarpConfig, Handover, VrrpVersion } from "../vrrp/model.ts";
import type { UciLocation } from "./uci/types.ts";
import { interfaceTrackId } from "../vrrp/tracking.ts";

export type LogLevel = "error" | "warning" | "info" | "debug";

/** keepalived's notify_* commands (same shape as the daemon's NotifyScripts). */
export interface NotifyScripts {
  readonly master?: string;
  readonly backup?: string;
  readonly fault?: string;
  readonly stop?: string;
  /** `notify`: run on every transition with `INSTANCE|GROUP NAME STATE PRIORITY` appended. */
  readonly any?: string;
}

export interface GlobalsConfig {
  readonly enabled: boolean;
  /** Undefined: the daemon uses the hostname. */
  readonly routerId?: string;
  readonly logLevel: LogLevel;
  readonly startupDelayMs: number;
  readonly hotplug: boolean;
  readonly controlSocket: string;
  readonly scriptUser?: string;
  readonly scriptGroup?: string;
  readonly enableScriptSecurity: boolean;
  /** SCHED_RR priority of the daemon's thread (0: normal scheduling) and its RLIMIT_RTTIME (hard limit, µs). */
  readonly rtPriority: number;
  readonly rlimitRttimeUs: number;
  /** The instance defaults below are already applied to core.instances; kept for status and rendering. */
  readonly vrrpVersion: VrrpVersion;
  readonly v3ChecksumAsV2: boolean;
  readonly multicastGroup4: string;
  readonly multicastGroup6: string;
  readonly garp: GarpConfig;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly handover: Handover;
  readonly mail: MailSettings;
}

/** E-mail alerts (globals' notification_email, smtp_* options). Mail is sent only with recipients and a server. */
export interface MailSettings {
  readonly recipients: readonly string[];
  /** Undefined: root@hostname. */
  readonly from?: string;
  readonly server?: { readonly host: string; readonly port: number };
  /** Undefined: the hostname. */
  readonly heloName?: string;
  readonly connectTimeoutMs: number;
  readonly starttls: boolean;
  readonly username?: string;
  readonly passwordFile?: string;
  readonly noEmailFaults: boolean;
}

/** An instance's `track_interface` entry before interface names are resolved to devices. */
export interface TrackedInterface {
  /** As written: a logical network (`wan`) or a device (`eth1`). The core's track id is `interface:<name>`. */
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface InstanceMeta {
  readonly name: string;
  /** `interface` as written: an OpenWrt logical network, or a device on plain Linux. */
  readonly logicalInterface?: string;
  /** `device`: the Linux device, overriding what `interface` resolves to. */
  readonly device?: string;
  readonly trackedInterfaces: readonly TrackedInterface[];
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;
  /** Where the section was written, for messages at run time. */
  readonly location: UciLocation;
}

export interface SyncGroupMeta {
  readonly name: string;
  readonly members: readonly string[];
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;
  readonly trackingWeight: boolean;
  readonly location: UciLocation;
}

/** A check the daemon runs itself (track_script `type 'http'`): a GET of `url`. */
export interface HttpCheck {
  readonly url: string;
  readonly statusCode: number;
  /** MD5 of the body, lower-case hex (keepalived's genhash); undefined: the body is not checked. */
  readonly digest?: string;
  readonly tlsVerify: boolean;
}

/** track_script `type 'ping'`: echo to every host, up when `reliability` of them answer. */
export interface PingCheck {
  readonly hosts: readonly string[];
  readonly reliability: number;
}

/** track_script `type 'tcp'`: connect to `port` on every host, up when `reliability` of them accept. */
export interface TcpCheck {
  readonly hosts: readonly string[];
  readonly port: number;
  readonly reliability: number;
}

/** track_script `type 'process'` (keepalived's vrrp_track_process): up while `quorum` such processes run. */
export interface ProcessCheck {
  readonly name: string;
  readonly paramMatch?: string;
  /** 0 with `quorumMax` 0: up only while none runs (keepalived). */
  readonly quorum: number;
  /** keepalived's quorum_max: more than this many is a failure; undefined: no limit. */
  readonly quorumMax?: number;
}

/** track_script `type 'file'` (keepalived's track_file): a number read from `path` that the weight multiplies. */
export interface FileCheck {
  readonly path: string;
  /** keepalived's `init_file VALUE`: written at start when the file is missing (always, with `initOverwrite`). */
  readonly initValue?: number;
  readonly initOverwrite: boolean;
}

export interface TrackScriptConfig {
  readonly name: string;
  /** The command; "" for a native check. */
  readonly script: string;
  /** Present for `type 'http'`: the daemon requests the URL instead of running a command. */
  readonly http?: HttpCheck;
  /** Present for `type 'ping'`. */
  readonly ping?: PingCheck;
  /** Present for `type 'tcp'`. */
  readonly tcp?: TcpCheck;
  /** Present for `type 'process'`. */
  readonly process?: ProcessCheck;
  /** Present for `type 'file'`. */
  readonly file?: FileCheck;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** The default weight and direction where an instance lists the script without its own. */
  readonly weight: number;
  readonly reverse: boolean;
  readonly rise: number;
  readonly fall: number;
  /** Own `user`, else `globals.script_user`; undefined runs as the daemon's default (root). */
  readonly user?: string;
  readonly group?: string;
  readonly initFail: boolean;
  readonly location: UciLocation;
}

export interface DaemonConfig {
  readonly globals: GlobalsConfig;
  /**
   * What the protocol core runs. An instance's `interface` is its `device` if set, else its `interface` option
   * as written; interface track ids are `interface:<name as written>`. Until the daemon maps logical networks
   * to devices (resolve.ts), both may be logical names.
   */
  readonly core: CoreConfig;
  /** Enabled instances only, by section name, in file order. */
  readonly instances: Readonly<Record<string, InstanceMeta>>;
  readonly syncGroups: Readonly<Record<string, SyncGroupMeta>>;
  readonly trackScripts: Readonly<Record<string, TrackScriptConfig>>;
}

/** Track ids as the engine expects them (engine.ts reports links as `interface:<device>`). */
export const trackId = {
  script: (name: string): string => `script:${name}`,
  interface: interfaceTrackId,
} as const;
