// The daemon's configuration checks, for the browser: scripts/gen-luci.ts bundles this file (with the parts of
// src/config it reaches) into htdocs/luci-static/resources/vrrp/config-check.js. LuCI then refuses a value with
// the very message `vrrpd check-config` would print, because it is the same code.
//
// LuCI hands over UCI data as uci.js keeps it: sections are objects with ".type", ".name", ".anonymous" and
// ".index", and option values are strings (`option`) or arrays of strings (`list`).
import { optionSpec, isSectionType } from "../../src/config/schema.ts";
import type { UciOption, UciPackage, UciSection } from "../../src/config/uci/types.ts";
import { validate } from "../../src/config/validate.ts";
import { parseValue } from "../../src/config/values/parse.ts";

export type LuciValue = string | readonly string[] | null | undefined;

export interface LuciSection {
  readonly [option: string]: unknown;
}

export interface LuciFinding {
  readonly severity: "error" | "warning";
  readonly section: string;
  readonly option?: string;
  readonly message: string;
}

const items = (value: LuciValue): string[] => (value == null ? [] : typeof value === "string" ? [value] : [...value]);

/**
 * One option's value as the daemon's reader (src/config/read.ts) judges it on its own: true, or the message.
 * Blank items are ignored as the daemon ignores them; a required option without a value is refused.
 */
export function checkOption(sectionType: string, name: string, value: LuciValue): true | string {
  if (!isSectionType(sectionType)) return `unknown section type '${sectionType}'`;
  const spec = optionSpec(sectionType, name);
  if (spec === undefined) return `unknown option '${name}'`;
  const values = items(value).filter((v) => v.trim() !== "");
  if (values.length === 0) return spec.required === true ? `required option '${name}' is missing` : true;
  if (values.length > 1 && spec.list !== true) return `takes a single value: write it as 'option ${name}', not 'list'`;
  for (const text of values) {
    const parsed = parseValue(spec.type, text);
    if (!parsed.ok) return parsed.error;
  }
  return true;
}

/** uci.js sections to the parser's tree, in file order; "line" is the section's position (there is no file). */
export function toPackage(sections: readonly LuciSection[], file = "/etc/config/vrrp"): UciPackage {
  const ordered = [...sections].sort((a, b) => Number(a[".index"] ?? 0) - Number(b[".index"] ?? 0));
  const out: UciSection[] = ordered.map((s, i) => {
    const location = { file, line: i + 1 };
    const options: UciOption[] = [];
    for (const [name, value] of Object.entries(s)) {
      if (name.startsWith(".")) continue;
      if (Array.isArray(value)) options.push({ kind: "list", name, items: value.map((v) => ({ value: String(v), location })), location });
      else if (value != null) options.push({ kind: "option", name, value: String(value), location });
    }
    const type = String(s[".type"] ?? "");
    return s[".anonymous"] === true ? { type, options, location } : { type, name: String(s[".name"] ?? ""), options, location };
  });
  return { name: "vrrp", file, sections: out };
}

/** Every finding the daemon would report for this configuration (errors stop it from being used). */
export function checkSections(sections: readonly LuciSection[]): LuciFinding[] {
  return validate([toPackage(sections)]).findings.map((f) => ({
    severity: f.severity,
    section: f.section,
    ...(f.option === undefined ? {} : { option: f.option }),
    message: f.message,
  }));
}
