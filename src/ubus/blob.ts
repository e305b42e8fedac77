// libubox blob_attr (blob.h): the tag-length-value framing under every ubus message and every blobmsg value.
//
//   be32 id_len: bit 31 = extended (blobmsg name header follows), bits 30..24 = id, bits 23..0 = len
//   len counts the 4-byte header and the payload but NOT the padding; every attr is padded to 4 bytes,
//   and a container's len includes its children's padding.
//
// Reading is bounds-checked and returns errors as values: the bytes come from other processes.
// Writing mirrors libubox's blob_buf (nest start/end patching the length), so the output is byte-identical
// to what libubus produces for the same content.
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";

export const blobAttrIdMask = 0x7f000000;
export const blobAttrIdShift = 24;
export const blobAttrLenMask = 0x00ffffff;
export const blobAttrExtended = 0x80000000;
export const blobAttrAlign = 4;
/** sizeof(struct blob_attr): the id_len word. */
export const blobAttrHdrLen = 4;
/** The largest id that fits in the 7-bit id field. */
export const blobAttrIdMax = 0x7f;

/** blob_pad_len(): the space an attr of raw length `rawLen` occupies, padding included. */
export function blobPadLen(rawLen: number): number {
  return (rawLen + blobAttrAlign - 1) & ~(blobAttrAlign - 1);
}

/** One attribute as read from the wire. `data` is blob_data() (payload without padding, a view, not a copy). */
export interface BlobAttr {
  readonly id: number;
  readonly extended: boolean;
  readonly data: Uint8Array;
  /** Where the attr's header starts in the buffer it was read from (for error messages). */
  readonly offset: number;
}

export interface BlobAttrHeader {
  readonly id: number;
  readonly extended: boolean;
  /** blob_raw_len(): header + payload, without padding. */
  readonly rawLen: number;
}

/** Decodes an id_len word (no bounds check on the value: callers check rawLen against their buffer). */
export function blobDecodeIdLen(idLen: number): BlobAttrHeader {
  return {
    id: (idLen & blobAttrIdMask) >>> blobAttrIdShift,
    extended: (idLen & blobAttrExtended) !== 0,
    rawLen: idLen & blobAttrLenMask,
  };
}

export function blobEncodeIdLen(id: number, extended: boolean, rawLen: number): number {
  return ((extended ? blobAttrExtended : 0) | ((id << blobAttrIdShift) & blobAttrIdMask) | (rawLen & blobAttrLenMask)) >>> 0;
}

export type BlobErrorCode =
  | "truncated" // fewer than 4 bytes left for a header
  | "bad-len" // len < 4, or the (padded) attr runs past its container
  | "too-deep"; // nesting beyond the decoder's limit (a stack-exhaustion guard, not a wire rule)

export interface BlobError {
  readonly code: BlobErrorCode;
  readonly offset: number;
  readonly message: string;
}

export const blobError = (code: BlobErrorCode, offset: number, message: string): BlobError => ({ code, offset, message });

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Where the attr at `offset` ends (its padding included), or why it does not fit before `end`. Requiring the padding
 * to fit is libubox's own iteration rule (blob_for_each_attr stops otherwise). Allocates only for an error: the
 * blobmsg decoder runs this per element without building a BlobAttr.
 */
export function blobAttrNext(view: DataView, offset: number, end: number): number | BlobError {
  if (end - offset < blobAttrHdrLen) return blobError("truncated", offset, `${end - offset} byte(s) left, a blob_attr header needs 4`);
  const idLen = view.getUint32(offset);
  const rawLen = idLen & blobAttrLenMask;
  if (rawLen < blobAttrHdrLen) return blobError("bad-len", offset, `blob_attr len ${rawLen} < 4`);
  const next = offset + blobPadLen(rawLen);
  if (next > end) {
    const id = (idLen & blobAttrIdMask) >>> blobAttrIdShift;
    return blobError("bad-len", offset, `blob_attr id ${id} len ${rawLen} (padded ${blobPadLen(rawLen)}) runs past its container by ${next - end} byte(s)`);
  }
  return next;
}

/** Reads the attr at `offset`, which must end (padding included) at or before `end`. */
export function blobReadAttr(bytes: Uint8Array, offset: number, end: number): Result<{ attr: BlobAttr; next: number }, BlobError> {
  const dv = view(bytes);
  const next = blobAttrNext(dv, offset, end);
  if (typeof next !== "number") return err(next);
  const { id, extended, rawLen } = blobDecodeIdLen(dv.getUint32(offset));
  return ok({ attr: { id, extended, data: bytes.subarray(offset + blobAttrHdrLen, offset + rawLen), offset }, next });
}

/**
 * The children of a container whose payload is bytes[start, end): they must tile it exactly.
 * libubox silently stops at a malformed tail; we report it, because only a broken peer produces one.
 */
export function blobParseAttrs(bytes: Uint8Array, start = 0, end = bytes.length): Result<BlobAttr[], BlobError> {
  const attrs: BlobAttr[] = [];
  let offset = start;
  while (offset < end) {
    const r = blobReadAttr(bytes, offset, end);
    if (!r.ok) return r;
    attrs.push(r.value.attr);
    offset = r.value.next;
  }
  return ok(attrs);
}

/** Children of an already-read attr (its payload parsed as a container). */
export function blobParseNested(attr: BlobAttr): Result<BlobAttr[], BlobError> {
  const r = blobParseAttrs(attr.data);
  if (r.ok) return r;
  // Re-base the offset so it points into the buffer the parent attr came from.
  const e = r.error;
  return err(blobError(e.code, attr.offset + blobAttrHdrLen + e.offset, e.message));
}

/** Thrown by encoders for values that cannot be put on the wire (a caller bug, or a message over the size limit). */
export class BlobEncodeError extends RangeError {
  override readonly name = "BlobEncodeError";
}

/**
 * A growable write buffer in the style of libubox's blob_buf.
 * Leaf:      start(id) → write…() → end(cookie)   (len = bytes written since start; then zero padding)
 * Container: start(id) → children → end(cookie)   (children are padded, so len stays a multiple of 4)
 * Everything is written in place, byte by byte where that avoids a DataView or subarray call: a big reply is
 * tens of thousands of small attrs, so per-attr overhead is what counts.
 */
export class BlobBuf {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  constructor(initialSize = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialSize));
    this.#view = view(this.#buf);
  }

  get length(): number {
    return this.#len;
  }

  /** Bytes it can hold before growing. */
  get capacity(): number {
    return this.#buf.length;
  }

  /** Empties it, keeping its memory: for reuse as a scratch buffer (bytes() copies out what was written). */
  reset(): void {
    this.#len = 0;
  }

  /** Makes room for n more bytes and returns where they start (their content is undefined: the caller writes them all). */
  #reserve(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) this.#grow(at + n);
    this.#len = at + n;
    return at;
  }

  #grow(needed: number): void {
    let size = this.#buf.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
    this.#view = view(grown);
  }

  /** Opens an attr; returns the cookie for end(). */
  start(id: number, extended = false): number {
    // One test for "an integer in 0..127": anything else (negative, fractional, NaN, too big) changes under the mask.
    if ((id & blobAttrIdMax) !== id) throw new BlobEncodeError(`blob_attr id ${id} is not in 0..127`);
    const at = this.#reserve(blobAttrHdrLen);
    const b = this.#buf;
    b[at] = extended ? id | 0x80 : id;
    b[at + 1] = b[at + 2] = b[at + 3] = 0; // len: patched by end()
    return at;
  }

  /** Closes the attr opened at `cookie`: patches its len, then pads to 4 bytes. */
  end(cookie: number): void {
    const rawLen = this.#len - cookie;
    if (rawLen > blobAttrLenMask) throw new BlobEncodeError(`blob_attr len ${rawLen} does not fit in 24 bits`);
    const b = this.#buf;
    b[cookie + 1] = rawLen >>> 16;
    b[cookie + 2] = rawLen >>> 8;
    b[cookie + 3] = rawLen;
    this.pad();
  }

  /** Zero bytes up to the next 4-byte boundary. */
  pad(): void {
    const n = -this.#len & (blobAttrAlign - 1);
    if (n === 0) return;
    const at = this.#reserve(n);
    for (let i = 0; i < n; i++) this.#buf[at + i] = 0; // at most 3: a loop beats fill()'s call overhead
  }

  /** blob_put(): a whole leaf attr. */
  put(id: number, data: Uint8Array, extended = false): void {
    const c = this.start(id, extended);
    this.writeBytes(data);
    this.end(c);
  }

  writeBytes(data: Uint8Array): void {
    const at = this.#reserve(data.length); // before touching #buf: reserving may replace it
    this.#buf.set(data, at);
  }

  /**
   * Writes `s` as UTF-8 without a terminator and returns its byte length, or -1 if it contains a NUL (C would
   * cut the string there; the caller refuses it). ASCII, nearly every string here, is copied char by char with
   * no allocation; anything else goes through TextEncoder.encodeInto, which gives TextEncoder.encode's bytes.
   */
  writeUtf8(s: string): number {
    const n = s.length;
    const at = this.#reserve(n);
    const b = this.#buf;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return this.#writeUtf8Slow(s, at);
      if (c === 0) return -1;
      b[at + i] = c;
    }
    return n;
  }

  #writeUtf8Slow(s: string, at: number): number {
    if (s.includes("\0")) return -1;
    this.#len = at;
    this.#reserve(s.length * 3); // a UTF-16 unit never takes more than 3 bytes in UTF-8
    const { written } = utf8Encoder.encodeInto(s, this.#buf.subarray(at));
    this.#len = at + written;
    return written;
  }

  writeU8(v: number): void {
    const at = this.#reserve(1);
    this.#buf[at] = v;
  }
  writeU16(v: number): void {
    const at = this.#reserve(2);
    this.#buf[at] = v >>> 8;
    this.#buf[at + 1] = v;
  }
  writeU32(v: number): void {
    const at = this.#reserve(4);
    this.#view.setUint32(at, v);
  }
  writeU64(v: bigint): void {
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, BigInt.asUintN(64, v));
  }
  writeF64(v: number): void {
    const at = this.#reserve(8);
    this.#view.setFloat64(at, v);
  }

  /** Overwrites a big-endian u16 written earlier (e.g. a length known only after what follows it). */
  patchU16(at: number, v: number): void {
    this.#buf[at] = v >>> 8;
    this.#buf[at + 1] = v;
  }

  /** A copy of everything written so far. */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

const utf8Encoder = new TextEncoder();
