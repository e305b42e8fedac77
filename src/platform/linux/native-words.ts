// Pointer and size_t fields of the structs handed to the kernel (msghdr, iovec, mmsghdr, cmsghdr): 8 bytes on LP64
// (x86_64, aarch64), 4 on ILP32 (armhf, i386), in host byte order. The width is a parameter, so this file stays
// pure (testable without koffi). Sizes go in and out as plain numbers, not BigInts: they are read and written for
// every packet, on a node without an optimizing compiler, and a BigInt is an allocation each time.
import { HOST_LITTLE_ENDIAN } from "./sockaddr.ts";

const TWO_TO_32 = 2 ** 32;
/** Below this, a size is one 32-bit word and the high word is 0: no arithmetic on 2^32 (a boxed double). */
const SMALL_SIZE_LIMIT = 2 ** 31;

/** Offsets of the struct areas in one native allocation: 16-byte aligned, as malloc would give them. */
export function alignStruct(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** A pointer (an address from koffi) into a field `wordBytes` wide. */
export function writePointer(view: DataView, offset: number, address: bigint, wordBytes: number): void {
  if (wordBytes === 8) view.setBigUint64(offset, address, HOST_LITTLE_ENDIAN);
  else view.setUint32(offset, Number(address), HOST_LITTLE_ENDIAN);
}

/** A size_t (below 2^53) into a field `wordBytes` wide. */
export function writeSize(view: DataView, offset: number, value: number, wordBytes: number): void {
  if (wordBytes !== 8) return view.setUint32(offset, value, HOST_LITTLE_ENDIAN);
  if (value < SMALL_SIZE_LIMIT) {
    view.setUint32(offset + (HOST_LITTLE_ENDIAN ? 0 : 4), value, HOST_LITTLE_ENDIAN);
    view.setUint32(offset + (HOST_LITTLE_ENDIAN ? 4 : 0), 0, HOST_LITTLE_ENDIAN);
    return;
  }
  const low = value % TWO_TO_32;
  const high = (value - low) / TWO_TO_32;
  view.setUint32(offset + (HOST_LITTLE_ENDIAN ? 0 : 4), low, HOST_LITTLE_ENDIAN);
  view.setUint32(offset + (HOST_LITTLE_ENDIAN ? 4 : 0), high, HOST_LITTLE_ENDIAN);
}

/** A size_t from a field `wordBytes` wide (exact below 2^53; anything larger is past every buffer anyway). */
export function readSize(view: DataView, offset: number, wordBytes: number): number {
  if (wordBytes !== 8) return view.getUint32(offset, HOST_LITTLE_ENDIAN);
  const low = view.getUint32(offset + (HOST_LITTLE_ENDIAN ? 0 : 4), HOST_LITTLE_ENDIAN);
  const high = view.getUint32(offset + (HOST_LITTLE_ENDIAN ? 4 : 0), HOST_LITTLE_ENDIAN);
  // Every size on the receive path is small: skip the arithmetic, which allocates on an interpreter-only node.
  return high === 0 ? low : high * TWO_TO_32 + low;
}
