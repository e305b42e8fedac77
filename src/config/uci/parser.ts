// UCI files to syntax trees, with libuci's rules (openwrt/uci file.c + list.c): which commands exist, how a
// repeated option, a list after an option or a reopened named section behave, and which errors its default strict
// mode raises. Unlike libuci, which stops at the first error, a bad line is skipped and parsing goes on (libuci's
// non-strict behaviour), so one run reports every error; any error means libuci would refuse the file.
import {
  UciLineBuffer,
  UciSyntaxError,
  assertEol,
  commandWord,
  enterArguments,
  isValidType,
  nextArg,
  skipWhitespace,
} from "./lexer.ts";
import type { UciCommandWord } from "./lexer.ts";
import type {
  UciDirectoryResult,
  UciFile,
  UciListItem,
  UciLocation,
  UciPackage,
  UciParseError,
  UciParseResult,
  UciSection,
  UciSkippedFile,
} from "./types.ts";

type Command = "package" | "config" | "option" | "list";

/** libuci also accepts the first letter alone: `c`, `o`, `l`, `p`. */
function commandOf(word: string): Command | "comment" | undefined {
  if (word.startsWith("#")) return "comment";
  const full = ({ p: "package", c: "config", o: "option", l: "list" } as const)[word[0] as "p" | "c" | "o" | "l"];
  return full !== undefined && (word.length === 1 || word === full) ? full : undefined;
}

type MutableOption =
  | { kind: "option"; name: string; value: string; location: UciLocation }
  | { kind: "list"; name: string; items: UciListItem[]; location: UciLocation };

/**
 * A section while it is being filled. libuci never moves an option once it exists: uci_set and uci_add_list
 * link the replacement (a new value, an option turned into a list, a list turned back into an option) in at the
 * old one's place (uci_alloc_option(..., &old->e.list) then free the old one), so only a new name goes at the end.
 */
class SectionBuilder {
  private readonly options: MutableOption[] = [];
  private readonly byName = new Map<string, number>();

  constructor(
    readonly type: string,
    readonly name: string | undefined,
    readonly location: UciLocation,
  ) {}

  /**
   * uci_set: an empty value is ignored (the parser's pointer is not a complete lookup, so nothing is deleted); an
   * equal value changes nothing (the location stays the first one); any other value replaces the old in place.
   */
  setOption(name: string, value: string, location: UciLocation): void {
    if (value === "") return;
    const old = this.get(name);
    if (old?.kind === "option" && old.value === value) return;
    this.put(name, { kind: "option", name, value, location });
  }

  /** uci_add_list: appends an item; an `option` of the same name becomes the list's first item, in place. */
  addListItem(name: string, value: string, location: UciLocation): void {
    const old = this.get(name);
    if (old?.kind === "list") {
      old.items.push({ value, location });
      return;
    }
    const items: UciListItem[] = old === undefined ? [] : [{ value: old.value, location: old.location }];
    items.push({ value, location });
    this.put(name, { kind: "list", name, items, location: items[0]?.location ?? location });
  }

  build(): UciSection {
    const base = { type: this.type, options: [...this.options], location: this.location };
    return this.name === undefined ? base : { ...base, name: this.name };
  }

  private get(name: string): MutableOption | undefined {
    const at = this.byName.get(name);
    return at === undefined ? undefined : this.options[at];
  }

  private put(name: string, option: MutableOption): void {
    const at = this.byName.get(name);
    if (at !== undefined) {
      this.options[at] = option;
      return;
    }
    this.byName.set(name, this.options.length);
    this.options.push(option);
  }
}

/** One file's parse: libuci's parse context (current section, sections by name) plus the collected errors. */
class FileParser {
  private readonly buffer: UciLineBuffer;
  private readonly sections: SectionBuilder[] = [];
  private readonly named = new Map<string, SectionBuilder>();
  private current: SectionBuilder | undefined;
  readonly errors: UciParseError[] = [];

  constructor(private readonly file: UciFile) {
    this.buffer = new UciLineBuffer(file.text);
  }

  run(): readonly SectionBuilder[] {
    const b = this.buffer;
    while (b.hasMoreText) {
      b.startLine();
      if (b.length === 0) continue;
      try {
        this.parseLine();
      } catch (e) {
        if (!(e instanceof UciSyntaxError)) throw e;
        this.error(e.code, e.message, e.offset);
      }
    }
    for (const offset of b.nulOffsets) this.error("nul-byte", "NUL byte: libuci ignores the rest of this line", offset);
    this.errors.sort((x, y) => x.line - y.line || x.column - y.column);
    return this.sections;
  }

  /** A line may hold several commands separated by `;`. */
  private parseLine(): void {
    const b = this.buffer;
    skipWhitespace(b);
    for (let cmd = commandWord(b); cmd !== undefined; cmd = commandWord(b)) {
      const kind = commandOf(cmd.word);
      if (kind === "comment") return;
      if (kind === undefined) {
        const shown = JSON.stringify(cmd.word).slice(1, -1);
        throw new UciSyntaxError("invalid-command", `invalid command '${shown}' (expected config, option, list or package)`, cmd.offset);
      }
      this.command(kind, cmd);
    }
  }

  private command(kind: Command, cmd: UciCommandWord): void {
    const b = this.buffer;
    const isOption = kind === "option" || kind === "list";
    const section = this.current;
    if (isOption && section === undefined) {
      throw new UciSyntaxError("option-outside-section", `'${kind}' before the first 'config' section`, cmd.offset);
    }
    const first = { package: "package name", config: "section type", option: "option name", list: "option name" }[kind];
    if (!enterArguments(b, cmd)) throw new UciSyntaxError("missing-argument", `missing ${first}`, cmd.offset);
    const location = this.location(cmd.offset);
    if (kind === "package") {
      // Loading a file by name (uci_load) checks a `package` line and then ignores it: the file name wins.
      nextArg(b, first, true, "package");
      assertEol(b);
    } else if (kind === "config") {
      const type = nextArg(b, first, true, "none");
      if (!isValidType(type.value)) {
        throw new UciSyntaxError("invalid-type", `invalid section type '${type.value}': libuci allows printable ASCII without spaces`, type.offset);
      }
      const name = nextArg(b, "section name", false, "name");
      assertEol(b);
      this.openSection(type.value, name.value, location, name.offset);
    } else if (section !== undefined) {
      const name = nextArg(b, first, true, "name");
      const value = nextArg(b, "value", false, "none");
      assertEol(b);
      if (kind === "option") section.setOption(name.value, value.value, location);
      else section.addListItem(name.value, value.value, location);
    }
  }

  /** An unnamed `config` always adds a section; a named one reopens an existing section of that name. */
  private openSection(type: string, name: string, location: UciLocation, nameOffset: number): void {
    if (name === "") {
      this.current = this.add(new SectionBuilder(type, undefined, location));
      return;
    }
    const existing = this.named.get(name);
    if (existing !== undefined && existing.type !== type) {
      const msg = `section '${name}' was declared as '${existing.type}' on line ${existing.location.line}; redeclaring it as '${type}' is an error in libuci's strict mode`;
      throw new UciSyntaxError("section-type-conflict", msg, nameOffset);
    }
    if (existing !== undefined) {
      this.current = existing;
      return;
    }
    const section = this.add(new SectionBuilder(type, name, location));
    this.named.set(name, section);
    this.current = section;
  }

  private add(section: SectionBuilder): SectionBuilder {
    this.sections.push(section);
    return section;
  }

  private location(offset: number): UciLocation {
    return { file: this.file.path, line: this.buffer.lineColumn(offset).line };
  }

  private error(code: UciParseError["code"], message: string, offset: number): void {
    const { line, column } = this.buffer.lineColumn(offset);
    this.errors.push({ code, message, file: this.file.path, line, column });
  }
}

/** The package name libuci uses for a file: its base name. */
export function packageNameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Parses one UCI file; the package is named after the file (libuci ignores `package` lines when loading). */
export function parseUci(file: UciFile): UciParseResult {
  const parser = new FileParser(file);
  const sections = parser.run().map((s) => s.build());
  return { package: { name: packageNameOf(file.path), file: file.path, sections }, errors: parser.errors };
}

/**
 * Parses the files of a config directory (like /etc/config), one package per file, sorted by name as libuci's
 * glob lists them. Files libuci would not list are skipped, not parsed: names containing '.' (backups, editor
 * swap files) and names that are not printable ASCII.
 */
export function parseUciFiles(files: readonly UciFile[]): UciDirectoryResult {
  const packages: UciPackage[] = [];
  const errors: UciParseError[] = [];
  const skipped: UciSkippedFile[] = [];
  const seen = new Map<string, string>();
  const sorted = [...files].sort((a, b) => compare(packageNameOf(a.path), packageNameOf(b.path)) || compare(a.path, b.path));
  for (const file of sorted) {
    const name = packageNameOf(file.path);
    if (name.includes(".") || !isValidType(name)) {
      const reason = name === "" ? "not a file name" : name.includes(".") ? "libuci ignores config files whose name contains '.'" : "libuci ignores config files whose name is not printable ASCII";
      skipped.push({ path: file.path, reason });
      continue;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      errors.push({ code: "duplicate-package", message: `package '${name}' is already defined by ${first}`, file: file.path, line: 1, column: 1 });
      continue;
    }
    seen.set(name, file.path);
    const result = parseUci(file);
    packages.push(result.package);
    errors.push(...result.errors);
  }
  return { packages, errors, skipped };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
