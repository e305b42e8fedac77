// keepalived's rules for weighted tracking that depend on more than one section (vrrp.c, vrrp_complete_instance):
//  - in a sync group without sync_group_tracking_weight, members must not float their priorities, or the group's
//    members could disagree about who is master: a weighted interface becomes weight 0 (fault while down) and a
//    weighted script is dropped;
//  - the address owner's priority (255) is never adjusted, so its weighted tracks are dropped.
// keepalived only logs these at INFO; they are warnings here, because they silently change what the user wrote.
import type { TrackRef } from "../../vrrp/model.ts";
import { PRIORITY_OWNER } from "../../vrrp/model.ts";
import type { Findings } from "../finding.ts";
import type { SyncGroupMeta } from "../model.ts";
import { placeOf } from "../read.ts";
import type { InstanceDraft } from "./instance.ts";

export function applyTrackingRules(draft: InstanceDraft, group: SyncGroupMeta | undefined, findings: Findings): TrackRef[] {
  const noWeights = group !== undefined && !group.trackingWeight;
  const owner = draft.config.priority === PRIORITY_OWNER;
  const out: TrackRef[] = [];
  for (const track of draft.tracks) {
    const { ref, option } = track;
    const place = placeOf(draft.section, option, track.location);
    const name = ref.id.slice(ref.id.indexOf(":") + 1);
    if (ref.weight === 0 || (!noWeights && !owner)) {
      out.push(ref);
    } else if (noWeights && option === "track_interface") {
      findings.warning(place, `weight ${ref.weight} of '${name}' ignored: '${draft.config.name}' is in sync group '${group.name}', so the interface going down means fault (as keepalived); set sync_group_tracking_weight '1' in the group to keep weights`);
      out.push({ ...ref, weight: 0 });
    } else if (noWeights) {
      findings.warning(place, `'${name}' with weight ${ref.weight} ignored: '${draft.config.name}' is in sync group '${group.name}' (as keepalived); use weight 0 (fault while down) or set sync_group_tracking_weight '1' in the group`);
    } else {
      findings.warning(place, `'${name}' with weight ${ref.weight} ignored: the address owner's priority (255) is never adjusted (as keepalived); use weight 0 to fault while down`);
    }
  }
  return out;
}
