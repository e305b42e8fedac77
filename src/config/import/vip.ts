// One line of keepalived's virtual_ipaddress block → vrrpd's `ADDR/LEN [dev X] [label X] [scope X] [brd X]`.
// keepalived's own rules are kept: no length means a host address, `brd` on IPv6 or a bad `brd` drops the whole
// address, label and scope are ignored for IPv6, unknown words are skipped. Words vrrpd has no use for (peer,
// nodad, no_track, ...) are reported; the address itself is still imported.
import { formatIp, parseIp, type IpFamily } from "../../lib/ip.ts";
import type { KeepalivedNode } from "../keepalived/types.ts";
import { parseIpAddress } from "../values/scalar.ts";
import { parseAddressWithLength, parseVip } from "../values/vip.ts";
import type { ImportReport } from "./report.ts";
import { isPlaceholder } from "./values.ts";

export interface ImportedVip {
  readonly text: string;
  readonly address: string;
  readonly family: IpFamily;
}

const WITH_VALUE_IGNORED = new Set(["peer", "preferred_lft", "track_group"]);
const FLAGS_IGNORED = new Set(["home", "-nodad", "nodad", "mngtmpaddr", "noprefixroute", "autojoin", "no_track", "use_vmac"]);
const SCOPES = new Set(["global", "site", "link", "host", "nowhere"]);
/** vrrpd's word order (render-instance.ts's vipText). */
const ORDER = ["dev", "label", "scope", "brd"] as const;

/** `brd +` (all host bits set) and `brd -` (none), as iproute2 and keepalived compute them. */
function broadcastOf(address: string, prefixLength: number, sign: "+" | "-"): string {
  const bytes = parseIp(address) ?? new Uint8Array(4);
  for (let bit = prefixLength; bit < 32; bit++) {
    const mask = 1 << (7 - (bit & 7));
    const i = bit >> 3;
    bytes[i] = sign === "+" ? (bytes[i] ?? 0) | mask : (bytes[i] ?? 0) & ~mask;
  }
  return formatIp(bytes);
}

export function importVip(node: KeepalivedNode, block: string, report: ImportReport): ImportedVip | undefined {
  const [first = "", ...rest] = [node.keyword, ...node.args];
  const say = (message: string): void => report.warning(node, block, `${first}: ${message}`);
  const head = parseAddressWithLength(first);
  if (!head.ok) {
    report.error(node, block, `${isPlaceholder(first) ? `'${first}' is a placeholder` : head.error}; this address is skipped (keepalived skips it too)`);
    return undefined;
  }
  const { address, prefixLength, family } = head.value;
  const set = new Map<"dev" | "label" | "scope" | "brd", string>();
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? "";
    const value = rest[i + 1];
    if (FLAGS_IGNORED.has(word)) {
      say(`'${word}' not imported: vrrpd has no equivalent`);
      continue;
    }
    if (!["dev", "scope", "brd", "broadcast", "label", ...WITH_VALUE_IGNORED].includes(word)) {
      say(`unknown word '${word}' skipped (keepalived skips it too)`);
      continue;
    }
    i++;
    if (value === undefined) {
      say(`'${word}' without a value is ignored`);
      break;
    }
    if (WITH_VALUE_IGNORED.has(word)) {
      say(`'${word} ${value}' not imported: vrrpd has no equivalent`);
    } else if (word === "dev") {
      set.set("dev", value);
    } else if (word === "scope") {
      if (family === 6) say("scope is ignored for IPv6 addresses (as keepalived)");
      else if (SCOPES.has(value) || /^[0-9]{1,3}$/.test(value)) set.set("scope", value);
      else say(`scope '${value}' is not global, site, link, host or nowhere; ignored (as keepalived)`);
    } else if (word === "label") {
      if (family === 6) say("label is ignored for IPv6 addresses (as keepalived)");
      else set.set("label", value);
    } else if (family === 6) {
      report.error(node, block, `${first}: a broadcast address on IPv6; keepalived skips this address, and so does the import`);
      return undefined;
    } else {
      const brd = value === "+" || value === "-" ? broadcastOf(address, prefixLength, value) : value;
      if (!parseIpAddress(brd, { family: 4 }).ok) {
        report.error(node, block, `${first}: brd '${value}' is not an IPv4 address; keepalived skips this address, and so does the import`);
        return undefined;
      }
      set.set("brd", brd);
    }
  }
  const compose = (): string => [`${address}/${prefixLength}`, ...ORDER.flatMap((w) => (set.has(w) ? [w, set.get(w) ?? ""] : []))].join(" ");
  let text = compose();
  let parsed = parseVip(text, ORDER);
  const label = set.get("label");
  if (!parsed.ok && label !== undefined) {
    // Linux wants labels to start with the device name; keepalived does not check, vrrpd does.
    set.delete("label");
    const without = compose();
    if (parseVip(without, ORDER).ok) {
      say(`label '${label}' not imported: ${parsed.error}`);
      text = without;
      parsed = parseVip(text, ORDER);
    }
  }
  if (!parsed.ok) {
    report.error(node, block, `${first}: ${parsed.error}; this address is skipped`);
    return undefined;
  }
  return { text, address, family };
}
