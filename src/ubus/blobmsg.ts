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
import type { BlobError } from "./blob.ts";
import { BlobBuf, BlobEncodeError, blobAttrExtended, blobAttrHdrLen, blobAttrIdMask, blobAttrIdShift, blobAttrLenMask, blobAttrNext } from "./blob.ts";
import { decodeCString } from "./cstring.ts";

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

/** Thrown inside the decoder and caught at its entry: errors are rare, so the hot path builds no Result per element. */
class DecodeFailure {
  constructor(readonly error: BlobmsgError) {}
}

function fail(code: BlobmsgErrorCode, offset: number, message: string): never {
  throw new DecodeFailure({ code, offset, message });
}

/** Decodes a list of elements (a table's or array's payload, or UBUS_ATTR_DATA's) from bytes[start, end). */
export function blobmsgParseList(bytes: Uint8Array, start = 0, end = bytes.length, depth = 0): Result<BlobmsgAttr[], BlobmsgError> {
  try {
    return ok(parseList(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start, end, depth));
  } catch (e) {
    if (e instanceof DecodeFailure) return err(e.error);
    throw e;
  }
}

/** The elements in bytes[start, end), read in place: `view` is over all of `bytes`, so offsets need no re-basing. */
function parseList(bytes: Uint8Array, view: DataView, start: number, end: number, depth: number): BlobmsgAttr[] {
  if (depth > blobmsgMaxDepth) fail("too-deep", start, `blobmsg nested deeper than ${blobmsgMaxDepth} levels`);
  const out: BlobmsgAttr[] = [];
  let offset = start;
  while (offset < end) {
    // blob_attr framing: the same rule and messages as blobReadAttr, without building a BlobAttr.
    const next = blobAttrNext(view, offset, end);
    if (typeof next !== "number") throw new DecodeFailure(next);
    const idLen = view.getUint32(offset);
    const id = (idLen & blobAttrIdMask) >>> blobAttrIdShift;
    const rawLen = idLen & blobAttrLenMask;
    // The blobmsg element inside it.
    if ((idLen & blobAttrExtended) === 0) fail("not-extended", offset, `blobmsg element id ${id} lacks the extended bit`);
    if (id > blobmsgTypeLast) fail("bad-type", offset, `blobmsg type ${id} > ${blobmsgTypeLast}`);
    const payload = offset + blobAttrHdrLen;
    const payloadLen = rawLen - blobAttrHdrLen;
    if (payloadLen < 3) fail("bad-name", offset, `blobmsg payload of ${payloadLen} byte(s) has no room for a name header`);
    const namelen = view.getUint16(payload);
    const hdrlen = blobmsgHdrlen(namelen);
    if (hdrlen > payloadLen) fail("bad-name", offset, `blobmsg name header (${hdrlen} bytes) exceeds the payload (${payloadLen})`);
    if (bytes[payload + 2 + namelen] !== 0) fail("bad-name", offset, "blobmsg name is not NUL-terminated");
    const name = decodeCString(bytes, payload + 2, payload + 2 + namelen);
    out.push(decodeValue(bytes, view, id, name, payload + hdrlen, payloadLen - hdrlen, offset, depth));
    offset = next;
  }
  return out;
}

/** The value of an element of type `id` in bytes[at, at + len); `offset` is the element's, for errors. */
function decodeValue(bytes: Uint8Array, view: DataView, id: number, name: string, at: number, len: number, offset: number, depth: number): BlobmsgAttr {
  switch (id) {
    case BlobmsgType.unspec:
      return len > 0 ? { type: "unspec", name, value: bytes.subarray(at, at + len) } : { type: "unspec", name };
    case BlobmsgType.int8:
      if (len === 1) return { type: "int8", name, value: view.getInt8(at) };
      break;
    case BlobmsgType.int16:
      if (len === 2) return { type: "int16", name, value: view.getInt16(at) };
      break;
    case BlobmsgType.int32:
      if (len === 4) return { type: "int32", name, value: view.getInt32(at) };
      break;
    case BlobmsgType.int64:
      if (len === 8) return { type: "int64", name, value: view.getBigInt64(at) };
      break;
    case BlobmsgType.double:
      // libubox only requires ≥ 8 bytes; exactly 8 keeps the model lossless and nothing legitimate sends more.
      if (len === 8) return { type: "double", name, value: view.getFloat64(at) };
      break;
    case BlobmsgType.string:
      if (len < 1 || bytes[at + len - 1] !== 0) fail("bad-value", offset, `blobmsg string "${name}" is not NUL-terminated`);
      return { type: "string", name, value: decodeCString(bytes, at, at + len) };
    case BlobmsgType.table:
      return { type: "table", name, value: parseList(bytes, view, at, at + len, depth + 1) };
    default: // array: the caller has checked id ≤ BLOBMSG_TYPE_LAST
      return { type: "array", name, value: parseList(bytes, view, at, at + len, depth + 1) };
  }
  return fail("bad-value", offset, `blobmsg ${blobmsgTypeNames[id] ?? id} "${name}" has a ${len}-byte value`);
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

/**
 * blobmsg_new(): opens an element (ext header, be16 namelen, name, NUL, padding) and returns the cookie for
 * buf.end(), or -1 if the name contains a NUL (the caller reports it in its own terms). The name is written
 * straight into the buffer and its length patched in after.
 */
export function blobmsgOpen(buf: BlobBuf, type: number, name: string): number {
  const cookie = buf.start(type, true);
  const lenAt = buf.length;
  buf.writeU16(0);
  const n = buf.writeUtf8(name);
  if (n < 0) return -1;
  if (n > 0xffff) throw new BlobEncodeError(`blobmsg name of ${n} bytes exceeds 65535`);
  buf.patchU16(lenAt, n);
  buf.writeU8(0);
  buf.pad();
  return cookie;
}

/** Writes a string and its NUL; false if it contains a NUL (the caller reports it in its own terms). */
export function blobmsgWriteString(buf: BlobBuf, s: string): boolean {
  if (buf.writeUtf8(s) < 0) return false;
  buf.writeU8(0);
  return true;
}

/** Appends one element (blobmsg_add_field / blobmsg_open_nested). Throws BlobEncodeError on unencodable values. */
export function blobmsgPut(buf: BlobBuf, attr: BlobmsgAttr): void {
  const cookie = blobmsgOpen(buf, BlobmsgType[attr.type], attr.name);
  if (cookie < 0) throw new BlobEncodeError(`blobmsg name "${attr.name}" contains a NUL character`);
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
      buf.writeU32(checkInt(attr, -0x80000000, 0xffffffff) >>> 0);
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
      if (!blobmsgWriteString(buf, attr.value)) throw new BlobEncodeError(`blobmsg string "${attr.name}" contains a NUL character`);
      break;
    case "table":
    case "array":
      blobmsgPutList(buf, attr.value);
      break;
  }
  buf.end(cookie);
}

export function blobmsgPutList(buf: BlobBuf, attrs: readonly BlobmsgAttr[]): void {
  for (let i = 0; i < attrs.length; i++) blobmsgPut(buf, attrs[i] as BlobmsgAttr);
}

/** Encodes a list of elements on its own (what UBUS_ATTR_DATA carries as payload). */
export function blobmsgEncode(attrs: readonly BlobmsgAttr[]): Uint8Array {
  const buf = new BlobBuf();
  blobmsgPutList(buf, attrs);
  return buf.bytes();
}
