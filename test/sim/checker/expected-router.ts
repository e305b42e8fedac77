// What the checker expects of one instance on one node: its state, effective priority, Master_Adver_Interval and
// timers, derived only from what the node was told and what it heard (never read from the engine).
import type { State } from "../../../src/vrrp/io.ts";
import type { InstanceConfig } from "../../../src/vrrp/model.ts";
import { type Deadline, exactly } from "./deadline.ts";
import { masterDownMs, skewMs } from "./rules.ts";

export class ExpectedRouter {
  state: State = "initialize";
  started = false;
  stopped = false;
  /** Until its first start() is over: the only time `state MASTER` shortens the first wait. */
  firstStart = true;
  priority: number;
  trackFault = false;
  masterAdverIntervalMs: number;
  /** Master_Down_Timer while Backup, and why it is set there (for the report). */
  downAt: Deadline | undefined;
  downWhy = "";
  /** The running Master_Down_Timer came from a priority-0 advert (Skew_Time), not from Master_Down_Interval. */
  downFromPriorityZero = false;
  /** Adver_Timer while Master (undefined after a violation until the next advert shows where the engine is). */
  adverAt: Deadline | undefined;
  /** Sync group: this member's timer fired while the group could not follow. */
  wantMaster = false;
  preemptDelayUntil: number | undefined;
  noPreemptUntil: number | undefined;

  constructor(public config: InstanceConfig) {
    this.priority = config.priority;
    this.masterAdverIntervalMs = config.advertIntervalMs;
  }

  get name(): string {
    return this.config.name;
  }

  mdiMs(): number {
    return masterDownMs(this.config, this.priority, this.masterAdverIntervalMs);
  }

  skewMs(): number {
    return skewMs(this.config.version, this.priority, this.masterAdverIntervalMs);
  }

  setDown(at: number, why: string, fromPriorityZero = false): void {
    this.downAt = exactly(at);
    this.downWhy = why;
    this.downFromPriorityZero = fromPriorityZero;
  }

  clearTimers(): void {
    this.downAt = undefined;
    this.adverAt = undefined;
    this.downFromPriorityZero = false;
  }
}
