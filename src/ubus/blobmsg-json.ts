// Conversion between blobmsg and plain JSON-like values, following libubox's blobmsg_json.c (what `ubus call`
// sends for a JSON argument, and how it prints replies).
//
// JSON → blobmsg (blobmsg_add_json_element):
//   object → TABLE, array → ARRAY (unnamed elements), string → STRING, boolean → INT8 (0/1), null → UNSPEC,
//   integer in int32 range → INT32, other integer below 2^63 in magnitude → INT64, anything else → DOUBLE.
//   JS has one number type, so "integer" means Number.isInteger(); a bigint always becomes INT64.
//   Object properties whose value is `undefined` are skipped, as JSON.stringify does.
// blobmsg → JSON:
//   TABLE → object (first occurrence wins on duplicate names, as blobmsg_parse does), ARRAY → array,
//   INT8 → boolean (non-zero is true; the CLI prints it the same way), INT16/INT32 → number,
//   INT64 → number when it is a safe integer, otherwise bigint (JSON.stringify cannot print those: use
//   blobmsgFormatJson), DOUBLE → number, STRING → string, UNSPEC → null.
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";
import type { BlobmsgAttr } from "./blobmsg.ts";

export type JsonValue = null | boolean | number | bigint | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** Sets an own enumerable property, even for keys like "__proto__" that plain assignment would misinterpret. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  // Only "__proto__" needs defineProperty (assignment would call the prototype setter); defineProperty on every
  // key made converting a big reply several times slower.
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

export function blobmsgValueToJson(attr: BlobmsgAttr): JsonValue {
  switch (attr.type) {
    case "unspec":
      return null;
    case "int8":
      return attr.value !== 0;
    case "int16":
    case "int32":
    case "double":
      return attr.value;
    case "int64": {
      const n = Number(attr.value);
      return Number.isSafeInteger(n) ? n : attr.value;
    }
    case "string":
      return attr.value;
    case "array":
      return attr.value.map(blobmsgValueToJson);
    case "table":
      return blobmsgToJson(attr.value);
  }
}

/** The members of a table (e.g. UBUS_ATTR_DATA) as a plain object. */
export function blobmsgToJson(attrs: readonly BlobmsgAttr[]): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const a of attrs) {
    if (!Object.hasOwn(out, a.name)) setOwn(out, a.name, blobmsgValueToJson(a));
  }
  return out;
}

export interface JsonConvertError {
  /** Where in the input, e.g. `$.instances[0].prio`. */
  readonly path: string;
  readonly message: string;
}

const int32Min = -0x80000000;
const int32Max = 0x7fffffff;
const int64Limit = 2 ** 63;

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** One JSON value as a blobmsg element named `name`. */
export function jsonToBlobmsgValue(name: string, v: unknown, path = "$", depth = 0): Result<BlobmsgAttr, JsonConvertError> {
  if (depth > 64) return err({ path, message: "nested deeper than 64 levels" });
  switch (typeof v) {
    case "string":
      return v.includes("\0") ? err({ path, message: "string contains NUL" }) : ok({ type: "string", name, value: v });
    case "boolean":
      return ok({ type: "int8", name, value: v ? 1 : 0 });
    case "number":
      if (Number.isInteger(v) && v >= int32Min && v <= int32Max) return ok({ type: "int32", name, value: v });
      if (Number.isInteger(v) && Math.abs(v) < int64Limit) return ok({ type: "int64", name, value: BigInt(v) });
      return ok({ type: "double", name, value: v });
    case "bigint":
      if (v < -(2n ** 63n) || v >= 2n ** 63n) return err({ path, message: `${v} does not fit in int64` });
      return ok({ type: "int64", name, value: v });
    case "object": {
      if (v === null) return ok({ type: "unspec", name });
      if (Array.isArray(v)) {
        const items: BlobmsgAttr[] = [];
        for (const [i, item] of (v as unknown[]).entries()) {
          const r = jsonToBlobmsgValue("", item, `${path}[${i}]`, depth + 1);
          if (!r.ok) return r;
          items.push(r.value);
        }
        return ok({ type: "array", name, value: items });
      }
      const members = jsonObjectToBlobmsg(v, path, depth + 1);
      return members.ok ? ok({ type: "table", name, value: members.value }) : members;
    }
    default:
      return err({ path, message: `cannot convert a ${typeof v} to blobmsg` });
  }
}

function jsonObjectToBlobmsg(v: object, path: string, depth: number): Result<BlobmsgAttr[], JsonConvertError> {
  if (!isPlainObject(v)) return err({ path, message: "only plain objects convert to a blobmsg table" });
  const out: BlobmsgAttr[] = [];
  for (const [key, value] of Object.entries(v)) {
    if (value === undefined) continue;
    if (key.includes("\0")) return err({ path, message: `key ${JSON.stringify(key)} contains NUL` });
    const r = jsonToBlobmsgValue(key, value, `${path}.${key}`, depth);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

/**
 * A JSON object as the members of a blobmsg table (what goes into UBUS_ATTR_DATA). Like `ubus call`, the top
 * level must be an object.
 */
export function jsonToBlobmsg(v: unknown): Result<BlobmsgAttr[], JsonConvertError> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return err({ path: "$", message: "the top level must be an object" });
  return jsonObjectToBlobmsg(v, "$", 0);
}
