// A small JSON-schema-like language for the daemon's API (ubus object `vrrp` and the control socket), with the
// two checks built on it: conform() for replies (tests assert every real reply against the contract) and
// checkArgs() for requests (the methods validate their arguments with it, whatever the transport).
// Deliberately tiny: what the contract needs and the doc generator can render, nothing more.
import type { JsonValue } from "../ubus/blobmsg-json.ts";

interface Base {
  /** One line for the documentation table. */
  readonly doc: string;
  readonly nullable?: boolean;
}
export type Schema =
  | (Base & { readonly type: "string"; readonly enum?: readonly string[] })
  | (Base & { readonly type: "integer"; readonly min?: number; readonly max?: number })
  | (Base & { readonly type: "number" })
  | (Base & { readonly type: "boolean" })
  | (Base & { readonly type: "array"; readonly items: Schema })
  | (Base & { readonly type: "object"; readonly fields: Readonly<Record<string, Schema>> })
  /** A JSON object used as a map (keyed by instance name, as netifd and procd do). */
  | (Base & { readonly type: "map"; readonly key: string; readonly values: Schema });

export interface ArgSpec {
  readonly schema: Schema;
  readonly required: boolean;
  /** What an omitted optional argument means. */
  readonly default?: JsonValue;
}

/** A short type name for docs and error messages: `integer 1..255 or null`, `array of string`. */
export function typeName(s: Schema): string {
  let base: string;
  switch (s.type) {
    case "string":
      base = s.enum ? s.enum.map((e) => `"${e}"`).join(" | ") : "string";
      break;
    case "integer":
      base = s.min !== undefined && s.max !== undefined ? `integer ${s.min}..${s.max}` : s.min !== undefined ? `integer ≥ ${s.min}` : "integer";
      break;
    case "array":
      base = `array of ${typeName(s.items)}`;
      break;
    case "map":
      base = `object: ${s.key} → ${s.values.type === "object" ? "object" : typeName(s.values)}`;
      break;
    default:
      base = s.type;
  }
  return s.nullable === true ? `${base} or null` : base;
}

const kindOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const show = (v: unknown): string => (typeof v === "bigint" ? String(v) : (JSON.stringify(v) ?? String(v)));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every way `value` departs from `schema` (empty when it conforms). Objects are closed: unknown keys are errors. */
export function conform(schema: Schema, value: unknown, path = "$"): string[] {
  if (value === null) return schema.nullable === true ? [] : [`${path}: null where ${typeName(schema)} is required`];
  const wrong = (): string[] => [`${path}: expected ${typeName(schema)}, got ${kindOf(value)} ${show(value)}`];
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") return wrong();
      return schema.enum && !schema.enum.includes(value) ? wrong() : [];
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return wrong();
      return (schema.min !== undefined && value < schema.min) || (schema.max !== undefined && value > schema.max) ? wrong() : [];
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? [] : wrong();
    case "boolean":
      return typeof value === "boolean" ? [] : wrong();
    case "array":
      return Array.isArray(value) ? value.flatMap((item: unknown, i) => conform(schema.items, item, `${path}[${i}]`)) : wrong();
    case "map":
      return isObject(value) ? Object.entries(value).flatMap(([k, v]) => conform(schema.values, v, `${path}.${k}`)) : wrong();
    case "object": {
      if (!isObject(value)) return wrong();
      const problems = Object.keys(value).filter((k) => !Object.hasOwn(schema.fields, k)).map((k) => `${path}.${k}: not in the contract`);
      for (const [k, field] of Object.entries(schema.fields)) {
        if (!Object.hasOwn(value, k)) problems.push(`${path}.${k}: missing`);
        else problems.push(...conform(field, value[k], `${path}.${k}`));
      }
      return problems;
    }
  }
}

export interface ArgError {
  /** The argument at fault ("" for the whole argument object). */
  readonly field: string;
  readonly message: string;
}

/**
 * Validates a method's arguments (a JSON object) against its spec and fills in defaults.
 * Unknown arguments are refused rather than ignored: a misspelt `hold_off` must not silently become the default.
 * The CLI sends INT64 for integers outside int32, which arrive as bigint: they are out of every range here.
 */
export function checkArgs(specs: Readonly<Record<string, ArgSpec>>, input: unknown): { ok: true; args: Record<string, JsonValue> } | { ok: false; error: ArgError } {
  if (input === undefined) input = {};
  if (!isObject(input)) return { ok: false, error: { field: "", message: `arguments must be a JSON object, got ${kindOf(input)}` } };
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(specs, key)) {
      const known = Object.keys(specs);
      return { ok: false, error: { field: key, message: `unknown argument "${key}" (${known.length ? `expected ${known.join(", ")}` : "this method takes none"})` } };
    }
  }
  const args: Record<string, JsonValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const v = input[name];
    if (v === undefined) {
      if (spec.required) return { ok: false, error: { field: name, message: `missing required argument "${name}" (${typeName(spec.schema)})` } };
      if (spec.default !== undefined) args[name] = spec.default;
      continue;
    }
    if (conform(spec.schema, v).length > 0) {
      return { ok: false, error: { field: name, message: `invalid argument "${name}": expected ${typeName(spec.schema)}, got ${show(v)}` } };
    }
    args[name] = v as JsonValue;
  }
  return { ok: true, args };
}
