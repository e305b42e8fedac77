// The /etc/config/vrrp being built: sections as ordered option lists, section names made valid for UCI, and the
// final package with the line numbers writeUciPackage will give it (so validation findings on the output point
// at the right line of the printed text).
import type { UciOption, UciPackage, UciSection } from "../uci/types.ts";
import { writeUciPackage } from "../uci/writer.ts";
import type { ImportReport, Where } from "./report.ts";

export type OutputType = "globals" | "track_script" | "instance" | "sync_group";

/** One `config TYPE 'NAME'`: a string is `option`, an array is `list` (an empty array writes nothing). */
export interface SectionDraft {
  readonly type: OutputType;
  readonly name: string;
  readonly options: [string, string | string[]][];
}

const VALID = /^[A-Za-z0-9_]+$/;

/**
 * keepalived names (`VI-1`, `vi.lan`) become UCI section names ([A-Za-z0-9_]): other characters turn into `_`,
 * and a clash gets `_2`, `_3`... libuci refuses one name for two sections of different types, so one namer serves
 * every type. Each rename is reported where the name was defined; references are mapped with `of`.
 */
export class Namer {
  private readonly used = new Set<string>(["globals"]);
  private readonly byKind = new Map<string, string>();

  constructor(private readonly report: ImportReport) {}

  /** Names `original` (a `kind` of object: instance, script, group) and remembers it for `of`. */
  name(kind: string, original: string, at: Where, keyword: string): string {
    const cleaned = original.replace(/[^A-Za-z0-9_]/g, "_") || kind;
    let name = cleaned;
    for (let k = 2; this.used.has(name); k++) name = `${cleaned}_${k}`;
    this.used.add(name);
    this.byKind.set(`${kind}\0${original}`, name);
    if (name !== original) {
      const why = VALID.test(original) ? "is already used by another section" : "is not a valid UCI section name (letters, digits and _ only)";
      this.report.warning(at, keyword, `'${original}' ${why}; written as '${name}' (sync groups, ubus and events use the new name)`);
    }
    return name;
  }

  /** The UCI name given to `original`, if it was named. */
  of(kind: string, original: string): string | undefined {
    return this.byKind.get(`${kind}\0${original}`);
  }
}

/** Locations as writeUciPackage lays the text out: a blank line, `config`, then one line per value. */
function layout(drafts: readonly SectionDraft[], file: string): UciSection[] {
  let line = 0;
  return drafts.map((d) => {
    line += 2;
    const location = { file, line };
    const options: UciOption[] = [];
    for (const [name, value] of d.options) {
      if (typeof value === "string") {
        options.push({ kind: "option", name, value, location: { file, line: ++line } });
      } else if (value.length > 0) {
        const items = value.map((v) => ({ value: v, location: { file, line: ++line } }));
        options.push({ kind: "list", name, items, location: items[0]?.location ?? location });
      }
    }
    return { type: d.type, name: d.name, options, location };
  });
}

export interface RenderedImport {
  readonly package: UciPackage;
  readonly uci: string;
}

export function renderDrafts(drafts: readonly SectionDraft[], file = "/etc/config/vrrp"): RenderedImport {
  const pkg: UciPackage = { name: file.slice(file.lastIndexOf("/") + 1), file, sections: layout(drafts, file) };
  return { package: pkg, uci: writeUciPackage(pkg) };
}
