// RFC timer formulas. Everything is kept in (fractional) milliseconds so v2 seconds and v3 centiseconds
// share one clock; the formulas themselves are the RFCs' (RFC 3768 §6.1, RFC 5798/9568 §6.1).
import type { InstanceConfig, VrrpVersion } from "./model.ts";

/**
 * Skew_Time. v2: (256 - Priority) / 256 seconds. v3: ((256 - Priority) * Master_Adver_Interval) / 256.
 * For v2 the interval is fixed at one second's scale, so both collapse to the v3 form when v2 uses 1000 ms.
 */
export function skewTimeMs(version: VrrpVersion, priority: number, masterAdverIntervalMs: number): number {
  if (version === 2) return ((256 - priority) * 1000) / 256;
  return ((256 - priority) * masterAdverIntervalMs) / 256;
}

/** Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time (`adverts` is keepalived's down_timer_adverts). */
export function masterDownIntervalMs(
  version: VrrpVersion,
  priority: number,
  masterAdverIntervalMs: number,
  adverts = 3,
): number {
  return adverts * masterAdverIntervalMs + skewTimeMs(version, priority, masterAdverIntervalMs);
}

export const msToCentiseconds = (ms: number): number => Math.round(ms / 10);
export const centisecondsToMs = (cs: number): number => cs * 10;
export const msToSeconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));
export const secondsToMs = (s: number): number => s * 1000;

/** Skew_Time and Master_Down_Interval, with the configuration, priority and interval they were computed from. */
export interface TimerValues {
  readonly config: InstanceConfig;
  readonly priority: number;
  readonly masterAdverIntervalMs: number;
  readonly skewTimeMs: number;
  readonly masterDownIntervalMs: number;
}

/**
 * Skew_Time and Master_Down_Interval of one router, remembered with their inputs. Those change rarely, while
 * computing the values for every advert allocates on an interpreter-only node; comparing the inputs (rather than
 * clearing the memo wherever one changes) keeps it right whatever changes them.
 */
export class TimerMemo {
  private memo: TimerValues | undefined;

  values(config: InstanceConfig, priority: number, intervalMs: number): TimerValues {
    const memo = this.memo;
    if (memo !== undefined && memo.config === config && memo.priority === priority && memo.masterAdverIntervalMs === intervalMs) return memo;
    this.memo = {
      config,
      priority,
      masterAdverIntervalMs: intervalMs,
      skewTimeMs: skewTimeMs(config.version, priority, intervalMs),
      masterDownIntervalMs: masterDownIntervalMs(config.version, priority, intervalMs, config.downTimerAdverts),
    };
    return this.memo;
  }
}

