// keepalived's rise/fall rule for vrrp_script results (vrrp_scheduler.c), as a small pure state machine:
// before any result the script is "unknown" (neither adds nor faults); the first result decides at once
// ("one success is enough" at start, or down with init_fail); after that it takes `rise` consecutive
// successes to go up and `fall` consecutive failures to go down. A timeout counts as a failure.
import type { TrackState } from "./tracking.ts";

export class ScriptHealth {
  private current: TrackState;
  private streak = 0;

  constructor(
    private readonly rise: number,
    private readonly fall: number,
    initFail = false,
  ) {
    this.current = initFail ? "down" : "unknown";
  }

  get state(): TrackState {
    return this.current;
  }

  /** Record one run's result; returns the new state when it changed, else undefined. */
  record(success: boolean): TrackState | undefined {
    const before = this.current;
    if (this.current === "unknown") {
      this.current = success ? "up" : "down";
      this.streak = 0;
    } else if ((this.current === "up") === success) {
      this.streak = 0; // a result that agrees with the state resets the opposing streak
    } else {
      this.streak++;
      if (this.streak >= (success ? this.rise : this.fall)) {
        this.current = success ? "up" : "down";
        this.streak = 0;
      }
    }
    return this.current === before ? undefined : this.current;
  }
}
