// vrrp_sync_group NAME { group { … } track_* notify_* } → `config sync_group`. Members keepalived cannot find
// (or that are in an earlier group) are left out, as keepalived leaves them out; a group left with no member is
// dropped. The group's own track_interface / track_script apply to every member in keepalived, so they are
// written into each member instance.
import type { KeepalivedNode } from "../keepalived/types.ts";
import { readTracks } from "./instance-blocks.ts";
import type { KeepalivedInstance, TrackEntry } from "./instance-model.ts";
import { SYNC_GROUP_NOT_IMPORTED } from "./not-imported.ts";
import { expectBlock, noBlock, reportOther } from "./other-keywords.ts";
import type { ImportReport } from "./report.ts";
import { commandText, type ScriptRef } from "./script.ts";
import { describeTracked } from "./tracked-objects.ts";
import type { Namer, SectionDraft } from "./uci-draft.ts";
import { flagValue, isPlaceholder } from "./values.ts";

const NOTIFY = ["notify_master", "notify_backup", "notify_fault", "notify_stop", "notify"];
const HANDLED = ["group", "track_interface", "track_script", "track_file", "track_process", "smtp_alert", "global_tracking", "sync_group_tracking_weight", ...NOTIFY];

export interface GroupContext {
  readonly instances: ReadonlyMap<string, KeepalivedInstance>;
  readonly scripts: ReadonlyMap<string, ScriptRef>;
  /** Instance name → the group that took it (an instance belongs to one group). */
  readonly claimed: Map<string, string>;
  readonly smtpAlert: boolean | undefined;
}

const weightOf = (t: TrackEntry, scripts: ReadonlyMap<string, ScriptRef> | undefined): number =>
  t.weight ?? (scripts === undefined ? 0 : (scripts.get(t.name)?.weight ?? 0));

/**
 * keepalived applies a group's weighted trackers to all members alike, but drops (scripts) or zeroes (interfaces)
 * the members' own weighted ones. vrrpd's sync_group_tracking_weight keeps every weight, so when the group has
 * weighted trackers the import does the members' part itself and sets that option.
 */
function applyGroupWeights(members: readonly KeepalivedInstance[], scripts: ReadonlyMap<string, ScriptRef>, report: ImportReport): void {
  for (const m of members) {
    for (let i = m.trackScripts.length - 1; i >= 0; i--) {
      const t = m.trackScripts[i];
      if (t === undefined || weightOf(t, scripts) === 0) continue;
      report.warning(t.at, "track_script", `'${t.name}' with a weight ignored: '${m.name}' is in a sync group (keepalived ignores member weights), and so does the import`);
      m.trackScripts.splice(i, 1);
    }
    m.trackInterfaces.forEach((t, i) => {
      if (weightOf(t, undefined) === 0) return;
      report.warning(t.at, "track_interface", `weight of '${t.name}' ignored: '${m.name}' is in a sync group, so keepalived faults while it is down, and so does the import`);
      m.trackInterfaces[i] = { ...t, weight: 0 };
    });
  }
}

/**
 * The group's entries go into each member. When a member tracks the same object itself, keepalived keeps one
 * entry: an unweighted member entry stays unweighted, a weighted one takes the group's weight.
 */
function mergeTracks(
  keyword: "track_interface" | "track_script",
  from: readonly TrackEntry[],
  into: (m: KeepalivedInstance) => TrackEntry[],
  scripts: ReadonlyMap<string, ScriptRef> | undefined,
  members: readonly KeepalivedInstance[],
  report: ImportReport,
): void {
  for (const t of from) {
    for (const m of members) {
      const list = into(m);
      const i = list.findIndex((x) => x.name === t.name);
      const own = list[i];
      if (own === undefined) {
        list.push(t);
        continue;
      }
      const keep = weightOf(own, scripts) === 0;
      report.warning(t.at, keyword, `'${t.name}' is also tracked by instance '${m.name}' (line ${own.at.line}); keepalived keeps one entry with ${keep ? "the instance's weight 0" : `the group's weight ${weightOf(t, scripts)}`}, and so does the import (remove one of them)`);
      const reverse = t.reverse ?? (scripts?.get(t.name)?.reverse ?? false);
      if (!keep) list[i] = { ...t, weight: weightOf(t, scripts), reverse };
    }
  }
}

export function importSyncGroup(block: KeepalivedNode, ctx: GroupContext, namer: Namer, report: ImportReport): SectionDraft | undefined {
  const name = block.args[0];
  if (name === undefined || block.args.length > 1) {
    report.error(block, block.keyword, "needs exactly one name; the block is skipped (as keepalived)");
    return undefined;
  }
  const members: KeepalivedInstance[] = [];
  const tracks = { track_interface: [] as TrackEntry[], track_script: [] as TrackEntry[] };
  const notify = new Map<string, string>();
  let trackingWeight = false;
  let smtp = ctx.smtpAlert;
  let sawGroup = false;
  for (const node of block.children ?? []) {
    if (node.keyword === "group") {
      if (sawGroup) report.warning(node, "group", "a second group block; keepalived ignores it, and so does the import");
      else for (const member of expectBlock(node, report).flatMap((n) => [n, ...n.args.map((a) => ({ ...n, keyword: a }))])) {
        const instance = ctx.instances.get(member.keyword);
        const other = ctx.claimed.get(member.keyword);
        if (instance === undefined) report.warning(member, "group", `no vrrp_instance named '${member.keyword}'; keepalived ignores this member, and so does the import`);
        else if (other !== undefined) report.warning(member, "group", `'${member.keyword}' is already in sync group '${other}'; keepalived ignores it here, and so does the import`);
        else if (!members.includes(instance)) {
          members.push(instance);
          ctx.claimed.set(member.keyword, name);
        }
      }
      sawGroup = true;
    } else if (node.keyword === "track_interface" || node.keyword === "track_script") {
      readTracks(node, tracks[node.keyword], report);
    } else if (node.keyword === "track_file" || node.keyword === "track_process") {
      readTracks(node, tracks.track_script, report); // as track_scripts, under their kind's key (tracked-objects.ts)
    } else if (NOTIFY.includes(node.keyword)) {
      noBlock(node, report);
      const [command = "", ...user] = node.args;
      const text = commandText([command]);
      if (notify.has(node.keyword)) report.warning(node, node.keyword, "given twice; keepalived keeps the first, and so does the import");
      else if (text === "" || isPlaceholder(text)) report.error(node, node.keyword, `'${text}' is not a command; ignored`);
      else {
        if (user.length > 0) report.warning(node, node.keyword, `runs as '${user.join(" ")}' under keepalived; not imported: vrrpd runs notify commands as globals.script_user`);
        notify.set(node.keyword, text);
      }
    } else if (node.keyword === "smtp_alert") {
      smtp = flagValue(node) ?? smtp;
    } else if (node.keyword === "global_tracking" || node.keyword === "sync_group_tracking_weight") {
      if (node.keyword === "global_tracking") report.warning(node, node.keyword, "deprecated in keepalived; imported as sync_group_tracking_weight '1' (what keepalived does with it)");
      trackingWeight = true;
    } else {
      reportOther(node, SYNC_GROUP_NOT_IMPORTED, HANDLED, `vrrp_sync_group ${name}`, report);
    }
  }
  if (members.length === 0) {
    report.warning(block, block.keyword, `'${name}' has no member instance; keepalived removes it, and so does the import`);
    return undefined;
  }
  const scripts = tracks.track_script.filter((t) => {
    if (ctx.scripts.has(t.name)) return true;
    report.warning(t.at, "track_script", `no ${describeTracked(t.name)}; keepalived ignores this entry, and so does the import`);
    return false;
  });
  const groupWeighted = [...scripts.map((t) => weightOf(t, ctx.scripts)), ...tracks.track_interface.map((t) => weightOf(t, undefined))].some((w) => w !== 0);
  if (groupWeighted && !trackingWeight) {
    applyGroupWeights(members, ctx.scripts, report);
    report.warning(block, block.keyword, `'${name}' tracks with weights: written with sync_group_tracking_weight '1' so vrrpd keeps them (keepalived applies group weights to every member alike)`);
    trackingWeight = true;
  }
  mergeTracks("track_interface", tracks.track_interface, (m) => m.trackInterfaces, undefined, members, report);
  mergeTracks("track_script", scripts, (m) => m.trackScripts, ctx.scripts, members, report);
  const options: [string, string | string[]][] = [["group", members.map((m) => m.uciName)]];
  if (trackingWeight) options.push(["sync_group_tracking_weight", "1"]);
  for (const option of NOTIFY) {
    const command = notify.get(option);
    if (command !== undefined) options.push([option, command]);
  }
  if (smtp === true) options.push(["smtp_alert", "1"]);
  return { type: "sync_group", name: namer.name("group", name, block, block.keyword), options };
}
