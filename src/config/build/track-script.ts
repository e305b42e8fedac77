// `config track_script` to TrackScriptConfig (keepalived's vrrp_script defaults: interval 1 s, timeout =
// interval, weight 0, rise 1, fall 1; its track_file's weight defaults to 1).
import { boolOf, effectiveBool, effectiveNumber, numberOf, stringOf, stringsOf } from "../access.ts";
import type { Findings } from "../finding.ts";
import type { FileCheck, GlobalsConfig, HttpCheck, PingCheck, ProcessCheck, TcpCheck, TrackScriptConfig } from "../model.ts";
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
  const process = type === "process" ? processCheckOf(s, value, findings) : undefined;
  if (type === "process" && process === undefined) return undefined;
  const file = type === "file" ? fileCheckOf(s, value) : undefined;
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
    ...(file === undefined ? {} : { file }),
    intervalMs,
    timeoutMs,
    weight: numberOf(s, "weight") ?? (type === "file" ? 1 : 0),
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
const NEEDED: Readonly<Record<string, string>> = { script: "script", http: "url", ping: "host", tcp: "host", process: "process_name", file: "file" };

function fileCheckOf(s: ReadSection, path: string): FileCheck {
  const initValue = numberOf(s, "init_file");
  return { path, ...(initValue === undefined ? {} : { initValue }), initOverwrite: effectiveBool(s, "track_script", "init_file_overwrite", undefined) };
}

function processCheckOf(s: ReadSection, name: string, findings: Findings): ProcessCheck | undefined {
  const paramMatch = stringOf(s, "param_match");
  const quorumMax = numberOf(s, "quorum_max");
  const quorum = effectiveNumber(s, "track_script", "quorum", undefined);
  if (quorumMax !== undefined && quorumMax !== 0 && quorumMax < quorum) {
    findings.error(placeOf(s, "quorum_max"), `quorum_max ${quorumMax} is less than quorum ${quorum}: the check could never pass`);
    return undefined;
  }
  // keepalived: quorum_max 0 makes the quorum 0, so the check passes exactly while no such process runs.
  return { name, ...(paramMatch === undefined ? {} : { paramMatch }), quorum: quorumMax === 0 ? 0 : quorum, ...(quorumMax === undefined ? {} : { quorumMax }) };
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
