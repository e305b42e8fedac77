// A completed vrrp_instance → `config instance` options, in the schema's order. keepalived's `interface` is a
// Linux device, so it becomes `device` (on OpenWrt, `option interface 'lan'` may replace it once checked).
import type { GlobalContext } from "./globals.ts";
import { importHandover } from "./handover.ts";
import type { Effective } from "./instance-rules.ts";
import type { KeepalivedInstance, TrackEntry } from "./instance-model.ts";
import type { ImportReport } from "./report.ts";
import type { ScriptRef } from "./script.ts";
import { describeTracked } from "./tracked-objects.ts";
import type { SectionDraft } from "./uci-draft.ts";
import { formatSeconds } from "./values.ts";

const NOTIFY_ORDER = ["notify_master", "notify_backup", "notify_fault", "notify_stop", "notify"];
const GARP_ORDER = ["garp_master_delay", "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat"];

/** Plain when nothing was written; else the weight and direction in effect, so vrrpd cannot read them otherwise. */
function trackText(name: string, t: TrackEntry, own?: ScriptRef): string {
  if (t.weight === undefined && t.reverse === undefined) return name;
  const weight = t.weight ?? own?.weight ?? 0;
  const reverse = t.reverse ?? own?.reverse ?? false;
  return `${name} weight ${weight}${reverse ? " reverse" : ""}`;
}

function trackScripts(k: KeepalivedInstance, scripts: ReadonlyMap<string, ScriptRef>, report: ImportReport): string[] {
  const out: string[] = [];
  for (const t of k.trackScripts) {
    const ref = scripts.get(t.name);
    if (ref === undefined) {
      report.warning(t.at, "track_script", `no ${describeTracked(t.name)} (or it was dropped); keepalived ignores this entry, and so does the import`);
      continue;
    }
    out.push(trackText(ref.uciName, t, ref));
  }
  return out;
}

export function emitInstance(
  k: KeepalivedInstance,
  e: Effective,
  globals: GlobalContext,
  scripts: ReadonlyMap<string, ScriptRef>,
  report: ImportReport,
): SectionDraft {
  const o: [string, string | string[]][] = [];
  if (k.device !== undefined) o.push(["device", k.device.value]);
  if (e.state !== undefined) o.push(["state", e.state]);
  if (k.vrid !== undefined) o.push(["virtual_router_id", String(k.vrid.value)]);
  o.push(["priority", String(e.priority)]);
  if (e.writeVersion) o.push(["version", String(e.version)]);
  if (e.advertMs !== 1000) o.push(["advert_int", formatSeconds(e.advertMs)]);
  if (e.nopreempt) o.push(["nopreempt", "1"]);
  if (e.preemptDelayMs > 0) o.push(["preempt_delay", formatSeconds(e.preemptDelayMs)]);
  if (!e.accept) o.push(["accept", "0"]);
  if (e.authPass !== undefined) o.push(["auth_type", "PASS"], ["auth_pass", e.authPass]);
  o.push(["virtual_ipaddress", k.vips.map((v) => v.text)]);
  o.push(["virtual_ipaddress_excluded", k.excludedVips.map((v) => v.text)]);
  o.push(["virtual_routes", [...k.routes]]);
  const peers = k.peers.filter((p) => {
    const family = p.address.includes(":") ? 6 : 4;
    if (family !== e.family) report.error(p.at, "unicast_peer", `${p.address} is IPv${family} but the instance is IPv${e.family}; skipped (keepalived refuses it too)`);
    return family === e.family;
  });
  if (k.source !== undefined) o.push([k.source.value.keyword, k.source.value.address]);
  o.push(["unicast_peer", peers.map((p) => p.address)]);
  o.push(["track_interface", k.trackInterfaces.map((t) => trackText(t.name, t))]);
  o.push(["track_script", trackScripts(k, scripts, report)]);
  for (const option of GARP_ORDER) {
    const written = k.garp.get(option);
    const forced = e.forced.get(option);
    if (forced !== undefined && written !== undefined && written.value !== forced) {
      report.warning(written.at, option, `strict mode: keepalived uses ${forced}, and so does the import`);
    }
    const value = forced ?? written?.value;
    if (value !== undefined) o.push([option, value]);
  }
  for (const option of ["lower_prio_no_advert", "higher_prio_send_advert", "v3_checksum_as_v2"] as const) {
    const forced = e.forced.get(option);
    const written = k.flags.get(option);
    if (forced !== undefined && written !== undefined && (written.value ? "1" : "0") !== forced) {
      report.warning(written.at, option, `strict mode: keepalived uses ${forced === "1" ? "on" : "off"}, and so does the import`);
    }
    const value = forced ?? (written === undefined ? undefined : written.value ? "1" : "0");
    if (value !== undefined) o.push([option, value]);
  }
  const handover = importHandover(k, e, report);
  if (handover !== undefined) o.push(["handover", handover]);
  for (const option of NOTIFY_ORDER) {
    const command = k.notify.get(option);
    if (command !== undefined) o.push([option, command.value]);
  }
  const smtp = k.flags.get("smtp_alert")?.value ?? globals.smtpAlert;
  if (smtp === true) o.push(["smtp_alert", "1"]);
  return { type: "instance", name: k.uciName, options: o };
}
