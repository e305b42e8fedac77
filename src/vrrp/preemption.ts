// Whether a backup lets a lower-priority master be (RFC 5798 §6.4.2 Preempt_Mode), with keepalived's two
// refinements: preempt_delay (a backup that could preempt first waits that long from the first lower-priority
// advert) and a switchover's hold-off (the router that handed over does not take the role straight back).
// The windows belong to one term as backup: becoming master forgets them (keepalived clears preempt_time when
// it leaves master), or a window from an earlier term would make the router preempt at once.
import type { InstanceConfig } from "./model.ts";

export class Preemption {
  /** keepalived's preempt_time: the end of the preempt_delay window, set by the first lower-priority advert. */
  private delayUntil: number | undefined;
  /** A switchover's no-preempt window. */
  private holdOffUntil: number | undefined;

  /**
   * True when a backup accepts an advert of `advertPriority` as coming from its master (so its Master_Down_Timer
   * restarts); false when it lets the timer run out to preempt.
   */
  accepts(now: number, config: InstanceConfig, ownPriority: number, isOwner: boolean, advertPriority: number): boolean {
    if (advertPriority >= ownPriority) {
      this.delayUntil = undefined; // a master as good as us: any preemption would start afresh
      return true;
    }
    if (isOwner) return false; // the owner always preempts (§6.4.2 note)
    if (!config.preempt) return true;
    if (this.holdOffUntil !== undefined && now < this.holdOffUntil) return true;
    if (config.preemptDelayMs > 0) {
      this.delayUntil ??= now + config.preemptDelayMs;
      return now < this.delayUntil;
    }
    return false;
  }

  holdOff(until: number): void {
    this.holdOffUntil = until;
  }

  /** A new term: becoming master, or entering Backup from Initialize or Fault. */
  forgetDelay(): void {
    this.delayUntil = undefined;
  }
}
