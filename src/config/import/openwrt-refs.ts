// The init script's print_*_indent functions: a list of names (`list virtual_ipaddress 'vip1'`) becomes the
// lines of every section of the referenced type whose `option name` matches. A name nothing matches prints
// nothing, silently, under keepalived; here it is reported.
import type { UciLocation, UciSection } from "../uci/types.ts";
import type { GeneratedConf } from "./openwrt-text.ts";
import type { OpenwrtConfig, Word } from "./openwrt-uci.ts";
import type { ImportReport } from "./report.ts";

type Printer = (cfg: OpenwrtConfig, s: UciSection, out: GeneratedConf, report: ImportReport, ref: Word) => void;

/** print_ipaddress_indent: `ADDR`, or `ADDR dev DEV label DEV:SUFFIX [scope S]` when a device is set. */
export const printAddress: Printer = (cfg, s, out, report, ref) => {
  const address = cfg.get(s, "address");
  if (address === undefined) {
    report.warning(cfg.at(s, "name"), "ipaddress", `'${ref.value}' has no address; keepalived's init script prints nothing for it`);
    return;
  }
  const device = cfg.get(s, "device");
  const scope = cfg.get(s, "scope");
  const suffix = cfg.get(s, "label_suffix") ?? "vip";
  const at = cfg.at(s, "address");
  if (device === undefined) out.line(`\t\t${address}`, at);
  else out.line(`\t\t${address} dev ${device} label ${device}:${suffix}${scope === undefined ? "" : ` scope ${scope}`}`, at);
};

/** print_route_indent: `blackhole ADDR`, or `[src SRC] ADDR [via GW] dev DEV [table T]` (scope is never read). */
export const printRoute: Printer = (cfg, s, out, report, ref) => {
  const address = cfg.get(s, "address");
  const at = cfg.at(s, "address");
  if (address === undefined) {
    report.warning(cfg.at(s, "name"), "route", `'${ref.value}' has no address; keepalived's init script prints nothing for it`);
    return;
  }
  if (cfg.get(s, "scope") !== undefined) report.warning(cfg.at(s, "scope"), "route", "scope is never passed to keepalived by its init script; not imported");
  if (cfg.bool(s, "blackhole", false)) {
    out.line(`\t\tblackhole ${address}`, at);
    return;
  }
  const src = cfg.get(s, "src_addr");
  const device = cfg.get(s, "device");
  if (src === undefined && device === undefined) {
    report.warning(at, "route", `'${ref.value}' has neither device nor src_addr; keepalived's init script prints nothing for it`);
    return;
  }
  let line = src === undefined ? `\t\t${address}` : `\t\tsrc ${src} ${address}`;
  const gateway = cfg.get(s, "gateway");
  if (gateway !== undefined) line += ` via ${gateway}`;
  line += ` dev ${device ?? ""}`;
  const table = cfg.get(s, "table");
  if (table !== undefined) line += ` table ${table}`;
  out.line(line, at);
};

/** print_track_elem_indent (track_interface): `VALUE [weight W]`. */
export const printTrackInterface: Printer = (cfg, s, out, report, ref) => {
  const value = cfg.get(s, "value");
  if (value === undefined) {
    report.warning(cfg.at(s, "name"), "track_interface", `'${ref.value}' has no value (device); keepalived's init script prints nothing for it`);
    return;
  }
  const weight = cfg.get(s, "weight");
  out.line(`\t\t${value}${weight === undefined ? "" : ` weight ${weight}`}`, cfg.at(s, "value"));
};

/** print_unicast_peer_indent: the peer's address (min_ttl / max_ttl are not printed). */
export const printPeer: Printer = (cfg, s, out, report, ref) => {
  const address = cfg.get(s, "address");
  if (address === undefined) {
    report.warning(cfg.at(s, "name"), "peer", `'${ref.value}' has no address; keepalived's init script prints nothing for it`);
    return;
  }
  out.line(`\t\t${address}`, cfg.at(s, "address"));
};

/** print_track_bfd_indent: `NAME [weight W]` (reported as not imported later). */
export const printBfd: Printer = (cfg, s, out, _report, ref) => {
  const weight = cfg.get(s, "weight");
  out.line(`\t\t${ref.value}${weight === undefined ? "" : ` weight ${weight}`}`, ref.at);
};

/** The entries every listed name resolves to (config_foreach over the referenced type, matching `option name`). */
export function printRefs(
  cfg: OpenwrtConfig,
  section: UciSection,
  option: string,
  type: string,
  print: Printer,
  out: GeneratedConf,
  report: ImportReport,
): void {
  for (const ref of cfg.words(section, option)) {
    const matches = cfg.named(type, ref.value);
    if (matches.length === 0) {
      report.warning(ref.at, option, `no ${type} section with option name '${ref.value}': keepalived's init script prints nothing for it, so keepalived ran without it, and so does the import`);
    } else if (matches.length > 1) {
      report.warning(ref.at, option, `${matches.length} ${type} sections are named '${ref.value}': keepalived's init script prints them all, and so does the import`);
    }
    for (const s of matches) print(cfg, s, out, report, ref);
  }
}

/** A `KEYWORD { … }` block of those entries; nothing when the option is unset. */
export function printList(
  cfg: OpenwrtConfig,
  section: UciSection,
  option: string,
  type: string,
  print: Printer,
  out: GeneratedConf,
  report: ImportReport,
): void {
  if (cfg.words(section, option).length === 0) return;
  const at: UciLocation = cfg.at(section, option);
  out.line(`\t${option} {`, at);
  printRefs(cfg, section, option, type, print, out, report);
  out.line("\t}", at);
}
