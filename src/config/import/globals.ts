// global_defs → `config globals 'globals'`. The vrrp_* instance defaults keep their names in /etc/config/vrrp, so
// an instance that sets none inherits the same values as under keepalived. Several global_defs blocks are read
// in order, later lines winning, as keepalived does.
import type { KeepalivedNode } from "../keepalived/types.ts";
import { requireOptionSpec } from "../schema.ts";
import { parseIpAddress } from "../values/scalar.ts";
import { STRICT_MODE_EFFECTS } from "./instance-rules.ts";
import { MAIL_READERS } from "./mail.ts";
import { GLOBAL_NOT_IMPORTED } from "./not-imported.ts";
import { argOf, noBlock, reportOther } from "./other-keywords.ts";
import type { ImportReport } from "./report.ts";
import type { SectionDraft } from "./uci-draft.ts";
import { flagValue, formatSeconds, integerIn, isPlaceholder, secondsToMs, userGroup } from "./values.ts";

/** What instances need from global_defs to get keepalived's defaults right. */
export interface GlobalContext {
  readonly vrrpVersion: 2 | 3;
  readonly strict: boolean;
  /** smtp_alert_vrrp / smtp_alert: the default of every instance's and group's smtp_alert. */
  readonly smtpAlert: boolean | undefined;
}

type Reader = (node: KeepalivedNode, set: (option: string, value: string) => void, report: ImportReport) => void;

const integer = (option: string, min: number, max: number): Reader => (node, set, report) => {
  const text = argOf(node, report);
  if (text === undefined) return;
  const n = integerIn(text, min, max);
  if (n === undefined) report.error(node, node.keyword, `'${text}' is not a whole number ${min}..${max}; ignored`);
  else set(option, String(n));
};

const seconds = (option: string, maxMs: number, wholeSeconds: boolean): Reader => (node, set, report) => {
  const text = argOf(node, report);
  if (text === undefined) return;
  let ms = secondsToMs(text);
  if (ms !== undefined && wholeSeconds && ms % 1000 !== 0) {
    // keepalived reads these with strtoul(): the fraction is dropped.
    report.warning(node, node.keyword, `keepalived reads whole seconds: ${text} is ${Math.floor(ms / 1000)}`);
    ms -= ms % 1000;
  }
  if (ms === undefined || ms > maxMs) report.error(node, node.keyword, `'${text}' is not a number of seconds 0..${maxMs / 1000}; ignored`);
  else set(option, formatSeconds(ms));
};

/** The RLIMIT_RTTIME range vrrpd accepts (the schema's): node's garbage collector and a reload need the floor. */
const RTTIME_SPEC = requireOptionSpec("globals", "vrrp_rlimit_rttime").type;
if (RTTIME_SPEC.kind !== "integer") throw new Error("schema: globals.vrrp_rlimit_rttime is not an integer option");
const { min: RTTIME_FLOOR_US, max: RTTIME_MAX_US } = RTTIME_SPEC;

/** keepalived's µs; raised to what a node daemon needs (keepalived's 10000 would get vrrpd killed by the kernel). */
const rttime: Reader = (node, set, report) => {
  const text = argOf(node, report);
  if (text === undefined) return;
  const us = integerIn(text, 2, RTTIME_MAX_US);
  if (us === undefined) report.error(node, node.keyword, `'${text}' is not a whole number of microseconds 2..${RTTIME_MAX_US}; ignored`);
  else if (us < RTTIME_FLOOR_US) {
    report.warning(node, node.keyword, `${us} µs is too short for vrrpd (node's garbage collector and a reload run longer without blocking, and the kernel would kill the daemon); set to ${RTTIME_FLOOR_US}`);
    set("vrrp_rlimit_rttime", String(RTTIME_FLOOR_US));
  } else set("vrrp_rlimit_rttime", String(us));
};

const flag = (option: string): Reader => (node, set, report) => {
  const value = flagValue(node);
  if (value === undefined) report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not on/off (true/false, yes/no); ignored`);
  else set(option, value ? "1" : "0");
};

const address = (option: string, family: 4 | 6): Reader => (node, set, report) => {
  const text = argOf(node, report);
  if (text === undefined) return;
  const parsed = parseIpAddress(text, { family, multicast: true });
  if (parsed.ok) set(option, parsed.value);
  else report.error(node, node.keyword, `${parsed.error}; ignored (keepalived refuses it too)`);
};

const READERS: Readonly<Record<string, Reader>> = {
  router_id: (node, set, report) => {
    const text = argOf(node, report);
    if (text === undefined) return;
    if (/\s/.test(text) || isPlaceholder(text) || new TextEncoder().encode(text).length > 64) report.error(node, node.keyword, `'${text}' is not one word of at most 64 bytes; ignored`);
    else set("router_id", text);
  },
  vrrp_version: integer("vrrp_version", 2, 3),
  vrrp_rt_priority: integer("vrrp_rt_priority", 1, 99),
  vrrp_rlimit_rttime: rttime,
  vrrp_mcast_group4: address("vrrp_mcast_group4", 4),
  vrrp_mcast_group6: address("vrrp_mcast_group6", 6),
  vrrp_garp_master_delay: seconds("vrrp_garp_master_delay", 3_600_000, true),
  vrrp_garp_master_repeat: integer("vrrp_garp_master_repeat", 1, 255),
  vrrp_garp_master_refresh: seconds("vrrp_garp_master_refresh", 86_400_000, true),
  vrrp_garp_master_refresh_repeat: integer("vrrp_garp_master_refresh_repeat", 1, 255),
  vrrp_garp_lower_prio_delay: seconds("vrrp_garp_lower_prio_delay", 3_600_000, true),
  vrrp_garp_lower_prio_repeat: integer("vrrp_garp_lower_prio_repeat", 0, 255),
  vrrp_lower_prio_no_advert: flag("vrrp_lower_prio_no_advert"),
  vrrp_higher_prio_send_advert: flag("vrrp_higher_prio_send_advert"),
  v3_checksum_as_v2: flag("v3_checksum_as_v2"),
  vrrp_startup_delay: seconds("startup_delay", 3_600_000, false),
  enable_script_security: (_node, set) => set("enable_script_security", "1"),
  script_user: (node, set, report) => {
    const user = userGroup(node.args);
    if (user === undefined) report.error(node, node.keyword, "expects USER [GROUP]; ignored");
    else set("script_user", user);
  },
};

/** Reads every global_defs block. `enabled` is '0' only for an OpenWrt configuration whose service was disabled. */
export function importGlobals(blocks: readonly KeepalivedNode[], report: ImportReport, enabled = "1"): { draft: SectionDraft; context: GlobalContext } {
  const values = new Map<string, string>([["enabled", enabled]]);
  let strict = false;
  let smtpAlert: boolean | undefined;
  const recipients: string[] = [];
  const set = (option: string, value: string): void => void values.set(option, value);
  const add = (_option: string, value: string): void => void (recipients.includes(value) || recipients.push(value));
  for (const node of blocks.flatMap((b) => b.children ?? [])) {
    const reader = Object.hasOwn(READERS, node.keyword) ? READERS[node.keyword] : undefined;
    const mailReader = Object.hasOwn(MAIL_READERS, node.keyword) ? MAIL_READERS[node.keyword] : undefined;
    if (mailReader !== undefined) {
      if (node.keyword !== "notification_email") noBlock(node, report);
      mailReader(node, set, report, add);
    } else if (node.keyword === "smtp_alert" || node.keyword === "smtp_alert_vrrp") {
      // Not an option of its own: the default of every instance's and group's smtp_alert, written there.
      noBlock(node, report);
      const on = flagValue(node);
      if (on === undefined) report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not on/off (true/false, yes/no); ignored`);
      else if (node.keyword === "smtp_alert_vrrp" || smtpAlert === undefined) smtpAlert = on;
    } else if (reader !== undefined) {
      noBlock(node, report);
      reader(node, set, report);
    } else if (node.keyword === "vrrp_strict") {
      strict = true;
      report.warning(node, node.keyword, `not imported as a switch: its effects are written into each instance (${STRICT_MODE_EFFECTS}); vrrpd adds no firewall rules for it`);
    } else if (node.keyword === "vrrp_down_timer_adverts") {
      report.notImported(node, node.keyword, "vrrpd's master down timer is always 3 advert intervals (the RFC value); every router of a virtual router must agree, so set the others to 3 too");
    } else {
      reportOther(node, GLOBAL_NOT_IMPORTED, [...Object.keys(READERS), ...Object.keys(MAIL_READERS), "smtp_alert", "smtp_alert_vrrp", "vrrp_strict", "vrrp_down_timer_adverts"], "global_defs", report);
    }
  }
  const context: GlobalContext = { vrrpVersion: values.get("vrrp_version") === "3" ? 3 : 2, strict, smtpAlert };
  const options: [string, string | string[]][] = [...values];
  if (recipients.length > 0) options.push(["notification_email", recipients]);
  return { draft: { type: "globals", name: "globals", options }, context };
}
