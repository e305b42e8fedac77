// vrrp_script NAME { … } → `config track_script 'NAME'`. Same defaults (interval 1 s, timeout = interval,
// weight 0 = fault while failing, rise 1, fall 1), so only what was written is written.
import type { KeepalivedNode } from "../keepalived/types.ts";
import { nativeHttpSuggestion, nativePingSuggestion } from "./native-suggest.ts";
import { argOf, noBlock, reportOther } from "./other-keywords.ts";
import type { ImportReport } from "./report.ts";
import type { Namer, SectionDraft } from "./uci-draft.ts";
import { formatSeconds, integerIn, isPlaceholder, secondsToMs, userGroup } from "./values.ts";

/** What an instance's track_script entry needs from the script it names. */
export interface ScriptRef {
  readonly uciName: string;
  readonly weight: number;
  readonly reverse: boolean;
}

const HANDLED = ["script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail"];
/** Output order: as the schema lists them. */
const ORDER = ["script", "interval", "timeout", "weight", "reverse", "rise", "fall", "user", "init_fail"];

/** keepalived splits the command into words itself; a word with blanks that came from its own quotes is re-quoted. */
export function commandText(args: readonly string[]): string {
  if (args.length === 1) return (args[0] ?? "").trim();
  return args.map((a) => (/\s/.test(a) ? `'${a.replaceAll("'", "'\\''")}'` : a)).join(" ");
}

function seconds(node: KeepalivedNode, report: ImportReport): string | undefined {
  const text = argOf(node, report);
  if (text === undefined) return undefined;
  const ms = secondsToMs(text);
  if (ms === undefined || ms < 10 || ms > 86_400_000) {
    report.error(node, node.keyword, `'${text}' is not a number of seconds 0.01..86400; ignored (the default applies)`);
    return undefined;
  }
  return formatSeconds(ms);
}

/** Reads one vrrp_script block; undefined when keepalived would drop it (no name or no script). */
export function importScript(block: KeepalivedNode, namer: Namer, report: ImportReport): { draft: SectionDraft; ref: ScriptRef; name: string } | undefined {
  const name = block.args[0];
  if (name === undefined || block.args.length > 1) {
    report.error(block, block.keyword, "needs exactly one name; the block is skipped (as keepalived)");
    return undefined;
  }
  const options = new Map<string, string>();
  let weight = 0;
  let reverse = false;
  for (const node of block.children ?? []) {
    noBlock(node, report);
    switch (node.keyword) {
      case "script": {
        const command = commandText(node.args);
        if (command === "" || isPlaceholder(command)) {
          report.error(node, node.keyword, command === "" ? "needs a command" : `'${command}' is a placeholder, not a command`);
          break;
        }
        if (/\/dev\/(tcp|udp)\//.test(command)) {
          report.warning(node, node.keyword, "uses bash's /dev/tcp redirection: /bin/sh (busybox ash on OpenWrt) has none, so this check always fails there; use `nc -z HOST PORT` or `/bin/bash -c '...'`");
        }
        const native = nativeHttpSuggestion(command) ?? nativePingSuggestion(command);
        if (native !== undefined) report.warning(node, node.keyword, `imported as a script; it could run inside vrrpd without forking every interval: ${native} instead of option script`);
        options.set("script", command);
        break;
      }
      case "interval":
      case "timeout": {
        const value = seconds(node, report);
        if (value !== undefined) options.set(node.keyword, value);
        break;
      }
      case "weight": {
        const w = integerIn(node.args[0], -253, 253);
        const flag = node.args[1];
        if (w === undefined || (flag !== undefined && flag !== "reverse" && flag !== "noreverse") || node.args.length > 2) {
          report.error(node, node.keyword, "expects WEIGHT (-253..253) [reverse]; ignored (weight 0: fault while the script fails)");
          break;
        }
        weight = w;
        reverse = flag === "reverse";
        options.set("weight", String(w));
        if (reverse) options.set("reverse", "1");
        else options.delete("reverse");
        break;
      }
      case "rise":
      case "fall": {
        const n = integerIn(argOf(node, report), 1, 1000);
        if (n === undefined) report.error(node, node.keyword, "expects a count 1..1000; ignored (1 applies)");
        else options.set(node.keyword, String(n));
        break;
      }
      case "user": {
        const user = userGroup(node.args);
        if (user === undefined) report.error(node, node.keyword, "expects USER [GROUP]; ignored");
        else options.set("user", user);
        break;
      }
      case "init_fail":
        options.set("init_fail", "1");
        break;
      default:
        reportOther(node, {}, HANDLED, `vrrp_script ${name}`, report);
    }
  }
  if (!options.has("script")) {
    report.warning(block, block.keyword, `'${name}' has no script; keepalived drops it, and so does the import (instances tracking it are reported)`);
    return undefined;
  }
  const uciName = namer.name("script", name, block, block.keyword);
  const ordered: [string, string][] = [...options].sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
  return { draft: { type: "track_script", name: uciName, options: ordered }, ref: { uciName, weight, reverse }, name };
}
