// Addressing parts of parsed packages the way `uci get` does: `vrrp.lan.priority` (named section) or
// `vrrp.@instance[0].priority` / `vrrp.@instance[-1]` (n-th section of a type, negative counts from the end,
// `@[n]` counts sections of any type). Also the reverse, a label for messages that works for anonymous sections.
import { isValidName, isValidType } from "./lexer.ts";
import type { UciOption, UciPackage, UciSection } from "./types.ts";

export type UciSectionRef =
  | { readonly kind: "named"; readonly name: string }
  | { readonly kind: "indexed"; readonly type: string | undefined; readonly index: number };

export interface UciAddress {
  readonly package: string;
  readonly section?: UciSectionRef;
  readonly option?: string;
}

const indexed = /^@([^[\]]*)\[([+-]?\d*)\]$/;

function parseSectionRef(text: string): UciSectionRef | undefined {
  if (isValidName(text)) return { kind: "named", name: text };
  const m = indexed.exec(text);
  if (m === null) return undefined;
  const type = m[1] ?? "";
  if (type !== "" && !isValidType(type)) return undefined;
  // libuci reads the index with strtol, so an empty index means 0.
  const index = Number(m[2] === "" || m[2] === undefined ? "0" : m[2]);
  if (!Number.isSafeInteger(index)) return undefined;
  return { kind: "indexed", type: type === "" ? undefined : type, index };
}

/** Parses `package[.section[.option]]`; undefined when libuci would reject the reference. */
export function parseUciAddress(text: string): UciAddress | undefined {
  const parts = text.split(".");
  if (parts.length > 3) return undefined;
  const [pkg, sectionText, option] = parts;
  if (pkg === undefined || !isValidType(pkg)) return undefined;
  if (sectionText === undefined) return { package: pkg };
  const section = parseSectionRef(sectionText);
  if (section === undefined) return undefined;
  if (option === undefined) return { package: pkg, section };
  return isValidName(option) ? { package: pkg, section, option } : undefined;
}

/** The section a reference points at, or undefined. */
export function findSection(pkg: UciPackage, ref: UciSectionRef): UciSection | undefined {
  if (ref.kind === "named") return pkg.sections.find((s) => s.name === ref.name);
  const candidates = ref.type === undefined ? pkg.sections : pkg.sections.filter((s) => s.type === ref.type);
  const index = ref.index < 0 ? ref.index + candidates.length : ref.index;
  return candidates[index];
}

export function getOption(section: UciSection, name: string): UciOption | undefined {
  return section.options.find((o) => o.name === name);
}

export interface UciResolved {
  readonly package: UciPackage;
  readonly section?: UciSection;
  readonly option?: UciOption;
}

/** Resolves an address (text or parsed) against packages; undefined when any part is missing. */
export function resolveUciAddress(packages: readonly UciPackage[], address: string | UciAddress): UciResolved | undefined {
  const parsed = typeof address === "string" ? parseUciAddress(address) : address;
  if (parsed === undefined) return undefined;
  const pkg = packages.find((p) => p.name === parsed.package);
  if (pkg === undefined || parsed.section === undefined) return pkg === undefined ? undefined : { package: pkg };
  const section = findSection(pkg, parsed.section);
  if (section === undefined) return undefined;
  if (parsed.option === undefined) return { package: pkg, section };
  const option = getOption(section, parsed.option);
  return option === undefined ? undefined : { package: pkg, section, option };
}

/** How to name a section in messages: its name, or `@type[n]` for an anonymous one. */
export function sectionLabel(pkg: UciPackage, section: UciSection): string {
  if (section.name !== undefined) return section.name;
  let n = 0;
  for (const s of pkg.sections) {
    if (s === section) return `@${section.type}[${n}]`;
    if (s.type === section.type) n++;
  }
  return `@${section.type}[?]`;
}

/** `vrrp.lan.priority` / `vrrp.@instance[0].priority`, for messages and `uci get`. */
export function optionAddress(pkg: UciPackage, section: UciSection, option?: string): string {
  const base = `${pkg.name}.${sectionLabel(pkg, section)}`;
  return option === undefined ? base : `${base}.${option}`;
}
