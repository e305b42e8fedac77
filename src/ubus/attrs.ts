// The top-level attributes of a ubus message (enum ubus_msg_attr; enum ubus_monitor_attr for MONITOR messages).
//
// Attributes are kept as an ordered list, not a record, so that re-encoding a decoded message reproduces its
// bytes (libubus and ubusd use different orders, e.g. a forwarded notify starts with NO_REPLY). attrTable()
// gives the record view with blob_parse's rule: the last occurrence wins.
//
// An attribute that fails its type check (an int32 that is not 4 bytes, a string without NUL, a DATA that is
// not valid blobmsg...) or has an unknown id is what libubus's blob_parse_untrusted() drops: it becomes a `raw`
// attribute, kept for re-encoding and debugging, and absent from attrTable(). So a handler sees a malformed
// DATA as a missing DATA, and answers INVALID_ARGUMENT as libubus would.
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";
import type { BlobAttr, BlobBuf, BlobError } from "./blob.ts";
import { BlobEncodeError, blobAttrHdrLen, blobParseAttrs } from "./blob.ts";
import type { BlobmsgAttr } from "./blobmsg.ts";
import { blobmsgParseList, blobmsgPutList, blobmsgWriteString } from "./blobmsg.ts";
import { decodeCString } from "./cstring.ts";

/** enum ubus_msg_attr. */
export const UbusAttrId = {
  unspec: 0,
  status: 1,
  objpath: 2,
  objid: 3,
  method: 4,
  objtype: 5,
  signature: 6,
  data: 7,
  target: 8,
  active: 9,
  noReply: 10,
  subscribers: 11,
  user: 12,
  group: 13,
} as const;

/** enum ubus_monitor_attr: the id space of MONITOR messages. */
export const UbusMonitorAttrId = { client: 0, peer: 1, send: 2, seq: 3, type: 4, data: 5 } as const;

export type UbusAttr =
  | { readonly attr: "status"; readonly value: number } // signed int32 (a UBUS_STATUS_* code)
  | { readonly attr: "objpath"; readonly value: string }
  | { readonly attr: "objid"; readonly value: number } // ids are unsigned 32-bit
  | { readonly attr: "method"; readonly value: string }
  | { readonly attr: "objtype"; readonly value: number }
  | { readonly attr: "signature"; readonly value: readonly BlobmsgAttr[] } // one TABLE per method, see policy.ts
  | { readonly attr: "data"; readonly value: readonly BlobmsgAttr[] } // the members of a table, no wrapper
  | { readonly attr: "target"; readonly value: number }
  | { readonly attr: "active"; readonly value: boolean }
  | { readonly attr: "noReply"; readonly value: boolean }
  | { readonly attr: "subscribers"; readonly value: readonly number[] } // int32 attrs with id 0
  | { readonly attr: "user"; readonly value: string }
  | { readonly attr: "group"; readonly value: string }
  | { readonly attr: "monitorClient"; readonly value: number }
  | { readonly attr: "monitorPeer"; readonly value: number }
  | { readonly attr: "monitorSend"; readonly value: boolean }
  | { readonly attr: "monitorSeq"; readonly value: number }
  | { readonly attr: "monitorType"; readonly value: number }
  | { readonly attr: "monitorData"; readonly value: readonly UbusAttr[] } // the monitored message's attributes
  | { readonly attr: "raw"; readonly id: number; readonly extended: boolean; readonly data: Uint8Array; readonly reason: string };

export type UbusAttrName = Exclude<UbusAttr, { attr: "raw" }>["attr"];
type Known = Exclude<UbusAttr, { attr: "raw" }>;

/** The record view of an attribute list (blob_parse semantics: raw attrs are absent, the last one wins). */
export type UbusAttrTable = { readonly [A in Known as A["attr"]]?: A["value"] };

export function attrTable(attrs: readonly UbusAttr[]): UbusAttrTable {
  const t: Record<string, unknown> = {};
  for (const a of attrs) if (a.attr !== "raw") t[a.attr] = a.value;
  return t as UbusAttrTable;
}

type Kind = "int32" | "uint32" | "int8" | "string" | "blobmsg" | "subscribers" | "nested-attrs";
interface Spec {
  readonly name: UbusAttrName;
  readonly id: number;
  readonly kind: Kind;
}

const msgSpecs: readonly Spec[] = [
  { name: "status", id: UbusAttrId.status, kind: "int32" },
  { name: "objpath", id: UbusAttrId.objpath, kind: "string" },
  { name: "objid", id: UbusAttrId.objid, kind: "uint32" },
  { name: "method", id: UbusAttrId.method, kind: "string" },
  { name: "objtype", id: UbusAttrId.objtype, kind: "uint32" },
  { name: "signature", id: UbusAttrId.signature, kind: "blobmsg" },
  { name: "data", id: UbusAttrId.data, kind: "blobmsg" },
  { name: "target", id: UbusAttrId.target, kind: "uint32" },
  { name: "active", id: UbusAttrId.active, kind: "int8" },
  { name: "noReply", id: UbusAttrId.noReply, kind: "int8" },
  { name: "subscribers", id: UbusAttrId.subscribers, kind: "subscribers" },
  { name: "user", id: UbusAttrId.user, kind: "string" },
  { name: "group", id: UbusAttrId.group, kind: "string" },
];
const monitorSpecs: readonly Spec[] = [
  { name: "monitorClient", id: UbusMonitorAttrId.client, kind: "uint32" },
  { name: "monitorPeer", id: UbusMonitorAttrId.peer, kind: "uint32" },
  { name: "monitorSend", id: UbusMonitorAttrId.send, kind: "int8" },
  { name: "monitorSeq", id: UbusMonitorAttrId.seq, kind: "uint32" },
  { name: "monitorType", id: UbusMonitorAttrId.type, kind: "uint32" },
  { name: "monitorData", id: UbusMonitorAttrId.data, kind: "nested-attrs" },
];
const byId = (specs: readonly Spec[]): ReadonlyMap<number, Spec> => new Map(specs.map((s) => [s.id, s]));
const msgById = byId(msgSpecs);
const monitorById = byId(monitorSpecs);
const byName: ReadonlyMap<string, Spec> = new Map([...msgSpecs, ...monitorSpecs].map((s) => [s.name, s]));

/** Which id table applies: MONITOR messages have their own. */
export type AttrSpace = "msg" | "monitor";

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Decodes one attribute; `a` was read from `bytes`. Never fails: what libubus would drop becomes `raw`. */
function decodeAttr(bytes: Uint8Array, a: BlobAttr, space: AttrSpace): UbusAttr {
  const raw = (reason: string): UbusAttr => ({ attr: "raw", id: a.id, extended: a.extended, data: a.data, reason });
  const spec = (space === "monitor" ? monitorById : msgById).get(a.id);
  if (spec === undefined) return raw("unknown attribute id");
  // blob_id() ignores the ext bit, but nothing legitimate sets it on a ubus attribute; keeping such an attr raw
  // keeps the model lossless.
  if (a.extended) return raw("extended bit set on a ubus attribute");
  const d = a.data;
  const value = (v: unknown): UbusAttr => ({ attr: spec.name, value: v }) as UbusAttr;
  switch (spec.kind) {
    case "int32":
    case "uint32":
      if (d.length !== 4) return raw(`${spec.name}: int32 payload of ${d.length} bytes`);
      return value(spec.kind === "int32" ? dv(d).getInt32(0) : dv(d).getUint32(0));
    case "int8":
      if (d.length !== 1) return raw(`${spec.name}: int8 payload of ${d.length} bytes`);
      return value(d[0] !== 0);
    case "string":
      if (d.length < 1 || d[d.length - 1] !== 0) return raw(`${spec.name}: string without a terminating NUL`);
      return value(decodeCString(d));
    case "blobmsg": {
      const start = a.offset + blobAttrHdrLen;
      const r = blobmsgParseList(bytes, start, start + d.length);
      return r.ok ? value(r.value) : raw(`${spec.name}: ${r.error.message}`);
    }
    case "subscribers": {
      const r = blobParseAttrs(d);
      if (!r.ok) return raw(`subscribers: ${r.error.message}`);
      const ids: number[] = [];
      for (const s of r.value) {
        if (s.id !== 0 || s.extended || s.data.length !== 4) return raw("subscribers: entries must be int32 attrs with id 0");
        ids.push(dv(s.data).getUint32(0));
      }
      return value(ids);
    }
    case "nested-attrs": {
      const start = a.offset + blobAttrHdrLen;
      const r = ubusParseAttrs(bytes, start, start + d.length, "msg");
      return r.ok ? value(r.value) : raw(`${spec.name}: ${r.error.message}`);
    }
  }
}

/** Parses the attributes in bytes[start, end) (a message's top-level blob payload). Fails only on bad framing. */
export function ubusParseAttrs(bytes: Uint8Array, start: number, end: number, space: AttrSpace): Result<UbusAttr[], BlobError> {
  const r = blobParseAttrs(bytes, start, end);
  if (!r.ok) return err(r.error);
  return ok(r.value.map((a) => decodeAttr(bytes, a, space)));
}

function u32(buf: BlobBuf, spec: Spec, v: number): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
    throw new RangeError(`ubus attribute ${spec.name}: ${v} is not a 32-bit integer`);
  }
  const c = buf.start(spec.id);
  buf.writeU32(v >>> 0);
  buf.end(c);
}

/** Appends one attribute. Throws (BlobEncodeError / RangeError) on values that cannot be encoded. */
export function ubusPutAttr(buf: BlobBuf, a: UbusAttr): void {
  if (a.attr === "raw") {
    buf.put(a.id, a.data, a.extended);
    return;
  }
  const spec = byName.get(a.attr);
  if (spec === undefined) throw new RangeError(`unknown ubus attribute ${a.attr}`);
  const v: unknown = a.value;
  switch (spec.kind) {
    case "int32":
    case "uint32":
      u32(buf, spec, v as number);
      return;
    case "int8":
      buf.put(spec.id, Uint8Array.of(v ? 1 : 0));
      return;
    case "string": {
      const c = buf.start(spec.id);
      if (!blobmsgWriteString(buf, v as string)) throw new BlobEncodeError(`ubus attribute ${spec.name} contains a NUL character`);
      buf.end(c);
      return;
    }
    case "blobmsg": {
      const c = buf.start(spec.id);
      blobmsgPutList(buf, v as readonly BlobmsgAttr[]);
      buf.end(c);
      return;
    }
    case "subscribers": {
      const c = buf.start(spec.id);
      for (const id of v as readonly number[]) u32(buf, { ...spec, id: 0 }, id);
      buf.end(c);
      return;
    }
    case "nested-attrs": {
      const c = buf.start(spec.id);
      for (const inner of v as readonly UbusAttr[]) ubusPutAttr(buf, inner);
      buf.end(c);
      return;
    }
  }
}
