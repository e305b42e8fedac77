// Reading /etc/config/keepalived the way its init script does with OpenWrt's shell functions: config_get gives an
// option's text (a list's items joined by spaces), `for x in $value` splits it into words, and sections refer to
// each other by their `option name` (config_foreach over every section of a type, so duplicates all match).
import type { UciLocation, UciPackage, UciSection } from "../uci/types.ts";

export interface Word {
  readonly value: string;
  readonly at: UciLocation;
}

const TRUE = new Set(["1", "yes", "on", "true", "enabled"]);
const FALSE = new Set(["0", "no", "off", "false", "disabled"]);

export class OpenwrtConfig {
  constructor(readonly pkg: UciPackage) {}

  sections(type: string): UciSection[] {
    return this.pkg.sections.filter((s) => s.type === type);
  }

  /** config_get: undefined when absent or empty (the init script tests `[ -n "$x" ]`). */
  get(section: UciSection, option: string): string | undefined {
    const o = section.options.find((x) => x.name === option);
    if (o === undefined) return undefined;
    const text = o.kind === "option" ? o.value : o.items.map((i) => i.value).join(" ");
    return text === "" ? undefined : text;
  }

  /** Where the option was written, else the section. */
  at(section: UciSection, option: string): UciLocation {
    return section.options.find((x) => x.name === option)?.location ?? section.location;
  }

  /** `for w in $(config_get …)`: the blank-separated words, each with the line of the item it came from. */
  words(section: UciSection, option: string): Word[] {
    const o = section.options.find((x) => x.name === option);
    if (o === undefined) return [];
    const items = o.kind === "option" ? [{ value: o.value, location: o.location }] : o.items;
    return items.flatMap((i) => i.value.split(/[ \t\n]+/).filter((w) => w !== "").map((value) => ({ value, at: i.location })));
  }

  /** config_get_bool with a default; anything but OpenWrt's boolean words reads as the default. */
  bool(section: UciSection | undefined, option: string, fallback: boolean): boolean {
    const value = section === undefined ? undefined : this.get(section, option);
    if (value !== undefined && TRUE.has(value)) return true;
    if (value !== undefined && FALSE.has(value)) return false;
    return fallback;
  }

  /** Every section of `type` whose `option name` is `name`, in file order. */
  named(type: string, name: string): UciSection[] {
    return this.sections(type).filter((s) => this.get(s, "name") === name);
  }

  /** A section as `uci show` names it, for messages. */
  label(section: UciSection): string {
    if (section.name !== undefined) return section.name;
    const index = this.sections(section.type).indexOf(section);
    return `@${section.type}[${index}]`;
  }
}

/** OpenWrt's false words: a flag written with one of these is still on for keepalived (see openwrt-instance.ts). */
export const isFalseWord = (value: string): boolean => FALSE.has(value);
