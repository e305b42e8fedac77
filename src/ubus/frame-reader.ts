// Splits a ubus byte stream (what a stream socket delivers, cut anywhere) into whole messages.
//
// Like ubusd's client_cb and libubus's get_next_msg: collect the 8-byte header plus the top blob's id_len
// (12 bytes), check the length, then collect 8 + blob_raw_len bytes in total.
//
// Two kinds of failure, following ubusd:
// - A bad length word (len < 4, or blob_pad_len > 1 MiB) is fatal. ubusd disconnects such a client; there is
//   no way to find the next message boundary, so the reader stops: that push() and every later one return the
//   fatal error (never silently resync), and the owner must close the connection. reset() makes the reader
//   reusable for a new connection.
// - A message whose length is sound but whose content is not (bad version, attributes overrunning the top blob)
//   is reported as a non-fatal error in its place, and reading continues with the next message.
import type { Result } from "../lib/result.ts";
import { err, ok } from "../lib/result.ts";
import type { UbusDecodeError, UbusMessage } from "./message.ts";
import { decodeMessage, ubusFrameLength, ubusFramePrefixLen, ubusMaxMsglen } from "./message.ts";

export type FrameResult = Result<UbusMessage, UbusDecodeError>;

export interface FrameReaderOptions {
  /** Limit on blob_pad_len(top blob). Default UBUS_MAX_MSGLEN (1 MiB), as ubusd is built. */
  readonly maxMsglen?: number;
}

export class FrameReader {
  readonly #maxMsglen: number;
  readonly #prefix = new Uint8Array(ubusFramePrefixLen);
  #prefixFill = 0;
  #frame: Uint8Array | undefined;
  #frameFill = 0;
  #failed: UbusDecodeError | undefined;

  constructor(options: FrameReaderOptions = {}) {
    this.#maxMsglen = options.maxMsglen ?? ubusMaxMsglen;
  }

  /** The fatal error that stopped the reader, if any: the connection must be closed. */
  get failed(): UbusDecodeError | undefined {
    return this.#failed;
  }

  /** Bytes held for a message that is not complete yet (0 at a message boundary). */
  get pending(): number {
    return this.#frame !== undefined ? this.#frameFill : this.#prefixFill;
  }

  /** Forgets everything, including a fatal error: for a new connection. */
  reset(): void {
    this.#prefixFill = 0;
    this.#frame = undefined;
    this.#frameFill = 0;
    this.#failed = undefined;
  }

  /** Feeds bytes; returns each message completed by them, decoded, in order. Never throws. */
  push(chunk: Uint8Array): FrameResult[] {
    return this.pushFrames(chunk).map((f) => (f.ok ? decodeMessage(f.value, this.#maxMsglen) : f));
  }

  /**
   * Feeds bytes; returns each completed message as raw bytes (a fresh copy, 8 + blob_raw_len long), for callers
   * that relay or log messages without decoding them. The only errors are fatal ones.
   */
  pushFrames(chunk: Uint8Array): Result<Uint8Array, UbusDecodeError>[] {
    if (this.#failed !== undefined) return [err(this.#failed)];
    const out: Result<Uint8Array, UbusDecodeError>[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#frame === undefined) {
        const n = Math.min(ubusFramePrefixLen - this.#prefixFill, chunk.length - pos);
        this.#prefix.set(chunk.subarray(pos, pos + n), this.#prefixFill);
        this.#prefixFill += n;
        pos += n;
        if (this.#prefixFill < ubusFramePrefixLen) break;
        const len = ubusFrameLength(this.#prefix, this.#maxMsglen);
        if (!len.ok) {
          this.#failed = len.error;
          out.push(len);
          return out;
        }
        this.#frame = new Uint8Array(len.value);
        this.#frame.set(this.#prefix);
        this.#frameFill = ubusFramePrefixLen;
        this.#prefixFill = 0;
      }
      const frame = this.#frame;
      const n = Math.min(frame.length - this.#frameFill, chunk.length - pos);
      frame.set(chunk.subarray(pos, pos + n), this.#frameFill);
      this.#frameFill += n;
      pos += n;
      if (this.#frameFill === frame.length) {
        out.push(ok(frame));
        this.#frame = undefined;
        this.#frameFill = 0;
      }
    }
    return out;
  }
}
