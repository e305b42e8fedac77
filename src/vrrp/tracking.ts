// Effective priority from tracked objects, with keepalived's rules (vrrp_track.c):
//   weight > 0: +weight while the object is up;  weight < 0: +weight (a decrease) while it is down;
//   weight = 0: the instance is in Fault while the object is down;  `reverse` swaps up and down.
// A tracked value (keepalived's track_file, vrrp_track.c and trackers/track_file.c) has its own rules: it adds
//   value × weight (× -1 with `reverse`), clamped to -254..253, and -254 puts the instance in Fault instead;
//   with weight 0 a non-zero value is a Fault (`reverse`: a zero value is).
// The owner (255) is never adjusted; everything else is clamped to 1..254.
import { PRIORITY_OWNER, type TrackRef } from "./model.ts";

export type TrackState = "up" | "down" | "unknown";

/** What is reported for a tracked object: its state, or a number (keepalived's track_file value) the weight multiplies. */
export type TrackReading = TrackState | number;

/** keepalived clamps a tracked value's contribution to this range; the bottom of it means Fault. */
export const TRACK_VALUE_FAULT = -254;
export const TRACK_VALUE_MAX = 253;

export interface TrackEffect {
  readonly id: string;
  readonly state: TrackState;
  readonly weight: number;
  readonly reverse: boolean;
  /** What this object adds to the priority now (0 when it has no effect). */
  readonly delta: number;
  /** True when this object alone puts the instance in Fault. */
  readonly fault: boolean;
  /** The number last reported for a tracked value (track_file); absent for an up/down object. */
  readonly value?: number;
}

/** An object with no result yet counts as neither up nor down: it neither adds nor faults (keepalived's init state). */
export function trackEffect(ref: TrackRef, reading: TrackReading): TrackEffect {
  if (typeof reading === "number") return valueEffect(ref, reading);
  const state = reading;
  const base = { id: ref.id, state, weight: ref.weight, reverse: ref.reverse };
  if (state === "unknown") return { ...base, delta: 0, fault: false };
  const good = (state === "up") !== ref.reverse;
  if (ref.weight === 0) return { ...base, delta: 0, fault: !good };
  if (ref.weight > 0) return { ...base, delta: good ? ref.weight : 0, fault: false };
  return { ...base, delta: good ? 0 : ref.weight, fault: false };
}

/** A tracked value's effect; its state reads "down" while it holds the instance in Fault, else "up". */
function valueEffect(ref: TrackRef, value: number): TrackEffect {
  const effect = (delta: number, fault: boolean): TrackEffect =>
    ({ id: ref.id, state: fault ? "down" : "up", weight: ref.weight, reverse: ref.reverse, delta, fault, value });
  if (ref.weight === 0) return effect(0, (value !== 0) !== ref.reverse);
  const product = value * ref.weight * (ref.reverse ? -1 : 1) || 0; // `|| 0`: no -0 from 0 × -1
  const contribution = Math.min(TRACK_VALUE_MAX, Math.max(TRACK_VALUE_FAULT, product));
  return contribution === TRACK_VALUE_FAULT ? effect(0, true) : effect(contribution, false);
}

export interface EffectivePriority {
  readonly priority: number;
  readonly fault: boolean;
  readonly effects: readonly TrackEffect[];
}

export function effectivePriority(
  basePriority: number,
  refs: readonly TrackRef[],
  readingOf: (id: string) => TrackReading,
): EffectivePriority {
  const effects = refs.map((ref) => trackEffect(ref, readingOf(ref.id)));
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

