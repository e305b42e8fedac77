// libubox blobmsg (blobmsg.h): named, typed values on top of blob_attr. Used inside UBUS_ATTR_DATA and
// UBUS_ATTR_SIGNATURE.
//
// An element is a blob_attr whose id is the BLOBMSG_TYPE_* and whose extended bit is set; its payload is
//   be16 namelen | name | NUL | zero pad to 4 (blobmsg_hdrlen) | value
// Tables hold named elements, arrays hold elements with an empty name.
//
// The typed model below is lossless for everything libubox itself produces (decode → encode is byte-identical),
// which is what lets the capture tests compare bytes. Decisions:
// - int64 is always a bigint here (no silent precision loss); blobmsg-json.ts turns it into a number when safe.
// - All integers decode as signed (that is how the ubus CLI prints int16/32/64); int8 keeps its integer value
//   (it doubles as BLOBMSG_TYPE_BOOL, and blobmsg-json.ts maps it to a boolean). Encoders also accept the
//   unsigned range (C has blobmsg_add_u32 and friends), so ids ≥ 2^31 can be written as int32.
// - Strings end at their first NUL, as every C reader sees them; invalid UTF-8 decodes to U+FFFD.
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";
import type { BlobAttr, BlobError } from "./blob.ts";
import { BlobBuf, BlobEncodeError, blobAttrHdrLen, blobError, blobReadAttr } from "./blob.ts";

/** enum blobmsg_type. BOOL is INT8 on the wire. */
export const BlobmsgType = {
  unspec: 0,
  array: 1,
  table: 2,
  string: 3,
  int64: 4,
  int32: 5,
  int16: 6,
  int8: 7,
  double: 8,
} as const;
export type BlobmsgTypeName = keyof typeof BlobmsgType;
export const blobmsgTypeBool = BlobmsgType.int8;
/** BLOBMSG_TYPE_LAST: ids above it are invalid (blobmsg_check_attr). */
export const blobmsgTypeLast = BlobmsgType.double;
/** Indexed by type id. */
export const blobmsgTypeNames: readonly BlobmsgTypeName[] = ["unspec", "array", "table", "string", "int64", "int32", "int16", "int8", "double"];

/**
 * The most tables/arrays a decoded element may nest. Not a wire rule: it keeps a hostile 1 MiB message
 * (≈130k nested tables) from exhausting the stack. json-c, behind the ubus CLI, stops at 32 levels, so real traffic stays far below.
 */
export const blobmsgMaxDepth = 64;

export type BlobmsgAttr =
  | { readonly type: "unspec"; readonly name: string; readonly value?: Uint8Array } // payload kept only if non-empty
  | { readonly type: "array"; readonly name: string; readonly value: readonly BlobmsgAttr[] }
  | { readonly type: "table"; readonly name: string; readonly value: readonly BlobmsgAttr[] }
  | { readonly type: "string"; readonly name: string; readonly value: string }
  | { readonly type: "int64"; readonly name: string; readonly value: bigint }
  | { readonly type: "int32"; readonly name: string; readonly value: number }
  | { readonly type: "int16"; readonly name: string; readonly value: number }
  | { readonly type: "int8"; readonly name: string; readonly value: number }
  | { readonly type: "double"; readonly name: string; readonly value: number };

/** blobmsg_hdrlen(): namelen field + name + NUL, padded to 4. */
export function blobmsgHdrlen(namelen: number): number {
  return (2 + namelen + 1 + 3) & ~3;
}

export type BlobmsgErrorCode =
  | BlobError["code"]
  | "not-extended" // an element without the ext bit (no name header)
  | "bad-name" // name header does not fit, or the name is not NUL-terminated
  | "bad-type" // type id > BLOBMSG_TYPE_LAST
  | "bad-value"; // value length wrong for its type, or a string without its NUL

export interface BlobmsgError {
  readonly code: BlobmsgErrorCode;
  readonly offset: number;
  readonly message: string;
}

const utf8Decoder = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

/** A C string view: up to the first NUL (or the end). */
export function decodeCString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return utf8Decoder.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

function dv(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes a list of elements (a table's or array's payload, or UBUS_ATTR_DATA's) from bytes[start, end). */
export function blobmsgParseList(bytes: Uint8Array, start = 0, end = bytes.length, depth = 0): Result<BlobmsgAttr[], BlobmsgError> {
  if (depth > blobmsgMaxDepth) return err(blobError("too-deep", start, `blobmsg nested deeper than ${blobmsgMaxDepth} levels`));
  const out: BlobmsgAttr[] = [];
  let offset = start;
  while (offset < end) {
    const r = blobReadAttr(bytes, offset, end);
    if (!r.ok) return r;
    const el = blobmsgDecodeAttr(bytes, r.value.attr, depth);
    if (!el.ok) return el;
    out.push(el.value);
    offset = r.value.next;
  }
  return ok(out);
}

/** Decodes one element; `attr` must have been read from `bytes` (nested lists are parsed in place). */
export function blobmsgDecodeAttr(bytes: Uint8Array, attr: BlobAttr, depth = 0): Result<BlobmsgAttr, BlobmsgError> {
  const fail = (code: BlobmsgErrorCode, message: string): Result<never, BlobmsgError> =>
    err({ code, offset: attr.offset, message });
  if (!attr.extended) return fail("not-extended", `blobmsg element id ${attr.id} lacks the extended bit`);
  const type = blobmsgTypeNames[attr.id];
  if (type === undefined) return fail("bad-type", `blobmsg type ${attr.id} > ${blobmsgTypeLast}`);
  const p = attr.data;
  if (p.length < 3) return fail("bad-name", `blobmsg payload of ${p.length} byte(s) has no room for a name header`);
  const namelen = dv(p).getUint16(0);
  const hdrlen = blobmsgHdrlen(namelen);
  if (hdrlen > p.length) return fail("bad-name", `blobmsg name header (${hdrlen} bytes) exceeds the payload (${p.length})`);
  if (p[2 + namelen] !== 0) return fail("bad-name", "blobmsg name is not NUL-terminated");
  const name = decodeCString(p.subarray(2, 2 + namelen));
  const v = p.subarray(hdrlen);
  const sized = (n: number): boolean => v.length === n;
  const badLen = (): Result<never, BlobmsgError> => fail("bad-value", `blobmsg ${type} "${name}" has a ${v.length}-byte value`);
  switch (type) {
    case "unspec":
      return ok(v.length > 0 ? { type, name, value: v } : { type, name });
    case "int8":
      return sized(1) ? ok({ type, name, value: dv(v).getInt8(0) }) : badLen();
    case "int16":
      return sized(2) ? ok({ type, name, value: dv(v).getInt16(0) }) : badLen();
    case "int32":
      return sized(4) ? ok({ type, name, value: dv(v).getInt32(0) }) : badLen();
    case "int64":
      return sized(8) ? ok({ type, name, value: dv(v).getBigInt64(0) }) : badLen();
    case "double":
      // libubox only requires ≥ 8 bytes; exactly 8 keeps the model lossless and nothing legitimate sends more.
      return sized(8) ? ok({ type, name, value: dv(v).getFloat64(0) }) : badLen();
    case "string":
      if (v.length < 1 || v[v.length - 1] !== 0) return fail("bad-value", `blobmsg string "${name}" is not NUL-terminated`);
      return ok({ type, name, value: decodeCString(v) });
    case "table":
    case "array": {
      const start = attr.offset + blobAttrHdrLen + hdrlen;
      const children = blobmsgParseList(bytes, start, start + v.length, depth + 1);
      return children.ok ? ok({ type, name, value: children.value }) : children;
    }
  }
}

/** Decodes a standalone list of elements (e.g. a copy of UBUS_ATTR_DATA's payload). Never throws. */
export function blobmsgDecode(bytes: Uint8Array): Result<BlobmsgAttr[], BlobmsgError> {
  return blobmsgParseList(bytes, 0, bytes.length, 0);
}

function checkInt(attr: { name: string; type: string; value: number }, min: number, max: number): number {
  const v = attr.value;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new BlobEncodeError(`blobmsg ${attr.type} "${attr.name}": ${v} is not an integer in ${min}..${max}`);
  }
  return v;
}

/** Encodes a string as C would see it; an embedded NUL would silently truncate it there, so refuse it. */
export function encodeCString(s: string, what: string): Uint8Array {
  if (s.includes("\0")) throw new BlobEncodeError(`${what} contains a NUL character`);
  return utf8Encoder.encode(s);
}

/** Appends one element (blobmsg_add_field / blobmsg_open_nested). Throws BlobEncodeError on unencodable values. */
export function blobmsgPut(buf: BlobBuf, attr: BlobmsgAttr): void {
  const name = encodeCString(attr.name, `blobmsg name "${attr.name}"`);
  if (name.length > 0xffff) throw new BlobEncodeError(`blobmsg name of ${name.length} bytes exceeds 65535`);
  const cookie = buf.start(BlobmsgType[attr.type], true);
  buf.writeU16(name.length);
  buf.writeBytes(name);
  buf.writeU8(0);
  buf.pad();
  switch (attr.type) {
    case "unspec":
      if (attr.value !== undefined) buf.writeBytes(attr.value);
      break;
    case "int8":
      buf.writeU8(checkInt(attr, -0x80, 0xff));
      break;
    case "int16":
      buf.writeU16(checkInt(attr, -0x8000, 0xffff));
      break;
    case "int32":
      buf.writeU32(checkInt(attr, -0x80000000, 0xffffffff));
      break;
    case "int64":
      if (attr.value < -(2n ** 63n) || attr.value >= 2n ** 64n) {
        throw new BlobEncodeError(`blobmsg int64 "${attr.name}": ${attr.value} does not fit in 64 bits`);
      }
      buf.writeU64(attr.value);
      break;
    case "double":
      buf.writeF64(attr.value);
      break;
    case "string":
      buf.writeBytes(encodeCString(attr.value, `blobmsg string "${attr.name}"`));
      buf.writeU8(0);
      break;
    case "table":
    case "array":
      blobmsgPutList(buf, attr.value);
      break;
  }
  buf.end(cookie);
}

export function blobmsgPutList(buf: BlobBuf, attrs: readonly BlobmsgAttr[]): void {
  for (const a of attrs) blobmsgPut(buf, a);
}

/** Encodes a list of elements on its own (what UBUS_ATTR_DATA carries as payload). */
export function blobmsgEncode(attrs: readonly BlobmsgAttr[]): Uint8Array {
  const buf = new BlobBuf();
  blobmsgPutList(buf, attrs);
  return buf.bytes();
}
