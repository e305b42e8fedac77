// keepalived's virtual_ipaddress line, the subset vrrpd manages: `ADDR[/LEN] [dev DEV] [label LABEL]
// [scope SCOPE] [brd ADDR]`. Written inline in one UCI list item, as keepalived writes it in its block.
import { ipFamily, parsePrefix, type IpFamily } from "../../lib/ip.ts";
import { err, ok } from "../../lib/result.ts";
import type { VirtualAddress } from "../../vrrp/model.ts";
import { byteLength, parseIpAddress, words, type Parsed } from "./scalar.ts";

export interface ParsedVip {
  readonly tag: "vip";
  readonly vip: VirtualAddress;
  readonly family: IpFamily;
}

export type VipWord = "dev" | "label" | "scope" | "brd";

// iproute2's scope names (rt_scopes); a number 0-255 is accepted too.
const SCOPES = new Set(["global", "site", "link", "host", "nowhere"]);
const IFNAME = /^[^\s/:]{1,15}$/;

/** `ADDR/LEN` or a bare `ADDR`, which keepalived reads as a host address (/32, /128). */
export function parseAddressWithLength(text: string): Parsed<{ address: string; prefixLength: number; family: IpFamily }> {
  if (!text.includes("/")) {
    const address = parseIpAddress(text);
    if (!address.ok) return address;
    const family = ipFamily(address.value) ?? 4;
    return ok({ address: address.value, prefixLength: family === 4 ? 32 : 128, family });
  }
  const prefix = parsePrefix(text);
  if (prefix === undefined) return err(`'${text}' is not ADDRESS/LENGTH (e.g. 192.0.2.1/24 or fd00::1/64)`);
  return ok(prefix);
}

export function parseVip(text: string, allowed: readonly VipWord[]): Parsed<ParsedVip> {
  const [first, ...rest] = words(text);
  if (first === undefined) return err("empty virtual address");
  const head = parseAddressWithLength(first);
  if (!head.ok) return head;
  const { address, prefixLength, family } = head.value;
  const seen = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const word = rest[i] ?? "";
    const value = rest[i + 1];
    if (!(allowed as readonly string[]).includes(word)) return err(`unknown word '${word}' after ${first} (expected ${allowed.join(", ")})`);
    if (value === undefined) return err(`'${word}' needs a value`);
    if (seen.has(word)) return err(`'${word}' is given twice`);
    seen.set(word, value);
  }
  const vip: { -readonly [K in keyof VirtualAddress]: VirtualAddress[K] } = { address, prefixLength };
  const dev = seen.get("dev");
  if (dev !== undefined) {
    if (!IFNAME.test(dev)) return err(`dev '${dev}' is not an interface name`);
    vip.device = dev;
  }
  const label = seen.get("label");
  if (label !== undefined) {
    // Linux keeps labels for IPv4 only, in an IFNAMSIZ buffer, and insists they start with the device name.
    if (family !== 4) return err("label applies to IPv4 addresses only");
    if (byteLength(label) > 15) return err(`label '${label}' is longer than 15 bytes`);
    if (dev !== undefined && label !== dev && !label.startsWith(`${dev}:`)) return err(`label '${label}' must be '${dev}' or start with '${dev}:' (Linux requires it)`);
    vip.label = label;
  }
  const scope = seen.get("scope");
  if (scope !== undefined) {
    const numeric = /^[0-9]+$/.test(scope) && Number(scope) <= 255;
    if (!SCOPES.has(scope) && !numeric) return err(`scope '${scope}' is not one of global, site, link, host, nowhere or 0-255`);
    vip.scope = scope;
  }
  const brd = seen.get("brd");
  if (brd !== undefined) {
    if (family !== 4) return err("brd applies to IPv4 addresses only");
    const parsed = parseIpAddress(brd, { family: 4 });
    if (!parsed.ok) return err(`brd: ${parsed.error}`);
    vip.broadcast = parsed.value;
  }
  return ok({ tag: "vip", vip, family });
}
