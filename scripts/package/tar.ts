// A minimal tar writer and reader, enough for opkg packages and the release tarball. Written here rather
// than spawning tar so the archives are the same on every machine: owner root (0:0), the modes the package
// layout says (not whatever the checkout has), one fixed mtime. The bytes are those of GNU tar run the way
// OpenWrt's scripts/ipkg-build runs it (--format=gnu --numeric-owner --sort=name --mtime, as root under
// fakeroot): numeric ids and no user or group names, and a directory's entries sorted by name with each
// subdirectory's contents right after it (test/package/tar.test.ts compares with GNU tar).
import { gunzipSync } from "node:zlib";

export interface TarEntry {
  /** Relative path, "./etc/init.d/vrrpd"; directories end with "/". */
  readonly path: string;
  /** Permission bits, e.g. 0o755. */
  readonly mode: number;
  /** File content; absent for a directory. */
  readonly data?: Uint8Array;
}

const BLOCK = 512;
/** GNU tar writes whole records of 20 blocks. */
const RECORD = 20 * BLOCK;

function writeString(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > length) throw new Error(`tar: '${text}' does not fit in ${length} bytes`);
  header.set(bytes, offset);
}

/** Octal, zero-padded to length-1 digits, NUL-terminated (as GNU tar writes numeric fields). */
function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`tar: ${value} does not fit in a ${length}-byte field`);
  writeString(header, offset, length, `${digits.padStart(length - 1, "0")}\0`);
}

function header(entry: TarEntry, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const isDir = entry.data === undefined;
  writeString(h, 0, 100, entry.path);
  writeOctal(h, 100, 8, entry.mode);
  writeOctal(h, 108, 8, 0); // uid root
  writeOctal(h, 116, 8, 0); // gid root
  writeOctal(h, 124, 12, isDir ? 0 : (entry.data?.length ?? 0));
  writeOctal(h, 136, 12, mtime);
  writeString(h, 148, 8, "        "); // checksum is computed with this field as spaces
  writeString(h, 156, 1, isDir ? "5" : "0");
  writeString(h, 257, 8, "ustar  \0"); // GNU magic + version; --numeric-owner leaves uname/gname empty
  const sum = h.reduce((a, b) => a + b, 0);
  writeString(h, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return h;
}

/** Every parent directory of the entries, so extraction never depends on implicit directories. */
export function withParents(entries: readonly TarEntry[]): TarEntry[] {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const e of entries) {
    const parts = e.path.replace(/\/$/, "").split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join("/")}/`;
      if (!byPath.has(dir)) byPath.set(dir, { path: dir, mode: 0o755 });
    }
  }
  return [...byPath.values()];
}

/** A tar archive of `entries` in the order given. */
export function tar(entries: readonly TarEntry[], mtime: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const entry of entries) {
    chunks.push(header(entry, mtime));
    if (entry.data !== undefined && entry.data.length > 0) {
      chunks.push(entry.data);
      const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
      if (pad > 0) chunks.push(new Uint8Array(pad));
    }
  }
  chunks.push(new Uint8Array(2 * BLOCK));
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(Math.ceil(length / RECORD) * RECORD);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The order of `tar --sort=name` over a tree: "./" first, each directory's entries by name (byte order),
 * and a directory's contents right after it. So "./a/" and everything under it come before "./a-b", which
 * a plain string sort of whole paths would put first ('-' < '/').
 */
export function sortEntries(entries: readonly TarEntry[]): TarEntry[] {
  const parts = (e: TarEntry): Buffer[] => e.path.replace(/\/$/, "").split("/").map((p) => Buffer.from(p));
  const compare = (a: TarEntry, b: TarEntry): number => {
    const pa = parts(a);
    const pb = parts(b);
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      const c = Buffer.compare(pa[i] ?? Buffer.alloc(0), pb[i] ?? Buffer.alloc(0));
      if (c !== 0) return c;
    }
    return pa.length - pb.length;
  };
  return [...entries].sort(compare);
}

export interface ReadEntry {
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly type: "file" | "dir" | "other";
  readonly data: Buffer;
}

const text = (b: Buffer, offset: number, length: number): string => b.subarray(offset, offset + length).toString("utf8").replace(/\0.*$/s, "");
const octal = (b: Buffer, offset: number, length: number): number => parseInt(text(b, offset, length).trim() || "0", 8);

/** Reads a (possibly gzip'd) tar archive; used by the tests and to inspect fetched npm packages. */
export function untar(archive: Uint8Array): ReadEntry[] {
  let b = Buffer.from(archive);
  if (b[0] === 0x1f && b[1] === 0x8b) b = gunzipSync(b);
  const entries: ReadEntry[] = [];
  let longName: string | undefined;
  for (let at = 0; at + BLOCK <= b.length; ) {
    const h = b.subarray(at, at + BLOCK);
    if (h.every((x) => x === 0)) break;
    const size = octal(h, 124, 12);
    const flag = String.fromCharCode(h[156] ?? 0);
    const data = b.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "L") {
      longName = text(data, 0, data.length);
      continue;
    }
    const prefix = text(h, 257, 6) === "ustar" ? text(h, 345, 155) : ""; // POSIX ustar only
    const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    longName = undefined;
    const type = flag === "5" ? "dir" : flag === "0" || flag === "\0" ? "file" : "other";
    entries.push({ path: name, mode: octal(h, 100, 8) & 0o7777, uid: octal(h, 108, 8), gid: octal(h, 116, 8), type, data: Buffer.from(data) });
  }
  return entries;
}
