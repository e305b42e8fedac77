// `uci set` on a parsed package, with libuci's uci_set rules (list.c), so that a tree edited here and written by
// writer.ts is the file `uci set ...; uci commit` would leave. The rules that matter for the file's order:
// a changed option keeps its position (the new value is linked in where the old one was), a changed section type
// keeps the section's position, and only a new option or section goes at the end.
import { findSection, parseUciAddress } from "./address.ts";
import { isValidType } from "./lexer.ts";
import type { UciLocation, UciOption, UciPackage, UciSection } from "./types.ts";

/**
 * `changed` is false when uci would record no change (an equal value, deleting something missing); `uci commit`
 * then leaves the file untouched, comments and formatting included, instead of rewriting it.
 */
export type UciSetResult =
  | { readonly ok: true; readonly changed: boolean; readonly package: UciPackage }
  | { readonly ok: false; readonly error: string };

/**
 * Applies `PKG.SECTION=TYPE` or `PKG.SECTION.OPTION=VALUE` (SECTION may be `@type[n]`). An empty value deletes
 * the section or option, and is a no-op when it does not exist. As the real uci (test/fixtures/uci/cases/set-errors):
 * another package is "Entry not found", an option of a missing section or an invalid type "Invalid argument",
 * and `@type[n]=TYPE` for a missing section does nothing and succeeds.
 */
export function setUciValue(pkg: UciPackage, assignment: string, location: UciLocation = { file: pkg.file, line: 0 }): UciSetResult {
  const eq = assignment.indexOf("=");
  const address = eq < 0 ? undefined : parseUciAddress(assignment.slice(0, eq));
  if (address !== undefined && address.package !== pkg.name) return { ok: false, error: "Entry not found" };
  if (address?.section === undefined) return { ok: false, error: "Invalid argument" };
  const value = assignment.slice(eq + 1);
  const section = findSection(pkg, address.section);
  const same: UciSetResult = { ok: true, changed: false, package: pkg };
  const changed = (next: UciPackage): UciSetResult => ({ ok: true, changed: true, package: next });
  const replace = (next: UciSection | undefined): UciSetResult =>
    changed({ ...pkg, sections: pkg.sections.flatMap((s) => (s !== section ? [s] : next === undefined ? [] : [next])) });

  if (address.option === undefined) {
    if (value === "") return section === undefined ? same : replace(undefined);
    if (!isValidType(value)) return { ok: false, error: "Invalid argument" };
    if (section !== undefined) return section.type === value ? same : replace({ ...section, type: value });
    if (address.section.kind !== "named") return same;
    const created: UciSection = { type: value, name: address.section.name, options: [], location };
    return changed({ ...pkg, sections: [...pkg.sections, created] });
  }

  if (section === undefined) return { ok: false, error: "Invalid argument" };
  const name = address.option;
  const old = section.options.find((o) => o.name === name);
  if (value === "") return old === undefined ? same : replace({ ...section, options: section.options.filter((o) => o !== old) });
  if (old?.kind === "option" && old.value === value) return same;
  const option: UciOption = { kind: "option", name, value, location };
  const options = old === undefined ? [...section.options, option] : section.options.map((o) => (o === old ? option : o));
  return replace({ ...section, options });
}
