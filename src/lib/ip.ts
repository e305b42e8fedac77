// Pure IPv4/IPv6 address helpers: parse text to network-order bytes, format bytes back to one canonical text form.
// VRRP carries addresses as raw bytes (RFC 3768 §5.3.9, RFC 5798 §5.2.9) while configuration, logs and ubus use text,
// so every address crossing that boundary goes through parseIp/formatIp. Zone ids ("fe80::1%eth0") are not accepted:
// the interface is always known from context, and a zone is not part of the address bytes.

export type IpFamily = 4 | 6;

export const IPV4_LENGTH_BYTES = 4;
export const IPV6_LENGTH_BYTES = 16;

export interface IpPrefix {
  /** Canonical text of the address part, host bits kept (a VIP "192.0.2.1/24" stays 192.0.2.1). */
  readonly address: string;
  readonly prefixLength: number;
  readonly family: IpFamily;
}

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/; // no leading zeros: "010" is octal to inet_aton, so refuse it
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const DECIMAL_NUMBER = /^(?:0|[1-9][0-9]*)$/;

/** Dotted-quad IPv4 (exactly four decimal octets) to 4 bytes. */
function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(IPV4_LENGTH_BYTES);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? "";
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

/** Hex groups of one side of "::"; a trailing dotted quad counts as two groups (RFC 4291 §2.2). */
function parseGroups(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (i === parts.length - 1 && allowTrailingIpv4 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else {
      if (!HEX_GROUP.test(part)) return undefined;
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}

/** RFC 4291 §2.2 text forms (full, "::"-compressed, trailing dotted quad) to 16 bytes. */
function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? "", false);
    const tail = parseGroups(halves[1] ?? "", true);
    if (head === undefined || tail === undefined) return undefined;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined; // "::" stands for at least one zero group
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  }
  const bytes = new Uint8Array(IPV6_LENGTH_BYTES);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** Address text to network-byte-order bytes: 4 for IPv4, 16 for IPv6, undefined when the text is not an address. */
export function parseIp(text: string): Uint8Array | undefined {
  if (text.includes(":")) return parseIpv6(text);
  return parseIpv4(text);
}

/**
 * parseIp for the per-packet path (the VRRPv3 checksum needs the sender's and destination's bytes): the senders on
 * a LAN are few, so each text is parsed once and remembered. The bytes are shared by every caller: never write them.
 */
export function parseIpShared(text: string): Uint8Array | undefined {
  const known = sharedParses.get(text);
  if (known !== undefined || sharedParses.has(text)) return known;
  if (sharedParses.size >= SHARED_PARSES_MAX) sharedParses.clear(); // bounded: a flood of spoofed senders
  const bytes = parseIp(text);
  sharedParses.set(text, bytes);
  return bytes;
}

const SHARED_PARSES_MAX = 1024;
const sharedParses = new Map<string, Uint8Array | undefined>();

function formatIpv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 §4: lowercase, no leading zeros, the longest run (first on a tie) of two or more zero groups as "::". */
function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  // RFC 5952 §5: an IPv4-mapped address (::ffff:0:0/96) is written with its IPv4 part dotted.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${formatIpv4(bytes, 12)}`;
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never compressed (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]): string => list.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** Bytes to canonical text. Throws RangeError for a length other than 4 or 16 (a programming error, not peer input). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === IPV4_LENGTH_BYTES) return formatIpv4(bytes, 0);
  if (bytes.length === IPV6_LENGTH_BYTES) return formatIpv6(bytes);
  throw new RangeError(`formatIp: ${bytes.length} bytes is neither an IPv4 (4) nor an IPv6 (16) address`);
}

/**
 * formatIp of the IPv4 address at `offset` (a received header's source or destination), remembered per address:
 * the per-packet path then builds no string for senders it has seen. Bounded like parseIpShared.
 */
export function formatIpv4At(bytes: Uint8Array, offset: number): string {
  // Signed 32-bit on purpose: `>>> 0` would make every address above 127.255.255.255 a boxed double per packet.
  const key = ((bytes[offset] ?? 0) << 24) | ((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0);
  const known = ipv4Texts.get(key);
  if (known !== undefined) return known;
  if (ipv4Texts.size >= SHARED_PARSES_MAX) ipv4Texts.clear();
  const text = formatIpv4(bytes, offset);
  ipv4Texts.set(key, text);
  return text;
}

const ipv4Texts = new Map<number, string>();

/** The one text form used everywhere (config, adverts, logs), or undefined when `text` is not an address. */
export function canonicalIp(text: string): string | undefined {
  const bytes = parseIp(text);
  return bytes === undefined ? undefined : formatIp(bytes);
}

export function ipFamily(text: string): IpFamily | undefined {
  const bytes = parseIp(text);
  if (bytes === undefined) return undefined;
  return bytes.length === IPV4_LENGTH_BYTES ? 4 : 6;
}

/** Unsigned lexicographic compare of two byte strings; a shorter one sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Negative, zero or positive as address `a` is below, equal to or above `b`, compared as unsigned integers in network
 * byte order: the RFC 5798 §6.4.3 tie-break ("primary IPvX address of the sender greater than the local primary
 * IPvX address"). IPv4 sorts before IPv6; text that is not an address sorts after every address (by string order),
 * so the function is total and never throws.
 */
export function compareIp(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x !== undefined && y !== undefined) return compareBytes(x, y);
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** fe80::/10 (RFC 4291 §2.5.6); RFC 5798 §5.2.9 requires the first address of an IPv6 advert to be one. */
export function isIpv6LinkLocalBytes(bytes: Uint8Array): boolean {
  return bytes.length === IPV6_LENGTH_BYTES && bytes[0] === 0xfe && ((bytes[1] ?? 0) & 0xc0) === 0x80;
}

export function isIpv6LinkLocal(text: string): boolean {
  const bytes = parseIp(text);
  return bytes !== undefined && isIpv6LinkLocalBytes(bytes);
}

/**
 * "address/length" (the form of a VIP in UCI and keepalived.conf) to its parts. The "/length" is required: defaulting
 * a missing length (keepalived uses /32 and /128) is the configuration layer's decision, not this parser's.
 */
export function parsePrefix(text: string): IpPrefix | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const lengthText = text.slice(slash + 1);
  const bytes = parseIp(text.slice(0, slash));
  if (bytes === undefined || !DECIMAL_NUMBER.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  if (prefixLength > bytes.length * 8) return undefined;
  return { address: formatIp(bytes), prefixLength, family: bytes.length === IPV4_LENGTH_BYTES ? 4 : 6 };
}
