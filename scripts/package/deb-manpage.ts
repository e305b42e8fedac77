// vrrpd(8) for the Debian package, from the same sources as `vrrpd --help` (src/daemon/cli-help.ts) and
// docs/configuration.md (the schema), so the three cannot drift apart. Plain man(7) macros, which groff and
// mandoc both render.
import { COMMAND_HELP } from "../../src/daemon/cli-help.ts";
import { LINUX_PLATFORM_PATHS, OPENWRT_PLATFORM_PATHS } from "../../src/daemon/paths.ts";
import { SCHEMA, SECTION_TYPES, type OptionSpec } from "../../src/config/schema.ts";
import { typeText } from "../config-docs.ts";

/** Text for roff: backslashes escaped, no line starting with a control character, Markdown backticks dropped. */
function roff(text: string): string {
  return text
    .replaceAll("\\", "\\e")
    .replaceAll("`", "")
    .replaceAll("-", "\\-")
    .split("\n")
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join("\n");
}

function defaultOf(o: OptionSpec): string {
  if (o.default !== undefined) return `default ${o.default}`;
  if (o.inherit !== undefined) return `default globals.${o.inherit}`;
  if (o.defaultNote !== undefined) return `default: ${o.defaultNote}`;
  return o.required === true ? "required" : "unset by default";
}

function commandSection(name: string): string {
  const [synopsis = "", ...body] = (COMMAND_HELP[name] ?? "").split("\n");
  return `.TP\n.B ${roff(synopsis)}\n${body.map((l) => roff(l.trim())).join("\n.br\n")}`;
}

function configSection(): string {
  return SECTION_TYPES.map((type) => {
    const s = SCHEMA[type];
    const options = s.options.map((o) => `.TP\n.B ${o.list === true ? "list" : "option"} ${roff(o.name)}\n${roff(`${typeText(o.type)}; ${defaultOf(o)}. ${o.description}`)}`);
    return `.SS config ${roff(s.type)}\n${roff(s.description)}\n${options.join("\n")}`;
  }).join("\n");
}

export function renderManPage(version: string, date: string): string {
  const linux = LINUX_PLATFORM_PATHS;
  const openwrt = OPENWRT_PLATFORM_PATHS;
  return `.TH VRRPD 8 "${date}" "vrrpd ${roff(version)}" "System Administration"
.SH NAME
vrrpd \\- VRRP (v2/v3, IPv4/IPv6) failover daemon
.SH SYNOPSIS
.B vrrpd
.I command
.RI [ options ]
.SH DESCRIPTION
vrrpd moves virtual addresses between two or more machines with VRRP (RFC 3768, RFC 9568).
It reads a UCI file whose option names are keepalived's; \\fBvrrpd import\\fR translates a keepalived.conf.
Under systemd it runs as vrrpd.service (Type=notify); \\fBsystemctl status vrrpd\\fR shows a one\\-line state summary
and \\fBjournalctl \\-u vrrpd\\fR its log.
.SH COMMANDS
${Object.keys(COMMAND_HELP).map(commandSection).join("\n")}
.SH SIGNALS
.TP
.B SIGHUP
re\\-read the configuration; an invalid one is rejected and the running one stays.
.TP
.B SIGTERM
stop: priority 0 first, so the backup takes over at once (or hand off, after \\fBvrrpd handoff\\fR).
.SH FILES
.TP
.I ${roff(linux.config)}
the configuration (on OpenWrt: ${roff(openwrt.config)}, chosen when ${roff("/etc/openwrt_release")} exists).
.TP
.I ${roff(linux.hotplugDir)}/
scripts run with /bin/sh on every state change (on OpenWrt: ${roff(openwrt.hotplugDir)}/).
.TP
.I ${roff(linux.userHook)}
run with /bin/sh on every state change, after those (on OpenWrt: ${roff(openwrt.userHook)}).
.TP
.I ${roff(linux.controlSocket)}
the control socket of the status and control commands.
.SH CONFIGURATION
${configSection()}
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1),
.BR keepalived (8)
`;
}
