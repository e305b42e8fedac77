// `config track_script` to TrackScriptConfig (keepalived's vrrp_script defaults: interval 1 s, timeout =
// interval, weight 0, rise 1, fall 1).
import { boolOf, effectiveBool, effectiveNumber, numberOf, stringOf, stringsOf } from "../access.ts";
import type { Findings } from "../finding.ts";
import type { GlobalsConfig, HttpCheck, PingCheck, ProcessCheck, TcpCheck, TrackScriptConfig } from "../model.ts";
import { placeOf, type ReadSection } from "../read.ts";
import { formatSeconds, words } from "../values/scalar.ts";

export function buildTrackScript(s: ReadSection, globals: GlobalsConfig, findings: Findings): TrackScriptConfig | undefined {
  const type = stringOf(s, "type") ?? "script";
  const needed = NEEDED[type] ?? "script";
  const value = stringOf(s, needed);
  if (value === undefined) {
    // An invalid value is already reported; a missing one is not (the option is required for this type only).
    if (!s.invalid.has(needed)) findings.error(placeOf(s, needed), `required option '${needed}' is missing${type === "script" ? "" : ` (type '${type}')`}`);
    return undefined;
  }
  const http = type === "http" ? httpCheckOf(s, value) : undefined;
  const ping = type === "ping" ? pingCheckOf(s, findings) : undefined;
  if (type === "ping" && ping === undefined) return undefined;
  const process = type === "process" ? processCheckOf(s, value) : undefined;
  const tcp = type === "tcp" ? tcpCheckOf(s, findings) : undefined;
  if (type === "tcp" && tcp === undefined) return undefined;
  const script = type === "script" ? value : "";
  const n = (name: string): number => effectiveNumber(s, "track_script", name, undefined);
  const intervalMs = n("interval");
  const timeoutMs = numberOf(s, "timeout") ?? intervalMs;
  if (timeoutMs > intervalMs) {
    findings.warning(placeOf(s, "timeout"), `timeout ${formatSeconds(timeoutMs)} s is longer than interval ${formatSeconds(intervalMs)} s: a slow run delays the next one (runs never overlap)`);
  }
  const [user, group] = words(stringOf(s, "user") ?? "");
  const who = user === undefined ? { user: globals.scriptUser, group: globals.scriptGroup } : { user, group };
  return {
    name: s.name,
    script,
    ...(http === undefined ? {} : { http }),
    ...(ping === undefined ? {} : { ping }),
    ...(tcp === undefined ? {} : { tcp }),
    ...(process === undefined ? {} : { process }),
    intervalMs,
    timeoutMs,
    weight: n("weight"),
    reverse: boolOf(s, "reverse") ?? false,
    rise: n("rise"),
    fall: n("fall"),
    ...(who.user === undefined ? {} : { user: who.user }),
    ...(who.group === undefined ? {} : { group: who.group }),
    initFail: effectiveBool(s, "track_script", "init_fail", undefined),
    location: s.location,
  };
}

function httpCheckOf(s: ReadSection, url: string): HttpCheck {
  const digest = stringOf(s, "digest")?.toLowerCase();
  return {
    url,
    statusCode: effectiveNumber(s, "track_script", "status_code", undefined),
    ...(digest === undefined ? {} : { digest }),
    tlsVerify: effectiveBool(s, "track_script", "tls_verify", undefined),
  };
}

/** The option each type cannot do without. */
const NEEDED: Readonly<Record<string, string>> = { script: "script", http: "url", ping: "host", tcp: "host", process: "process_name" };

function processCheckOf(s: ReadSection, name: string): ProcessCheck {
  const paramMatch = stringOf(s, "param_match");
  return { name, ...(paramMatch === undefined ? {} : { paramMatch }), quorum: effectiveNumber(s, "track_script", "quorum", undefined) };
}

function tcpCheckOf(s: ReadSection, findings: Findings): TcpCheck | undefined {
  const port = numberOf(s, "port");
  if (port === undefined) {
    if (!s.invalid.has("port")) findings.error(placeOf(s, "port"), "required option 'port' is missing (type 'tcp')");
    return undefined;
  }
  const ping = pingCheckOf(s, findings);
  return ping === undefined ? undefined : { ...ping, port };
}

function pingCheckOf(s: ReadSection, findings: Findings): PingCheck | undefined {
  const hosts = stringsOf(s, "host").map((h) => h.value);
  const reliability = effectiveNumber(s, "track_script", "reliability", undefined);
  if (reliability > hosts.length) {
    findings.error(placeOf(s, "reliability"), `reliability ${reliability} is more than the ${hosts.length} host(s): the check could never pass`);
    return undefined;
  }
  return { hosts, reliability };
}
