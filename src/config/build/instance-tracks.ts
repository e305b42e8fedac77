// An instance's tracked objects as the core's TrackRefs. Interfaces default to weight 0 (fault while down);
// a script listed without a weight takes the track_script section's own weight and direction (keepalived).
import type { TrackRef } from "../../vrrp/model.ts";
import { tracksOf } from "../access.ts";
import type { Findings } from "../finding.ts";
import { trackId, type TrackScriptConfig } from "../model.ts";
import { placeOf, type ReadSection } from "../read.ts";
import { didYouMean } from "../suggest.ts";
import type { UciLocation } from "../uci/types.ts";

export interface TrackDraft {
  readonly ref: TrackRef;
  readonly option: "track_interface" | "track_script";
  readonly location: UciLocation;
}

export function buildTracks(
  s: ReadSection,
  scripts: ReadonlyMap<string, TrackScriptConfig>,
  scriptSections: ReadonlySet<string>,
  findings: Findings,
): TrackDraft[] {
  const drafts: TrackDraft[] = [];
  const seen = new Set<string>();
  for (const option of ["track_interface", "track_script"] as const) {
    for (const { item, value } of tracksOf(s, option)) {
      const place = placeOf(s, option, item.location);
      const id = option === "track_interface" ? trackId.interface(value.name) : trackId.script(value.name);
      if (seen.has(id)) {
        findings.warning(place, `'${value.name}' is listed twice; the repeat is ignored`);
        continue;
      }
      seen.add(id);
      let weight = value.weight ?? 0;
      let reverse = value.reverse ?? false;
      if (option === "track_script") {
        if (!scriptSections.has(value.name)) {
          findings.error(place, `no track_script section named '${value.name}'${didYouMean(value.name, scriptSections)}`);
          continue;
        }
        const script = scripts.get(value.name);
        if (value.weight === undefined && script !== undefined) {
          weight = script.weight;
          reverse = script.reverse;
        }
      }
      drafts.push({ ref: { id, weight, reverse }, option, location: item.location });
    }
  }
  return drafts;
}
