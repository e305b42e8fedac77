// Text to typed values for the scalar option types of the schema. Each returns a Result with a message that
// names the accepted form, because the message is all a user editing /etc/config/vrrp over ssh will see.
import { canonicalIp, ipFamily, parseIp } from "../../lib/ip.ts";
import { err, ok, type Result } from "../../lib/result.ts";
import type { DurationRange } from "../schema/types.ts";

export type Parsed<T> = Result<T, string>;

// config_get_bool's spellings (OpenWrt functions.sh); case matters there, so it matters here.
const TRUE_WORDS = new Set(["1", "yes", "on", "true", "enabled"]);
const FALSE_WORDS = new Set(["0", "no", "off", "false", "disabled"]);

export function parseBool(text: string): Parsed<boolean> {
  if (TRUE_WORDS.has(text)) return ok(true);
  if (FALSE_WORDS.has(text)) return ok(false);
  return err(`'${text}' is not a boolean (use 1/yes/on/true/enabled or 0/no/off/false/disabled)`);
}

const INTEGER = /^[+-]?[0-9]+$/;

export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  if (!INTEGER.test(text)) return err(`'${text}' is not a whole number`);
  const value = Number(text);
  if (value < min || value > max) return err(`${text} is out of range ${min}..${max}`);
  return ok(value);
}

const DECIMAL = /^(?=\.?[0-9])([0-9]*)(?:\.([0-9]+))?$/; // "1", "0.05", ".5"

/** Milliseconds as the shortest decimal text in seconds: 50 -> "0.05", 1000 -> "1". */
export function formatSeconds(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = String(ms % 1000).padStart(3, "0").replace(/0+$/, "");
  return frac === "" ? String(whole) : `${whole}.${frac}`;
}

/**
 * Decimal seconds to whole milliseconds, exactly (no binary floating point on the way: "0.07" must be 70).
 * Digits below a millisecond must be zero, since nothing in VRRP is finer.
 */
export function parseDurationMs(text: string, range: DurationRange): Parsed<number> {
  const m = DECIMAL.exec(text);
  if (m === null) return err(`'${text}' is not a number of seconds (e.g. 1 or 0.5)`);
  const whole = (m[1] || "0").replace(/^0+(?=.)/, "");
  const frac = m[2] ?? "";
  if (/[1-9]/.test(frac.slice(3))) return err(`${text} s is finer than a millisecond`);
  if (whole.length > 12) return err(`${text} s is out of range ${rangeText(range)}`);
  const ms = Number(whole) * 1000 + Number(frac.slice(0, 3).padEnd(3, "0"));
  return checkDurationRange(text, ms, range);
}

export function rangeText(range: DurationRange): string {
  return `${formatSeconds(range.minMs)}..${formatSeconds(range.maxMs)} s`;
}

/** Range and step checks; also used for the version-specific advert_int range once the version is known. */
export function checkDurationRange(text: string, ms: number, range: DurationRange): Parsed<number> {
  if (ms < range.minMs || ms > range.maxMs) return err(`${text} s is out of range ${rangeText(range)}`);
  if (ms % range.stepMs !== 0) return err(`${text} s is not a multiple of ${formatSeconds(range.stepMs)} s`);
  return ok(ms);
}

export function parseEnum(text: string, values: readonly string[]): Parsed<string> {
  const found = values.find((v) => v.toLowerCase() === text.toLowerCase());
  return found === undefined ? err(`'${text}' is not one of ${values.join(", ")}`) : ok(found);
}

export interface IpConstraints {
  readonly family?: 4 | 6;
  readonly multicast?: boolean;
}

function isMulticast(bytes: Uint8Array): boolean {
  const first = bytes[0] ?? 0;
  return bytes.length === 4 ? first >= 224 && first <= 239 : first === 0xff;
}

export function parseIpAddress(text: string, constraints: IpConstraints = {}): Parsed<string> {
  if (text.includes("%")) return err(`'${text}': write the address without a %zone (the device is known from the instance)`);
  if (text.includes("/")) return err(`'${text}': write the address without a /prefix length`);
  const canonical = canonicalIp(text);
  const bytes = parseIp(text);
  if (canonical === undefined || bytes === undefined) return err(`'${text}' is not an IP address`);
  const family = ipFamily(text);
  if (constraints.family !== undefined && family !== constraints.family) return err(`${text} is not an IPv${constraints.family} address`);
  if (constraints.multicast === true && !isMulticast(bytes)) return err(`${text} is not a multicast address`);
  return ok(canonical);
}

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

export interface StringConstraints {
  readonly maxBytes?: number;
  readonly pattern?: string;
  readonly patternHint?: string;
}

export function parseString(text: string, c: StringConstraints): Parsed<string> {
  if (c.maxBytes !== undefined && byteLength(text) > c.maxBytes) return err(`'${text}' is longer than ${c.maxBytes} bytes`);
  if (c.pattern !== undefined && !new RegExp(c.pattern, "u").test(text)) return err(`'${text}' is not ${c.patternHint ?? "valid here"}`);
  return ok(text);
}

/** Words separated by blanks; keepalived's list syntax inside one UCI value. */
export function words(text: string): string[] {
  return text.trim().split(/\s+/).filter((w) => w !== "");
}
