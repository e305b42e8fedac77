// First pass over the UCI tree: every section of a known type, every option checked against the schema by its
// type alone (no cross-option rules yet). Unknown section types and options are warnings that name them, so a
// typo is caught without blocking startup. Nothing here knows what an option means.
import { SCHEMA, SECTION_TYPES, isSectionType, optionSpec, type SectionType } from "./schema.ts";
import { Findings, type Place } from "./finding.ts";
import { didYouMean } from "./suggest.ts";
import { sectionLabel } from "./uci/address.ts";
import type { UciLocation, UciOption, UciPackage, UciSection } from "./uci/types.ts";
import type { OptionSpec } from "./schema/types.ts";
import { parseBool } from "./values/scalar.ts";
import { parseValue, type Value } from "./values/parse.ts";

export interface ReadItem {
  readonly value: Value;
  readonly text: string;
  readonly location: UciLocation;
}

export interface ReadOption {
  readonly spec: OptionSpec;
  /** Valid items only; an option whose every item was invalid is absent from `options`. */
  readonly items: readonly ReadItem[];
  readonly location: UciLocation;
}

export interface ReadSection {
  readonly type: SectionType;
  /** The section name; for an anonymous section a generated `TYPE_N` (see nameAnonymous). */
  readonly name: string;
  /** How findings name it: the section name, or `@type[n]` as `uci get` addresses it. */
  readonly label: string;
  readonly anonymous: boolean;
  readonly location: UciLocation;
  readonly enabled: boolean;
  readonly options: ReadonlyMap<string, ReadOption>;
  /** Options present but with an invalid value: already reported, so later rules stay quiet about them. */
  readonly invalid: ReadonlySet<string>;
}

/** Where the whole section is, or one of its options. */
export function placeOf(section: ReadSection, option?: string, location?: UciLocation): Place {
  const at = location ?? (option === undefined ? undefined : section.options.get(option)?.location) ?? section.location;
  return option === undefined ? { location: at, section: section.label } : { location: at, section: section.label, option };
}

const OWNER_OF_OPTION = new Map<string, SectionType>();
for (const type of SECTION_TYPES) for (const o of SCHEMA[type].options) if (!OWNER_OF_OPTION.has(o.name)) OWNER_OF_OPTION.set(o.name, type);

function unknownOption(type: SectionType, name: string): string {
  const elsewhere = OWNER_OF_OPTION.get(name);
  if (elsewhere !== undefined && elsewhere !== type) return `unknown option '${name}': it belongs in a ${elsewhere} section; ignored`;
  return `unknown option '${name}'${didYouMean(name, SCHEMA[type].options.map((o) => o.name))}; ignored`;
}

function readOption(option: UciOption, spec: OptionSpec, label: string, findings: Findings): ReadOption | "invalid" | "empty" {
  const place = (location: UciLocation): Place => ({ location, section: label, option: option.name });
  if (option.kind === "list" && spec.list !== true) {
    findings.error(place(option.location), `takes a single value: write it as 'option ${option.name}', not 'list'`);
    return "invalid";
  }
  const raw = option.kind === "option" ? [{ value: option.value, location: option.location }] : option.items;
  const items: ReadItem[] = [];
  let bad = false;
  for (const item of raw) {
    if (item.value.trim() === "") {
      findings.warning(place(item.location), "empty value ignored");
      continue;
    }
    const parsed = parseValue(spec.type, item.value);
    if (parsed.ok) items.push({ value: parsed.value, text: item.value, location: item.location });
    else {
      // `option virtual_ipaddress 'a b'` is one value to UCI; the usual intent was two list lines.
      const hint = spec.list === true && option.kind === "option" && /\s/.test(item.value.trim()) ? `; write one 'list ${option.name}' line per value` : "";
      findings.error(place(item.location), `${parsed.error}${hint}`);
      bad = true;
    }
  }
  if (items.length === 0) return bad ? "invalid" : "empty"; // all blank: as if unset
  return { spec, items, location: option.location };
}

/**
 * An instance's `enabled` decides how the rest is reported, so it is read first (an invalid value counts as
 * enabled). `globals.enabled` is different: it stops the daemon, not the checking.
 */
function isEnabled(section: UciSection): boolean {
  const option = section.options.find((o) => o.name === "enabled");
  if (section.type !== "instance" || option?.kind !== "option") return true;
  const parsed = parseBool(option.value);
  return !parsed.ok || parsed.value;
}

function readSection(pkg: UciPackage, section: UciSection, type: SectionType, name: string, findings: Findings): ReadSection {
  const label = sectionLabel(pkg, section);
  const enabled = isEnabled(section);
  // A disabled section's problems are shown but do not block startup: disabling is how one parks a draft.
  const local = enabled ? findings : new Findings();
  const options = new Map<string, ReadOption>();
  const invalid = new Set<string>();
  for (const option of section.options) {
    const spec = optionSpec(type, option.name);
    if (spec === undefined) {
      local.warning({ location: option.location, section: label, option: option.name }, unknownOption(type, option.name));
      continue;
    }
    const read = readOption(option, spec, label, local);
    if (read === "invalid") invalid.add(option.name);
    else if (read !== "empty") options.set(option.name, read);
  }
  if (enabled) {
    for (const spec of SCHEMA[type].options) {
      if (spec.required === true && !options.has(spec.name) && !invalid.has(spec.name)) {
        findings.error({ location: section.location, section: label, option: spec.name }, `required option '${spec.name}' is missing`);
      }
    }
  } else {
    for (const f of local.list) findings.warning({ location: { file: f.file, line: f.line }, section: f.section, ...(f.option === undefined ? {} : { option: f.option }) }, `${f.message} (section disabled)`);
  }
  return { type, name, label, anonymous: section.name === undefined, location: section.location, enabled, options, invalid };
}

/**
 * Reads every section of the given packages (one file, or several files of a config directory, read as one
 * configuration). Anonymous sections get the stable name TYPE_N, N being their 1-based position among the
 * sections of that type in their file, bumped past any name already taken.
 */
export function readPackages(packages: readonly UciPackage[], findings: Findings): ReadSection[] {
  const taken = new Map<string, UciLocation>();
  for (const pkg of packages) for (const s of pkg.sections) if (s.name !== undefined && isSectionType(s.type)) {
    const first = taken.get(s.name);
    if (first !== undefined && first.file !== pkg.file) {
      findings.error({ location: s.location, section: s.name }, `section '${s.name}' is also defined at ${first.file}:${first.line}; section names must be unique`);
    } else if (first === undefined) taken.set(s.name, s.location);
  }
  const sections: ReadSection[] = [];
  const used = new Set<string>();
  for (const pkg of packages) {
    const ordinal = new Map<string, number>();
    for (const section of pkg.sections) {
      const n = ordinal.get(section.type) ?? 0;
      ordinal.set(section.type, n + 1);
      if (!isSectionType(section.type)) {
        const hint = didYouMean(section.type, SECTION_TYPES);
        findings.warning({ location: section.location, section: sectionLabel(pkg, section) }, `unknown section type '${section.type}'${hint}; ignored (known: ${SECTION_TYPES.join(", ")})`);
        continue;
      }
      let name = section.name;
      if (name === undefined) {
        name = `${section.type}_${n + 1}`;
        for (let k = 2; taken.has(name) || used.has(name); k++) name = `${section.type}_${n + 1}_${k}`;
      }
      if (used.has(name)) continue; // the duplicate was reported above
      used.add(name);
      const read = readSection(pkg, section, section.type, name, findings);
      if (read.anonymous && section.type !== "globals" && read.enabled) {
        findings.warning(placeOf(read), `anonymous ${section.type} section is called '${name}' in status and events; give it a name (config ${section.type} 'NAME') so references stay stable`);
      }
      sections.push(read);
    }
  }
  return sections;
}
