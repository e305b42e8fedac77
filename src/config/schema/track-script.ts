// `config track_script 'NAME'`: a health check — a command (keepalived's vrrp_script) or, with `type`, a check
// vrrpd runs itself without forking (an HTTP(S) request). Instances list it by section name in their
// `track_script` option; interval, timeout, rise, fall and weight mean the same for every type.
import { COMMAND } from "./instance-extra.ts";
import type { SectionSpec } from "./types.ts";

/** The kinds of check; every one but `script` runs inside the daemon. */
export const TRACK_TYPES = ["script", "http", "ping", "tcp", "process"] as const;

export const TRACK_SCRIPT: SectionSpec = {
  type: "track_script",
  description: "A health check: a command (exit status 0 is success) or a native check vrrpd runs itself (`type`). Instances refer to it by section name.",
  keepalived: "vrrp_script",
  tabs: [{ name: "general", title: "General" }],
  options: [
    {
      name: "type",
      type: { kind: "enum", values: TRACK_TYPES },
      default: "script",
      description:
        "`script`: run `script`. `http`: request `url` (http:// or https://) and expect `status_code` (and the body's `digest`), without forking a curl. `ping`: one ICMP/ICMPv6 echo to each `host` per run (a raw socket, no ping forked), up when `reliability` of them answer. `tcp`: connect to `port` on each `host` (keepalived's TCP_CHECK, `nc -z`), up when `reliability` of them accept. `process`: up while at least `quorum` processes named `process_name` run (read from /proc, no pidof). A check still unanswered at `timeout` is cut and counts as a failure.",
      luci: { tab: "general", widget: "ListValue" },
    },
    {
      name: "script",
      type: COMMAND,
      description: "Command to run; exit status 0 means up. Required with `type 'script'`.",
      keepalived: "script",
      luci: { tab: "general", widget: "Value" },
    },
    {
      name: "url",
      type: { kind: "string", maxBytes: 2048, pattern: "^https?://\\S+$", patternHint: "an http:// or https:// URL" },
      description: "`type 'http'`: the URL to GET. Required with that type.",
      keepalived: "HTTP_GET url path",
      luci: { tab: "general", widget: "Value", placeholder: "http://192.0.2.10/health" },
    },
    {
      name: "status_code",
      type: { kind: "integer", min: 100, max: 599 },
      default: "200",
      description: "`type 'http'`: the status code that means up.",
      keepalived: "HTTP_GET url status_code",
      luci: { tab: "general", widget: "Value", modalOnly: true },
    },
    {
      name: "digest",
      type: { kind: "string", maxBytes: 32, pattern: "^[0-9a-fA-F]{32}$", patternHint: "32 hex digits (MD5)" },
      description: "`type 'http'`: MD5 of the body that means up, as keepalived's `genhash` prints it; unset, the body is not checked.",
      keepalived: "HTTP_GET url digest",
      luci: { tab: "general", widget: "Value", modalOnly: true },
    },
    {
      name: "host",
      type: { kind: "ip" },
      list: true,
      description: "`type 'ping'` and `type 'tcp'`: an address to check (IPv4 or IPv6). Required with those types.",
      luci: { tab: "general", widget: "DynamicList", placeholder: "198.51.100.1" },
    },
    {
      name: "process_name",
      type: { kind: "string", maxBytes: 255, pattern: "^\\S+$", patternHint: "one word" },
      description: "`type 'process'`: the process name (its /proc comm, or argv[0] without the path). Required with that type.",
      keepalived: "vrrp_track_process process",
      luci: { tab: "general", widget: "Value", modalOnly: true },
    },
    {
      name: "param_match",
      type: { kind: "string", maxBytes: 1024 },
      description: "`type 'process'`: only processes whose arguments contain this text count.",
      keepalived: "vrrp_track_process param_match",
      luci: { tab: "general", widget: "Value", modalOnly: true },
    },
    {
      name: "quorum",
      type: { kind: "integer", min: 1, max: 65535 },
      default: "1",
      description: "`type 'process'`: how many such processes must run for the check to pass.",
      keepalived: "vrrp_track_process quorum",
      luci: { tab: "general", widget: "Value", modalOnly: true },
    },
    {
      name: "port",
      type: { kind: "integer", min: 1, max: 65535 },
      description: "`type 'tcp'`: the TCP port to connect to. Required with that type.",
      keepalived: "TCP_CHECK connect_port",
      luci: { tab: "general", widget: "Value", modalOnly: true },
    },
    {
      name: "reliability",
      type: { kind: "integer", min: 1, max: 64 },
      default: "1",
      description: "`type 'ping'` and `type 'tcp'`: how many of the hosts must answer for the check to pass (mwan3's `reliability`).",
      luci: { tab: "general", widget: "Value", modalOnly: true },
    },
    {
      name: "tls_verify",
      type: { kind: "bool" },
      default: "1",
      description: "`type 'http'` with an https:// URL: verify the server's certificate. '0' accepts any certificate (a self-signed one on a LAN server).",
      luci: { tab: "general", widget: "Flag", modalOnly: true },
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
