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

/** The OS timer under a DeadlineTimer: at most one pending expiry, `delayMs` from now, replaced by each start(). */
export interface OneShotTimer {
  start(delayMs: number): void;
  stop(): void;
}

export type OneShotTimerFactory = (fire: () => void) => OneShotTimer;

/**
 * libuv's timer (setTimeout): whole milliseconds on a coarse loop clock, so it fires 1-2.5 ms after the deadline.
 * The fallback where the platform offers nothing finer (tests with an in-memory data plane, non-Linux).
 */
export const libuvTimer: OneShotTimerFactory = (fire) => {
  let handle: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (handle) clearTimeout(handle);
    handle = undefined;
  };
  return {
    start(delayMs: number): void {
      stop();
      // setTimeout rounds to whole ms and may fire up to 1 ms early on some platforms: aim just past the deadline.
      handle = setTimeout(() => {
        handle = undefined;
        fire();
      }, Math.max(0, Math.ceil(delayMs)));
    },
    stop,
  };
};

export class DeadlineTimer {
  private readonly os: OneShotTimer;
  private armedAt: number | undefined;
  private stats = { samples: 0, maxMs: 0, lastMs: 0, meanMs: 0 };

  constructor(
    private readonly fire: (now: number, lagMs: number) => void,
    private readonly clock: () => number = () => performance.now(),
    osTimer: OneShotTimerFactory = libuvTimer,
  ) {
    this.os = osTimer(() => this.onTimeout());
  }

  /**
   * Arm for `at` (or disarm when undefined). A later deadline keeps the armed timer: it fires early, the core
   * finds nothing due (a spurious handleTimeout does nothing) and the timer is re-armed then. A backup pushes
   * its deadline back on every advert it hears, so this saves re-arming the OS timer per received packet.
   */
  arm(at: number | undefined): void {
    if (at === this.armedAt) return;
    if (at !== undefined && this.armedAt !== undefined && at > this.armedAt) return;
    if (at === undefined) return this.disarm();
    this.armedAt = at;
    this.os.start(at - this.clock());
  }

  disarm(): void {
    if (this.armedAt === undefined) return;
    this.os.stop();
    this.armedAt = undefined;
  }

  get lag(): LagStats {
    return { ...this.stats };
  }

  private onTimeout(): void {
    const at = this.armedAt;
    if (at === undefined) return;
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
