// VRRP advertisement codec: encode / encodingLength / decode (RFC 3768 §5, RFC 5798 and RFC 9568 §5.2).
// decode() takes bytes from the network, so it never throws on any byte sequence: every refusal is a DecodeError
// value whose message names the field and the values. It does only the checks that need nothing but the packet and
// its IP header (RFC 3768/5798/9568 §7.1 minus TTL, VRID and interval, which need the router's state).
import { err, ok } from "../lib/result.ts";
import { internetChecksum, ipv4PseudoHeader, ipv6PseudoHeader } from "../lib/checksum.ts";
import { formatIp, isIpv6LinkLocalBytes, parseIp, parseIpShared } from "../lib/ip.ts";
import type {
  Advertisement,
  AuthType,
  DecodeError,
  DecodeErrorCode,
  DecodeOptions,
  DecodeResult,
  EncodeOptions,
  IpContext,
  IpFamily,
  V3Ipv4ChecksumForm,
} from "./advertisement.ts";

/** IP protocol / IPv6 Next Header number of VRRP (RFC 5798 §5.1.1.4, §5.1.2.4). */
export const IPPROTO_VRRP = 112;
/** Link-local multicast groups (RFC 5798 §5.1.1.2, §5.1.2.2). FRR always puts the IPv4 one in the pseudo-header. */
export const VRRP_GROUP_IPV4 = "224.0.0.18";
export const VRRP_GROUP_IPV6 = "ff02::12";

const HEADER_LENGTH_BYTES = 8; // version/type, VRID, priority, count, auth type|rsvd+interval, checksum
const V2_AUTH_DATA_LENGTH_BYTES = 8; // RFC 3768 §5.3.10
const ADVERTISEMENT_TYPE = 1; // the only type (RFC 3768 §5.3.2, RFC 5798 §5.2.2)
const MAX_ADVER_INT_MASK = 0x0fff; // 12 bits; the 4 reserved bits above are ignored on receive (RFC 5798 §5.2.6)
const CHECKSUM_OFFSET = 6;
/**
 * Trailing bytes are tolerated only up to what Ethernet padding can explain: a frame carries at least 46 payload bytes,
 * so a short IPv4 datagram (20-byte header + VRRP) may arrive padded to 46 when the caller takes "frame minus IP
 * header" instead of trimming to the IP Total Length (AF_PACKET capture, pcap replay). Current keepalived tolerates
 * Ethernet padding too (vrrp-protocol.md §2); FRR and keepalived 2.2.7 compare against the IP Total Length instead.
 * An IPv6 datagram (40-byte header + at least 8) is always longer than 46, so IPv6 never carries padding.
 * Anything longer than this is a wrong Count or a foreign trailer (e.g. keepalived's auth_hmac) → "bad-length".
 */
const ETHERNET_MIN_PAYLOAD_BYTES = 46;
const IPV4_MIN_HEADER_BYTES = 20;
const IPV6_HEADER_BYTES = 40;

const textEncoder = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function addressLengthBytes(family: IpFamily): number {
  return family === 4 ? 4 : 16;
}

function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, "0")}`;
}

/** Bytes of the message: fixed header, addresses, and for VRRPv2 the 8 bytes of Authentication Data. */
export function encodingLength(advert: Advertisement): number {
  let length = HEADER_LENGTH_BYTES + (advert.version === 2 ? V2_AUTH_DATA_LENGTH_BYTES : 0);
  for (const address of advert.addresses) length += addressBytes(address, "encodingLength").length;
  return length;
}

function addressBytes(text: string, where: string): Uint8Array {
  const bytes = parseIpShared(text); // read only: copied into the message
  if (bytes === undefined) throw new RangeError(`${where}: "${text}" is not an IP address`);
  return bytes;
}

function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`encode: ${name} ${value} does not fit its field (0..${max})`);
  }
}

/**
 * The bytes of a VRRPv2 password. keepalived copies `auth_pass` from its (UTF-8) configuration byte for byte, so the
 * text is UTF-8; a lone surrogate U+DC80..U+DCFF stands for the raw byte 0x80..0xFF that authPasswordText() could not
 * decode (Python's "surrogateescape", PEP 383), so every password that came off the wire encodes back to its bytes.
 */
export function authPasswordBytes(password: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of password) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint >= 0xdc80 && codePoint <= 0xdcff) bytes.push(codePoint - 0xdc00);
    else bytes.push(...textEncoder.encode(char));
  }
  return Uint8Array.from(bytes);
}

/** Password bytes as text: UTF-8 where they are valid UTF-8, each other byte as U+DC80..U+DCFF (see above). */
export function authPasswordText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Not valid UTF-8 (a latin-1 config, or garbage): decode sequence by sequence, escaping what does not decode.
  }
  let text = "";
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] ?? 0;
    const length = utf8SequenceLength(lead);
    const fits = length > 0 && i + length <= bytes.length;
    const sequence = fits ? decodeOrUndefined(bytes.subarray(i, i + length)) : undefined;
    if (sequence === undefined) {
      text += String.fromCharCode(0xdc00 + lead);
      i += 1;
    } else {
      text += sequence;
      i += length;
    }
  }
  return text;
}

/** Length of the UTF-8 sequence a lead byte announces (RFC 3629 §4), 0 for a byte that cannot lead one. */
function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function decodeOrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The 8-byte Authentication Data of a VRRPv2 advert: the password NUL-padded for type 1, zeros otherwise. */
function authData(authType: number, password: string): Uint8Array {
  const data = new Uint8Array(V2_AUTH_DATA_LENGTH_BYTES);
  if (authType !== 1) return data; // RFC 3768 §5.3.10: zero on transmit; keepalived sends 8 zero bytes too
  const bytes = authPasswordBytes(password);
  if (bytes.length > V2_AUTH_DATA_LENGTH_BYTES) {
    throw new RangeError(`encode: authPassword is ${bytes.length} bytes, the field holds 8`);
  }
  data.set(bytes);
  return data;
}

/**
 * The wire bytes of an advert, as keepalived produces them. Anything the fields can represent is encoded as given
 * (priority 0, interval 0 and count 0 included, so tests can build refused packets); a value that cannot be
 * represented (VRID 256, an IPv6 address in an IPv4 advert, VRRPv2 over IPv6, a 9-byte password) is a programming
 * error and throws RangeError.
 */
export function encode(advert: Advertisement, options: EncodeOptions): Uint8Array {
  if (advert.version === 2 && options.family === 6) throw new RangeError("encode: VRRPv2 is IPv4 only (RFC 3768 §5)");
  checkField("vrid", advert.vrid, 255);
  checkField("priority", advert.priority, 255);
  checkField("Count IP Addrs", advert.addresses.length, 255);
  const addressLength = addressLengthBytes(options.family);
  const length = encodingLength(advert);
  const bytes = new Uint8Array(length);
  bytes[0] = (advert.version << 4) | ADVERTISEMENT_TYPE;
  bytes[1] = advert.vrid;
  bytes[2] = advert.priority;
  bytes[3] = advert.addresses.length;
  if (advert.version === 2) {
    checkField("authType", advert.authType, 255);
    checkField("adverIntSec", advert.adverIntSec, 255);
    bytes[4] = advert.authType;
    bytes[5] = advert.adverIntSec;
    bytes.set(authData(advert.authType, advert.authPassword), length - V2_AUTH_DATA_LENGTH_BYTES);
  } else {
    checkField("maxAdverIntCs", advert.maxAdverIntCs, MAX_ADVER_INT_MASK);
    bytes[4] = advert.maxAdverIntCs >> 8; // reserved high nibble stays 0 (RFC 5798 §5.2.6)
    bytes[5] = advert.maxAdverIntCs & 0xff;
  }
  advert.addresses.forEach((text, i) => {
    const address = addressBytes(text, "encode");
    if (address.length !== addressLength) {
      throw new RangeError(`encode: address "${text}" is not IPv${options.family} like the carrying IP header`);
    }
    bytes.set(address, HEADER_LENGTH_BYTES + i * addressLength);
  });
  const ip = contextBytes(options);
  const messageOnly = advert.version === 2 || (options.family === 4 && options.v3Ipv4Checksum === "message-only");
  const checksum = checksumOf(bytes, ip, messageOnly ? undefined : ip.dst); // keepalived: the real destination
  bytes[CHECKSUM_OFFSET] = checksum >> 8;
  bytes[CHECKSUM_OFFSET + 1] = checksum & 0xff;
  return bytes;
}

interface ContextBytes {
  readonly family: IpFamily;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
}

/** The IP context as bytes. Bad options are the caller's bug, not the peer's, so they throw RangeError. */
function contextBytes(context: IpContext): ContextBytes {
  const src = parseIpShared(context.src);
  const dst = parseIpShared(context.dst);
  const length = addressLengthBytes(context.family);
  const notFamily = (what: string, text: string): RangeError =>
    new RangeError(`VRRP codec: ${what} "${text}" is not an IPv${context.family} address`);
  if (src?.length !== length) throw notFamily("src", context.src);
  if (dst?.length !== length) throw notFamily("dst", context.dst);
  return { family: context.family, src, dst };
}

const GROUP_BYTES = {
  4: parseIp(VRRP_GROUP_IPV4) ?? new Uint8Array(4),
  6: parseIp(VRRP_GROUP_IPV6) ?? new Uint8Array(16),
} as const;

/** The group's bytes (shared: never written). */
function groupOf(family: IpFamily): Uint8Array {
  return GROUP_BYTES[family];
}

/**
 * RFC 1071 checksum over the message, preceded by the pseudo-header with `pseudoHeaderDst` as destination (RFC 5798
 * §5.2.8: RFC 2460 §8.1 for IPv6, the RFC 768 layout for IPv4), or over the message alone when it is undefined.
 * With the message's checksum field zeroed this is the value to send; with it filled in, 0 means it verifies.
 */
function checksumOf(message: Uint8Array, ip: ContextBytes, pseudoHeaderDst: Uint8Array | undefined): number {
  if (pseudoHeaderDst === undefined) return internetChecksum([message]);
  const pseudoHeader =
    ip.family === 4
      ? ipv4PseudoHeader(ip.src, pseudoHeaderDst, IPPROTO_VRRP, message.length)
      : ipv6PseudoHeader(ip.src, pseudoHeaderDst, IPPROTO_VRRP, message.length);
  return internetChecksum([pseudoHeader, message]);
}

function refuse(code: DecodeErrorCode, message: string): DecodeResult {
  const error: DecodeError = { code, message };
  return err(error);
}

/**
 * Verifies the checksum the RFC 1071 way (the sum over everything, checksum included, must be 0) and returns the form
 * that verified. v3 tries the pseudo-header with the real destination (keepalived), then with the group (FRR always
 * uses it), then, over IPv4 only, the message alone (RFC 9568 §5.2.8, Cisco, Juniper, keepalived v3_checksum_as_v2).
 */
function checkChecksum(message: Uint8Array, version: 2 | 3, ip: ContextBytes): V3Ipv4ChecksumForm | DecodeError {
  if (version === 2) {
    return checksumOf(message, ip, undefined) === 0 ? "message-only" : badChecksum(message, version, ip);
  }
  const group = groupOf(ip.family);
  const dstIsGroup = sameBytes(ip.dst, group);
  if (checksumOf(message, ip, ip.dst) === 0 || (!dstIsGroup && checksumOf(message, ip, group) === 0)) {
    return "pseudo-header";
  }
  if (ip.family === 4 && checksumOf(message, ip, undefined) === 0) return "message-only";
  return badChecksum(message, version, ip);
}

/** The refusal, naming the received checksum and every checksum that would have been accepted. */
function badChecksum(message: Uint8Array, version: 2 | 3, ip: ContextBytes): DecodeError {
  const received = ((message[CHECKSUM_OFFSET] ?? 0) << 8) | (message[CHECKSUM_OFFSET + 1] ?? 0);
  const zeroed = message.slice();
  zeroed[CHECKSUM_OFFSET] = 0;
  zeroed[CHECKSUM_OFFSET + 1] = 0;
  const head = `checksum ${hex16(received)}, expected`;
  const messageOnly = `${hex16(checksumOf(zeroed, ip, undefined))} (message only`;
  if (version === 2) return { code: "bad-checksum", message: `${head} ${messageOnly}, RFC 3768 §5.3.8)` };
  const group = groupOf(ip.family);
  const pseudo = (dst: Uint8Array): string =>
    `${hex16(checksumOf(zeroed, ip, dst))} (pseudo-header, dst ${formatIp(dst)})`;
  const forms = [pseudo(ip.dst)];
  if (!sameBytes(ip.dst, group)) forms.push(pseudo(group));
  if (ip.family === 4) forms.push(`${messageOnly}, RFC 9568 §5.2.8)`);
  const last = forms.pop() ?? "";
  return { code: "bad-checksum", message: `${head} ${forms.length > 0 ? `${forms.join(", ")} or ${last}` : last}` };
}

/** The VRRPv2 password: the 8 bytes minus trailing NUL padding, as text (authPasswordText). */
function decodePassword(data: Uint8Array): string {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return authPasswordText(data.subarray(0, end));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** RFC 3768 §5.3.6 and §7.1 (f): Auth Type must match the local one, and a type-1 password must match exactly. */
function checkAuth(authType: number, data: Uint8Array, options: DecodeOptions): DecodeError | undefined {
  if (authType !== 0 && authType !== 1) {
    const message = `Auth Type ${authType} is not supported (0 none, 1 simple password)`;
    return { code: "unknown-auth-type", message };
  }
  const expected = options.expectedAuth;
  if (expected === undefined) return undefined;
  if (authType !== expected.authType) {
    return { code: "auth-type-mismatch", message: `Auth Type ${authType}, expected ${expected.authType}` };
  }
  if (authType === 1 && !sameBytes(data, authData(1, expected.authPassword))) {
    // Neither password goes into the message: refusals are logged, and logs must not carry secrets.
    return { code: "auth-failure", message: "Authentication Data does not match the configured password" };
  }
  return undefined;
}

/** Addresses as canonical text, in packet order. */
function decodeAddresses(message: Uint8Array, count: number, family: IpFamily): string[] {
  const length = addressLengthBytes(family);
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = HEADER_LENGTH_BYTES + i * length;
    addresses.push(formatIp(message.subarray(start, start + length)));
  }
  return addresses;
}

/**
 * Validates and parses one VRRP message (the IP payload). `options` describe the carrying IP header; for v3 they
 * feed the pseudo-header. Checks run in this order, the first failure wins: fixed header present, version,
 * VRRPv2-over-IPv6, complete message (Count × address size, + 8 auth bytes for v2) and padding bound, type,
 * checksum, then Count ≠ 0 (v3), interval ≠ 0, first IPv6 address link-local, Auth Type and password (v2).
 * Throws RangeError only when `options` themselves are invalid (src/dst not of `family`); never on the bytes.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions): DecodeResult {
  const ip = contextBytes(options);
  const length = bytes.length;
  if (length < HEADER_LENGTH_BYTES) {
    return refuse("truncated", `message is ${length} bytes, shorter than the ${HEADER_LENGTH_BYTES}-byte VRRP header`);
  }
  const version = (bytes[0] ?? 0) >> 4;
  if (version !== 2 && version !== 3) return refuse("bad-version", `version ${version}, expected 2 or 3`);
  if (version === 2 && ip.family === 6) {
    return refuse("v2-over-ipv6", "version 2 advert over IPv6; VRRPv2 is IPv4 only (RFC 3768 §5)");
  }
  const count = bytes[3] ?? 0;
  const expectedLength =
    HEADER_LENGTH_BYTES + count * addressLengthBytes(ip.family) + (version === 2 ? V2_AUTH_DATA_LENGTH_BYTES : 0);
  const authNote = version === 2 ? " including 8 bytes of Authentication Data" : "";
  const needs = `Count IP Addrs ${count} needs ${expectedLength}${authNote}`;
  if (length < expectedLength) return refuse("truncated", `message is ${length} bytes, ${needs}`);
  const maxPaddedLength = ETHERNET_MIN_PAYLOAD_BYTES - (ip.family === 4 ? IPV4_MIN_HEADER_BYTES : IPV6_HEADER_BYTES);
  if (length > expectedLength && length > maxPaddedLength) {
    const extra = `${length - expectedLength} extra bytes are more than Ethernet padding`;
    return refuse("bad-length", `message is ${length} bytes, ${needs}; ${extra}`);
  }
  const type = (bytes[0] ?? 0) & 0x0f;
  if (type !== ADVERTISEMENT_TYPE) {
    return refuse("bad-type", `type ${type}, expected ${ADVERTISEMENT_TYPE} (ADVERTISEMENT)`);
  }
  const message = bytes.subarray(0, expectedLength);
  const checksumForm = checkChecksum(message, version, ip);
  if (typeof checksumForm !== "string") return err(checksumForm);
  const vrid = bytes[1] ?? 0;
  const priority = bytes[2] ?? 0;
  if (version === 3 && count === 0) {
    return refuse("zero-count", "Count IPvX Addr 0; it must be at least 1 (RFC 9568 §5.2.5, erratum 8299)");
  }
  const interval = version === 2 ? (bytes[5] ?? 0) : (((bytes[4] ?? 0) << 8) | (bytes[5] ?? 0)) & MAX_ADVER_INT_MASK;
  if (interval === 0) {
    const field = version === 2 ? "Adver Int" : "Max Adver Int";
    return refuse("zero-interval", `${field} 0; it must be at least 1 (RFC 9568 erratum 8301)`);
  }
  const addresses = decodeAddresses(message, count, ip.family);
  if (version === 3 && ip.family === 6 && !options.tolerateGlobalFirstIpv6 && !isIpv6LinkLocalBytes(message.subarray(8, 24))) {
    const message = `first address ${addresses[0]} is not link-local (fe80::/10, RFC 5798 §5.2.9)`;
    return refuse("ipv6-first-not-link-local", message);
  }
  if (version === 3) {
    const advert: Advertisement = { version, vrid, priority, addresses, maxAdverIntCs: interval };
    return ok(ip.family === 4 ? { advert, checksumForm } : { advert });
  }
  const authType = bytes[4] ?? 0;
  const data = message.subarray(expectedLength - V2_AUTH_DATA_LENGTH_BYTES);
  const authError = checkAuth(authType, data, options);
  if (authError !== undefined) return err(authError);
  const checkedAuthType = authType as AuthType; // checkAuth refused everything but 0 and 1
  const authPassword = checkedAuthType === 1 ? decodePassword(data) : ""; // type 0: data ignored (RFC 3768 §5.3.10)
  const advert: Advertisement = {
    version, vrid, priority, addresses, authType: checkedAuthType, authPassword, adverIntSec: interval,
  };
  return ok({ advert });
}

/** VRID of a message without validating it, so a receiver can pick the instance (and its auth) before decode(). */
export function peekVrid(bytes: Uint8Array): number | undefined {
  return bytes.length >= 2 ? bytes[1] : undefined;
}

/** Version nibble of a message without validating it. */
export function peekVersion(bytes: Uint8Array): number | undefined {
  const first = bytes[0];
  return first === undefined ? undefined : first >> 4;
}
