// The e-mail alert options of `config globals` (keepalived's global_defs SMTP keywords, same names), plus what
// keepalived lacks: STARTTLS and AUTH. The password lives in its own root-only file, never in /etc/config/vrrp,
// which LuCI and `uci show` let any admin session read.
import type { OptionSpec } from "./types.ts";

const ONE_WORD = { kind: "string", maxBytes: 255, pattern: "^\\S+$", patternHint: "one word" } as const;

export const NOTIFICATION_OPTIONS: readonly OptionSpec[] = [
  {
    name: "notification_email",
    type: { kind: "string", maxBytes: 254, pattern: "^[^\\s@<>,]+@[^\\s@<>,]+$", patternHint: "an e-mail address" },
    list: true,
    description: "Recipient of the alerts of every instance and sync group with `smtp_alert '1'`. No recipient or no `smtp_server`: no mail.",
    keepalived: "notification_email",
    luci: { tab: "notifications", widget: "DynamicList", placeholder: "ops@example.com" },
  },
  {
    name: "notification_email_from",
    type: { kind: "string", maxBytes: 254, pattern: "^[^\\s@<>,]+@[^\\s@<>,]+$", patternHint: "an e-mail address" },
    defaultNote: "`root@` and the system hostname (keepalived: the daemon's user at the hostname)",
    description: "Sender address of the alerts.",
    keepalived: "notification_email_from",
    luci: { tab: "notifications", widget: "Value" },
  },
  {
    name: "smtp_server",
    type: { kind: "string", maxBytes: 261, pattern: "^\\S+( ([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?$", patternHint: "HOST or HOST PORT (1..65535)" },
    description: "Mail server: `HOST [PORT]` (port 25 by default, as keepalived; 465 means TLS from the first byte).",
    keepalived: "smtp_server",
    luci: { tab: "notifications", widget: "Value", placeholder: "192.0.2.25 25" },
  },
  {
    name: "smtp_helo_name",
    type: ONE_WORD,
    defaultNote: "the system hostname (keepalived: `localhost`)",
    description: "Name this router gives in EHLO/HELO.",
    keepalived: "smtp_helo_name",
    luci: { tab: "notifications", widget: "Value", modalOnly: true },
  },
  {
    name: "smtp_connect_timeout",
    type: { kind: "duration", unit: "s", minMs: 1000, maxMs: 3_600_000, stepMs: 1000 },
    default: "30",
    description: "Seconds an attempt may wait for the server (to connect, and for each reply) before it counts as failed and is retried later.",
    keepalived: "smtp_connect_timeout",
    luci: { tab: "notifications", widget: "Value", modalOnly: true },
  },
  {
    name: "smtp_starttls",
    type: { kind: "bool" },
    default: "0",
    description: "Require STARTTLS (the server's certificate is verified); without it mail goes in plain text, as keepalived sends it.",
    luci: { tab: "notifications", widget: "Flag", modalOnly: true },
  },
  {
    name: "smtp_username",
    type: { kind: "string", maxBytes: 255 },
    description: "User name for SMTP AUTH (PLAIN or LOGIN); needs `smtp_password_file`.",
    luci: { tab: "notifications", widget: "Value", modalOnly: true },
  },
  {
    name: "smtp_password_file",
    type: { kind: "string", maxBytes: 4096, pattern: "^/\\S*$", patternHint: "an absolute path" },
    description:
      "File holding the SMTP AUTH password (its first line). It must belong to root and be readable by root only (mode 0600 or 0400); otherwise vrrpd refuses to use it and logs why.",
    luci: { tab: "notifications", widget: "Value", modalOnly: true, placeholder: "/etc/vrrpd/smtp-password" },
  },
  {
    name: "no_email_faults",
    type: { kind: "bool" },
    default: "0",
    description: "Send no alert for a transition to fault.",
    keepalived: "no_email_faults",
    luci: { tab: "notifications", widget: "Flag", modalOnly: true },
  },
];
