// scripts/package/elf.ts reads what the buildroot's dependency check reads (readelf -d: DT_NEEDED), for
// 32- and 64-bit files of either byte order. The files here are built by hand: one loadable segment
// mapped at a different address than its file offset (so the string table address must be translated),
// a PT_INTERP and a dynamic table. Where binutils is installed, the real koffi addon is cross-checked.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { readElf } from "../../scripts/package/elf.ts";

interface Spec {
  readonly bits: 32 | 64;
  readonly le: boolean;
  readonly machine: number;
  readonly interp?: string;
  readonly needed: readonly string[];
  readonly soname?: string;
}

/** A minimal ELF shared object: header, three program headers, interp string, string table, dynamic table. */
function makeElf(spec: Spec): Buffer {
  const w = spec.bits / 8;
  const ehsize = spec.bits === 64 ? 64 : 52;
  const phentsize = spec.bits === 64 ? 56 : 32;
  const phnum = 3;
  const strings = ["", ...spec.needed, ...(spec.soname ? [spec.soname] : [])];
  const strtab = Buffer.from(strings.map((s) => `${s}\0`).join(""), "latin1");
  const offsetOf = (s: string): number => strtab.indexOf(Buffer.from(`${s}\0`, "latin1"), 1);
  const interp = Buffer.from(`${spec.interp ?? ""}\0`, "latin1");
  const interpOff = ehsize + phentsize * phnum;
  const strOff = interpOff + interp.length;
  const dynOff = Math.ceil((strOff + strtab.length) / 8) * 8;
  const dyn: [number, number][] = [[5, 0], ...spec.needed.map((n): [number, number] => [1, offsetOf(n)]), ...(spec.soname ? [[14, offsetOf(spec.soname)] as [number, number]] : []), [0, 0]];
  const size = dynOff + dyn.length * 2 * w;
  const base = 0x10000; // vaddr = offset + base: DT_STRTAB holds an address, not an offset
  dyn[0] = [5, strOff + base];
  const b = Buffer.alloc(size);
  const u16 = (at: number, v: number): number => (spec.le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (at: number, v: number): number => (spec.le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const word = (at: number, v: number): number => (w === 8 ? (spec.le ? b.writeBigUInt64LE(BigInt(v), at) : b.writeBigUInt64BE(BigInt(v), at)) : u32(at, v));
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = spec.bits === 64 ? 2 : 1;
  b[5] = spec.le ? 1 : 2;
  b[6] = 1;
  u16(16, 3);
  u16(18, spec.machine);
  u32(20, 1);
  word(spec.bits === 64 ? 32 : 28, ehsize);
  u16(spec.bits === 64 ? 54 : 42, phentsize);
  u16(spec.bits === 64 ? 56 : 44, phnum);
  const ph = (i: number, type: number, offset: number, filesz: number): void => {
    const at = ehsize + i * phentsize;
    u32(at, type);
    if (spec.bits === 64) {
      word(at + 8, offset);
      word(at + 16, offset + base);
      word(at + 32, filesz);
    } else {
      u32(at + 4, offset);
      u32(at + 8, offset + base);
      u32(at + 16, filesz);
    }
  };
  ph(0, 1, 0, size); // PT_LOAD of the whole file
  ph(1, spec.interp ? 3 : 6, interpOff, interp.length); // PT_INTERP, or a PT_PHDR stand-in
  ph(2, 2, dynOff, dyn.length * 2 * w); // PT_DYNAMIC
  interp.copy(b, interpOff);
  strtab.copy(b, strOff);
  dyn.forEach(([tag, value], i) => {
    word(dynOff + i * 2 * w, tag);
    word(dynOff + i * 2 * w + w, value);
  });
  return b;
}

test("64-bit little-endian: machine, NEEDED in order, SONAME, no interpreter", () => {
  const elf = readElf(makeElf({ bits: 64, le: true, machine: 183, needed: ["libstdc++.so.6", "libgcc_s.so.1", "libc.musl-aarch64.so.1"], soname: "koffi.node" }));
  assert.deepEqual([elf.bits, elf.littleEndian, elf.machine, elf.type], [64, true, 183, 3]);
  assert.deepEqual(elf.needed, ["libstdc++.so.6", "libgcc_s.so.1", "libc.musl-aarch64.so.1"]);
  assert.equal(elf.soname, "koffi.node");
  assert.equal(elf.interpreter, undefined);
});

test("32-bit little-endian and big-endian, with an interpreter", () => {
  for (const le of [true, false]) {
    const elf = readElf(makeElf({ bits: 32, le, machine: 40, interp: "/lib/ld-musl-armhf.so.1", needed: ["libc.so"] }));
    assert.deepEqual([elf.bits, elf.littleEndian, elf.machine], [32, le, 40]);
    assert.deepEqual(elf.needed, ["libc.so"]);
    assert.equal(elf.interpreter, "/lib/ld-musl-armhf.so.1");
  }
});

test("not ELF, or cut short: a clear error naming the file", () => {
  assert.throws(() => readElf(Buffer.from("#!/bin/sh\n".padEnd(64, " ")), "vrrpd"), /vrrpd is not an ELF file/);
  const whole = makeElf({ bits: 64, le: true, machine: 62, needed: ["libc.so"] });
  assert.throws(() => readElf(whole.subarray(0, 100), "cut.node"), /cut\.node: .*past the end/);
});

test("the real x64 koffi addon reads as readelf -d reads it (where binutils and the addon are installed)", (t) => {
  const addon = resolve(import.meta.dirname, "../../node_modules/@koromix/koffi-linux-x64/musl_x64/koffi.node");
  const readelf = spawnSync("readelf", ["-d", addon], { encoding: "utf8" });
  if (!existsSync(addon) || readelf.status !== 0) return t.skip("no x64 koffi addon or no readelf here");
  const expected = [...readelf.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  assert.deepEqual(readElf(readFileSync(addon)).needed, expected);
});
