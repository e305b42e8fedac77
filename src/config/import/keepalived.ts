// keepalived.conf → /etc/config/vrrp. The parser (../keepalived) gives the tree with includes, conditionals and
// definitions applied; this walks it in keepalived's order of meaning: global_defs first (instance defaults),
// then vrrp_script, track_file and vrrp_track_process (referenced by name), vrrp_instance, and vrrp_sync_group (whose tracking lands in its
// members). Everything without a vrrpd equivalent is reported at its line; nothing is dropped silently.
import type { Finding } from "../finding.ts";
import { parseKeepalived } from "../keepalived/parser.ts";
import type { KeepalivedFile, KeepalivedIncludeReader, KeepalivedNode } from "../keepalived/types.ts";
import { didYouMean } from "../suggest.ts";
import type { UciPackage } from "../uci/types.ts";
import { importGlobals } from "./globals.ts";
import { emitInstance } from "./instance-emit.ts";
import type { KeepalivedInstance } from "./instance-model.ts";
import { completeInstance } from "./instance-rules.ts";
import { readInstance } from "./instance.ts";
import { TOP_LEVEL_NOT_IMPORTED } from "./not-imported.ts";
import { ImportReport } from "./report.ts";
import { importScript, type ScriptRef } from "./script.ts";
import { importSyncGroup } from "./sync-group.ts";
import { importTrackedObjects } from "./tracked-objects.ts";
import { Namer, renderDrafts, type SectionDraft } from "./uci-draft.ts";

export interface ImportResult {
  /** The /etc/config/vrrp tree, with the line numbers of `uci`. */
  readonly package: UciPackage;
  /** The file to write, as `uci export` would write it. */
  readonly uci: string;
  /** Sorted by file and line; errors mean the output does not do what keepalived did (or does not validate). */
  readonly findings: readonly Finding[];
}

export interface KeepalivedImportOptions {
  /** Reads included files; without it every `include` is reported as an error. */
  readonly readInclude?: KeepalivedIncludeReader;
  /** keepalived's -i config id, for `@id` lines (default: unset, as on a host whose name matches nothing). */
  readonly configId?: string;
}

const STATIC_HINT: Readonly<Record<string, string>> = {
  static_ipaddress: "a static address is not managed by VRRP; on OpenWrt configure it in /etc/config/network (`list ipaddr` of the `config interface`, or `config device`)",
  static_routes: "a static route is not managed by VRRP; on OpenWrt configure it in /etc/config/network (`config route` / `config route6`)",
  static_rules: "a static rule is not managed by VRRP; on OpenWrt configure it in /etc/config/network (`config rule` / `config rule6`)",
};
/** Read by importTree itself; everything else at the top level is reported. */
const READ = ["global_defs", "vrrp_script", "track_file", "vrrp_track_file", "vrrp_track_process", "vrrp_instance", "vrrp_sync_group"];
const HANDLED = [...READ, ...Object.keys(STATIC_HINT)];

function reportTopLevel(node: KeepalivedNode, report: ImportReport): void {
  const hint = Object.hasOwn(STATIC_HINT, node.keyword) ? STATIC_HINT[node.keyword] : undefined;
  if (hint !== undefined) {
    for (const entry of node.children ?? []) report.notImported(entry, node.keyword, `${[entry.keyword, ...entry.args].join(" ")}: ${hint}`);
    return;
  }
  const entry = Object.hasOwn(TOP_LEVEL_NOT_IMPORTED, node.keyword) ? TOP_LEVEL_NOT_IMPORTED[node.keyword] : undefined;
  if (entry !== undefined) report.notImported(node, node.keyword, entry.why, entry.severity);
  else report.warning(node, node.keyword, `not imported: unknown top-level keyword; keepalived ignores it too${didYouMean(node.keyword, [...HANDLED, ...Object.keys(TOP_LEVEL_NOT_IMPORTED)])}`);
}

/** The first block of each name; keepalived skips a later block with a name already defined. */
function firstByName(blocks: readonly KeepalivedNode[], report: ImportReport): { block: KeepalivedNode; name: string }[] {
  const seen = new Map<string, KeepalivedNode>();
  const out: { block: KeepalivedNode; name: string }[] = [];
  for (const block of blocks) {
    const name = block.args[0];
    if (name === undefined || block.args.length > 1) {
      report.error(block, block.keyword, "needs exactly one name; the block is skipped (as keepalived)");
      continue;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      report.warning(block, block.keyword, `'${name}' is already defined at line ${first.line}; keepalived skips this block, and so does the import`);
      continue;
    }
    seen.set(name, block);
    out.push({ block, name });
  }
  return out;
}

/** The tree → drafts; shared with the OpenWrt importer, which builds the tree keepalived would have read. */
export function importTree(nodes: readonly KeepalivedNode[], report: ImportReport, enabled = "1"): SectionDraft[] {
  const of = (keyword: string): KeepalivedNode[] => nodes.filter((n) => n.keyword === keyword);
  for (const node of nodes) if (!READ.includes(node.keyword)) reportTopLevel(node, report);
  const globals = importGlobals(of("global_defs"), report, enabled);
  const namer = new Namer(report);
  const drafts: SectionDraft[] = [globals.draft];
  const scripts = new Map<string, ScriptRef>();
  for (const { block } of firstByName(of("vrrp_script"), report)) {
    const script = importScript(block, namer, report);
    if (script === undefined) continue;
    scripts.set(script.name, script.ref);
    drafts.push(script.draft);
  }
  for (const tracked of importTrackedObjects(nodes, report, namer)) {
    scripts.set(tracked.key, tracked.ref);
    drafts.push(tracked.draft);
  }
  const instances = new Map<string, KeepalivedInstance>();
  for (const { block, name } of firstByName(of("vrrp_instance"), report)) {
    if (block.children === undefined) report.warning(block, block.keyword, "expects a { } block; the instance is empty");
    instances.set(name, readInstance(block, name, namer.name("instance", name, block, block.keyword), report));
  }
  const groups: SectionDraft[] = [];
  const ctx = { instances, scripts, claimed: new Map<string, string>(), smtpAlert: globals.context.smtpAlert };
  for (const { block } of firstByName(of("vrrp_sync_group"), report)) {
    const group = importSyncGroup(block, ctx, namer, report);
    if (group !== undefined) groups.push(group);
  }
  for (const k of instances.values()) {
    const effective = completeInstance(k, globals.context, report);
    drafts.push(emitInstance(k, effective, globals.context, scripts, report));
  }
  return [...drafts, ...groups];
}

export function importKeepalived(main: KeepalivedFile, options: KeepalivedImportOptions = {}): ImportResult {
  const report = new ImportReport();
  const parsed = parseKeepalived(main, options);
  for (const e of parsed.errors) report.error(e, "", e.message);
  for (const w of parsed.warnings) report.warning(w, "", w.message);
  const rendered = renderDrafts(importTree(parsed.nodes, report));
  return { ...rendered, findings: report.sorted() };
}
