// The daemon's only OS timer, armed at the protocol core's earliest deadline. Deadlines are absolute
// (performance.now() milliseconds), so re-arming never accumulates drift; how late each firing is
// (event-loop lag) is measured, because a starved loop is what turns into a spurious failover.
export interface LagStats {
  readonly samples: number;
  readonly maxMs: number;
  readonly lastMs: number;
  /** Exponentially weighted mean, so a burst shows but fades. */
  readonly meanMs: number;
}

export class DeadlineTimer {
  private handle: NodeJS.Timeout | undefined;
  private armedAt: number | undefined;
  private stats = { samples: 0, maxMs: 0, lastMs: 0, meanMs: 0 };

  constructor(
    private readonly fire: (now: number, lagMs: number) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * Arm for `at` (or disarm when undefined). A later deadline keeps the armed timer: it fires early, the core
   * finds nothing due (a spurious handleTimeout does nothing) and the timer is re-armed then. A backup pushes
   * its deadline back on every advert it hears, so this saves a clearTimeout/setTimeout per received packet.
   */
  arm(at: number | undefined): void {
    if (at === this.armedAt) return;
    if (at !== undefined && this.armedAt !== undefined && at > this.armedAt) return;
    this.disarm();
    if (at === undefined) return;
    this.armedAt = at;
    // setTimeout rounds to whole ms and may fire up to 1 ms early on some platforms: aim just past the deadline.
    const delayMs = Math.max(0, Math.ceil(at - this.clock()));
    this.handle = setTimeout(() => this.onTimeout(at), delayMs);
  }

  disarm(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    this.armedAt = undefined;
  }

  get lag(): LagStats {
    return { ...this.stats };
  }

  private onTimeout(at: number): void {
    this.handle = undefined;
    this.armedAt = undefined;
    let now = this.clock();
    if (now < at) now = at; // never hand the core a time before the deadline it asked for
    const lagMs = now - at;
    this.stats.samples++;
    this.stats.lastMs = lagMs;
    this.stats.maxMs = Math.max(this.stats.maxMs, lagMs);
    this.stats.meanMs = this.stats.samples === 1 ? lagMs : this.stats.meanMs * 0.95 + lagMs * 0.05;
    this.fire(now, lagMs);
  }
}
