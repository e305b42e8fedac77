// The rest of `config instance`: tracking, gratuitous ARP tuning, notification and protocol knobs. The GARP and
// advert-behaviour options default to their `globals` vrrp_* counterpart, as keepalived's do.
import { HANDOVER_DESCRIPTION, HANDOVER_MODES } from "./handover.ts";
import type { OptionSpec } from "./types.ts";

/** A command line: run as argv, or by /bin/sh when it uses shell syntax (src/daemon/command.ts decides). */
export const COMMAND = { kind: "string", maxBytes: 4096, pattern: "\\S", patternHint: "a command" } as const;

const seconds = (minMs: number, maxMs: number, stepMs: number) => ({ kind: "duration", unit: "s", minMs, maxMs, stepMs }) as const;

/** notify_* options, shared with sync groups (the argument keepalived appends differs: INSTANCE vs GROUP). */
export function notifyOptions(subject: string): OptionSpec[] {
  const one = (state: string, when: string): OptionSpec => ({
    name: `notify_${state}`,
    type: COMMAND,
    description: `Command run when the ${subject} ${when}.`,
    keepalived: `notify_${state}`,
    luci: { tab: "notify", widget: "Value", modalOnly: true },
  });
  return [
    one("master", "becomes master"),
    one("backup", "becomes backup"),
    one("fault", "enters fault"),
    one("stop", "stops"),
    {
      name: "notify",
      type: COMMAND,
      description: `Command run on every transition of the ${subject}, with \`${subject === "sync group" ? "GROUP NAME STATE" : "INSTANCE NAME STATE PRIORITY"}\` appended.`,
      keepalived: "notify",
      luci: { tab: "notify", widget: "Value", modalOnly: true },
    },
    {
      name: "smtp_alert",
      type: { kind: "bool" },
      default: "0",
      description: `Send an e-mail alert (keepalived's subject and body) when the ${subject} changes state, to globals' notification_email through smtp_server.`,
      keepalived: "smtp_alert",
      luci: { tab: "notify", widget: "Flag", modalOnly: true },
    },
  ];
}

export const INSTANCE_EXTRA_OPTIONS: readonly OptionSpec[] = [
  {
    name: "track_interface",
    type: { kind: "track", target: "interface" },
    list: true,
    description:
      "Interface (logical network or device) whose link state counts: `NAME [weight N [reverse]]`. Weight 0 (default): fault while down; N > 0 adds while up; N < 0 subtracts while down. " +
      "A device that does not exist counts as down until it appears: with weight 0 the instance stays in Fault, with a weight the rule for down applies. " +
      "`vrrpd check-config` warns about a name that is neither a network nor a device on this machine.",
    keepalived: "track_interface",
    luci: { tab: "tracking", widget: "DynamicList", placeholder: "wan weight -20" },
  },
  {
    name: "track_script",
    type: { kind: "track", target: "track_script" },
    list: true,
    description: "A `track_script` section by name: `NAME [weight N [reverse]]`; without a weight the script's own weight applies.",
    keepalived: "track_script",
    luci: { tab: "tracking", widget: "DynamicList" },
  },
  {
    name: "garp_master_delay",
    type: seconds(0, 3_600_000, 1000),
    inherit: "vrrp_garp_master_delay",
    description: "Seconds after becoming master before the second gratuitous ARP / unsolicited NA burst (0 = none).",
    keepalived: "garp_master_delay",
    luci: { tab: "garp", widget: "Value" },
  },
  {
    name: "garp_master_repeat",
    type: { kind: "integer", min: 1, max: 255 },
    inherit: "vrrp_garp_master_repeat",
    description: "Frames per address in each burst.",
    keepalived: "garp_master_repeat",
    luci: { tab: "garp", widget: "Value" },
  },
  {
    name: "garp_master_refresh",
    type: seconds(0, 86_400_000, 1000),
    inherit: "vrrp_garp_master_refresh",
    description: "Seconds between gratuitous ARP refreshes while master (0 = off).",
    keepalived: "garp_master_refresh",
    luci: { tab: "garp", widget: "Value" },
  },
  {
    name: "garp_master_refresh_repeat",
    type: { kind: "integer", min: 1, max: 255 },
    inherit: "vrrp_garp_master_refresh_repeat",
    description: "Frames per address in each refresh.",
    keepalived: "garp_master_refresh_repeat",
    luci: { tab: "garp", widget: "Value" },
  },
  {
    name: "garp_lower_prio_delay",
    type: seconds(0, 3_600_000, 1000),
    inherit: "vrrp_garp_lower_prio_delay",
    description: "Minimum seconds between bursts answering a lower-priority master (split-brain healing).",
    keepalived: "garp_lower_prio_delay",
    luci: { tab: "garp", widget: "Value", modalOnly: true },
  },
  {
    name: "garp_lower_prio_repeat",
    type: { kind: "integer", min: 0, max: 255 },
    inherit: "vrrp_garp_lower_prio_repeat",
    description: "Frames per address in such a burst (0 = none).",
    keepalived: "garp_lower_prio_repeat",
    luci: { tab: "garp", widget: "Value", modalOnly: true },
  },
  {
    name: "lower_prio_no_advert",
    type: { kind: "bool" },
    inherit: "vrrp_lower_prio_no_advert",
    description: "Stay silent when a lower-priority master is heard (pre-RFC 9568); by default answer with an advert at once.",
    keepalived: "lower_prio_no_advert",
    luci: { tab: "advanced", widget: "Flag", modalOnly: true },
  },
  {
    name: "higher_prio_send_advert",
    type: { kind: "bool" },
    inherit: "vrrp_higher_prio_send_advert",
    description: "As master, send one advert before yielding to a higher priority, so the winner re-announces.",
    keepalived: "higher_prio_send_advert",
    luci: { tab: "advanced", widget: "Flag", modalOnly: true },
  },
  {
    name: "v3_checksum_as_v2",
    type: { kind: "bool" },
    inherit: "v3_checksum_as_v2",
    description: "VRRPv3 over IPv4: checksum without the IPv4 pseudo-header (for Cisco, Juniper, RFC 9568 peers).",
    keepalived: "v3_checksum_as_v2",
    luci: { tab: "advanced", widget: "Flag", modalOnly: true },
  },
  {
    name: "handover",
    type: { kind: "enum", values: HANDOVER_MODES },
    inherit: "handover",
    description: HANDOVER_DESCRIPTION,
    luci: { tab: "advanced", widget: "ListValue", modalOnly: true },
  },
  ...notifyOptions("instance"),
];
