// One option value, by the schema's type: the only place that dispatches on OptionType.kind, so a new kind is
// added here and in the docs generator and nowhere else.
import { assertNever, err, ok } from "../../lib/result.ts";
import type { OptionType } from "../schema/types.ts";
import { parseRoute, type ParsedRoute } from "./route.ts";
import { parseBool, parseDurationMs, parseEnum, parseInteger, parseIpAddress, parseString, type Parsed } from "./scalar.ts";
import { parseTrack, type ParsedTrack } from "./track.ts";
import { parseVip, type ParsedVip } from "./vip.ts";

/** bool -> boolean; integer and duration (ms) -> number; enum, ip, string, section -> string; the rest tagged. */
export type Value = boolean | number | string | ParsedVip | ParsedRoute | ParsedTrack;

const SECTION_NAME = /^[A-Za-z0-9_]+$/; // libuci's section-name characters

export function parseValue(type: OptionType, text: string): Parsed<Value> {
  switch (type.kind) {
    case "bool":
      return parseBool(text);
    case "integer":
      return parseInteger(text, type.min, type.max);
    case "duration":
      return parseDurationMs(text, type);
    case "enum":
      return parseEnum(text, type.values);
    case "ip":
      return parseIpAddress(text, type);
    case "prefix":
      return parseVip(text, type.words);
    case "route":
      return parseRoute(text);
    case "track":
      return parseTrack(text, type.target);
    case "string":
      return parseString(text, type);
    case "section":
      return SECTION_NAME.test(text) ? ok(text) : err(`'${text}' is not a section name (letters, digits and _)`);
    default:
      return assertNever(type);
  }
}
