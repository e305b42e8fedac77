// The UCI syntax tree: what libuci would hold in memory after loading a file, plus where each piece came from,
// so that later validation can say "vrrp:12 lan.priority ...". Nothing here knows what the options mean.

/** Where a section, option or list item was written (1-based line). */
export interface UciLocation {
  readonly file: string;
  readonly line: number;
}

/** One `list NAME VALUE` line. */
export interface UciListItem {
  readonly value: string;
  readonly location: UciLocation;
}

/**
 * An option as libuci stores it: either a single string (`option`) or a list (`list`). libuci keeps only the last
 * `option` of a name, converts an `option` followed by a `list` of the same name into a list, and lets a later
 * `option` replace a list, always at the position where the name first appeared (it replaces in place); the
 * parser reproduces that, so `location` is where the surviving value was written.
 */
export type UciOption =
  | { readonly kind: "option"; readonly name: string; readonly value: string; readonly location: UciLocation }
  | { readonly kind: "list"; readonly name: string; readonly items: readonly UciListItem[]; readonly location: UciLocation };

/**
 * A `config TYPE ['NAME']` section. Anonymous sections have no `name`: libuci gives them generated names
 * (`cfgXXYYYY`) that nothing should depend on; address them as `@type[n]` instead (see address.ts).
 */
export interface UciSection {
  readonly type: string;
  readonly name?: string;
  readonly options: readonly UciOption[];
  /** Where the section was first declared (a later `config TYPE NAME` with the same name reopens it). */
  readonly location: UciLocation;
}

/** One configuration file; libuci names the package after the file (`/etc/config/vrrp` is package `vrrp`). */
export interface UciPackage {
  readonly name: string;
  readonly file: string;
  readonly sections: readonly UciSection[];
}

export type UciErrorCode =
  /** A line starts with something other than package/config/option/list (or their one-letter forms). */
  | "invalid-command"
  /** A command lacks its first argument (section type, option name, package name). */
  | "missing-argument"
  /** A section name, option name or package name has characters outside libuci's set. */
  | "invalid-name"
  /** A section type has characters outside printable ASCII (libuci allows more in types than in names). */
  | "invalid-type"
  /** Extra words after a command; libuci's default strict mode rejects them. */
  | "too-many-arguments"
  /** A quote is still open at the end of the file. */
  | "unterminated-quote"
  /** `option` or `list` before the first `config` line. */
  | "option-outside-section"
  /** A named section is declared again with a different type (an error in libuci's strict mode). */
  | "section-type-conflict"
  /** A NUL byte: libuci silently drops the rest of that line, which is never what the author meant. */
  | "nul-byte"
  /** Two files map to the same package name. */
  | "duplicate-package";

/** A problem found while parsing. The parser never throws; it collects these and keeps going. */
export interface UciParseError {
  readonly code: UciErrorCode;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface UciParseResult {
  /** Best effort even when there are errors (libuci's non-strict mode: a bad line is skipped). */
  readonly package: UciPackage;
  readonly errors: readonly UciParseError[];
}

/** A file handed to the parser; the caller reads it (src/config stays free of I/O). */
export interface UciFile {
  readonly path: string;
  readonly text: string;
}

export interface UciSkippedFile {
  readonly path: string;
  readonly reason: string;
}

export interface UciDirectoryResult {
  readonly packages: readonly UciPackage[];
  readonly errors: readonly UciParseError[];
  /** Files libuci itself would ignore in a config directory (names with a '.', e.g. `vrrp.bak`, `.vrrp.swp`). */
  readonly skipped: readonly UciSkippedFile[];
}
