// keepalived's value syntax, read strictly. keepalived itself reads numbers with atoi/strtoul/atof, which turn
// "10s" into 10 and "<INT>" into 0; the importer refuses such text instead and says what keepalived would have
// done, because a placeholder left in a config is a mistake the user wants to hear about.
import type { KeepalivedNode } from "../keepalived/types.ts";
import { formatSeconds } from "../values/scalar.ts";

export { formatSeconds };

/** The synopsis placeholders users copy by accident: `<IPADDR>`, `<STRING>|<QUOTED-STRING>`, `...`. */
export function isPlaceholder(text: string): boolean {
  return text === "..." || /<[A-Za-z_ -]*>/.test(text);
}

/** keepalived's check_true_false(): a flag without a value is on. undefined = not a boolean. */
export function flagValue(node: KeepalivedNode): boolean | undefined {
  const word = node.args[0];
  if (word === undefined) return true;
  if (word === "true" || word === "on" || word === "yes") return true;
  if (word === "false" || word === "off" || word === "no") return false;
  return undefined;
}

/** A whole decimal number in [min, max]; undefined otherwise. */
export function integerIn(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || !/^[+-]?[0-9]{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** Decimal seconds ("1", "0.05", ".5") to milliseconds, rounded to the nearest millisecond. */
export function secondsToMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9]{0,9})(?:\.([0-9]+))?$/.exec(text);
  if (m === null || (m[1] === "" && m[2] === undefined)) return undefined;
  const frac = (m[2] ?? "").padEnd(4, "0");
  const ms = Number(m[1] || "0") * 1000 + Number(frac.slice(0, 3));
  return Number(frac[3]) >= 5 ? ms + 1 : ms;
}

/** `USER [GROUP]` or keepalived's `USER:GROUP` / `USER :GROUP` to the UCI form `USER GROUP`. */
export function userGroup(args: readonly string[]): string | undefined {
  const words = args.join(" ").replace(/\s*:\s*/, " ").trim().split(/\s+/).filter((w) => w !== "");
  if (words.length === 0 || words.length > 2) return undefined;
  return words.join(" ");
}

/** The keyword and its arguments as written, for messages. */
export function lineText(node: KeepalivedNode): string {
  return [node.keyword, ...node.args].join(" ");
}
