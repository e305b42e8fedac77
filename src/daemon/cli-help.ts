// The usage text of every `vrrpd` command, and the "did you mean" hint for a mistyped one. One place, so
// `vrrpd --help`, `vrrpd help COMMAND`, `vrrpd COMMAND --help` and the man page (scripts) say the same.
import { IMPORT_USAGE } from "./import-cli.ts";

/** Per command: its synopsis (after "usage: ") and what it does, option by option. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  run: `vrrpd run [-c PATH] [--control-socket PATH] [--ubus-socket PATH]
  Runs the daemon in the foreground; procd (OpenWrt) or systemd supervises it. Logs go to stderr.
  SIGHUP reloads the configuration, SIGTERM stops (priority 0 first, so the backup takes over at once).
  -c PATH                 the configuration (see "configuration paths" in vrrpd --help)
  --control-socket PATH   the socket of the status and control commands (default /run/vrrpd/control.sock)
  --ubus-socket PATH      ubusd's socket (OpenWrt; without ubusd the daemon runs without ubus)`,
  "check-config": `vrrpd check-config [-c PATH]
  Validates the configuration and warns about devices this machine lacks; exit 1 on errors.
  Also spelled vrrpd -t.`,
  import: IMPORT_USAGE.replace(/^usage: /, "").trimEnd(),
  version: `vrrpd version
  Prints the version. Also spelled vrrpd --version.`,
  status: `vrrpd status [--json] [INSTANCE]
  Shows state, priorities, masters, virtual addresses and the last transitions of the running daemon.`,
  switchover: `vrrpd switchover INSTANCE [--hold-off S]
  Hands mastership to the peer; no preempting back for S seconds (default 60).`,
  "set-priority": `vrrpd set-priority INSTANCE PRIO|none
  Overrides the priority at run time (1..255), or clears the override.`,
  "reset-counters": `vrrpd reset-counters [INSTANCE]
  Zeroes the statistics.`,
  reload: `vrrpd reload
  Re-reads the configuration (same as SIGHUP); an invalid one is rejected whole and the running one stays.`,
  handoff: `vrrpd handoff [--within S]
  Before a restart or upgrade: the next stop within S seconds (default 60) leaves mastership to the daemon
  started next, not to the backup.`,
  help: `vrrpd help [COMMAND]
  Prints the usage of every command, or of one.`,
};

export const COMMANDS: readonly string[] = Object.keys(COMMAND_HELP);

/** Status and control commands reach a running daemon over its control socket. */
const CONTROL_NOTE = `status and control commands take --control-socket PATH and exit 0 done, 1 refused by the daemon,
2 usage error, 3 daemon not reachable.`;

export function usage(paths: { readonly config: string; readonly note: string }): string {
  // The synopsis, then the first sentence of the description.
  const synopsis = (name: string): string => {
    const [first = "", second = ""] = (COMMAND_HELP[name] ?? "").split("\n");
    return `  ${first.replace(/^vrrpd /, "")}\n      ${second.trim().replace(/(?<=\.) .*$/, "")}`;
  };
  return `usage: vrrpd <command> [options]

daemon:
${["run", "check-config", "import", "version", "help"].map(synopsis).join("\n")}

status and control (talk to the running daemon):
${["status", "switchover", "set-priority", "reset-counters", "reload", "handoff"].map(synopsis).join("\n")}

vrrpd help COMMAND (or vrrpd COMMAND --help) says more about one command.
${CONTROL_NOTE}

configuration paths: -c PATH, else ${paths.config} (${paths.note}).
`;
}

export function commandUsage(command: string): string | undefined {
  const text = COMMAND_HELP[command];
  return text === undefined ? undefined : `usage: ${text}\n`;
}

/** Levenshtein distance, for the suggestion only (command names are short). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The closest command within two edits (or one that starts with what was typed), if any. */
export function suggestCommand(typed: string): string | undefined {
  const prefixed = COMMANDS.filter((c) => typed.length >= 3 && c.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  let best: { name: string; d: number } | undefined;
  for (const name of COMMANDS) {
    const d = distance(typed, name);
    if (d <= 2 && (best === undefined || d < best.d)) best = { name, d };
  }
  return best?.name;
}

export function unknownCommand(typed: string): string {
  const suggestion = suggestCommand(typed);
  return `vrrpd: unknown command "${typed}"${suggestion ? `; did you mean "${suggestion}"?` : ""}\nrun "vrrpd --help" for the list of commands\n`;
}
