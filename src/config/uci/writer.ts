// Writes a package the way `uci export` / `uci commit` do (libuci's uci_export_package): a blank line before each
// section, `config type 'name'`, tab-indented `option`/`list` lines, every value in single quotes with `'` written
// as `'\''`. Reading the output back gives the same tree (the parser's round-trip tests check that).
import type { UciPackage, UciSection } from "./types.ts";

export interface UciWriteOptions {
  /** Start with `package NAME` as `uci export` does; files written by `uci commit` have no header. */
  readonly header?: boolean;
}

/** Single-quotes a value for a UCI file; a quote inside becomes `'\''` (close, escaped quote, reopen). */
export function quoteUciValue(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

// Characters that mean something to the parser outside quotes: whitespace, quotes, backslash, comment, separator.
const needsQuotes = /[\s'"\\#;]/;

/**
 * libuci writes section types bare. Types may hold any printable ASCII, so one containing a quote, `#`, `;` or a
 * backslash would not read back; those (and only those) are quoted here, which libuci's parser accepts.
 */
function writeType(type: string): string {
  return type === "" || needsQuotes.test(type) ? quoteUciValue(type) : type;
}

function writeSection(section: UciSection): string {
  let out = `\nconfig ${writeType(section.type)}`;
  if (section.name !== undefined) out += ` ${quoteUciValue(section.name)}`;
  out += "\n";
  for (const option of section.options) {
    if (option.kind === "option") {
      out += `\toption ${option.name} ${quoteUciValue(option.value)}\n`;
    } else {
      for (const item of option.items) out += `\tlist ${option.name} ${quoteUciValue(item.value)}\n`;
    }
  }
  return out;
}

/**
 * Serialises a package. Values may contain anything but NUL (libuci cannot store it); newlines are written inside
 * the quotes, as libuci does. Option and section names are expected to be valid UCI names (the parser guarantees
 * that for parsed trees).
 */
export function writeUciPackage(pkg: UciPackage, options: UciWriteOptions = {}): string {
  let out = options.header === true ? `package ${pkg.name}\n` : "";
  for (const section of pkg.sections) out += writeSection(section);
  return `${out}\n`;
}
