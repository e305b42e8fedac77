// THE description of /etc/config/vrrp: every section type and option, with type, range, default, meaning, the
// keepalived keyword it maps from and a LuCI hint. Validation, docs/configuration.md (scripts/gen-config-docs.ts)
// and the LuCI generator all read this; nothing else lists options.
import { GLOBALS } from "./schema/globals.ts";
import { INSTANCE } from "./schema/instance.ts";
import { SYNC_GROUP } from "./schema/sync-group.ts";
import { TRACK_SCRIPT } from "./schema/track-script.ts";
import type { OptionSpec, SectionSpec } from "./schema/types.ts";

export type { DurationRange, LuciHint, LuciWidget, OptionKind, OptionSpec, OptionType, SectionSpec } from "./schema/types.ts";

export type SectionType = "globals" | "instance" | "sync_group" | "track_script";

/** In documentation order. */
export const SCHEMA: Readonly<Record<SectionType, SectionSpec>> = {
  globals: GLOBALS,
  instance: INSTANCE,
  track_script: TRACK_SCRIPT,
  sync_group: SYNC_GROUP,
};

export const SECTION_TYPES = Object.keys(SCHEMA) as readonly SectionType[];

export function isSectionType(type: string): type is SectionType {
  return Object.hasOwn(SCHEMA, type);
}

export function sectionSpec(type: SectionType): SectionSpec {
  return SCHEMA[type];
}

const byName = new Map<SectionType, Map<string, OptionSpec>>(
  SECTION_TYPES.map((type) => [type, new Map(SCHEMA[type].options.map((o) => [o.name, o]))]),
);

export function optionSpec(type: SectionType, name: string): OptionSpec | undefined {
  return byName.get(type)?.get(name);
}

/** Like optionSpec, for names the code itself uses: a typo there is a programming error, caught by the tests. */
export function requireOptionSpec(type: SectionType, name: string): OptionSpec {
  const spec = optionSpec(type, name);
  if (spec === undefined) throw new Error(`schema: no option ${type}.${name}`);
  return spec;
}
