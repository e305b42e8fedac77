// One line of keepalived's virtual_routes block → vrrpd's `[TYPE] DEST [via GW] [dev X] [src IP] [metric N]
// [table N]`. keepalived takes iproute2's words in any order (`src A to B via C`); they are put in vrrpd's order.
// Attributes vrrpd does not install (scope, mtu, protocol, ...) are reported and left out; a route whose meaning
// would change without them (multipath, other route types) is not imported at all.
import type { KeepalivedNode } from "../keepalived/types.ts";
import { parseRoute } from "../values/route.ts";
import type { ImportReport } from "./report.ts";
import { isPlaceholder } from "./values.ts";

const TYPES = new Set(["unicast", "blackhole", "unreachable", "prohibit"]);
const OTHER_TYPES = new Set(["throw", "local", "broadcast", "anycast", "multicast", "nat"]);
const FLAGS = new Set(["onlink", "pervasive", "no_track", "lock"]);
const SUPPORTED: Readonly<Record<string, string>> = {
  via: "via", gw: "via", dev: "dev", oif: "dev", src: "src", metric: "metric", preference: "metric", priority: "metric", table: "table",
};
const ORDER = ["via", "dev", "src", "metric", "table"];

export function importRoute(node: KeepalivedNode, block: string, report: ImportReport): string | undefined {
  const words = [node.keyword, ...node.args];
  const line = words.join(" ");
  const say = (message: string): void => report.warning(node, block, `${line}: ${message}`);
  const refuse = (message: string): undefined => {
    report.error(node, block, `${line}: ${message}; this route is not imported`);
    return undefined;
  };
  let type: string | undefined;
  let destination: string | undefined;
  const set = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (i === 0 && TYPES.has(word)) {
      type = word;
      continue;
    }
    if (i === 0 && OTHER_TYPES.has(word)) return refuse(`vrrpd installs no '${word}' routes`);
    if (FLAGS.has(word)) {
      say(`'${word}' not imported: vrrpd has no equivalent`);
      continue;
    }
    if (word === "or" || word === "nexthop") return refuse("multipath routes are not supported by vrrpd");
    const value = words[i + 1];
    const key = Object.hasOwn(SUPPORTED, word) ? SUPPORTED[word] : undefined;
    if (word === "to") {
      destination = value;
      i++;
    } else if (key !== undefined) {
      if (value === undefined) return refuse(`'${word}' needs a value`);
      set.set(key, value);
      i++;
    } else if (destination === undefined && !/^[a-z_]+$/.test(word)) {
      destination = word;
    } else if (destination === undefined && (word === "default" || word === "default6")) {
      destination = word === "default" ? "default" : "::/0";
    } else {
      say(`'${word}${value === undefined ? "" : ` ${value}`}' not imported: vrrpd does not set this route attribute`);
      i++;
    }
  }
  if (destination === undefined) return refuse("no destination");
  if (isPlaceholder(destination) || [...set.values()].some(isPlaceholder)) return refuse("it contains placeholders");
  const text = [...(type === undefined ? [] : [type]), destination, ...ORDER.flatMap((k) => (set.has(k) ? [k, set.get(k) ?? ""] : []))].join(" ");
  const parsed = parseRoute(text);
  if (!parsed.ok) return refuse(parsed.error);
  return text;
}
