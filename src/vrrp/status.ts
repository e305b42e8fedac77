// Plain-data status of the core, for ubus `status`, `vrrpd status` and simulation traces.
// Keys are camelCase here; the daemon's ubus layer renames them to the snake_case of the JSON contract.
import type { IpFamily } from "./advertisement.ts";
import type { Counters } from "./counters.ts";
import type { State, TransitionReason } from "./io.ts";
import type { VrrpVersion } from "./model.ts";
import type { TrackEffect } from "./tracking.ts";

export interface TransitionRecord {
  readonly from: State;
  readonly to: State;
  readonly reason: TransitionReason;
  readonly at: number;
}

export interface RouterStatus {
  readonly name: string;
  readonly state: State;
  readonly interface: string;
  readonly family: IpFamily;
  readonly version: VrrpVersion;
  readonly vrid: number;
  readonly configuredPriority: number;
  readonly effectivePriority: number;
  readonly sourceAddress: string | null;
  readonly masterAddress: string | null;
  readonly masterPriority: number | null;
  readonly advertIntervalMs: number;
  readonly masterAdverIntervalMs: number;
  readonly skewTimeMs: number;
  readonly masterDownIntervalMs: number;
  /** Time left on the running timer, null when that timer is not running in this state. */
  readonly masterDownTimerMs: number | null;
  readonly adverTimerMs: number | null;
  readonly preempt: boolean;
  readonly holdingAddresses: boolean;
  readonly fault: TransitionReason | null;
  readonly counters: Counters;
  readonly lastTransition: TransitionRecord | null;
}

export interface InstanceStatus extends RouterStatus {
  readonly syncGroup: string | null;
  /** A runtime override (ubus set_priority), null when none. */
  readonly priorityOverride: number | null;
  readonly tracked: readonly TrackEffect[];
}

export interface SyncGroupStatus {
  readonly name: string;
  readonly members: readonly string[];
  readonly state: State | "mixed";
}

export interface EngineStatus {
  readonly instances: readonly InstanceStatus[];
  readonly syncGroups: readonly SyncGroupStatus[];
  /** Packets for a VRID that no instance on that interface and family runs (keepalived's vrid_err). */
  readonly unknownVrid: Readonly<Record<string, number>>;
}
