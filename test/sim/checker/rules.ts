// The timer rules the checker holds the engine to, written from the RFCs rather than imported from the core
// (RFC 3768 §6.1, RFC 5798/9568 §6.1): an oracle that shared the engine's formulas would share its mistakes.
import type { InstanceConfig } from "../../../src/vrrp/model.ts";

/** Floating-point slack for comparing the engine's times with the checker's: both compute the same sums. */
export const EPSILON_MS = 1e-6;

export const PRIORITY_OWNER = 255;

/** Skew_Time. v2: (256 - Priority) / 256 s. v3: (256 - Priority) × Master_Adver_Interval / 256. */
export function skewMs(version: number, priority: number, masterAdverIntervalMs: number): number {
  return version === 2 ? ((256 - priority) * 1000) / 256 : ((256 - priority) * masterAdverIntervalMs) / 256;
}

/** Master_Down_Interval = down_timer_adverts × Master_Adver_Interval + Skew_Time (3 adverts in the RFCs). */
export function masterDownMs(config: InstanceConfig, priority: number, masterAdverIntervalMs: number): number {
  return config.downTimerAdverts * masterAdverIntervalMs + skewMs(config.version, priority, masterAdverIntervalMs);
}

/** keepalived's `state MASTER` start: one interval plus the minimal skew, instead of Master_Down_Interval. */
export function shortStartMs(intervalMs: number): number {
  return intervalMs + intervalMs / 256;
}

/** keepalived re-arms a sync-group member whose timer fired while the group could not follow. */
export function syncGroupRetryMs(config: InstanceConfig, masterAdverIntervalMs: number): number {
  return config.downTimerAdverts * masterAdverIntervalMs + masterAdverIntervalMs / 256;
}
