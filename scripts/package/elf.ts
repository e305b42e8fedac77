// Just enough of ELF to check a prebuilt native addon before it ships: its class, byte order, machine, type
// and the libraries it needs (DT_NEEDED). OpenWrt's buildroot refuses a package whose ELF files need a
// library no dependency provides (include/package-pack.mk, CheckDependencies, which reads the same entries
// with readelf -d); reading them here lets `npm run package` and the tests apply that rule without binutils.
// Only what the dynamic loader itself uses is read: program headers, never section headers.

export interface ElfInfo {
  /** 32 or 64. */
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  /** e_machine: 3 i386, 40 ARM, 62 x86-64, 183 AArch64. */
  readonly machine: number;
  /** e_type: 2 executable, 3 shared object. */
  readonly type: number;
  /** e_flags (ARM keeps its float ABI here: 0x400 hard-float). */
  readonly flags: number;
  /** PT_INTERP, if any (executables; a shared library has none). */
  readonly interpreter: string | undefined;
  /** DT_NEEDED entries in file order. */
  readonly needed: readonly string[];
  /** DT_SONAME, if any. */
  readonly soname: string | undefined;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_SONAME = 14;

interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

/** Parses `data` as an ELF file; throws with `what` in the message when it is not one or is cut short. */
export function readElf(data: Uint8Array, what = "file"): ElfInfo {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b.length < 52 || b.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${what} is not an ELF file`);
  const bits = b[4] === 1 ? 32 : b[4] === 2 ? 64 : undefined;
  if (bits === undefined) throw new Error(`${what}: unknown ELF class ${b[4]}`);
  const le = b[5] === 1;
  if (!le && b[5] !== 2) throw new Error(`${what}: unknown ELF byte order ${b[5]}`);
  const u16 = (at: number): number => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (at: number): number => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  // 64-bit fields: addresses and offsets in an addon fit easily in a double; refuse the absurd.
  const u64 = (at: number): number => {
    const v = le ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what}: ELF value out of range`);
    return Number(v);
  };
  const word = bits === 64 ? u64 : u32;
  const wordSize = bits / 8;

  const type = u16(16);
  const machine = u16(18);
  const phoff = word(bits === 64 ? 32 : 28);
  const flags = u32(bits === 64 ? 48 : 36);
  const phentsize = u16(bits === 64 ? 54 : 42);
  const phnum = u16(bits === 64 ? 56 : 44);
  if (phoff + phentsize * phnum > b.length) throw new Error(`${what}: program headers past the end of the file`);

  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    segments.push(
      bits === 64
        ? { type: u32(at), offset: u64(at + 8), vaddr: u64(at + 16), filesz: u64(at + 32) }
        : { type: u32(at), offset: u32(at + 4), vaddr: u32(at + 8), filesz: u32(at + 16) },
    );
  }
  const inFile = (s: Segment): void => {
    if (s.offset + s.filesz > b.length) throw new Error(`${what}: segment past the end of the file`);
  };
  // The dynamic table names its string table by address; the loadable segments map it back to the file.
  const fileOffset = (vaddr: number): number => {
    const load = segments.find((s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
    if (load === undefined) throw new Error(`${what}: address 0x${vaddr.toString(16)} is in no loadable segment`);
    return load.offset + (vaddr - load.vaddr);
  };
  const cString = (at: number): string => {
    const end = b.indexOf(0, at);
    if (end < 0) throw new Error(`${what}: unterminated string`);
    return b.toString("latin1", at, end);
  };

  const interp = segments.find((s) => s.type === PT_INTERP);
  if (interp !== undefined) inFile(interp);
  const interpreter = interp === undefined ? undefined : cString(interp.offset);

  const needed: string[] = [];
  let soname: string | undefined;
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  if (dynamic !== undefined) {
    inFile(dynamic);
    const entries: [number, number][] = [];
    for (let at = dynamic.offset; at + 2 * wordSize <= dynamic.offset + dynamic.filesz; at += 2 * wordSize) {
      const tag = word(at);
      if (tag === DT_NULL) break;
      entries.push([tag, word(at + wordSize)]);
    }
    const strtab = entries.find(([tag]) => tag === DT_STRTAB)?.[1];
    if (strtab === undefined && entries.some(([tag]) => tag === DT_NEEDED || tag === DT_SONAME)) throw new Error(`${what}: dynamic section without DT_STRTAB`);
    const str = (offset: number): string => cString(fileOffset(strtab ?? 0) + offset);
    for (const [tag, value] of entries) {
      if (tag === DT_NEEDED) needed.push(str(value));
      if (tag === DT_SONAME) soname = str(value);
    }
  }
  return { bits, littleEndian: le, machine, type, flags, interpreter, needed, soname };
}
