// The init script's vrrp_instance() and vrrp_sync_group(): what keepalived read for each UCI section, including
// the package's quirks — a flag is emitted whenever its option is non-empty (so '0' means on), the UCI notify_*
// options are never read (every transition runs hotplug-call instead), and a track_script block lists every
// named vrrp_script, whatever names the list holds.
import type { UciSection } from "../uci/types.ts";
import { printAddress, printBfd, printList, printPeer, printRoute, printTrackInterface } from "./openwrt-refs.ts";
import type { GeneratedConf } from "./openwrt-text.ts";
import { isFalseWord, type OpenwrtConfig } from "./openwrt-uci.ts";
import type { ImportReport } from "./report.ts";

const ELEMENTS = [
  "state", "interface", "mcast_src_ip", "unicast_src_ip", "virtual_router_id", "version", "priority", "advert_int", "preempt_delay", "debug",
  "lvs_sync_daemon_interface", "garp_master_delay", "garp_master_refresh", "garp_master_repeat", "garp_master_refresh_repeat",
];
const INSTANCE_FLAGS = ["vmac_xmit_base", "native_ipv6", "accept", "no_accept", "dont_track_primary", "smtp_alert", "nopreempt", "use_vmac"];
const NOTIFY = ["notify_master", "notify_backup", "notify_fault", "notify_stop", "notify"];
const INSTANCE_LISTS = ["virtual_ipaddress", "virtual_ipaddress_excluded", "virtual_routes", "track_script", "track_interface", "track_bfd", "unicast_peer"];
export const INSTANCE_OPTIONS = ["name", "auth_type", "auth_pass", ...ELEMENTS, ...INSTANCE_FLAGS, ...NOTIFY, ...INSTANCE_LISTS];
export const GROUP_OPTIONS = ["name", "group", "smtp_alert", "global_tracking", "track_script", ...NOTIFY];

/** no_val_* flags: the keyword alone, whenever the option has any value at all. */
function printFlags(cfg: OpenwrtConfig, s: UciSection, flags: readonly string[], out: GeneratedConf, report: ImportReport): void {
  for (const flag of flags) {
    const value = cfg.get(s, flag);
    if (value === undefined) continue;
    if (isFalseWord(value)) {
      report.warning(cfg.at(s, flag), flag, `option ${flag} '${value}' still turned ${flag} ON: keepalived's init script writes '${flag}' for any non-empty value. Imported as keepalived ran it (ON); delete the option if you meant off`);
    }
    out.line(`\t${flag}`, cfg.at(s, flag));
  }
}

function reportNotify(cfg: OpenwrtConfig, s: UciSection, report: ImportReport): void {
  for (const option of NOTIFY) {
    if (cfg.get(s, option) === undefined) continue;
    report.warning(cfg.at(s, option), option, "not imported: keepalived's init script never passes it to keepalived (every transition runs hotplug-call instead), so it never ran; add it to /etc/config/vrrp if you want it now");
  }
}

/**
 * The track_script block: for each listed name, print_track_script_indent runs over every vrrp_script section
 * and prints each named one (it never compares the names), with its weight and direction. keepalived therefore
 * tracked every named vrrp_script as soon as the list was non-empty. Repeats are printed once here.
 */
export function printTrackScripts(cfg: OpenwrtConfig, s: UciSection, out: GeneratedConf, report: ImportReport): void {
  const refs = cfg.words(s, "track_script");
  if (refs.length === 0) return;
  const at = cfg.at(s, "track_script");
  const scripts = cfg.sections("vrrp_script").filter((v) => cfg.get(v, "name") !== undefined);
  const names = scripts.map((v) => cfg.get(v, "name") ?? "");
  const listed = new Set(refs.map((r) => r.value));
  const extra = [...new Set(names.filter((n) => !listed.has(n)))];
  const missing = [...listed].filter((n) => !names.includes(n));
  if (extra.length > 0) {
    report.warning(at, "track_script", `keepalived's init script writes every named vrrp_script into this track_script block, so keepalived also tracked ${extra.map((n) => `'${n}'`).join(", ")}; imported as keepalived ran it (remove the extra entries if you did not mean them)`);
  }
  for (const name of missing) {
    const legacy = cfg.named("track_script", name).length > 0 ? " (a `config track_script` of that name is LuCI's; the init script reads vrrp_script sections)" : "";
    report.warning(refs.find((r) => r.value === name)?.at ?? at, "track_script", `no vrrp_script section with option name '${name}'${legacy}; keepalived did not track it`);
  }
  out.line("\ttrack_script {", at);
  const printed = new Set<string>();
  for (const v of scripts) {
    const name = cfg.get(v, "name") ?? "";
    if (printed.has(name)) continue;
    printed.add(name);
    const weight = cfg.get(v, "weight");
    const direction = cfg.get(v, "direction");
    const flag = direction === "reverse" || direction === "noreverse" ? ` ${direction}` : "";
    out.line(`\t\t${name}${weight === undefined ? "" : ` weight ${weight}${flag}`}`, refs.find((r) => r.value === name)?.at ?? at);
  }
  out.line("\t}", at);
}

export function printInstance(cfg: OpenwrtConfig, s: UciSection, out: GeneratedConf, report: ImportReport): void {
  const name = cfg.get(s, "name");
  if (name === undefined) {
    report.warning(s.location, "vrrp_instance", `${cfg.label(s)} has no option name: keepalived's init script skips it, and so does the import`);
    return;
  }
  out.line(`vrrp_instance ${name} {`, cfg.at(s, "name"));
  const type = cfg.get(s, "auth_type");
  const pass = cfg.get(s, "auth_pass");
  if (type !== undefined && pass !== undefined) {
    out.line("\tauthentication {", cfg.at(s, "auth_type"));
    out.line(`\t\tauth_type ${type}`, cfg.at(s, "auth_type"));
    out.line(`\t\tauth_pass ${pass}`, cfg.at(s, "auth_pass"));
    out.line("\t}", cfg.at(s, "auth_type"));
  } else if (type !== undefined || pass !== undefined) {
    const option = type === undefined ? "auth_pass" : "auth_type";
    report.warning(cfg.at(s, option), option, "keepalived's init script writes authentication only when both auth_type and auth_pass are set: keepalived ran without it, and so does the import");
  }
  for (const option of ELEMENTS) {
    const value = cfg.get(s, option);
    if (value !== undefined) out.element(option, value, cfg.at(s, option));
  }
  printFlags(cfg, s, INSTANCE_FLAGS, out, report);
  reportNotify(cfg, s, report);
  printList(cfg, s, "virtual_ipaddress", "ipaddress", printAddress, out, report);
  printList(cfg, s, "virtual_ipaddress_excluded", "ipaddress", printAddress, out, report);
  printList(cfg, s, "virtual_routes", "route", printRoute, out, report);
  printTrackScripts(cfg, s, out, report);
  printList(cfg, s, "track_interface", "track_interface", printTrackInterface, out, report);
  printList(cfg, s, "track_bfd", "bfd_instance", printBfd, out, report);
  printList(cfg, s, "unicast_peer", "peer", printPeer, out, report);
  out.line("}", cfg.at(s, "name"));
}

export function printSyncGroup(cfg: OpenwrtConfig, s: UciSection, out: GeneratedConf, report: ImportReport): void {
  const name = cfg.get(s, "name");
  const members = cfg.words(s, "group");
  if (name === undefined || members.length === 0) {
    report.warning(s.location, "vrrp_sync_group", `${cfg.label(s)} has no ${name === undefined ? "option name" : "group members"}: keepalived's init script skips it, and so does the import`);
    return;
  }
  const instances = new Set(cfg.sections("vrrp_instance").map((v) => cfg.get(v, "name")));
  const valid = members.filter((m) => {
    if (!instances.has(m.value)) report.warning(m.at, "group", `no vrrp_instance with option name '${m.value}': keepalived's init script leaves it out of the group, and so does the import`);
    return instances.has(m.value);
  });
  if (valid.length === 0) return;
  out.line(`vrrp_sync_group ${name} {`, cfg.at(s, "name"));
  out.line("\tgroup {", cfg.at(s, "group"));
  for (const m of valid) out.line(`\t\t${m.value}`, m.at);
  out.line("\t}", cfg.at(s, "group"));
  printFlags(cfg, s, ["smtp_alert", "global_tracking"], out, report);
  reportNotify(cfg, s, report);
  printTrackScripts(cfg, s, out, report);
  out.line("}", cfg.at(s, "name"));
}
