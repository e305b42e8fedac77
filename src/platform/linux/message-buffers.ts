// The memory of one sendmsg call: struct msghdr, one struct iovec, msg_name, msg_control and the payload, in one
// koffi allocation that never moves, because msghdr holds raw pointers into it (a small Uint8Array may live on the
// V8 heap and move at GC). Allocated once per socket and reused for every call (receiving: receive-batch.ts).
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
   * Sets the lengths for a call and returns the msghdr pointer. A zero length passes a NULL-equivalent empty region.
   */
  prepare(nameBytes: number, controlBytes: number, dataBytes: number): NativePointer {
    this.header.setUint32(LAYOUT.msghdr.namelen, Math.min(nameBytes, this.name.length), HOST_LITTLE_ENDIAN);
    this.writeLength(LAYOUT.msghdr.controllen, Math.min(controlBytes, this.control.length));
    this.writeLength(this.iovLenOffset, Math.min(dataBytes, this.data.length));
    this.header.setInt32(LAYOUT.msghdr.flags, 0, HOST_LITTLE_ENDIAN);
    return this.native.pointer;
  }

  free(): void {
    this.native.free();
  }

  /** A pointer or size_t field: the same width on every Linux ABI (LP64 or ILP32). */
  private writeWord(offset: number, value: bigint): void {
    if (LAYOUT.pointerBytes === 8) this.header.setBigUint64(offset, value, HOST_LITTLE_ENDIAN);
    else this.header.setUint32(offset, Number(value), HOST_LITTLE_ENDIAN);
  }

  /** A size_t below 2^32, written without a BigInt (this runs for every packet sent). */
  private writeLength(offset: number, value: number): void {
    if (LAYOUT.pointerBytes !== 8) return this.header.setUint32(offset, value, HOST_LITTLE_ENDIAN);
    this.header.setUint32(offset + (HOST_LITTLE_ENDIAN ? 0 : 4), value, HOST_LITTLE_ENDIAN);
    this.header.setUint32(offset + (HOST_LITTLE_ENDIAN ? 4 : 0), 0, HOST_LITTLE_ENDIAN);
  }
}
