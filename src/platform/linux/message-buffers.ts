// The memory of one recvmsg/sendmsg call: struct msghdr, one struct iovec, msg_name, msg_control and the payload,
// in one koffi allocation that never moves, because msghdr holds raw pointers into it (a small Uint8Array may live
// on the V8 heap and move at GC). Allocated once per socket and reused for every call: no per-packet allocation
// except the copy handed to the caller.
import { LAYOUT, NativeBuffer, type NativePointer } from "./libc.ts";
import { HOST_LITTLE_ENDIAN, SOCKADDR_STORAGE_BYTES } from "./sockaddr.ts";

const ALIGN_BYTES = 16;
const align = (n: number): number => Math.ceil(n / ALIGN_BYTES) * ALIGN_BYTES;

export class MessageBuffers {
  /** Views into native memory: valid until free(). */
  readonly name: Uint8Array;
  readonly control: Uint8Array;
  readonly data: Uint8Array;
  private readonly native: NativeBuffer;
  private readonly header: DataView;
  private readonly iovLenOffset: number;

  constructor(dataBytes: number, controlBytes: number) {
    const iovOffset = align(LAYOUT.msghdr.size);
    const nameOffset = iovOffset + align(LAYOUT.iovec.size);
    const controlOffset = nameOffset + SOCKADDR_STORAGE_BYTES;
    const dataOffset = controlOffset + align(controlBytes);
    this.native = new NativeBuffer(dataOffset + dataBytes);
    const bytes = this.native.bytes;
    this.name = bytes.subarray(nameOffset, controlOffset);
    this.control = bytes.subarray(controlOffset, controlOffset + controlBytes);
    this.data = bytes.subarray(dataOffset, dataOffset + dataBytes);
    this.header = new DataView(bytes.buffer, bytes.byteOffset, dataOffset);
    const base = this.native.address;
    this.writeWord(iovOffset + LAYOUT.iovec.base, base + BigInt(dataOffset));
    this.writeWord(LAYOUT.msghdr.name, base + BigInt(nameOffset));
    this.writeWord(LAYOUT.msghdr.iov, base + BigInt(iovOffset));
    this.writeWord(LAYOUT.msghdr.iovlen, 1n);
    this.writeWord(LAYOUT.msghdr.control, base + BigInt(controlOffset));
    this.iovLenOffset = iovOffset + LAYOUT.iovec.len;
  }

  /**
   * Sets the in/out lengths before a call (the kernel overwrites msg_namelen, msg_controllen and msg_flags on
   * receive) and returns the msghdr pointer. A zero length passes a NULL-equivalent empty region.
   */
  prepare(nameBytes: number, controlBytes: number, dataBytes: number): NativePointer {
    this.header.setUint32(LAYOUT.msghdr.namelen, Math.min(nameBytes, this.name.length), HOST_LITTLE_ENDIAN);
    this.writeWord(LAYOUT.msghdr.controllen, BigInt(Math.min(controlBytes, this.control.length)));
    this.writeWord(this.iovLenOffset, BigInt(Math.min(dataBytes, this.data.length)));
    this.header.setInt32(LAYOUT.msghdr.flags, 0, HOST_LITTLE_ENDIAN);
    return this.native.pointer;
  }

  /** After recvmsg: how many bytes of msg_name the kernel filled in. */
  get nameLength(): number {
    return this.header.getUint32(LAYOUT.msghdr.namelen, HOST_LITTLE_ENDIAN);
  }

  /** After recvmsg: how many bytes of ancillary data arrived. */
  get controlLength(): number {
    return Number(this.readWord(LAYOUT.msghdr.controllen));
  }

  /** After recvmsg: MSG_TRUNC, MSG_CTRUNC, ... */
  get flags(): number {
    return this.header.getInt32(LAYOUT.msghdr.flags, HOST_LITTLE_ENDIAN);
  }

  free(): void {
    this.native.free();
  }

  /** A pointer or size_t field: the same width on every Linux ABI (LP64 or ILP32). */
  private writeWord(offset: number, value: bigint): void {
    if (LAYOUT.pointerBytes === 8) this.header.setBigUint64(offset, value, HOST_LITTLE_ENDIAN);
    else this.header.setUint32(offset, Number(value), HOST_LITTLE_ENDIAN);
  }

  private readWord(offset: number): bigint {
    if (LAYOUT.pointerBytes === 8) return this.header.getBigUint64(offset, HOST_LITTLE_ENDIAN);
    return BigInt(this.header.getUint32(offset, HOST_LITTLE_ENDIAN));
  }
}
