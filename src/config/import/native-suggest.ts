// A vrrp_script that only fetches a URL with curl or wget can be a native check (track_script `type 'http'`):
// the same test without forking a process every interval. The import keeps the script as written and says how
// to switch, because the two differ at the edges (curl without -f is up on any status; the native check wants
// status_code, 200 by default).
import { parseIpAddress, words } from "../values/scalar.ts";

/** Options of curl/wget that take a value (so the next word is not the URL). */
const WITH_VALUE = new Set(["-o", "-O", "-m", "--max-time", "--connect-timeout", "-T", "--timeout", "-t", "--tries", "-w", "--write-out", "-A", "--user-agent"]);
const INSECURE = new Set(["-k", "--insecure", "--no-check-certificate"]);

/**
 * The words of `command` when it runs one of `tools` with no shell logic around it (pipes, lists, redirections
 * other than to /dev/null, substitutions): a command the native check can replace. The tool's own name is words[0].
 */
function plainCommand(command: string, tools: readonly string[]): string[] | undefined {
  if (/[|;&<>$`(){}]/.test(command.replace(/\s\/dev\/null\b/g, ""))) return undefined; // shell logic: keep the script
  const all = words(command);
  return tools.includes(all[0]?.split("/").pop() ?? "") ? all : undefined;
}

/** The UCI lines of the equivalent native check, or undefined when the command is more than one plain fetch. */
export function nativeHttpSuggestion(command: string): string | undefined {
  const words = plainCommand(command, ["curl", "wget"]);
  if (words === undefined) return undefined;
  let url: string | undefined;
  let insecure = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? "";
    if (/^https?:\/\/\S+$/.test(w)) {
      if (url !== undefined) return undefined; // two URLs: not one check
      url = w.replace(/^['"]|['"]$/g, "");
    } else if (INSECURE.has(w)) insecure = true;
    else if (WITH_VALUE.has(w)) i++;
    else if (!w.startsWith("-")) return undefined;
  }
  if (url === undefined) return undefined;
  return `option type 'http', option url '${url}'${insecure ? ", option tls_verify '0'" : ""} (status_code 200 by default)`;
}

/** `ping [-c N] [-W N] [-q] HOST`: the same as `type 'ping'` with that host. */
export function nativePingSuggestion(command: string): string | undefined {
  const words = plainCommand(command, ["ping", "ping6"]);
  if (words === undefined) return undefined;
  let host: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? "";
    if (["-c", "-W", "-w", "-i", "-s", "-I"].includes(w)) i++;
    else if (w.startsWith("-")) continue;
    // An address only: `type 'ping'` takes no host names (and `ping cafe` is one, for all its hex letters).
    else if (host !== undefined || !parseIpAddress(w).ok) return undefined;
    else host = w;
  }
  return host === undefined ? undefined : `option type 'ping', list host '${host}'`;
}
