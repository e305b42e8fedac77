// `config track_script` to TrackScriptConfig (keepalived's vrrp_script defaults: interval 1 s, timeout =
// interval, weight 0, rise 1, fall 1).
import { boolOf, effectiveBool, effectiveNumber, numberOf, stringOf } from "../access.ts";
import type { Findings } from "../finding.ts";
import type { GlobalsConfig, TrackScriptConfig } from "../model.ts";
import { placeOf, type ReadSection } from "../read.ts";
import { formatSeconds, words } from "../values/scalar.ts";

export function buildTrackScript(s: ReadSection, globals: GlobalsConfig, findings: Findings): TrackScriptConfig | undefined {
  const script = stringOf(s, "script");
  if (script === undefined) return undefined; // missing or invalid: already reported
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
