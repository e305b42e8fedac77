// The fallback for every keyword an importer step does not translate: a known keepalived keyword without a
// vrrpd equivalent is reported with its reason, anything else as unknown (keepalived logs "Unknown keyword" and
// goes on, so the import goes on too) with the closest known keyword as a hint for typos.
import type { KeepalivedNode } from "../keepalived/types.ts";
import { didYouMean } from "../suggest.ts";
import type { NotImported } from "./not-imported.ts";
import type { ImportReport } from "./report.ts";

export function reportOther(
  node: KeepalivedNode,
  table: Readonly<Record<string, NotImported>>,
  handled: readonly string[],
  context: string,
  report: ImportReport,
): void {
  const entry = Object.hasOwn(table, node.keyword) ? table[node.keyword] : undefined;
  if (entry !== undefined) {
    report.notImported(node, node.keyword, entry.why, entry.severity);
    return;
  }
  const hint = didYouMean(node.keyword, [...handled, ...Object.keys(table)]);
  report.warning(node, node.keyword, `not imported: unknown keyword in ${context}; keepalived ignores it too${hint}`);
}

/** The single argument of a keyword, or an error when it is missing (keepalived refuses the line). */
export function argOf(node: KeepalivedNode, report: ImportReport): string | undefined {
  const value = node.args[0];
  if (value === undefined) report.error(node, node.keyword, "needs a value; ignored (as keepalived)");
  return value;
}

/** Blocks read as lines, and lines read as blocks, are mistakes the user should hear about. */
export function expectBlock(node: KeepalivedNode, report: ImportReport): readonly KeepalivedNode[] {
  if (node.children === undefined) report.warning(node, node.keyword, "expects a { } block; nothing imported from this line");
  return node.children ?? [];
}

export function noBlock(node: KeepalivedNode, report: ImportReport): void {
  if (node.children !== undefined) report.warning(node, node.keyword, "takes no { } block; the block is ignored");
}
