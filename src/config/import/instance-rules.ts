// keepalived's vrrp_complete_instance(): the settings it derives or clears once the whole instance is read. The
// import applies them and writes the result explicitly, so /etc/config/vrrp says what keepalived actually ran,
// and every change is reported at the line it concerns.
import type { IpFamily } from "../../lib/ip.ts";
import type { GlobalContext } from "./globals.ts";
import type { KeepalivedInstance } from "./instance-model.ts";
import type { ImportReport, Where } from "./report.ts";
import { formatSeconds } from "./values.ts";

/** What keepalived's strict mode changes, as the import writes it (for the vrrp_strict and strict_mode notes). */
export const STRICT_MODE_EFFECTS =
  "accept '0', lower_prio_no_advert '1', no lower-priority GARP, no authentication, no preempt_delay, and handover 'strict' (addresses released at once on stepping down)";

export interface Effective {
  readonly family: IpFamily;
  readonly version: 2 | 3;
  /** Written only when given in the file or changed by a rule; otherwise the globals default applies. */
  readonly writeVersion: boolean;
  readonly priority: number;
  readonly state: "MASTER" | "BACKUP" | undefined;
  readonly nopreempt: boolean;
  readonly preemptDelayMs: number;
  readonly accept: boolean;
  readonly authPass: string | undefined;
  readonly advertMs: number;
  readonly strict: boolean;
  /** garp_* and boolean options strict mode forces. */
  readonly forced: ReadonlyMap<string, string>;
}

/** keepalived rounds the interval to what the version can carry: whole seconds (v2) or centiseconds (v3). */
function advertInterval(k: KeepalivedInstance, version: 2 | 3, report: ImportReport): number {
  const written = k.advertMs;
  if (written === undefined) return 1000;
  let ms = written.value;
  if (version === 2) ms = Math.min(255_000, Math.max(1000, Math.round(ms / 1000) * 1000));
  else ms = Math.min(40_950, Math.max(10, Math.round(ms / 10) * 10));
  if (ms !== written.value) {
    report.warning(written.at, "advert_int", `${formatSeconds(written.value)} s cannot be carried by VRRPv${version}: keepalived uses ${formatSeconds(ms)} s, and so does the import`);
  }
  return ms;
}

function authentication(k: KeepalivedInstance, version: 2 | 3, strict: boolean, report: ImportReport): string | undefined {
  const type = k.authType;
  const pass = k.authPass;
  if (type === undefined) {
    if (pass !== undefined) report.warning(pass.at, "auth_pass", "no auth_type: keepalived sends no authentication, and neither does the import");
    return undefined;
  }
  const drop = (why: string): undefined => void report.warning(type.at, "auth_type", `${why}; keepalived ignores the authentication block, and so does the import`);
  if (strict) return drop("strict mode");
  if (version === 3) return drop("VRRPv3 has no authentication");
  if (pass === undefined) return drop("no auth_pass");
  if (type.value === "AH") {
    report.notImported(type.at, "auth_type", "vrrpd has no IPsec AH authentication: peers using AH will refuse vrrpd's adverts; use PASS or none on every router", "error");
    return undefined;
  }
  return pass.value;
}

export function completeInstance(k: KeepalivedInstance, globals: GlobalContext, report: ImportReport): Effective {
  const strict = k.strict?.value ?? globals.strict;
  const family = k.family ?? 4;
  let version = k.version?.value ?? (family === 6 ? 3 : globals.vrrpVersion);
  let writeVersion = k.version !== undefined;
  if (family === 6 && version === 2) {
    const at = k.version?.at ?? k.at;
    if (strict) report.warning(at, "version", "strict mode runs IPv6 instances as VRRPv3; written as version 3");
    else report.error(at, "version", "keepalived would send VRRPv2 over IPv6 (outside any RFC); vrrpd cannot: written as version 3, so peers must run VRRPv3 too");
    version = 3;
    writeVersion = true;
  }
  if (k.vips.length === 0 && (version === 3 || family === 6 || strict)) {
    report.error(k.at, "virtual_ipaddress", "no virtual address: keepalived refuses this instance (VRRPv3, IPv6 and strict mode need at least one)");
  }
  if (strict && k.peers.length > 0) report.error(k.peers[0]?.at ?? k.at, "unicast_peer", "strict mode refuses unicast peers: keepalived refuses this instance");
  if (k.device === undefined) report.error(k.at, "interface", "no interface: vrrpd needs one (keepalived used its default_interface, eth0, for addresses without one)");
  if (k.vrid === undefined) report.error(k.at, "virtual_router_id", "no VRID: keepalived refuses this instance; set virtual_router_id in the output");

  let priority = k.priority?.value;
  if (priority === undefined) {
    priority = k.state?.value === "MASTER" ? 255 : 100;
    if (priority === 255) {
      report.warning(k.state?.at ?? k.at, "state", "no priority: keepalived makes a MASTER instance the address owner (priority 255); written explicitly as priority '255' (set a lower priority such as 150 unless this router owns the addresses)");
    }
  }
  let state = k.state?.value;
  const owner = priority === 255;
  if (strict && state !== undefined && (state === "MASTER") !== owner) {
    report.warning(k.state?.at ?? k.at, "state", `strict mode: state must match being the address owner; keepalived uses ${owner ? "MASTER" : "BACKUP"}, and so does the import`);
    state = owner ? "MASTER" : "BACKUP";
  }
  let nopreempt = k.nopreempt?.value ?? false;
  let delay = k.preemptDelayMs?.value ?? 0;
  const at = (r: { readonly at: Where } | undefined): Where => r?.at ?? k.at;
  if (nopreempt && owner) {
    report.warning(at(k.nopreempt), "nopreempt", "ignored: the address owner (priority 255) always preempts; keepalived resets it, and so does the import");
    nopreempt = false;
  }
  if (state === "MASTER" && nopreempt) {
    report.warning(at(k.nopreempt), "nopreempt", "ignored: it does not work with state MASTER, keepalived clears it (\"nopreempt will not work with initial state MASTER\"), and so does the import; use state BACKUP on every router");
    nopreempt = false;
  }
  if (delay > 0) {
    const why = state === "MASTER" ? "it does not work with state MASTER" : strict ? "strict mode forbids it" : nopreempt ? "it has no effect with nopreempt" : undefined;
    if (why !== undefined) {
      report.warning(at(k.preemptDelayMs), "preempt_delay", `ignored: ${why}; keepalived clears it, and so does the import`);
      delay = 0;
    }
  }
  let accept = k.accept?.value ?? !strict;
  if (accept && strict && !owner && version === 2 && k.accept !== undefined) {
    report.warning(k.accept.at, "accept", "strict mode: accept mode does not comply with RFC 3768 for VRRPv2; keepalived resets it, and so does the import");
    accept = false;
  }
  const forced = new Map<string, string>();
  if (strict) {
    for (const [option, value] of [["garp_lower_prio_repeat", "0"], ["garp_lower_prio_delay", "0"], ["lower_prio_no_advert", "1"], ["higher_prio_send_advert", "0"]] as const) {
      forced.set(option, value);
    }
  }
  return {
    family,
    version,
    writeVersion,
    priority,
    state,
    nopreempt,
    preemptDelayMs: delay,
    accept,
    authPass: authentication(k, version, strict, report),
    advertMs: advertInterval(k, version, report),
    strict,
    forced,
  };
}
