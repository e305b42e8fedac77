// The memory of one recvmmsg(2) call: an array of struct mmsghdr, each with its own iovec, msg_name, msg_control
// and payload, in one koffi allocation that never moves (the headers hold raw pointers into it). One native call
// then drains a whole burst of adverts, which matters because a master sends every instance's advert back to back
// and each call through koffi costs microseconds on an interpreter-only node. Allocated once per socket.
import { LAYOUT, NativeBuffer, recvmmsgOrErrno } from "./libc.ts";
import { alignStruct as align, readSize, writePointer, writeSize } from "./native-words.ts";
import { HOST_LITTLE_ENDIAN, SOCKADDR_STORAGE_BYTES } from "./sockaddr.ts";

/** One received datagram's buffers: views into native memory, valid until the batch is freed. */
export interface ReceiveSlot {
  readonly name: Uint8Array;
  readonly control: Uint8Array;
  /** Over `control`, created once, for reading cmsgs in place. */
  readonly controlView: DataView;
  readonly data: Uint8Array;
}

export class ReceiveBatch {
  readonly slots: readonly ReceiveSlot[];
  private readonly native: NativeBuffer;
  private readonly headers: DataView;
  private readonly controlBytes: number;
  /** Slots whose in/out fields the kernel overwrote in the last call; only those need resetting. */
  private used: number;
  /** The last payload view handed out per slot: a master repeats its advert, so the same view serves again. */
  private readonly payloads: Uint8Array[] = [];

  constructor(
    readonly slotCount: number,
    dataBytes: number,
    controlBytes: number,
  ) {
    const mmsgBytes = LAYOUT.mmsghdr.size;
    const iovBytes = align(LAYOUT.iovec.size);
    const headersEnd = align(slotCount * mmsgBytes);
    const iovEnd = headersEnd + slotCount * iovBytes;
    const slotBytes = SOCKADDR_STORAGE_BYTES + align(controlBytes) + align(dataBytes);
    this.native = new NativeBuffer(iovEnd + slotCount * slotBytes);
    this.controlBytes = controlBytes;
    const bytes = this.native.bytes;
    this.headers = new DataView(bytes.buffer, bytes.byteOffset, iovEnd);
    const base = this.native.address;
    const slots: ReceiveSlot[] = [];
    for (let i = 0; i < slotCount; i++) {
      const header = i * mmsgBytes;
      const iov = headersEnd + i * iovBytes;
      const name = iovEnd + i * slotBytes;
      const control = name + SOCKADDR_STORAGE_BYTES;
      const data = control + align(controlBytes);
      const pointer = (offset: number, target: number): void => writePointer(this.headers, offset, base + BigInt(target), LAYOUT.pointerBytes);
      pointer(iov + LAYOUT.iovec.base, data);
      pointer(header + LAYOUT.msghdr.name, name);
      pointer(header + LAYOUT.msghdr.iov, iov);
      pointer(header + LAYOUT.msghdr.control, control);
      writeSize(this.headers, iov + LAYOUT.iovec.len, dataBytes, LAYOUT.sizeTBytes);
      writeSize(this.headers, header + LAYOUT.msghdr.iovlen, 1, LAYOUT.sizeTBytes);
      const controlArea = bytes.subarray(control, control + controlBytes);
      slots.push({
        name: bytes.subarray(name, control),
        control: controlArea,
        controlView: new DataView(controlArea.buffer, controlArea.byteOffset, controlArea.byteLength),
        data: bytes.subarray(data, data + dataBytes),
      });
    }
    this.slots = slots;
    this.used = slotCount;
  }

  /**
   * One recvmmsg(2) into the slots: how many datagrams arrived (slots 0..n-1), or -errno (-EAGAIN when none).
   * The in/out lengths the kernel overwrote last time are reset first.
   */
  receive(fd: number, flags: number): number {
    for (let i = 0; i < this.used; i++) {
      const header = i * LAYOUT.mmsghdr.size;
      this.headers.setUint32(header + LAYOUT.msghdr.namelen, SOCKADDR_STORAGE_BYTES, HOST_LITTLE_ENDIAN);
      writeSize(this.headers, header + LAYOUT.msghdr.controllen, this.controlBytes, LAYOUT.sizeTBytes);
      this.headers.setInt32(header + LAYOUT.msghdr.flags, 0, HOST_LITTLE_ENDIAN);
    }
    const n = recvmmsgOrErrno(fd, this.native.pointer, this.slotCount, flags);
    this.used = n > 0 ? n : 0;
    return n;
  }

  /**
   * Bytes [start, end) of the datagram in `slot`, as a view into the native buffer (valid until the next receive).
   * The view is reused while the bounds repeat: creating one per packet was a measurable share of the garbage a
   * backup makes.
   */
  payload(slot: number, start: number, end: number): Uint8Array {
    const data = (this.slots[slot] as ReceiveSlot).data;
    const last = this.payloads[slot];
    if (last !== undefined && last.byteOffset === data.byteOffset + start && last.length === end - start) return last;
    const view = data.subarray(start, end);
    this.payloads[slot] = view;
    return view;
  }

  /** After recvmmsg: the datagram's length (msg_len). */
  length(slot: number): number {
    return this.headers.getUint32(slot * LAYOUT.mmsghdr.size + LAYOUT.mmsghdr.len, HOST_LITTLE_ENDIAN);
  }

  /** After recvmmsg: how many bytes of msg_name the kernel filled in. */
  nameLength(slot: number): number {
    return this.headers.getUint32(slot * LAYOUT.mmsghdr.size + LAYOUT.msghdr.namelen, HOST_LITTLE_ENDIAN);
  }

  /** After recvmmsg: how many bytes of ancillary data arrived. */
  controlLength(slot: number): number {
    return readSize(this.headers, slot * LAYOUT.mmsghdr.size + LAYOUT.msghdr.controllen, LAYOUT.sizeTBytes);
  }

  /** After recvmmsg: MSG_TRUNC, MSG_CTRUNC, ... */
  flags(slot: number): number {
    return this.headers.getInt32(slot * LAYOUT.mmsghdr.size + LAYOUT.msghdr.flags, HOST_LITTLE_ENDIAN);
  }

  free(): void {
    this.native.free();
  }
}
