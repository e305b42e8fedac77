// Writes plain JSON values as blobmsg elements straight into one growable byte buffer, for encodeJsonMessage.
//
// Built for the daemon's biggest message, a 255-instance status (~18,000 elements), under the router's
// `node --lite-mode`, where there is no optimizing compiler and every call and loop iteration is paid for:
// - a leaf's size is known before it is written, so its id_len word is written once, with no patching;
// - an element's name header (be16 namelen, name, NUL, padding) and short string values are encoded to bytes
//   once and cached (the same few hundred keys and values repeat thousands of times), then copied with set();
// - the error path ("$.instances.lan.x") is kept as a stack of keys and only turned into a string on error.
// Padding costs nothing: the buffer starts zeroed and nothing is ever written past `pos`.
// Values follow jsonToBlobmsgValue's rules (blobmsg-json.ts), and errors come in the same order: a value it
// refuses wins over a problem only encoding would find (a name over 65535 bytes, a table over 16 MiB).
import { blobAttrLenMask } from "./blob.ts";
import { BlobmsgType, blobmsgHdrlen } from "./blobmsg.ts";
import type { TimeSlicer } from "./time-slice.ts";

/** A value jsonToBlobmsg refuses; `keys` leads to it from the top. */
export class JsonRefusal {
  constructor(
    readonly keys: readonly (string | number)[],
    readonly message: string,
  ) {}

  /** jsonToBlobmsg's path for it: `$`, `.key`, `[index]`. */
  get path(): string {
    let path = "$";
    for (const k of this.keys) path += typeof k === "number" ? `[${k}]` : `.${k}`;
    return path;
  }
}

const int32Min = -0x80000000;
const int32Max = 0x7fffffff;
const int64Limit = 2 ** 63;
const maxDepth = 64;

/** Cache bounds: entries (cleared when full, enough for a status reply's keys and values) and string length. */
const cacheMaxEntries = 4096;
const cacheMaxChars = 64;
const nameHeaders = new Map<string, Uint8Array>();
const stringValues = new Map<string, Uint8Array>();
const utf8 = new TextEncoder();
/** The name header of an array element (empty name): namelen 0, NUL, padding. */
const unnamed = new Uint8Array(blobmsgHdrlen(0));

function remember(cache: Map<string, Uint8Array>, key: string, bytes: Uint8Array): Uint8Array {
  if (key.length <= cacheMaxChars) {
    if (cache.size >= cacheMaxEntries) cache.clear();
    cache.set(key, bytes);
  }
  return bytes;
}

/** A table being written by membersSliced(): where its walk stands. */
interface SliceFrame {
  readonly record: Readonly<Record<string, unknown>>;
  readonly keys: readonly string[];
  next: number;
  /** Where its header is (for close()); -1 for the top, whose container the caller closes. */
  readonly at: number;
  readonly levels: number;
}

export class JsonBlobmsgWriter {
  #buf: Uint8Array;
  #view: DataView;
  /** Bytes written; everything from here on is zero. */
  pos: number;
  /** The first problem only encoding finds (not a refusal); reported after the walk if nothing was refused. */
  encodeError: string | undefined;
  readonly #keys: (string | number)[] = [];

  /** Starts with `prefix` (e.g. a message header and the attrs before DATA) already written. */
  constructor(prefix: Uint8Array, initialSize = 4096) {
    this.#buf = new Uint8Array(Math.max(initialSize, prefix.length));
    this.#buf.set(prefix);
    this.#view = new DataView(this.#buf.buffer);
    this.pos = prefix.length;
  }

  /** A copy of what was written. */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.pos);
  }

  /** Sets the len of the attr whose header is at `at` to end here (its children are padded already). */
  close(at: number): void {
    const rawLen = this.pos - at;
    if (rawLen > blobAttrLenMask) this.encodeError ??= `blob_attr len ${rawLen} does not fit in 24 bits`;
    const b = this.#buf;
    b[at + 1] = rawLen >>> 16;
    b[at + 2] = rawLen >>> 8;
    b[at + 3] = rawLen;
  }

  /** The members of a plain object, as the members of a table (what DATA or a nested table holds). */
  members(v: object, depth: number): void {
    this.#checkPlain(v);
    const record = v as Record<string, unknown>;
    // Object.keys and a lookup, not Object.entries: no [key, value] pair allocated per member.
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (value === undefined) continue;
      const header = this.#nameHeader(key);
      if (header === undefined) throw new JsonRefusal(this.#keys, `key ${JSON.stringify(key)} contains NUL`);
      this.#keys.push(key);
      this.#put(header, value, depth);
      this.#keys.pop();
    }
  }

  /**
   * members(), in slices: after each member of `v`, and of its tables down `levels` more levels (1: e.g. each
   * instance of a status reply's `instances`), if `slice.due()` it stops, awaits `slice.pause()` and goes on from
   * there. Returns undefined when it finished without pausing (a small value: written at once, synchronously),
   * else a promise of the end. `v` must not change until then. Refusals are thrown, or reject the promise.
   */
  membersSliced(v: object, levels: number, slice: TimeSlicer): Promise<void> | undefined {
    this.#checkPlain(v);
    return this.#resume([{ record: v as Record<string, unknown>, keys: Object.keys(v), next: 0, at: -1, levels }], slice);
  }

  /** Walks the sliced levels with an explicit stack, so that the walk can stop anywhere and resume. */
  #resume(stack: SliceFrame[], slice: TimeSlicer): Promise<void> | undefined {
    let wrote = false; // at least one member per slice, however short the slice: progress is guaranteed
    for (;;) {
      const f = stack[stack.length - 1];
      if (f === undefined) return undefined;
      if (f.next === f.keys.length) {
        stack.pop();
        if (f.at >= 0) {
          this.close(f.at);
          this.#keys.pop();
        }
        continue;
      }
      // Checked before a member, not after one: no pause when nothing is left to write.
      if (wrote && slice.due()) return slice.pause().then(() => this.#resume(stack, slice));
      wrote = true;
      const key = f.keys[f.next++] as string;
      const value = f.record[key];
      if (value === undefined) continue;
      const header = this.#nameHeader(key);
      if (header === undefined) throw new JsonRefusal(this.#keys, `key ${JSON.stringify(key)} contains NUL`);
      this.#keys.push(key);
      if (f.levels > 0 && typeof value === "object" && value !== null && !Array.isArray(value)) {
        // What #put does for a table (the depth limit is far away this close to the top), one level down.
        this.#checkPlain(value);
        const at = this.#open(BlobmsgType.table, header);
        stack.push({ record: value as Record<string, unknown>, keys: Object.keys(value), next: 0, at, levels: f.levels - 1 });
        continue;
      }
      this.#put(header, value, stack.length - 1);
      this.#keys.pop();
    }
  }

  #checkPlain(v: object): void {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new JsonRefusal(this.#keys, "only plain objects convert to a blobmsg table");
  }

  #nameHeader(name: string): Uint8Array | undefined {
    const cached = nameHeaders.get(name);
    if (cached !== undefined) return cached;
    if (name.includes("\0")) return undefined;
    const bytes = utf8.encode(name);
    if (bytes.length > 0xffff) this.encodeError ??= `blobmsg name of ${bytes.length} bytes exceeds 65535`;
    const header = new Uint8Array(blobmsgHdrlen(bytes.length));
    header[0] = bytes.length >>> 8;
    header[1] = bytes.length;
    header.set(bytes, 2);
    return remember(nameHeaders, name, header);
  }

  /** A string's UTF-8 (without the NUL that ends it on the wire); undefined if it contains a NUL. */
  #stringValue(s: string): Uint8Array | undefined {
    const cached = stringValues.get(s);
    if (cached !== undefined) return cached;
    if (s.includes("\0")) return undefined;
    return remember(stringValues, s, utf8.encode(s));
  }

  /** One value, following jsonToBlobmsgValue's rules exactly. */
  #put(header: Uint8Array, v: unknown, depth: number): void {
    if (depth > maxDepth) throw new JsonRefusal(this.#keys, `nested deeper than ${maxDepth} levels`);
    // #leaf() may replace the buffer: take #buf and #view only after it.
    switch (typeof v) {
      case "string": {
        const bytes = this.#stringValue(v);
        if (bytes === undefined) throw new JsonRefusal(this.#keys, "string contains NUL");
        const at = this.#leaf(BlobmsgType.string, header, bytes.length + 1); // the NUL is there already (zero)
        this.#buf.set(bytes, at);
        return;
      }
      case "boolean": {
        const at = this.#leaf(BlobmsgType.int8, header, 1);
        this.#buf[at] = v ? 1 : 0;
        return;
      }
      case "number": {
        if (Number.isInteger(v) && v >= int32Min && v <= int32Max) {
          const at = this.#leaf(BlobmsgType.int32, header, 4);
          return this.#view.setInt32(at, v);
        }
        if (Number.isInteger(v) && Math.abs(v) < int64Limit) {
          const at = this.#leaf(BlobmsgType.int64, header, 8);
          return this.#view.setBigInt64(at, BigInt(v));
        }
        const at = this.#leaf(BlobmsgType.double, header, 8);
        return this.#view.setFloat64(at, v);
      }
      case "bigint": {
        if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new JsonRefusal(this.#keys, `${v} does not fit in int64`);
        const at = this.#leaf(BlobmsgType.int64, header, 8);
        return this.#view.setBigInt64(at, v);
      }
      case "object": {
        if (v === null) return void this.#leaf(BlobmsgType.unspec, header, 0);
        if (Array.isArray(v)) {
          const at = this.#open(BlobmsgType.array, header);
          const items = v as readonly unknown[];
          for (let i = 0; i < items.length; i++) {
            this.#keys.push(i);
            this.#put(unnamed, items[i], depth + 1);
            this.#keys.pop();
          }
          return this.close(at);
        }
        const at = this.#open(BlobmsgType.table, header);
        this.members(v, depth + 1);
        return this.close(at);
      }
      default:
        throw new JsonRefusal(this.#keys, `cannot convert a ${typeof v} to blobmsg`);
    }
  }

  /** Writes a whole leaf but its value, whose length is known; returns where the value goes. */
  #leaf(type: number, header: Uint8Array, valueLen: number): number {
    const rawLen = 4 + header.length + valueLen;
    const at = this.#reserve((rawLen + 3) & ~3);
    const b = this.#buf;
    b[at] = 0x80 | type;
    b[at + 1] = rawLen >>> 16;
    b[at + 2] = rawLen >>> 8;
    b[at + 3] = rawLen;
    b.set(header, at + 4);
    return at + 4 + header.length;
  }

  /** Writes a table's or array's header; close() sets its len once the children are written. */
  #open(type: number, header: Uint8Array): number {
    const at = this.#reserve(4 + header.length);
    this.#buf[at] = 0x80 | type;
    this.#buf.set(header, at + 4);
    return at;
  }

  #reserve(n: number): number {
    const at = this.pos;
    if (at + n > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < at + n) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.#buf.subarray(0, at));
      this.#buf = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.pos = at + n;
    return at;
  }
}
