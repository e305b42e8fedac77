// keepalived's virtual_routes line, iproute2-like: `[unicast|blackhole|unreachable|prohibit] [to] DEST
// [via GW] [dev DEV] [src ADDR] [metric N] [table N]`. DEST is a prefix, a bare address (a host route) or
// `default`. keepalived's multipath (`or`) and rarer attributes are refused rather than silently dropped.
import { ipFamily, parseIp, type IpFamily } from "../../lib/ip.ts";
import { err, ok } from "../../lib/result.ts";
import type { VirtualRoute } from "../../vrrp/model.ts";
import { parseIpAddress, words, type Parsed } from "./scalar.ts";
import { parseAddressWithLength } from "./vip.ts";

export interface ParsedRoute {
  readonly tag: "route";
  readonly route: VirtualRoute;
  /** Undefined for `default` with no gateway or source: the instance's family decides. */
  readonly family: IpFamily | undefined;
}

type RouteType = NonNullable<VirtualRoute["type"]>;
const TYPES: readonly RouteType[] = ["unicast", "blackhole", "unreachable", "prohibit"];
const KEYWORDS = ["via", "dev", "src", "metric", "table"] as const;
// iproute2's /etc/iproute2/rt_tables names that exist everywhere.
const TABLES = new Map([["default", 253], ["main", 254], ["local", 255]]);
const UINT32 = /^[0-9]{1,10}$/;
const IFNAME = /^[^\s/:]{1,15}$/;

/** True when no bit beyond the prefix length is set (the kernel refuses 192.0.2.1/24 as a route). */
function hostBitsClear(address: string, prefixLength: number): boolean {
  const bytes = parseIp(address) ?? new Uint8Array();
  for (let bit = prefixLength; bit < bytes.length * 8; bit++) {
    if (((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

function parseUint32(word: string, text: string): Parsed<number> {
  if (!UINT32.test(text) || Number(text) > 0xffff_ffff) return err(`${word} '${text}' is not a number 0..4294967295`);
  return ok(Number(text));
}

export function parseRoute(text: string): Parsed<ParsedRoute> {
  const list = words(text);
  let i = 0;
  let type: RouteType | undefined;
  if (TYPES.includes(list[i] as RouteType)) type = list[i++] as RouteType;
  if (list[i] === "to") i++;
  const destText = list[i++];
  if (destText === undefined) return err("missing destination (a prefix, an address or 'default')");
  let family: IpFamily | undefined;
  let destination = "default";
  if (destText !== "default") {
    const dest = parseAddressWithLength(destText);
    if (!dest.ok) return err(`destination: ${dest.error}`);
    if (!hostBitsClear(dest.value.address, dest.value.prefixLength)) return err(`destination ${destText} has host bits set (write the network address)`);
    family = dest.value.family;
    destination = `${dest.value.address}/${dest.value.prefixLength}`;
  }
  const route: { -readonly [K in keyof VirtualRoute]: VirtualRoute[K] } = { destination };
  if (type !== undefined && type !== "unicast") route.type = type;
  const seen = new Set<string>();
  for (; i < list.length; i += 2) {
    const word = list[i] ?? "";
    const value = list[i + 1];
    if (!(KEYWORDS as readonly string[]).includes(word)) return err(`unknown word '${word}' (expected ${KEYWORDS.join(", ")})`);
    if (value === undefined) return err(`'${word}' needs a value`);
    if (seen.has(word)) return err(`'${word}' is given twice`);
    seen.add(word);
    if (word === "via" || word === "src") {
      const address = parseIpAddress(value, family === undefined ? {} : { family });
      if (!address.ok) return err(`${word}: ${address.error}`);
      family = ipFamily(address.value);
      if (word === "via") route.gateway = address.value;
      else route.source = address.value;
    } else if (word === "dev") {
      if (!IFNAME.test(value)) return err(`dev '${value}' is not an interface name`);
      route.device = value;
    } else if (word === "metric") {
      const metric = parseUint32(word, value);
      if (!metric.ok) return metric;
      route.metric = metric.value;
    } else {
      const table = TABLES.get(value) ?? (UINT32.test(value) ? Number(value) : Number.NaN);
      if (!(table >= 1 && table <= 0xffff_ffff)) return err(`table '${value}' is not main, local, default or a number 1..4294967295`);
      route.table = table;
    }
  }
  if (route.type !== undefined && (route.gateway !== undefined || route.device !== undefined)) {
    return err(`a ${route.type} route takes no 'via' or 'dev'`);
  }
  return ok({ tag: "route", route, family });
}

/** `default` becomes 0.0.0.0/0 or ::/0 once the family is known, so the platform never has to guess. */
export function routeWithFamily(parsed: ParsedRoute, instanceFamily: IpFamily): VirtualRoute {
  if (parsed.route.destination !== "default") return parsed.route;
  const family = parsed.family ?? instanceFamily;
  return { ...parsed.route, destination: family === 4 ? "0.0.0.0/0" : "::/0" };
}
