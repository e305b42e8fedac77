// OpenWrt's /etc/config/keepalived → /etc/config/vrrp. keepalived never read that UCI file: the package's init
// script turned it into /tmp/keepalived.conf (process_config). The import replays that script, parses its output
// with the keepalived.conf parser and imports the result like any keepalived.conf, so what is imported is what
// keepalived actually ran — quirks included, each reported at the UCI line it comes from.
import { parseKeepalived } from "../keepalived/parser.ts";
import { parseUci } from "../uci/parser.ts";
import type { UciFile, UciSection } from "../uci/types.ts";
import { importTree, type ImportResult } from "./keepalived.ts";
import { GROUP_OPTIONS, INSTANCE_OPTIONS, printInstance, printSyncGroup } from "./openwrt-instance.ts";
import { printAddress, printRefs, printRoute } from "./openwrt-refs.ts";
import { GeneratedConf } from "./openwrt-text.ts";
import { OpenwrtConfig } from "./openwrt-uci.ts";
import { ImportReport } from "./report.ts";
import { renderDrafts } from "./uci-draft.ts";

const GLOBAL_ELEMENTS = ["notification_email_from", "smtp_server", "smtp_connect_timeout", "router_id", "vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_startup_delay"];
const SCRIPT_ELEMENTS = ["script", "interval", "weight", "fall", "rise", "timeout"];
const PEER_SYNC = ["sync", "sync_mode", "sync_dir", "ssh_port", "ssh_key", "ssh_pubkey", "sync_list", "last_sync_time", "last_sync_status"];
const LVS = "LVS/IPVS: vrrpd does VRRP only; keep keepalived's checker or ipvsadm for load balancing";

/** Options the init script reads, per section type; anything else in those sections was never used. */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  globals: ["enabled", "alt_config_file", "notification_email", "linkbeat_use_polling", ...GLOBAL_ELEMENTS],
  ipaddress: ["name", "address", "device", "scope", "label_suffix"],
  route: ["name", "address", "src_addr", "gateway", "device", "table", "blackhole", "scope"],
  static_ipaddress: ["address"],
  static_routes: ["route"],
  interface_up_down_delays: ["device", "down_delay", "up_delay"],
  vrrp_script: ["name", "direction", "fail", ...SCRIPT_ELEMENTS],
  track_script: ["name", "value", "weight", "direction"],
  track_interface: ["name", "value", "weight"],
  bfd_instance: ["name", "neighbor_ip", "source_ip", "min_rx", "min_tx", "idle_tx", "hoplimit", "max_hops", "weight"],
  peer: ["name", "address", "min_ttl", "max_ttl", ...PEER_SYNC],
  vrrp_sync_group: GROUP_OPTIONS,
  vrrp_instance: INSTANCE_OPTIONS,
};
const LVS_TYPES = ["virtual_server", "real_server", "url"];

function checkSections(cfg: OpenwrtConfig, report: ImportReport): void {
  for (const s of cfg.pkg.sections) {
    const type = s.type === "global_defs" ? "globals" : s.type;
    const known = Object.hasOwn(KNOWN, type) ? KNOWN[type] : undefined;
    if (LVS_TYPES.includes(type)) {
      if (type !== "virtual_server") report.notImported(s.location, type, LVS);
    } else if (known === undefined) {
      report.warning(s.location, s.type, `not imported: unknown section type; keepalived's init script ignores it too`);
    } else {
      for (const o of s.options) {
        if (!known.includes(o.name)) report.warning(o.location, o.name, `not imported: keepalived's init script never reads option '${o.name}' of ${type} sections`);
      }
    }
  }
  for (const s of cfg.sections("peer")) {
    for (const option of ["min_ttl", "max_ttl"]) if (cfg.get(s, option) !== undefined) report.notImported(cfg.at(s, option), option, "the init script does not pass it to keepalived, and vrrpd checks no TTL range");
    if (PEER_SYNC.some((o) => cfg.get(s, o) !== undefined)) report.notImported(s.location, "peer", "keepalived-sync settings: vrrpd does not copy files between the routers (use sysupgrade backups or your own rsync)");
  }
  for (const s of cfg.sections("vrrp_script")) {
    if (cfg.get(s, "fail") !== undefined) report.warning(cfg.at(s, "fail"), "fail", "LuCI writes 'fail', but the init script reads 'fall': keepalived used fall 1, and so does the import (set fall in /etc/config/vrrp if you meant it)");
  }
  for (const s of cfg.sections("track_script")) report.notImported(s.location, "track_script", "LuCI's track_script sections are not read by the init script (instances list vrrp_script sections)");
}

function printGlobals(cfg: OpenwrtConfig, globals: readonly UciSection[], out: GeneratedConf, report: ImportReport): void {
  const first = globals[0];
  const at = first?.location ?? { file: cfg.pkg.file, line: 1 };
  if (first !== undefined && cfg.bool(first, "linkbeat_use_polling", false)) out.line("linkbeat_use_polling", cfg.at(first, "linkbeat_use_polling"));
  out.line("global_defs {", at);
  for (const s of globals) {
    if (s.type === "global_defs") report.warning(s.location, "global_defs", "old section type: the package's uci-defaults renames it to 'globals'; read as globals");
    // The init script always adds these two: scripts run as root, and only if no one else can modify them.
    out.line("\tscript_user root", s.location);
    out.line("\tenable_script_security", s.location);
    const emails = cfg.words(s, "notification_email");
    if (emails.length > 0) {
      out.line("\tnotification_email {", cfg.at(s, "notification_email"));
      for (const e of emails) out.line(`\t\t${e.value}`, e.at);
      out.line("\t}", cfg.at(s, "notification_email"));
    }
    for (const option of GLOBAL_ELEMENTS) {
      const value = cfg.get(s, option);
      if (value !== undefined) out.element(option, value, cfg.at(s, option));
    }
    const alt = cfg.get(s, "alt_config_file");
    if (alt !== undefined) {
      report.warning(cfg.at(s, "alt_config_file"), "alt_config_file", `when ${alt} exists, keepalived ran that file and none of this UCI configuration: import it instead with \`vrrpd import --from keepalived ${alt}\``);
    }
  }
  out.line("}", at);
}

/** static_ipaddress { … } and static_routes { … } are always written, filled from every section of that type. */
function printStatic(cfg: OpenwrtConfig, out: GeneratedConf, report: ImportReport): void {
  const at = { file: cfg.pkg.file, line: 1 };
  for (const [block, type, option, print] of [
    ["static_ipaddress", "ipaddress", "address", printAddress],
    ["static_routes", "route", "route", printRoute],
  ] as const) {
    out.line(`${block} {`, at);
    for (const s of cfg.sections(block)) printRefs(cfg, s, option, type, print, out, report);
    out.line("}", at);
  }
  for (const s of cfg.sections("interface_up_down_delays")) {
    const device = cfg.get(s, "device");
    if (device !== undefined) out.line(`interface_up_down_delays {\n\t${device} ${cfg.get(s, "down_delay") ?? "0"} ${cfg.get(s, "up_delay") ?? ""}\n}`, s.location);
  }
}

function printScripts(cfg: OpenwrtConfig, out: GeneratedConf, report: ImportReport): void {
  for (const s of cfg.sections("vrrp_script")) {
    const name = cfg.get(s, "name");
    if (name === undefined) {
      report.warning(s.location, "vrrp_script", `${cfg.label(s)} has no option name: keepalived's init script skips it, and so does the import`);
      continue;
    }
    out.line(`vrrp_script ${name} {`, cfg.at(s, "name"));
    for (const option of SCRIPT_ELEMENTS) {
      const value = cfg.get(s, option);
      if (value !== undefined) out.element(option, value, cfg.at(s, option));
    }
    out.line("}", cfg.at(s, "name"));
  }
  for (const s of cfg.sections("bfd_instance")) {
    const name = cfg.get(s, "name");
    if (name !== undefined) out.line(`bfd_instance ${name} {\n}`, cfg.at(s, "name"));
  }
}

export function importOpenwrtKeepalived(file: UciFile): ImportResult {
  const report = new ImportReport();
  const parsed = parseUci(file);
  for (const e of parsed.errors) report.error(e, "", `${e.message} (uci refuses this line)`);
  const cfg = new OpenwrtConfig(parsed.package);
  checkSections(cfg, report);
  const globals = [...cfg.sections("globals"), ...cfg.sections("global_defs")];
  const main = globals.find((s) => s.name === "globals") ?? globals[0];
  const enabled = cfg.bool(main, "enabled", true);
  if (!enabled && main !== undefined) report.warning(cfg.at(main, "enabled"), "enabled", "keepalived was disabled (the service started nothing): imported as globals.enabled '0'; set it to '1' to run vrrpd");
  const out = new GeneratedConf(file.path);
  printGlobals(cfg, globals, out, report);
  printStatic(cfg, out, report);
  printScripts(cfg, out, report);
  for (const s of cfg.sections("vrrp_sync_group")) printSyncGroup(cfg, s, out, report);
  for (const s of cfg.sections("vrrp_instance")) printInstance(cfg, s, out, report);
  for (const s of cfg.sections("virtual_server")) {
    const ip = cfg.get(s, "ipaddr");
    const port = cfg.get(s, "port");
    if (cfg.bool(s, "enabled", true) && ip !== undefined && port !== undefined) out.line(`virtual_server ${ip} ${port} {\n}`, s.location);
  }
  const notifying = [...cfg.sections("vrrp_instance"), ...cfg.sections("vrrp_sync_group")][0];
  if (notifying !== undefined) {
    report.warning(notifying.location, "hotplug", "keepalived's init script made every transition run `/sbin/hotplug-call keepalived` (ACTION=NOTIFY_MASTER|NOTIFY_BACKUP|NOTIFY_FAULT|NOTIFY_STOP, TYPE, NAME); vrrpd runs /etc/hotplug.d/vrrp/* and /etc/vrrp.user instead (ACTION=MASTER|BACKUP|FAULT|STOP, TYPE, NAME): move your own hooks there (/etc/keepalived.user becomes /etc/vrrp.user). " +
      "BACKUP and STOP hooks now run while this router still holds the virtual addresses (handover 'make-before-break': until the new master's next advert, " +
      "so clients lose nothing), where keepalived had released them: set handover 'strict' if a hook needs them gone");
  }
  const tree = parseKeepalived({ path: file.path, text: out.text });
  for (const e of tree.errors) report.error(out.origin(e.line), "", `keepalived would read: ${e.message}`);
  const drafts = importTree(out.remap(tree.nodes), report, enabled ? "1" : "0");
  return { ...renderDrafts(drafts), findings: report.sorted() };
}
