// keepalived's track_file (vrrp_track_file, its deprecated synonym) and vrrp_track_process blocks → `config
// track_script` sections of `type 'file'` and `type 'process'`. Instances and sync groups list them in their own
// track_file / track_process blocks, and keepalived keeps each kind's names apart from vrrp_script's; so in the
// import's map of trackable things their keys carry the keyword ("track_file NAME"), which a vrrp_script name,
// one word, never equals. Semantics from keepalived's trackers/track_file.c and vrrp/vrrp_parser.c.
import type { KeepalivedNode } from "../keepalived/types.ts";
import { argOf, noBlock, reportOther } from "./other-keywords.ts";
import type { ImportReport } from "./report.ts";
import type { ScriptRef } from "./script.ts";
import type { Namer, SectionDraft } from "./uci-draft.ts";
import { integerIn, isPlaceholder } from "./values.ts";

export type TrackedKind = "track_file" | "track_process";

/** The key of a track_file / vrrp_track_process name among the vrrp_script names. */
export const trackedKey = (kind: TrackedKind, name: string): string => `${kind} ${name}`;

/** A key as the user wrote the thing it names, for messages: "vrrp_script 'x'", "track_file 'x'". */
export function describeTracked(key: string): string {
  const [kind, name] = key.split(" ", 2);
  return name === undefined ? `vrrp_script '${key}'` : `${kind === "track_process" ? "vrrp_track_process" : kind} '${name}'`;
}

export interface TrackedImport {
  readonly draft: SectionDraft;
  readonly ref: ScriptRef;
  readonly key: string;
}

/** keepalived reads these weights in -254..254; vrrpd's stop at 253. */
function weightOption(node: KeepalivedNode, what: string, defaultWeight: number, report: ImportReport): { weight: number; reverse: boolean } | undefined {
  const w = integerIn(node.args[0], -254, 254);
  const flag = node.args[1];
  if (w === undefined) {
    report.error(node, node.keyword, `${what}: expects WEIGHT (-254..254) [reverse]; ignored (as keepalived: the weight stays ${defaultWeight})`);
    return undefined;
  }
  if (flag !== undefined && flag !== "reverse") report.warning(node, node.keyword, `${what}: unknown weight option '${flag}' ignored (as keepalived)`);
  let weight = w;
  if (Math.abs(w) === 254) {
    weight = Math.sign(w) * 253;
    report.warning(node, node.keyword, `${what}: weight ${w} becomes ${weight} (vrrpd's weights are -253..253; it differs from keepalived only for a value of ±1)`);
  }
  return { weight, reverse: flag === "reverse" };
}

function nameOf(block: KeepalivedNode, report: ImportReport): string | undefined {
  const name = block.args[0];
  if (name === undefined || block.args.length > 1) {
    report.error(block, block.keyword, "needs exactly one name; the block is skipped (as keepalived)");
    return undefined;
  }
  return name;
}

function section(kind: TrackedKind, name: string, block: KeepalivedNode, options: [string, string][], weight: number, reverse: boolean, namer: Namer): TrackedImport {
  const uciName = namer.name(kind, name, block, block.keyword);
  return { draft: { type: "track_script", name: uciName, options }, ref: { uciName, weight, reverse }, key: trackedKey(kind, name) };
}

const FILE_HANDLED = ["file", "weight", "init_file"];

/** track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] }; weight defaults to 1. */
export function importTrackFile(block: KeepalivedNode, report: ImportReport, namer: Namer): TrackedImport | undefined {
  const name = nameOf(block, report);
  if (name === undefined) return undefined;
  let path: string | undefined;
  let weight = 1;
  let reverse = false;
  let init: { value: number; overwrite: boolean } | undefined;
  for (const node of block.children ?? []) {
    noBlock(node, report);
    if (node.keyword === "file") {
      const text = argOf(node, report);
      if (text === undefined) continue;
      if (path !== undefined) report.warning(node, node.keyword, `file already set for ${name}; keepalived ignores this one, and so does the import`);
      else if (!text.startsWith("/") || isPlaceholder(text)) report.error(node, node.keyword, `'${text}' is not an absolute path; vrrpd needs one (keepalived would read it relative to its working directory)`);
      else path = text;
    } else if (node.keyword === "weight") {
      const w = weightOption(node, name, 1, report);
      if (w !== undefined) ({ weight, reverse } = w);
    } else if (node.keyword === "init_file") {
      init = { value: 0, overwrite: false };
      for (const word of node.args) {
        if (word === "overwrite") init.overwrite = true;
        else if (integerIn(word, -254, 254) !== undefined) init.value = Number(word);
        else report.error(node, node.keyword, `'${word}' is neither a value in -254..254 nor 'overwrite'; ignored`);
      }
    } else {
      reportOther(node, {}, FILE_HANDLED, `${block.keyword} ${name}`, report);
    }
  }
  if (path === undefined) {
    report.warning(block, block.keyword, `'${name}' has no file; keepalived drops it, and so does the import (instances tracking it are reported)`);
    return undefined;
  }
  const options: [string, string][] = [["type", "file"], ["file", path]];
  if (init !== undefined) options.push(["init_file", String(init.value)]);
  if (init?.overwrite === true) options.push(["init_file_overwrite", "1"]);
  if (weight !== 1) options.push(["weight", String(weight)]);
  if (reverse) options.push(["reverse", "1"]);
  return section("track_file", name, block, options, weight, reverse, namer);
}

const PROCESS_HANDLED = ["process", "param_match", "weight", "quorum", "quorum_max", "delay", "terminate_delay", "fork_delay", "full_command"];
const NO_DELAY =
  "vrrpd counts the processes every `interval` (1 s) and has no fork or terminate delay; to ride out a restart, give the track_script `fall` N (N failed counts in a row before it is down)";

/** vrrp_track_process NAME { process NAME [ARGS…]; param_match; weight; quorum; quorum_max; delays; full_command }. */
export function importTrackProcess(block: KeepalivedNode, report: ImportReport, namer: Namer): TrackedImport | undefined {
  const name = nameOf(block, report);
  if (name === undefined) return undefined;
  const options = new Map<string, string>([["type", "process"]]);
  let weight = 0;
  let reverse = false;
  for (const node of block.children ?? []) {
    noBlock(node, report);
    switch (node.keyword) {
      case "process": {
        const [command, ...params] = node.args;
        if (command === undefined || isPlaceholder(command)) {
          report.error(node, node.keyword, "needs a process name; ignored");
          break;
        }
        const base = command.split("/").pop() ?? command;
        if (base !== command || /\s/.test(base)) {
          report.warning(node, node.keyword, `vrrpd matches '${base}' against each process's name (/proc/PID/comm) and argv[0] without its path, not the path '${command}'`);
        }
        options.set("process_name", base.replace(/\s/g, "") || command);
        if (params.length > 0) {
          options.set("param_match", params.join(" "));
          report.warning(node, node.keyword, `the arguments '${params.join(" ")}' are imported as param_match: vrrpd counts a process whose arguments contain that text (keepalived: its arguments are exactly these)`);
        }
        break;
      }
      case "param_match":
        report.warning(node, node.keyword, `not imported: vrrpd's param_match is a text the arguments must contain, without keepalived's exact/initial/partial kinds${node.args.length === 0 ? " (a process with no arguments cannot be required)" : ""}`);
        break;
      case "weight": {
        const w = weightOption(node, name, 0, report);
        if (w === undefined) break;
        ({ weight, reverse } = w);
        options.set("weight", String(weight));
        if (reverse) options.set("reverse", "1");
        break;
      }
      case "quorum":
      case "quorum_max": {
        const n = integerIn(argOf(node, report), node.keyword === "quorum" ? 1 : 0, 65535);
        if (n === undefined) report.error(node, node.keyword, `expects ${node.keyword === "quorum" ? "1" : "0"}..65535; ignored (as keepalived)`);
        else options.set(node.keyword, String(n));
        break;
      }
      case "delay":
      case "terminate_delay":
      case "fork_delay":
        report.notImported(node, node.keyword, NO_DELAY);
        break;
      case "full_command":
        report.notImported(node, node.keyword, "vrrpd always matches the name against /proc/PID/comm and argv[0] without its path");
        break;
      default:
        reportOther(node, {}, PROCESS_HANDLED, `vrrp_track_process ${name}`, report);
    }
  }
  if (!options.has("process_name")) {
    report.warning(block, block.keyword, `'${name}' has no process; keepalived drops it, and so does the import (instances tracking it are reported)`);
    return undefined;
  }
  const quorum = Number(options.get("quorum") ?? 1);
  const quorumMax = options.get("quorum_max");
  if (quorumMax !== undefined && Number(quorumMax) !== 0 && Number(quorumMax) < quorum) {
    report.error(block, block.keyword, `'${name}': quorum_max ${quorumMax} is less than quorum ${quorum}; quorum_max dropped (keepalived ignores whichever line comes second)`);
    options.delete("quorum_max");
  }
  const ORDER = ["type", "process_name", "param_match", "quorum", "quorum_max", "weight", "reverse"];
  const ordered = [...options].sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
  return section("track_process", name, block, ordered, weight, reverse, namer);
}

/** Every track_file / vrrp_track_file and vrrp_track_process block, keepalived's first of each name, in order. */
export function importTrackedObjects(nodes: readonly KeepalivedNode[], report: ImportReport, namer: Namer): TrackedImport[] {
  const out: TrackedImport[] = [];
  const seen = new Map<string, KeepalivedNode>();
  for (const block of nodes) {
    const kind: TrackedKind | undefined = block.keyword === "track_file" || block.keyword === "vrrp_track_file" ? "track_file" : block.keyword === "vrrp_track_process" ? "track_process" : undefined;
    if (kind === undefined) continue;
    const name = block.args[0];
    const first = name === undefined ? undefined : seen.get(trackedKey(kind, name));
    if (first !== undefined) {
      report.warning(block, block.keyword, `'${name ?? ""}' is already defined at line ${first.line}; the import keeps the first`);
      continue;
    }
    const imported = kind === "track_file" ? importTrackFile(block, report, namer) : importTrackProcess(block, report, namer);
    if (name !== undefined) seen.set(trackedKey(kind, name), block);
    if (imported !== undefined) out.push(imported);
  }
  return out;
}
