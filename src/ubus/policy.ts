// Method signatures and argument checking for objects we publish.
//
// The signature goes to ubusd in ADD_OBJECT (UBUS_ATTR_SIGNATURE: one blobmsg TABLE per method, holding one
// INT32 per argument whose value is the BLOBMSG_TYPE_*). It is informative only (`ubus -v list`, ACLs): neither
// ubusd nor libubus checks calls against it, so the owner validates arguments itself, with validateArgs().
//
// Validation follows blobmsg_parse() (unknown members ignored, first occurrence wins) and is more forgiving
// than a C policy table about numbers, because the CLI picks the wire type from the JSON text: `{"x": 5}`
// arrives as INT32 and `{"x": 5000000000}` as INT64. Any integer type is accepted where an integer is expected
// if the value fits (as blobmsg_cast_u64 does), integers are accepted for doubles, and 0/1 for booleans.
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";
import { BlobEncodeError } from "./blob.ts";
import type { BlobmsgAttr, BlobmsgTypeName } from "./blobmsg.ts";
import { BlobmsgType } from "./blobmsg.ts";
import type { JsonObject, JsonValue } from "./blobmsg-json.ts";
import { blobmsgToJson, blobmsgValueToJson, setOwn } from "./blobmsg-json.ts";
import { UbusStatus } from "./message.ts";

/** A blobmsg type, or "bool" (INT8 on the wire, a boolean in JS). */
export type PolicyType = BlobmsgTypeName | "bool";
export interface ArgPolicy {
  readonly type: PolicyType;
  readonly required?: boolean;
}
/** Argument name → type (optional argument) or {type, required}. */
export type MethodPolicy = Readonly<Record<string, PolicyType | ArgPolicy>>;
/** Method name → its arguments. */
export type ObjectPolicy = Readonly<Record<string, MethodPolicy>>;

const policyTypeOf = (p: PolicyType | ArgPolicy): PolicyType => (typeof p === "string" ? p : p.type);
const wireType = (t: PolicyType): number => (t === "bool" ? BlobmsgType.int8 : BlobmsgType[t]);

/** UBUS_ATTR_SIGNATURE for ADD_OBJECT, as libubus builds it from a struct ubus_method table. */
export function signatureToBlobmsg(methods: ObjectPolicy): BlobmsgAttr[] {
  return Object.entries(methods).map(([method, args]) => {
    // ubusd silently registers an object whose signature has an unnamed entry WITHOUT a type, which makes it
    // invisible to `ubus list` and `ubus call`: refuse to build one.
    if (method === "") throw new BlobEncodeError("signature: empty method name");
    const value = Object.entries(args).map(([arg, p]): BlobmsgAttr => {
      if (arg === "") throw new BlobEncodeError(`signature: method "${method}" has an empty argument name`);
      return { type: "int32", name: arg, value: wireType(policyTypeOf(p)) };
    });
    return { type: "table", name: method, value };
  });
}

/** A decoded signature: method → argument → BLOBMSG_TYPE_* number. */
export type Signature = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Reads UBUS_ATTR_SIGNATURE (e.g. from a LOOKUP reply). Checks what ubusd checks, plus the table shape. */
export function signatureFromBlobmsg(attrs: readonly BlobmsgAttr[]): Result<Signature, string> {
  const out: Record<string, Record<string, number>> = {};
  for (const m of attrs) {
    if (m.name === "") return err("signature: method entry without a name");
    if (m.type !== "table") return err(`signature: method "${m.name}" is a ${m.type}, not a table`);
    const args: Record<string, number> = {};
    for (const a of m.value) {
      if (a.type !== "int32") return err(`signature: argument "${m.name}.${a.name}" is a ${a.type}, not an int32`);
      setOwn(args, a.name, a.value);
    }
    setOwn(out, m.name, args);
  }
  return ok(out);
}

type PolicyTypeOf<E> = E extends PolicyType ? E : E extends ArgPolicy ? E["type"] : never;
type ValueOf<T> = T extends "string"
  ? string
  : T extends "bool"
    ? boolean
    : T extends "int8" | "int16" | "int32" | "double"
      ? number
      : T extends "int64"
        ? bigint
        : T extends "table"
          ? JsonObject
          : T extends "array"
            ? readonly JsonValue[]
            : JsonValue;
type RequiredKeys<P> = { [K in keyof P]: P[K] extends { readonly required: true } ? K : never }[keyof P];
/** The validated arguments of a method: required ones present, optional ones possibly absent. */
export type ArgsOf<P extends MethodPolicy> = { readonly [K in RequiredKeys<P>]: ValueOf<PolicyTypeOf<P[K]>> } & {
  readonly [K in Exclude<keyof P, RequiredKeys<P>>]?: ValueOf<PolicyTypeOf<P[K]>>;
};

export interface ArgError {
  readonly status: typeof UbusStatus.invalidArgument;
  /** The argument at fault; "" when the whole DATA attribute is missing. */
  readonly field: string;
  readonly message: string;
}

const argError = (field: string, message: string): ArgError => ({ status: UbusStatus.invalidArgument, field, message });

const intRange: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

function integerOf(a: BlobmsgAttr): bigint | undefined {
  switch (a.type) {
    case "int8":
    case "int16":
    case "int32":
      return BigInt(a.value);
    case "int64":
      return a.value;
    default:
      return undefined;
  }
}

/** Converts one member to the expected type, or explains why it does not fit. */
function convert(a: BlobmsgAttr, expected: PolicyType): Result<JsonValue, string> {
  const mismatch = (): Result<never, string> => err(`expected ${expected}, got ${a.type}`);
  const int = integerOf(a);
  switch (expected) {
    case "unspec":
      return ok(blobmsgValueToJson(a));
    case "string":
      return a.type === "string" ? ok(a.value) : mismatch();
    case "table":
      return a.type === "table" ? ok(blobmsgToJson(a.value)) : mismatch();
    case "array":
      return a.type === "array" ? ok(a.value.map(blobmsgValueToJson)) : mismatch();
    case "double":
      if (a.type === "double") return ok(a.value);
      return int !== undefined ? ok(Number(int)) : mismatch();
    case "bool":
      if (a.type === "int8") return ok(a.value !== 0);
      if (int === 0n || int === 1n) return ok(int === 1n);
      return int !== undefined ? err(`expected bool, got ${a.type} ${int}`) : mismatch();
    case "int8":
    case "int16":
    case "int32":
    case "int64": {
      if (int === undefined) return mismatch();
      const [min, max] = intRange[expected] ?? [0n, 0n];
      if (int < min || int > max) return err(`expected ${expected}, ${int} is out of range`);
      return ok(expected === "int64" ? int : Number(int));
    }
  }
}

/**
 * Checks an INVOKE's DATA against a method policy and returns the arguments as plain values.
 * `data` undefined means the INVOKE had no (valid) DATA attribute: libubus answers INVALID_ARGUMENT then too.
 */
export function validateArgs<const P extends MethodPolicy>(policy: P, data: readonly BlobmsgAttr[] | undefined): Result<ArgsOf<P>, ArgError> {
  if (data === undefined) return err(argError("", "missing or malformed message data"));
  const out: Record<string, JsonValue> = {};
  for (const [field, p] of Object.entries(policy)) {
    const expected = policyTypeOf(p);
    const a = data.find((d) => d.name === field);
    if (a === undefined) {
      if (typeof p !== "string" && p.required === true) return err(argError(field, `missing required argument "${field}" (${expected})`));
      continue;
    }
    const v = convert(a, expected);
    if (!v.ok) return err(argError(field, `invalid argument "${field}": ${v.error}`));
    setOwn(out, field, v.value);
  }
  return ok(out as ArgsOf<P>);
}
