// RFC timer formulas. Everything is kept in (fractional) milliseconds so v2 seconds and v3 centiseconds
// share one clock; the formulas themselves are the RFCs' (RFC 3768 §6.1, RFC 5798/9568 §6.1).
import type { VrrpVersion } from "./model.ts";

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
