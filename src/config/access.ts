// Typed reads of a ReadSection, and effective values with keepalived's inheritance: the instance's own option,
// else the `globals` option its schema entry names in `inherit` (following globals' own chain), else the
// schema default. Kept generic so a new inherited option needs a schema line and nothing here.
import type { ReadItem, ReadSection } from "./read.ts";
import { requireOptionSpec, type OptionSpec, type SectionType } from "./schema.ts";
import { parseValue, type Value } from "./values/parse.ts";

export function firstItem(s: ReadSection | undefined, name: string): ReadItem | undefined {
  return s?.options.get(name)?.items[0];
}

export function itemsOf(s: ReadSection, name: string): readonly ReadItem[] {
  return s.options.get(name)?.items ?? [];
}

/** Written at all, even with a value that failed to parse. */
export function isSet(s: ReadSection, name: string): boolean {
  return s.options.has(name) || s.invalid.has(name);
}

export function boolOf(s: ReadSection, name: string): boolean | undefined {
  const v = firstItem(s, name)?.value;
  return typeof v === "boolean" ? v : undefined;
}

export function numberOf(s: ReadSection, name: string): number | undefined {
  const v = firstItem(s, name)?.value;
  return typeof v === "number" ? v : undefined;
}

export function stringOf(s: ReadSection, name: string): string | undefined {
  const v = firstItem(s, name)?.value;
  return typeof v === "string" ? v : undefined;
}

type Tagged = Extract<Value, { readonly tag: string }>;

function tagged<K extends Tagged["tag"]>(s: ReadSection, name: string, tag: K): { item: ReadItem; value: Extract<Tagged, { tag: K }> }[] {
  const out: { item: ReadItem; value: Extract<Tagged, { tag: K }> }[] = [];
  for (const item of itemsOf(s, name)) {
    const v = item.value;
    if (typeof v === "object" && isTag(v, tag)) out.push({ item, value: v });
  }
  return out;
}

function isTag<K extends Tagged["tag"]>(v: Tagged, tag: K): v is Extract<Tagged, { tag: K }> {
  return v.tag === tag;
}

export const vipsOf = (s: ReadSection, name: string) => tagged(s, name, "vip");
export const routesOf = (s: ReadSection, name: string) => tagged(s, name, "route");
export const tracksOf = (s: ReadSection, name: string) => tagged(s, name, "track");

export function stringsOf(s: ReadSection, name: string): { item: ReadItem; value: string }[] {
  return itemsOf(s, name).flatMap((item) => (typeof item.value === "string" ? [{ item, value: item.value }] : []));
}

/** The value in effect for `name` of a section of `type` (section may be absent: defaults only). */
export function effective(section: ReadSection | undefined, type: SectionType, name: string, globals: ReadSection | undefined): Value | undefined {
  const own = firstItem(section, name)?.value;
  if (own !== undefined) return own;
  const spec = requireOptionSpec(type, name);
  if (spec.inherit !== undefined) return effective(globals, "globals", spec.inherit, globals);
  if (spec.default === undefined) return undefined;
  return defaultOf(spec, spec.default, type, name);
}

/**
 * Parsed schema defaults, by spec: the schema never changes, and building one configuration reads thirty-odd
 * defaults (globals, each instance), which were parsed again every time. Objects (addresses, routes) are parsed
 * afresh so no two configurations share one; all current defaults are numbers, booleans or text.
 */
const parsedDefaults = new WeakMap<OptionSpec, boolean | number | string>();

function defaultOf(spec: OptionSpec, text: string, type: SectionType, name: string): Value {
  const cached = parsedDefaults.get(spec);
  if (cached !== undefined) return cached;
  const parsed = parseValue(spec.type, text);
  if (!parsed.ok) throw new Error(`schema: default of ${type}.${name} does not parse: ${parsed.error}`);
  if (typeof parsed.value !== "object") parsedDefaults.set(spec, parsed.value);
  return parsed.value;
}

export function effectiveNumber(section: ReadSection | undefined, type: SectionType, name: string, globals: ReadSection | undefined): number {
  const v = effective(section, type, name, globals);
  if (typeof v !== "number") throw new Error(`schema: ${type}.${name} has no numeric default`);
  return v;
}

export function effectiveBool(section: ReadSection | undefined, type: SectionType, name: string, globals: ReadSection | undefined): boolean {
  const v = effective(section, type, name, globals);
  if (typeof v !== "boolean") throw new Error(`schema: ${type}.${name} has no boolean default`);
  return v;
}

export function effectiveString(section: ReadSection | undefined, type: SectionType, name: string, globals: ReadSection | undefined): string {
  const v = effective(section, type, name, globals);
  if (typeof v !== "string") throw new Error(`schema: ${type}.${name} has no text default`);
  return v;
}
