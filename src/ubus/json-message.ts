// A fast path for the daemon's biggest messages: a JSON object encoded straight into a ubus message's DATA
// attribute (json-blobmsg-writer.ts), without building the intermediate BlobmsgAttr tree.
// The output is byte-identical to encodeMessage({..., attrs: [...attrs, {attr: "data", value: jsonToBlobmsg(v)}]})
// (test/ubus/json-message.test.ts checks that with generated values), and it fails where that pipeline fails,
// with the same path: a value jsonToBlobmsg refuses first, then what encodeMessage would throw for.
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";
import { BlobBuf, BlobEncodeError, blobPadLen } from "./blob.ts";
import type { JsonConvertError } from "./blobmsg-json.ts";
import type { UbusAttr } from "./attrs.ts";
import { UbusAttrId, ubusPutAttr } from "./attrs.ts";
import { JsonBlobmsgWriter, JsonRefusal } from "./json-blobmsg-writer.ts";
import { ubusMaxMsglen, ubusMsghdrLen } from "./message.ts";
import { TimeSlicer } from "./time-slice.ts";

export interface JsonMessageInit {
  readonly type: number;
  readonly seq: number;
  readonly peer: number;
  /** Attributes before DATA (e.g. OBJID). */
  readonly attrs: readonly UbusAttr[];
}

interface Prefix {
  readonly bytes: Uint8Array;
  /** Where the top blob and DATA start: their lens are set at the end. */
  readonly top: number;
  readonly data: number;
  /** An attr before DATA that cannot be encoded (reported after the data's own errors). */
  readonly error?: string;
}

/** The message up to DATA's payload: header, top blob and DATA opened, the attrs before DATA. */
function prefix(msg: JsonMessageInit): Prefix {
  const buf = new BlobBuf(64);
  buf.writeU8(0);
  buf.writeU8(msg.type);
  buf.writeU16(msg.seq);
  buf.writeU32(msg.peer);
  const top = buf.start(0);
  try {
    for (const a of msg.attrs) ubusPutAttr(buf, a);
  } catch (e) {
    if (!(e instanceof BlobEncodeError || e instanceof RangeError)) throw e;
    // Reported after the data: a refused value comes first, as in the reference pipeline. Its bytes do not matter.
    return { bytes: buf.bytes(), top, data: buf.start(UbusAttrId.data), error: e.message };
  }
  const data = buf.start(UbusAttrId.data);
  return { bytes: buf.bytes(), top, data };
}

/**
 * A ubus message whose last attribute is DATA holding `data`'s members. Errors: a value jsonToBlobmsg would
 * refuse (as its JsonConvertError), or a message that cannot be encoded or is over the 1 MiB limit. Never throws.
 */
export function encodeJsonMessage(msg: JsonMessageInit, data: unknown, maxMsglen = ubusMaxMsglen): Result<Uint8Array, JsonConvertError> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return err({ path: "$", message: "the top level must be an object" });
  const head = prefix(msg);
  const w = new JsonBlobmsgWriter(head.bytes);
  try {
    w.members(data, 0);
  } catch (e) {
    if (e instanceof JsonRefusal) return err({ path: e.path, message: e.message });
    throw e;
  }
  return finish(w, head, maxMsglen);
}

/**
 * encodeJsonMessage() without holding the event loop for more than about `sliceMs` at a time: the top table
 * and its tables (a status reply and its `instances`) are written member by member, and once a slice has used
 * its time the rest waits for a later turn of the event loop (setImmediate), so that timers due meanwhile (the
 * protocol's) are late by one slice at most. A value written within one slice is returned at once, not as a
 * promise. `data` must not change until the promise settles.
 */
export function encodeJsonMessageSliced(
  msg: JsonMessageInit,
  data: unknown,
  sliceMs: number,
  maxMsglen = ubusMaxMsglen,
): Result<Uint8Array, JsonConvertError> | Promise<Result<Uint8Array, JsonConvertError>> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return err({ path: "$", message: "the top level must be an object" });
  const head = prefix(msg);
  const w = new JsonBlobmsgWriter(head.bytes);
  const slicer = new TimeSlicer(sliceMs);
  const refused = (e: unknown): Result<never, JsonConvertError> => {
    if (e instanceof JsonRefusal) return err({ path: e.path, message: e.message });
    throw e;
  };
  let paused: Promise<void> | undefined;
  try {
    paused = w.membersSliced(data, 1, slicer);
  } catch (e) {
    return refused(e);
  }
  if (paused === undefined) return finish(w, head, maxMsglen);
  return paused.then(() => finish(w, head, maxMsglen), refused);
}

function finish(w: JsonBlobmsgWriter, head: Prefix, maxMsglen: number): Result<Uint8Array, JsonConvertError> {
  w.close(head.data);
  w.close(head.top);
  const error = head.error ?? w.encodeError;
  if (error !== undefined) return err({ path: "$", message: error });
  const body = w.pos - ubusMsghdrLen;
  if (blobPadLen(body) > maxMsglen) return err({ path: "$", message: `message body of ${body} bytes exceeds the ${maxMsglen}-byte limit` });
  return ok(w.bytes());
}
