// The archives are packed the way OpenWrt's scripts/ipkg-build packs them: GNU tar --format=gnu
// --numeric-owner --sort=name --mtime, then `gzip -n`. The writer in scripts/package/tar.ts must give the
// same bytes as GNU tar over the same tree (owner 0:0 as under the buildroot's fakeroot), and the packages
// must be compressed by GNU gzip, not Node's zlib (which packs koffi's addons about 11 % larger).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { gzip } from "../../scripts/package/gzip.ts";
import { sortEntries, tar, untar, withParents, type TarEntry } from "../../scripts/package/tar.ts";

const MTIME = 1_700_000_000;
const hasGnuTar = /GNU tar/.test(spawnSync("tar", ["--version"], { encoding: "utf8" }).stdout ?? "");

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

/** Names that tell a per-directory sort from a sort of whole paths ('-' and '.' sort before '/'). */
const FILES: TarEntry[] = [
  { path: "./a/b/f", mode: 0o644, data: bytes(3, 1) },
  { path: "./a-b/g", mode: 0o755, data: bytes(512, 2) },
  { path: "./a.c", mode: 0o600, data: bytes(513, 3) },
  { path: "./a/z", mode: 0o644, data: bytes(0, 4) },
  { path: "./usr/lib/vrrpd/node_modules/@koromix/koffi-linux-arm64/musl_arm64/koffi.node", mode: 0o755, data: bytes(70_000, 5) },
  { path: "./etc/config/vrrp", mode: 0o600, data: new TextEncoder().encode("config globals\n") },
];

function gnuTar(entries: readonly TarEntry[]): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "vrrpd-gnutar-"));
  try {
    for (const e of entries) {
      const path = join(dir, e.path);
      if (e.data === undefined) mkdirSync(path, { recursive: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, e.data);
      }
    }
    for (const e of entries) chmodSync(join(dir, e.path), e.mode);
    const run = spawnSync("tar", ["--format=gnu", "--numeric-owner", "--owner=0", "--group=0", "--sort=name", "-cpf", "-", `--mtime=@${MTIME}`, "."], { cwd: dir, maxBuffer: 1 << 28 });
    assert.equal(run.status, 0, run.stderr?.toString());
    return run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the tar writer's bytes are GNU tar's over the same tree (ipkg-build's options)", { skip: hasGnuTar ? false : "GNU tar not installed" }, () => {
  const entries = sortEntries(withParents(FILES));
  assert.ok(Buffer.from(tar(entries, MTIME)).equals(gnuTar(entries)));
});

test("--sort=name order: a directory's contents right after it, names compared within one directory", () => {
  const order = sortEntries(withParents(FILES)).map((e) => e.path);
  assert.deepEqual(order.slice(0, 7), ["./", "./a/", "./a/b/", "./a/b/f", "./a/z", "./a-b/", "./a-b/g"]);
  assert.equal(order[7], "./a.c");
});

test("owner 0:0 with no user or group name, as --numeric-owner writes; the reader reads it back", () => {
  const archive = Buffer.from(tar(sortEntries(withParents(FILES)), MTIME));
  assert.equal(archive.subarray(265, 265 + 64).every((b) => b === 0), true, "uname and gname are empty");
  const back = untar(archive);
  for (const f of FILES) {
    const e = back.find((x) => x.path === f.path);
    assert.ok(e, f.path);
    assert.deepEqual([e.mode, e.uid, e.gid, e.type], [f.mode, 0, 0, "file"]);
    assert.ok(e.data.equals(Buffer.from(f.data ?? new Uint8Array())));
  }
});

test("gzip is GNU gzip -n: no name or time in the header and the same bytes every time", () => {
  const data = bytes(200_000, 9);
  const a = gzip(data);
  assert.ok(Buffer.from(a).equals(Buffer.from(gzip(data))));
  assert.deepEqual([...a.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], "no FNAME flag, MTIME 0, OS unix");
  const cli = spawnSync("gzip", ["-n"], { input: data });
  assert.ok(cli.stdout.equals(Buffer.from(a)));
});
