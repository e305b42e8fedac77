// `config track_script 'NAME'`: a health-check command (keepalived's vrrp_script). Instances list it by
// section name in their `track_script` option.
import { COMMAND } from "./instance-extra.ts";
import type { SectionSpec } from "./types.ts";

export const TRACK_SCRIPT: SectionSpec = {
  type: "track_script",
  description: "A health-check command. Exit status 0 is success; instances refer to it by section name.",
  keepalived: "vrrp_script",
  tabs: [{ name: "general", title: "General" }],
  options: [
    {
      name: "script",
      type: COMMAND,
      required: true,
      description: "Command to run; exit status 0 means up.",
      keepalived: "script",
      luci: { tab: "general", widget: "Value" },
    },
    {
      name: "interval",
      type: { kind: "duration", unit: "s", minMs: 10, maxMs: 86_400_000, stepMs: 1 },
      default: "1",
      description: "Seconds between the starts of two runs (a run still going is never overlapped).",
      keepalived: "interval",
      luci: { tab: "general", widget: "Value" },
    },
    {
      name: "timeout",
      type: { kind: "duration", unit: "s", minMs: 10, maxMs: 86_400_000, stepMs: 1 },
      defaultNote: "the interval",
      description: "Seconds after which a run is killed and counts as a failure.",
      keepalived: "timeout",
      luci: { tab: "general", widget: "Value" },
    },
    {
      name: "weight",
      type: { kind: "integer", min: -253, max: 253 },
      default: "0",
      description: "Default weight where an instance lists the script without one: 0 = fault while down, N > 0 adds while up, N < 0 subtracts while down.",
      keepalived: "weight",
      luci: { tab: "general", widget: "Value" },
    },
    {
      name: "reverse",
      type: { kind: "bool" },
      default: "0",
      description: "Swap up and down for the weight rules (keepalived's `weight N reverse`).",
      keepalived: "weight N reverse",
      luci: { tab: "general", widget: "Flag", modalOnly: true },
    },
    {
      name: "rise",
      type: { kind: "integer", min: 1, max: 1000 },
      default: "1",
      description: "Consecutive successes needed to go from down to up.",
      keepalived: "rise",
      luci: { tab: "general", widget: "Value" },
    },
    {
      name: "fall",
      type: { kind: "integer", min: 1, max: 1000 },
      default: "1",
      description: "Consecutive failures needed to go from up to down.",
      keepalived: "fall",
      luci: { tab: "general", widget: "Value" },
    },
    {
      name: "user",
      type: { kind: "string", maxBytes: 64, pattern: "^\\S+( \\S+)?$", patternHint: "USER or USER GROUP" },
      defaultNote: "`globals.script_user`",
      description: "User (and group) the script runs as.",
      keepalived: "user",
      luci: { tab: "general", widget: "Value", modalOnly: true },
    },
    {
      name: "init_fail",
      type: { kind: "bool" },
      default: "0",
      description: "Start as down instead of unknown until the first result.",
      keepalived: "init_fail",
      luci: { tab: "general", widget: "Flag", modalOnly: true },
    },
  ],
};
