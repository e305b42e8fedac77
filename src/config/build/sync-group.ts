// `config sync_group` to SyncGroupMeta. Members are instance section names; an instance belongs to at most one
// group (keepalived refuses the second membership too).
import { boolOf, stringsOf } from "../access.ts";
import type { Findings } from "../finding.ts";
import type { SyncGroupMeta } from "../model.ts";
import { placeOf, type ReadSection } from "../read.ts";
import { didYouMean } from "../suggest.ts";
import { notifyOf } from "./notify.ts";

export function buildSyncGroups(
  groupSections: readonly ReadSection[],
  instanceSections: ReadonlyMap<string, ReadSection>,
  findings: Findings,
): SyncGroupMeta[] {
  const groupOf = new Map<string, ReadSection>();
  const groups: SyncGroupMeta[] = [];
  for (const g of groupSections) {
    const members: string[] = [];
    for (const { item, value } of stringsOf(g, "group")) {
      const place = placeOf(g, "group", item.location);
      const instance = instanceSections.get(value);
      const other = groupOf.get(value);
      if (instance === undefined) {
        findings.error(place, `no instance section named '${value}'${didYouMean(value, instanceSections.keys())}`);
      } else if (members.includes(value)) {
        findings.warning(place, `'${value}' is listed twice; the repeat is ignored`);
      } else if (other !== undefined) {
        findings.error(place, `instance '${value}' is already in sync group '${other.name}' (${other.location.file}:${other.location.line}); an instance belongs to one group`);
      } else if (!instance.enabled) {
        findings.warning(place, `instance '${value}' is disabled; the group runs without it`);
      } else {
        groupOf.set(value, g);
        members.push(value);
      }
    }
    if (members.length === 0) {
      if (stringsOf(g, "group").length > 0) findings.warning(placeOf(g, "group"), "no enabled member instance; the group is ignored");
      continue;
    }
    if (members.length === 1) findings.warning(placeOf(g, "group"), `only one member ('${members[0] ?? ""}'): a sync group is for moving several instances together`);
    groups.push({
      name: g.name,
      members,
      notify: notifyOf(g),
      smtpAlert: boolOf(g, "smtp_alert") ?? false,
      trackingWeight: boolOf(g, "sync_group_tracking_weight") ?? false,
      location: g.location,
    });
  }
  return groups;
}
