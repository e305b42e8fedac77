// Effective priority from tracked objects, with keepalived's rules (vrrp_track.c):
//   weight > 0: +weight while the object is up;  weight < 0: +weight (a decrease) while it is down;
//   weight = 0: the instance is in Fault while the object is down;  `reverse` swaps up and down.
// The owner (255) is never adjusted; everything else is clamped to 1..254.
import { PRIORITY_OWNER, type TrackRef } from "./model.ts";

export type TrackState = "up" | "down" | "unknown";

export interface TrackEffect {
  readonly id: string;
  readonly state: TrackState;
  readonly weight: number;
  readonly reverse: boolean;
  /** What this object adds to the priority now (0 when it has no effect). */
  readonly delta: number;
  /** True when this object alone puts the instance in Fault. */
  readonly fault: boolean;
}

/** An object with no result yet counts as neither up nor down: it neither adds nor faults (keepalived's init state). */
export function trackEffect(ref: TrackRef, state: TrackState): TrackEffect {
  const base = { id: ref.id, state, weight: ref.weight, reverse: ref.reverse };
  if (state === "unknown") return { ...base, delta: 0, fault: false };
  const good = (state === "up") !== ref.reverse;
  if (ref.weight === 0) return { ...base, delta: 0, fault: !good };
  if (ref.weight > 0) return { ...base, delta: good ? ref.weight : 0, fault: false };
  return { ...base, delta: good ? 0 : ref.weight, fault: false };
}

export interface EffectivePriority {
  readonly priority: number;
  readonly fault: boolean;
  readonly effects: readonly TrackEffect[];
}

export function effectivePriority(
  basePriority: number,
  refs: readonly TrackRef[],
  stateOf: (id: string) => TrackState,
): EffectivePriority {
  const effects = refs.map((ref) => trackEffect(ref, stateOf(ref.id)));
  const fault = effects.some((e) => e.fault);
  if (basePriority === PRIORITY_OWNER) return { priority: PRIORITY_OWNER, fault, effects };
  const total = effects.reduce((sum, e) => sum + e.delta, basePriority);
  return { priority: Math.min(PRIORITY_OWNER - 1, Math.max(1, total)), fault, effects };
}

/** A tracked interface's id: the engine reports every link it is told about under this name. */
export const interfaceTrackId = (device: string): string => `interface:${device}`;

/** The device (or, before netifd resolves it, the network) an interface track id names; undefined for others. */
export function trackedInterface(id: string): string | undefined {
  return id.startsWith("interface:") ? id.slice("interface:".length) : undefined;
}

