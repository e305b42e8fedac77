// A tracked object in an instance's track_interface / track_script list, keepalived's syntax:
// `NAME [weight N [reverse|noreverse]]`, weight -253..253.
import { err, ok } from "../../lib/result.ts";
import { parseInteger, words, type Parsed } from "./scalar.ts";

export interface ParsedTrack {
  readonly tag: "track";
  readonly name: string;
  /** Undefined when not written: interfaces then use 0, scripts their own weight. */
  readonly weight: number | undefined;
  readonly reverse: boolean | undefined;
}

const NAME = /^[^\s/:]+$/;

export function parseTrack(text: string, target: "interface" | "track_script"): Parsed<ParsedTrack> {
  const [name, ...rest] = words(text);
  if (name === undefined) return err("empty entry");
  if (!NAME.test(name) || (target === "interface" && name.length > 15)) {
    return err(`'${name}' is not ${target === "interface" ? "an interface name" : "a section name"}`);
  }
  if (rest.length === 0) return ok({ tag: "track", name, weight: undefined, reverse: undefined });
  const usage = `write '${name} weight N' or '${name} weight N reverse'`;
  if (rest[0] !== "weight" || rest.length > 3) return err(`unexpected '${rest.join(" ")}': ${usage}`);
  if (rest[1] === undefined) return err(`'weight' needs a value: ${usage}`);
  const weight = parseInteger(rest[1], -253, 253);
  if (!weight.ok) return err(`weight: ${weight.error}`);
  const flag = rest[2];
  if (flag !== undefined && flag !== "reverse" && flag !== "noreverse") return err(`unexpected '${flag}': ${usage}`);
  return ok({ tag: "track", name, weight: weight.value, reverse: flag === "reverse" });
}
