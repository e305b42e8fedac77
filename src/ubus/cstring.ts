// C strings out of blob payloads, fast. A 255-instance status reply carries ~18,000 strings, nearly all of them
// short ASCII keys and values repeated hundreds of times ("state", "master", "advert_rcvd"...), and a
// TextDecoder call per string costs more than the rest of the decoding. So short ASCII strings are hashed and
// looked up in a small direct-mapped table of strings already made (a repeat costs one pass over its bytes and
// no allocation); anything else goes through TextDecoder, whose result is the reference behaviour.

const utf8Decoder = new TextDecoder("utf-8");

/** Longest string worth interning: keys and enum-like values; longer ones rarely repeat. */
const internMaxBytes = 32;
/** Table slots (a power of two): bounded memory, a collision simply replaces the slot. */
const internSlots = 4096;
const internTable: string[] = new Array<string>(internSlots).fill("");

/** bytes[start, end) as UTF-8 up to the first NUL, as a C reader sees it; invalid UTF-8 becomes U+FFFD. */
export function decodeCString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start > internMaxBytes) return decodeSlow(bytes, start, end);
  let hash = 0;
  let stop = start;
  for (; stop < end; stop++) {
    const c = bytes[stop] as number;
    if (c === 0) break;
    if (c >= 0x80) return decodeSlow(bytes, start, end);
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  const len = stop - start;
  if (len === 0) return "";
  const slot = (hash ^ (hash >>> 13) ^ len) & (internSlots - 1);
  const cached = internTable[slot] as string;
  if (cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === bytes[start + i]) i++;
    if (i === len) return cached;
  }
  // ASCII: one char per byte, so latin1 decoding is exact.
  let s = "";
  for (let i = start; i < stop; i++) s += String.fromCharCode(bytes[i] as number);
  internTable[slot] = s;
  return s;
}

function decodeSlow(bytes: Uint8Array, start: number, end: number): string {
  const b = bytes.subarray(start, end);
  const nul = b.indexOf(0);
  return utf8Decoder.decode(nul < 0 ? b : b.subarray(0, nul));
}
