// Facts about the daemon itself that `status` reports (version, pid, uptime, config load result), injected
// so the API stays testable: tests give fixed clocks and a fake config history.
export interface ConfigFacts {
  readonly file: string;
  /** Epoch milliseconds; null before the first successful load. */
  readonly loadedAt: number | null;
  readonly warnings: number;
  /** The last failed reload (epoch ms), cleared by the next successful load. */
  readonly lastReloadError: { readonly at: number; readonly message: string } | null;
}

export interface DaemonFacts {
  readonly version: string;
  readonly pid: number;
  /** Wall clock, epoch milliseconds: only to turn monotonic times into dates for humans. */
  wallClock(): number;
  /** The Runtime's monotonic clock (performance.now() milliseconds): transition times are on it. */
  monotonicClock(): number;
  /** Daemon start on the monotonic clock. */
  readonly startedAt: number;
  config(): ConfigFacts;
}

/**
 * The config load history, written by whoever loads configuration: daemon start, SIGHUP and the `reload`
 * method all go through the daemon's one reload function, which records each outcome here.
 */
export class ConfigState {
  private current: ConfigFacts;

  constructor(
    file: string,
    private readonly wallClock: () => number = () => Date.now(),
  ) {
    this.current = { file, loadedAt: null, warnings: 0, lastReloadError: null };
  }

  loaded(warnings: number, file: string = this.current.file): void {
    this.current = { file, loadedAt: this.wallClock(), warnings, lastReloadError: null };
  }

  reloadFailed(message: string): void {
    this.current = { ...this.current, lastReloadError: { at: this.wallClock(), message } };
  }

  get facts(): ConfigFacts {
    return this.current;
  }
}

/** The real process's facts. */
export function processFacts(version: string, config: ConfigState, monotonicClock: () => number = () => performance.now()): DaemonFacts {
  const startedAt = monotonicClock();
  return { version, pid: process.pid, wallClock: () => Date.now(), monotonicClock, startedAt, config: () => config.facts };
}
