// gzip as OpenWrt's scripts/ipkg-build compresses: the system's `gzip -n` at its default level (6), no file
// name or time stamp in the header, so the same input gives the same bytes. Node's zlib is not used: its
// bundled zlib (Chromium's) packs koffi's ELF addons about 11 % larger than GNU gzip does at any level
// (845 KB against 764 KB for the old x86_64 data.tar), and the package would not be byte-for-byte what the
// buildroot makes of the same tree.
import { spawnSync } from "node:child_process";

export function gzip(data: Uint8Array): Uint8Array {
  const run = spawnSync("gzip", ["-n"], { input: data, maxBuffer: 1 << 30 });
  if (run.error !== undefined) throw new Error(`gzip: ${run.error.message} (GNU gzip is needed to pack the packages)`);
  if (run.status !== 0) throw new Error(`gzip -n failed: ${run.stderr.toString().trim()}`);
  return new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.byteLength);
}
