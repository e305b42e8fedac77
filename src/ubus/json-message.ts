// A fast path for the daemon's biggest messages: a JSON object encoded straight into a ubus message's DATA
// attribute, without building the intermediate BlobmsgAttr tree, and with the UTF-8 of repeated names and short
// strings cached (a 255-instance status repeats the same few hundred keys and values thousands of times).
// The output is byte-identical to encodeMessage({..., attrs: [...attrs, {attr: "data", value: jsonToBlobmsg(v)}]})
// (test/ubus/json-message.test.ts checks that with generated values), and it fails where jsonToBlobmsg fails.
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";
import { BlobBuf, BlobEncodeError, blobPadLen } from "./blob.ts";
import { BlobmsgType } from "./blobmsg.ts";
import type { JsonConvertError } from "./blobmsg-json.ts";
import type { UbusAttr } from "./attrs.ts";
import { UbusAttrId, ubusPutAttr } from "./attrs.ts";
import { ubusMaxMsglen, ubusMsghdrLen } from "./message.ts";

const utf8 = new TextEncoder();
/** UTF-8 of recent names and short strings; bounded, cleared when full (simple and enough for repeated keys). */
const cache = new Map<string, Uint8Array>();
const CACHE_MAX = 4096;
const CACHE_MAX_LEN = 64;

function bytesOf(s: string): Uint8Array {
  if (s.length > CACHE_MAX_LEN) return utf8.encode(s);
  let b = cache.get(s);
  if (b === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    b = utf8.encode(s);
    cache.set(s, b);
  }
  return b;
}

class Fail extends Error {
  constructor(readonly convert: JsonConvertError) {
    super(convert.message);
  }
}

const int32Min = -0x80000000;
const int32Max = 0x7fffffff;

/** Opens a blobmsg element: ext header, name, NUL, padding. Returns the cookie for end(). */
function open(buf: BlobBuf, type: number, name: string, path: string): number {
  if (name.includes("\0")) throw new Fail({ path, message: `key ${JSON.stringify(name)} contains NUL` });
  const n = bytesOf(name);
  const c = buf.start(type, true);
  buf.writeU16(n.length);
  buf.writeBytes(n);
  buf.writeU8(0);
  buf.pad();
  return c;
}

/** One value, following jsonToBlobmsgValue's rules exactly. */
function put(buf: BlobBuf, name: string, v: unknown, path: string, depth: number): void {
  if (depth > 64) throw new Fail({ path, message: "nested deeper than 64 levels" });
  switch (typeof v) {
    case "string": {
      if (v.includes("\0")) throw new Fail({ path, message: "string contains NUL" });
      const c = open(buf, BlobmsgType.string, name, path);
      buf.writeBytes(bytesOf(v));
      buf.writeU8(0);
      return buf.end(c);
    }
    case "boolean": {
      const c = open(buf, BlobmsgType.int8, name, path);
      buf.writeU8(v ? 1 : 0);
      return buf.end(c);
    }
    case "number": {
      if (Number.isInteger(v) && v >= int32Min && v <= int32Max) {
        const c = open(buf, BlobmsgType.int32, name, path);
        buf.writeU32(v >>> 0);
        return buf.end(c);
      }
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) {
        const c = open(buf, BlobmsgType.int64, name, path);
        buf.writeU64(BigInt(v));
        return buf.end(c);
      }
      const c = open(buf, BlobmsgType.double, name, path);
      buf.writeF64(v);
      return buf.end(c);
    }
    case "bigint": {
      if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new Fail({ path, message: `${v} does not fit in int64` });
      const c = open(buf, BlobmsgType.int64, name, path);
      buf.writeU64(v);
      return buf.end(c);
    }
    case "object": {
      if (v === null) return buf.end(open(buf, BlobmsgType.unspec, name, path));
      if (Array.isArray(v)) {
        const c = open(buf, BlobmsgType.array, name, path);
        (v as unknown[]).forEach((item, i) => put(buf, "", item, `${path}[${i}]`, depth + 1));
        return buf.end(c);
      }
      const c = open(buf, BlobmsgType.table, name, path);
      members(buf, v, path, depth + 1);
      return buf.end(c);
    }
    default:
      throw new Fail({ path, message: `cannot convert a ${typeof v} to blobmsg` });
  }
}

function members(buf: BlobBuf, v: object, path: string, depth: number): void {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw new Fail({ path, message: "only plain objects convert to a blobmsg table" });
  for (const [key, value] of Object.entries(v)) {
    if (value === undefined) continue;
    if (key.includes("\0")) throw new Fail({ path, message: `key ${JSON.stringify(key)} contains NUL` });
    put(buf, key, value, `${path}.${key}`, depth);
  }
}

export interface JsonMessageInit {
  readonly type: number;
  readonly seq: number;
  readonly peer: number;
  /** Attributes before DATA (e.g. OBJID). */
  readonly attrs: readonly UbusAttr[];
}

/**
 * A ubus message whose last attribute is DATA holding `data`'s members. Errors: a value jsonToBlobmsg would
 * refuse (as its JsonConvertError), or a message over the 1 MiB limit. Never throws.
 */
export function encodeJsonMessage(msg: JsonMessageInit, data: unknown, maxMsglen = ubusMaxMsglen): Result<Uint8Array, JsonConvertError> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return err({ path: "$", message: "the top level must be an object" });
  const buf = new BlobBuf(4096);
  try {
    buf.writeU8(0);
    buf.writeU8(msg.type);
    buf.writeU16(msg.seq);
    buf.writeU32(msg.peer);
    const top = buf.start(0);
    for (const a of msg.attrs) ubusPutAttr(buf, a);
    const d = buf.start(UbusAttrId.data);
    members(buf, data, "$", 0);
    buf.end(d);
    buf.end(top);
  } catch (e) {
    if (e instanceof Fail) return err(e.convert);
    if (e instanceof BlobEncodeError || e instanceof RangeError) return err({ path: "$", message: e.message });
    throw e;
  }
  const body = buf.length - ubusMsghdrLen;
  if (blobPadLen(body) > maxMsglen) return err({ path: "$", message: `message body of ${body} bytes exceeds the ${maxMsglen}-byte limit` });
  return ok(buf.bytes());
}
