// The memory of one sendmsg call: struct msghdr, one struct iovec, msg_name, msg_control and the payload, in one
// koffi allocation that never moves, because msghdr holds raw pointers into it (a small Uint8Array may live on the
// V8 heap and move at GC). Allocated once per socket and reused for every call (receiving: receive-batch.ts).
import { LAYOUT, NativeBuffer, type NativePointer } from "./libc.ts";
import { alignStruct as align, writePointer, writeSize } from "./native-words.ts";
import { HOST_LITTLE_ENDIAN, SOCKADDR_STORAGE_BYTES } from "./sockaddr.ts";

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
    const pointer = (offset: number, target: number): void => writePointer(this.header, offset, base + BigInt(target), LAYOUT.pointerBytes);
    pointer(iovOffset + LAYOUT.iovec.base, dataOffset);
    pointer(LAYOUT.msghdr.name, nameOffset);
    pointer(LAYOUT.msghdr.iov, iovOffset);
    pointer(LAYOUT.msghdr.control, controlOffset);
    writeSize(this.header, LAYOUT.msghdr.iovlen, 1, LAYOUT.sizeTBytes);
    this.iovLenOffset = iovOffset + LAYOUT.iovec.len;
  }

  /**
   * Sets the lengths for a call and returns the msghdr pointer. A zero length passes a NULL-equivalent empty region.
   */
  prepare(nameBytes: number, controlBytes: number, dataBytes: number): NativePointer {
    this.header.setUint32(LAYOUT.msghdr.namelen, Math.min(nameBytes, this.name.length), HOST_LITTLE_ENDIAN);
    writeSize(this.header, LAYOUT.msghdr.controllen, Math.min(controlBytes, this.control.length), LAYOUT.sizeTBytes);
    writeSize(this.header, this.iovLenOffset, Math.min(dataBytes, this.data.length), LAYOUT.sizeTBytes);
    this.header.setInt32(LAYOUT.msghdr.flags, 0, HOST_LITTLE_ENDIAN);
    return this.native.pointer;
  }

  free(): void {
    this.native.free();
  }
}
