// A deadline the checker expects, as a range: exact (lo === hi) wherever the rules fix the time, a range only where
// they leave the engine a choice (then the engine's observed behaviour picks the point inside it).
export interface Deadline {
  readonly lo: number;
  readonly hi: number;
}

export const exactly = (at: number): Deadline => ({ lo: at, hi: at });

export const shifted = (d: Deadline, byMs: number): Deadline => ({ lo: d.lo + byMs, hi: d.hi + byMs });

export const fmt = (d: Deadline): string => (d.lo === d.hi ? d.lo.toFixed(4) : `[${d.lo.toFixed(4)}, ${d.hi.toFixed(4)}]`);
