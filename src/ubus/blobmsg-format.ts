// Prints blobmsg exactly as libubox's blobmsg_format_json() does, i.e. as the ubus CLI shows it:
//   `ubus call` → blobmsgFormatJson(data, { indent: 0 })   (tab-indented, `"name": value`)
//   `ubus call -S`, `ubus listen`, `ubus subscribe` → blobmsgFormatJson(data)   (compact, `"name":value`)
// Quirks kept on purpose, because this is for matching CLI output byte for byte (tests, docs, LuCI fixtures):
// doubles print with printf("%lf") (0.5 → 0.500000), int8 prints as true/false, a table member with an empty
// name prints without a key, and indentation is capped at 16 tabs. "/" is not escaped (libubox stopped in 2019,
// eeef7b5; checked against uhttpd's output).
import type { BlobmsgAttr } from "./blobmsg.ts";

export interface BlobmsgFormatOptions {
  /** Format the list as an array (`[...]`, names ignored) instead of a table. */
  readonly array?: boolean;
  /** Starting indent level for pretty printing; omit for compact output. */
  readonly indent?: number;
}

interface State {
  readonly out: string[];
  readonly indent: boolean;
  level: number;
}

/** blobmsg_format_string(): JSON escaping as libubox does it (bytes ≥ 0x80 pass through). */
export function blobmsgFormatString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === "\b") out += "\\b";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (c < 0x20) out += "\\u00" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

/**
 * printf("%lf", x) as glibc prints it: six decimals, round-half-even on the exact binary value, full digits for
 * large magnitudes, inf/nan spelled out. Number.prototype.toFixed rounds exact ties up, so ties are fixed here;
 * a tie at the 7th decimal needs x·128 to be an integer, which is what makes the check cheap.
 */
export function formatDoubleLf(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  if (a >= 1e21) return `${sign}${BigInt(a).toString()}.000000`; // an integer at this magnitude; toFixed would go exponential
  let s = a.toFixed(6);
  if (Number.isInteger(a * 128)) {
    const seven = a.toFixed(7); // exact: such a value has at most 7 decimals
    if (seven.endsWith("5")) {
      const truncated = seven.slice(0, -1);
      const lastKept = Number(truncated.at(-1));
      if (lastKept % 2 === 0) s = truncated;
    }
  }
  return sign + s;
}

function separator(st: State): void {
  if (st.indent) st.out.push("\n" + "\t".repeat(Math.min(st.level, 16)));
}

function formatElement(st: State, attr: BlobmsgAttr, inArray: boolean): void {
  if (!inArray && attr.name !== "") st.out.push(blobmsgFormatString(attr.name), st.indent ? ": " : ":");
  switch (attr.type) {
    case "unspec":
      st.out.push("null");
      return;
    case "int8":
      st.out.push(attr.value !== 0 ? "true" : "false");
      return;
    case "int16":
    case "int32":
      st.out.push(String(attr.value));
      return;
    case "int64":
      st.out.push(attr.value.toString());
      return;
    case "double":
      st.out.push(formatDoubleLf(attr.value));
      return;
    case "string":
      st.out.push(blobmsgFormatString(attr.value));
      return;
    case "array":
    case "table":
      formatList(st, attr.value, attr.type === "array");
      return;
  }
}

function formatList(st: State, attrs: readonly BlobmsgAttr[], array: boolean): void {
  st.out.push(array ? "[" : "{");
  st.level++;
  separator(st);
  attrs.forEach((a, i) => {
    if (i > 0) {
      st.out.push(",");
      separator(st);
    }
    formatElement(st, a, array);
  });
  st.level--;
  separator(st);
  st.out.push(array ? "]" : "}");
}

/** blobmsg_format_json(attr, list = true): a list of elements, e.g. the payload of UBUS_ATTR_DATA. */
export function blobmsgFormatJson(attrs: readonly BlobmsgAttr[], options: BlobmsgFormatOptions = {}): string {
  const st: State = { out: [], indent: options.indent !== undefined, level: options.indent ?? 0 };
  formatList(st, attrs, options.array ?? false);
  return st.out.join("");
}

/** blobmsg_format_json(attr, list = false): one element, with its name when it has one. */
export function blobmsgFormatElement(attr: BlobmsgAttr, options: Omit<BlobmsgFormatOptions, "array"> = {}): string {
  const st: State = { out: [], indent: options.indent !== undefined, level: options.indent ?? 0 };
  formatElement(st, attr, false);
  return st.out.join("");
}
