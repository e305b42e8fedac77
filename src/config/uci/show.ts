// Renders a package the way `uci show PACKAGE` prints it (cli.c uci_show_package), so tests can compare what vrrpd
// parsed with what the real tool reports for the same file, and messages can quote uci's own notation.
import { sectionLabel } from "./address.ts";
import type { UciOption, UciPackage } from "./types.ts";
import { quoteUciValue } from "./writer.ts";

/**
 * uci show always quotes values (uci_print_value: single quotes, `'` as `'\''`) and joins list items with a
 * space. Anonymous sections appear as `@type[n]`, n counting every section of that type, named ones included
 * (cli.c uci_lookup_section_ref), which is what sectionLabel computes.
 */
function showValue(option: UciOption): string {
  return option.kind === "option" ? quoteUciValue(option.value) : option.items.map((i) => quoteUciValue(i.value)).join(" ");
}

/** One line per section (`pkg.ref=type`) and per option (`pkg.ref.name=value`), each ending in a newline. */
export function showUciPackage(pkg: UciPackage): string {
  let out = "";
  for (const section of pkg.sections) {
    const ref = `${pkg.name}.${sectionLabel(pkg, section)}`;
    out += `${ref}=${section.type}\n`;
    for (const option of section.options) out += `${ref}.${option.name}=${showValue(option)}\n`;
  }
  return out;
}
