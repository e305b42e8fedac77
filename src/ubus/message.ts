// A whole ubus message (ubusmsg.h): the 8-byte struct ubus_msghdr, then one top-level blob_attr (id 0) whose
// payload is the attribute list (attrs.ts).
//
//   u8 version (0) | u8 type | be16 seq | be32 peer | be32 id_len of the top blob | attributes...
//
// On the wire a message is exactly 8 + blob_raw_len(top) bytes. Its size limit, like ubusd's and libubus's, is
// on blob_pad_len(top) ≤ UBUS_MAX_MSGLEN (1 MiB): the 8-byte header is not counted.
// decodeMessage() never throws; encodeMessage() throws on values that cannot be encoded (a caller bug) and on
// messages over the limit (libubus refuses to send those too).
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";
import type { BlobErrorCode } from "./blob.ts";
import { BlobBuf, BlobEncodeError, blobAttrHdrLen, blobDecodeIdLen, blobPadLen } from "./blob.ts";
import type { UbusAttr } from "./attrs.ts";
import { ubusParseAttrs, ubusPutAttr } from "./attrs.ts";

export type { UbusAttr, UbusAttrName, UbusAttrTable } from "./attrs.ts";
export { UbusAttrId, UbusMonitorAttrId, attrTable } from "./attrs.ts";

/** sizeof(struct ubus_msghdr). */
export const ubusMsghdrLen = 8;
/** The header plus the top blob's id_len: what a reader needs before it knows a message's length. */
export const ubusFramePrefixLen = ubusMsghdrLen + blobAttrHdrLen;
/** UBUS_MAX_MSGLEN, compared with blob_pad_len(top blob). */
export const ubusMaxMsglen = 1048576;

/** enum ubus_msg_type. */
export const UbusMsgType = {
  hello: 0,
  status: 1,
  data: 2,
  ping: 3,
  lookup: 4,
  invoke: 5,
  addObject: 6,
  removeObject: 7,
  subscribe: 8,
  unsubscribe: 9,
  notify: 10,
  monitor: 11,
} as const;
export type UbusMsgTypeName = keyof typeof UbusMsgType;
const msgTypeNames = Object.keys(UbusMsgType) as UbusMsgTypeName[];

/** The name of a message type, or undefined for ids ubusd would answer with INVALID_COMMAND. */
export function ubusMsgTypeName(type: number): UbusMsgTypeName | undefined {
  return msgTypeNames[type];
}

/** enum ubus_msg_status (NO_MEMORY, PARSE_ERROR and SYSTEM_ERROR were added in 2022). */
export const UbusStatus = {
  ok: 0,
  invalidCommand: 1,
  invalidArgument: 2,
  methodNotFound: 3,
  notFound: 4,
  noData: 5,
  permissionDenied: 6,
  timeout: 7,
  notSupported: 8,
  unknownError: 9,
  connectionFailed: 10,
  noMemory: 11,
  parseError: 12,
  systemError: 13,
} as const;
export type UbusStatusCode = (typeof UbusStatus)[keyof typeof UbusStatus];

const strerror: readonly string[] = [
  "Success",
  "Invalid command",
  "Invalid argument",
  "Method not found",
  "Not found",
  "No response",
  "Permission denied",
  "Request timed out",
  "Operation not supported",
  "Unknown error",
  "Connection failed",
  "Out of memory",
  "Parsing message data failed",
  "System error",
];

/** ubus_strerror(): the text the CLI prints in `Command failed: ... (<text>)`. */
export function ubusStrerror(status: number): string {
  return strerror[status] ?? `Unknown error: ${status}`;
}

/** UBUS_SYSTEM_OBJECT_*: objects implemented inside ubusd. */
export const ubusSystemObjectEvent = 1;
export const ubusSystemObjectAcl = 2;
export const ubusSystemObjectMonitor = 3;

export interface UbusMsghdr {
  readonly version: number;
  readonly type: number;
  readonly seq: number; // u16
  readonly peer: number; // u32
}

export interface UbusMessage extends UbusMsghdr {
  readonly attrs: readonly UbusAttr[];
}

export interface UbusMessageInit {
  /** Always 0 on the wire; settable only to test peers' handling. */
  readonly version?: number;
  readonly type: number;
  readonly seq: number;
  readonly peer: number;
  readonly attrs?: readonly UbusAttr[];
}

export type UbusDecodeErrorCode =
  | BlobErrorCode
  | "too-large" // blob_pad_len(top) > UBUS_MAX_MSGLEN
  | "length-mismatch" // the buffer is not exactly 8 + blob_raw_len(top) bytes
  | "bad-version"; // version ≠ 0 (libubus rejects these; ubusd does not look)

export interface UbusDecodeError {
  readonly code: UbusDecodeErrorCode;
  readonly message: string;
  /** Byte offset in the message where the problem was found. */
  readonly offset: number;
  /**
   * True when the byte stream cannot be trusted past this point (the length word itself is bad), so the
   * connection must be closed; that is what ubusd does. False when only this message is bad: its length was
   * sound, the stream is still in sync, and the reader carries on with the next message.
   */
  readonly fatal: boolean;
}

const decodeError = (code: UbusDecodeErrorCode, offset: number, message: string, fatal = false): UbusDecodeError => ({
  code,
  offset,
  message,
  fatal,
});

export function decodeMsghdr(bytes: Uint8Array): UbusMsghdr {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { version: v.getUint8(0), type: v.getUint8(1), seq: v.getUint16(2), peer: v.getUint32(4) };
}

/**
 * The total length (8 + blob_raw_len) of the message whose first 12 bytes are given, checked as ubusd checks it
 * before reading the rest. Errors here are fatal: the stream is out of sync or hostile.
 */
export function ubusFrameLength(prefix: Uint8Array, maxMsglen = ubusMaxMsglen): Result<number, UbusDecodeError> {
  if (prefix.length < ubusFramePrefixLen) {
    return err(decodeError("truncated", 0, `${prefix.length} byte(s), a message needs at least ${ubusFramePrefixLen}`));
  }
  const idLen = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength).getUint32(ubusMsghdrLen);
  const { rawLen } = blobDecodeIdLen(idLen);
  if (rawLen < blobAttrHdrLen) return err(decodeError("bad-len", ubusMsghdrLen, `top-level blob len ${rawLen} < 4`, true));
  if (blobPadLen(rawLen) > maxMsglen) {
    return err(decodeError("too-large", ubusMsghdrLen, `message body of ${blobPadLen(rawLen)} bytes exceeds the ${maxMsglen}-byte limit`, true));
  }
  return ok(ubusMsghdrLen + rawLen);
}

/**
 * Decodes exactly one message. Never throws.
 * The top blob's id and ext bit are ignored, as ubusd and libubus ignore them; re-encoding writes id 0.
 */
export function decodeMessage(bytes: Uint8Array, maxMsglen = ubusMaxMsglen): Result<UbusMessage, UbusDecodeError> {
  const len = ubusFrameLength(bytes, maxMsglen);
  if (!len.ok) return len;
  if (bytes.length !== len.value) {
    return err(decodeError("length-mismatch", 0, `buffer of ${bytes.length} bytes holds a ${len.value}-byte message`));
  }
  const hdr = decodeMsghdr(bytes);
  if (hdr.version !== 0) return err(decodeError("bad-version", 0, `ubus message version ${hdr.version}, expected 0`));
  const attrs = ubusParseAttrs(bytes, ubusFramePrefixLen, bytes.length, hdr.type === UbusMsgType.monitor ? "monitor" : "msg");
  if (!attrs.ok) return err(decodeError(attrs.error.code, attrs.error.offset, attrs.error.message));
  return ok({ ...hdr, attrs: attrs.value });
}

function checkField(name: string, v: number, max: number): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`ubus header ${name} ${v} is not in 0..${max}`);
  return v;
}

/**
 * One buffer reused by every encodeMessage(): allocating and growing a fresh one cost more than encoding a
 * typical (event, status, invoke) message. Taken while in use, so a nested call simply makes its own; not kept
 * once grown past scratchMaxBytes, so that one big message does not pin its memory.
 */
let scratch: BlobBuf | undefined;
const scratchMaxBytes = 64 * 1024;

/** Encodes one message, byte-identical to libubus for the same attributes in the same order. */
export function encodeMessage(msg: UbusMessageInit, maxMsglen = ubusMaxMsglen): Uint8Array {
  const buf = scratch ?? new BlobBuf(1024);
  scratch = undefined;
  try {
    buf.writeU8(checkField("version", msg.version ?? 0, 0xff));
    buf.writeU8(checkField("type", msg.type, 0xff));
    buf.writeU16(checkField("seq", msg.seq, 0xffff));
    buf.writeU32(checkField("peer", msg.peer, 0xffffffff));
    const top = buf.start(0);
    for (const a of msg.attrs ?? []) ubusPutAttr(buf, a);
    buf.end(top);
    const body = buf.length - ubusMsghdrLen;
    if (blobPadLen(body) > maxMsglen) throw new BlobEncodeError(`message body of ${body} bytes exceeds the ${maxMsglen}-byte limit`);
    return buf.bytes();
  } finally {
    buf.reset();
    if (buf.capacity <= scratchMaxBytes) scratch = buf;
  }
}
