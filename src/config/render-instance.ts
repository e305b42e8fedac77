// One core InstanceConfig (+ its meta) back to `config instance` options: the inverse of build/instance.ts.
// Options equal to what they would default to are left out, so an imported file reads like a hand-written one.
import type { InstanceConfig, VirtualAddress, VirtualRoute } from "../vrrp/model.ts";
import { PRIORITY_OWNER } from "../vrrp/model.ts";
import type { GlobalsConfig, InstanceMeta, NotifyScripts, TrackScriptConfig } from "./model.ts";
import { formatSeconds } from "./values/scalar.ts";

/** Options in order: a string is `option`, an array is `list`. */
export type RenderedOptions = [string, string | string[]][];

export function vipText(v: VirtualAddress): string {
  const words = [`${v.address}/${v.prefixLength}`];
  if (v.device !== undefined) words.push("dev", v.device);
  if (v.label !== undefined) words.push("label", v.label);
  if (v.scope !== undefined) words.push("scope", v.scope);
  if (v.broadcast !== undefined) words.push("brd", v.broadcast);
  return words.join(" ");
}

export function routeText(r: VirtualRoute): string {
  const words: string[] = [];
  if (r.type !== undefined && r.type !== "unicast") words.push(r.type);
  words.push(r.destination);
  if (r.gateway !== undefined) words.push("via", r.gateway);
  if (r.device !== undefined) words.push("dev", r.device);
  if (r.source !== undefined) words.push("src", r.source);
  if (r.metric !== undefined) words.push("metric", String(r.metric));
  if (r.table !== undefined) words.push("table", String(r.table));
  return words.join(" ");
}

export function notifyOptions(n: NotifyScripts | undefined): RenderedOptions {
  const out: RenderedOptions = [];
  const pairs = [["notify_master", n?.master], ["notify_backup", n?.backup], ["notify_fault", n?.fault], ["notify_stop", n?.stop], ["notify", n?.any]] as const;
  for (const [option, command] of pairs) if (command !== undefined) out.push([option, command]);
  return out;
}

const flag = (on: boolean): string => (on ? "1" : "0");

export function renderInstance(
  c: InstanceConfig,
  meta: Partial<InstanceMeta> | undefined,
  globals: GlobalsConfig,
  scripts: Readonly<Record<string, Pick<TrackScriptConfig, "weight" | "reverse">>>,
  notes: string[],
): RenderedOptions {
  const o: RenderedOptions = [];
  const logical = meta?.logicalInterface ?? (meta?.device === undefined ? c.interface : undefined);
  if (logical !== undefined) o.push(["interface", logical]);
  if (meta?.device !== undefined) o.push(["device", meta.device]);
  o.push(["virtual_router_id", String(c.vrid)], ["priority", String(c.priority)]);
  const derivedState = c.priority === PRIORITY_OWNER ? "master" : "backup";
  if (c.initialState !== derivedState) o.push(["state", c.initialState.toUpperCase()]);
  o.push(["version", String(c.version)]);
  if (c.advertIntervalMs !== 1000) o.push(["advert_int", formatSeconds(c.advertIntervalMs)]);
  if (!c.preempt) o.push(["nopreempt", "1"]);
  if (c.preemptDelayMs > 0) o.push(["preempt_delay", formatSeconds(c.preemptDelayMs)]);
  if (!c.acceptMode) o.push(["accept", "0"]);
  if (c.authType === 1) o.push(["auth_type", "PASS"], ["auth_pass", c.authPassword]);
  const advertised = c.virtualAddresses.filter((v) => v.excluded !== true).map(vipText);
  const excluded = c.virtualAddresses.filter((v) => v.excluded === true).map(vipText);
  if (advertised.length > 0) o.push(["virtual_ipaddress", advertised]);
  if (excluded.length > 0) o.push(["virtual_ipaddress_excluded", excluded]);
  if (c.virtualRoutes.length > 0) o.push(["virtual_routes", c.virtualRoutes.map(routeText)]);
  if (c.unicastPeers.length > 0) o.push(["unicast_peer", [...c.unicastPeers]]);
  if (c.sourceAddress !== undefined) o.push([c.unicastPeers.length > 0 ? "unicast_src_ip" : "mcast_src_ip", c.sourceAddress]);
  const group = c.family === 4 ? globals.multicastGroup4 : globals.multicastGroup6;
  if (c.multicastGroup !== group) notes.push(`${c.name}: multicast group ${c.multicastGroup} differs from globals (${group}); /etc/config/vrrp sets it in globals only`);
  if (c.downTimerAdverts !== 3) notes.push(`${c.name}: down_timer_adverts ${c.downTimerAdverts} has no UCI option; 3 is used`);
  const g = globals.garp;
  const garp = [
    ["garp_master_delay", c.garp.masterDelayMs, g.masterDelayMs, true],
    ["garp_master_repeat", c.garp.masterRepeat, g.masterRepeat, false],
    ["garp_master_refresh", c.garp.masterRefreshMs, g.masterRefreshMs, true],
    ["garp_master_refresh_repeat", c.garp.masterRefreshRepeat, g.masterRefreshRepeat, false],
    ["garp_lower_prio_delay", c.garp.lowerPrioDelayMs, g.lowerPrioDelayMs, true],
    ["garp_lower_prio_repeat", c.garp.lowerPrioRepeat, g.lowerPrioRepeat, false],
  ] as const;
  for (const [option, value, inherited, ms] of garp) if (value !== inherited) o.push([option, ms ? formatSeconds(value) : String(value)]);
  const interfaces: string[] = [];
  const trackScripts: string[] = [];
  for (const t of c.tracks) {
    const colon = t.id.indexOf(":");
    const kind = t.id.slice(0, colon);
    const name = t.id.slice(colon + 1);
    const script = kind === "script" && Object.hasOwn(scripts, name) ? scripts[name] : undefined;
    const plain = kind === "interface" ? t.weight === 0 && !t.reverse : script !== undefined && script.weight === t.weight && script.reverse === t.reverse;
    const text = plain ? name : `${name} weight ${t.weight}${t.reverse ? " reverse" : ""}`;
    if (kind === "interface") interfaces.push(text);
    else if (kind === "script") trackScripts.push(text);
    else notes.push(`${c.name}: tracked object '${t.id}' has no UCI form; dropped`);
  }
  if (interfaces.length > 0) o.push(["track_interface", interfaces]);
  if (trackScripts.length > 0) o.push(["track_script", trackScripts]);
  if (c.lowerPrioNoAdvert !== globals.lowerPrioNoAdvert) o.push(["lower_prio_no_advert", flag(c.lowerPrioNoAdvert)]);
  if (c.higherPrioSendAdvert !== globals.higherPrioSendAdvert) o.push(["higher_prio_send_advert", flag(c.higherPrioSendAdvert)]);
  if (c.handover !== globals.handover) o.push(["handover", c.handover]);
  const asV2 = c.v3Ipv4Checksum === "message-only";
  if (asV2 !== globals.v3ChecksumAsV2) o.push(["v3_checksum_as_v2", flag(asV2)]);
  o.push(...notifyOptions(meta?.notify));
  if (meta?.smtpAlert === true) o.push(["smtp_alert", "1"]);
  return o;
}
