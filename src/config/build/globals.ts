// `config globals` to GlobalsConfig. Absent section: every default.
import type { GarpConfig, Handover } from "../../vrrp/model.ts";
import { effectiveBool, effectiveNumber, effectiveString, stringOf, stringsOf } from "../access.ts";
import type { GlobalsConfig, LogLevel, MailSettings } from "../model.ts";
import type { ReadSection } from "../read.ts";
import { words } from "../values/scalar.ts";

/** The GARP defaults in effect, through globals' own chain (lower_prio_* default to master_*). */
export function garpOf(section: ReadSection | undefined, type: "globals" | "instance", globals: ReadSection | undefined): GarpConfig {
  const name = (option: string): string => (type === "globals" ? `vrrp_${option}` : option);
  const n = (option: string): number => effectiveNumber(section, type, name(option), globals);
  return {
    masterDelayMs: n("garp_master_delay"),
    masterRepeat: n("garp_master_repeat"),
    masterRefreshMs: n("garp_master_refresh"),
    masterRefreshRepeat: n("garp_master_refresh_repeat"),
    lowerPrioDelayMs: n("garp_lower_prio_delay"),
    lowerPrioRepeat: n("garp_lower_prio_repeat"),
  };
}

export function buildGlobals(g: ReadSection | undefined): GlobalsConfig {
  const bool = (name: string): boolean => effectiveBool(g, "globals", name, g);
  const num = (name: string): number => effectiveNumber(g, "globals", name, g);
  const str = (name: string): string => effectiveString(g, "globals", name, g);
  const routerId = g === undefined ? undefined : stringOf(g, "router_id");
  const [scriptUser, scriptGroup] = words((g === undefined ? undefined : stringOf(g, "script_user")) ?? "");
  return {
    enabled: bool("enabled"),
    ...(routerId === undefined ? {} : { routerId }),
    logLevel: str("log_level") as LogLevel,
    startupDelayMs: num("startup_delay"),
    hotplug: bool("hotplug"),
    controlSocket: str("control_socket"),
    ...(scriptUser === undefined ? {} : { scriptUser }),
    ...(scriptGroup === undefined ? {} : { scriptGroup }),
    enableScriptSecurity: bool("enable_script_security"),
    rtPriority: num("vrrp_rt_priority"),
    rlimitRttimeUs: num("vrrp_rlimit_rttime"),
    vrrpVersion: num("vrrp_version") === 3 ? 3 : 2,
    v3ChecksumAsV2: bool("v3_checksum_as_v2"),
    multicastGroup4: str("vrrp_mcast_group4"),
    multicastGroup6: str("vrrp_mcast_group6"),
    garp: garpOf(g, "globals", g),
    lowerPrioNoAdvert: bool("vrrp_lower_prio_no_advert"),
    higherPrioSendAdvert: bool("vrrp_higher_prio_send_advert"),
    handover: str("handover") as Handover,
    mail: mailOf(g),
  };
}

/** keepalived's default SMTP port. */
const SMTP_PORT = 25;

function mailOf(g: ReadSection | undefined): MailSettings {
  const text = (name: string): string | undefined => (g === undefined ? undefined : stringOf(g, name));
  const [host, port] = words(text("smtp_server") ?? "");
  const from = text("notification_email_from");
  const heloName = text("smtp_helo_name");
  const username = text("smtp_username");
  const passwordFile = text("smtp_password_file");
  return {
    recipients: g === undefined ? [] : stringsOf(g, "notification_email").map((r) => r.value),
    ...(from === undefined ? {} : { from }),
    ...(host === undefined ? {} : { server: { host, port: port === undefined ? SMTP_PORT : Number(port) } }),
    ...(heloName === undefined ? {} : { heloName }),
    connectTimeoutMs: effectiveNumber(g, "globals", "smtp_connect_timeout", g),
    starttls: effectiveBool(g, "globals", "smtp_starttls", g),
    ...(username === undefined ? {} : { username }),
    ...(passwordFile === undefined ? {} : { passwordFile }),
    noEmailFaults: effectiveBool(g, "globals", "no_email_faults", g),
  };
}
