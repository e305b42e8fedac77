// The master's Adver_Timer as the checker expects it: drift-free from one advert to the next, and moved by a
// reload that changes the interval.
import { type Deadline, exactly } from "./deadline.ts";

/**
 * The master's advert timer is drift-free: the next advert is one interval after the scheduled one, unless the event
 * loop was so late that a whole interval was lost (then one interval after sending). On time, the engine's timer was
 * the moment it sent; after a lag it was somewhere in [lo, min(hi, sent)], which gives a range.
 */
export function nextAdvert(scheduled: Deadline, sentAt: number, intervalMs: number, late: boolean): Deadline {
  if (!late) return exactly(sentAt + intervalMs);
  const latest = Math.min(scheduled.hi, sentAt);
  if (scheduled.lo + intervalMs > sentAt) return { lo: scheduled.lo + intervalMs, hi: latest + intervalMs };
  if (latest + intervalMs <= sentAt) return exactly(sentAt + intervalMs);
  return { lo: sentAt, hi: sentAt + intervalMs };
}

/**
 * A reload that changes a master's interval. Shorter: the next advert comes no later than reload time + the new
 * interval (backups may time out on the new one). Longer: the rules leave a choice between the advert already due
 * and reload time + the new interval.
 */
export function advertAfterReload(scheduled: Deadline, reloadAt: number, previousIntervalMs: number, nextIntervalMs: number): Deadline {
  const latest = reloadAt + nextIntervalMs;
  if (nextIntervalMs < previousIntervalMs) return { lo: Math.min(scheduled.lo, latest), hi: Math.min(scheduled.hi, latest) };
  if (nextIntervalMs > previousIntervalMs) return { lo: scheduled.lo, hi: Math.max(scheduled.hi, latest) };
  return scheduled;
}
