// koffi (the FFI behind the raw sockets) is the daemon's only runtime dependency and its only native code.
// It ships in its own package per architecture (vrrpd-koffi): koffi's JS, and the prebuilt musl addon of
// that CPU. Only the musl build: OpenWrt has no glibc, and the glibc build was 42 % of the old package.
// koffi loads `@koromix/koffi-linux-<cpu>` by name, so the installed layout is a small node_modules tree.
//
// The prebuilt package for this machine's CPU is already in node_modules (an optional dependency); the others
// are fetched with `npm pack <name>@<exact version>` into a cache, checked against package-lock.json's
// integrity hash, and their contents verified (names, versions, ELF machine, musl linkage) before use.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { spawnSync } from "node:child_process";
import type { Arch } from "./arches.ts";
import { readElf } from "./elf.ts";
import { untar } from "./tar.ts";

export interface PackageFile {
  /** Path relative to the package directory. */
  readonly path: string;
  readonly mode: number;
  readonly data: Buffer;
}

export const nativePackageName = (arch: Pick<Arch, "cpu">): string => `@koromix/koffi-linux-${arch.cpu}`;

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

/** The exact koffi version package.json pins: packages must carry that one and no other. */
export function koffiVersion(root: string): string {
  const wanted = readJson<PackageJson>(join(root, "package.json")).dependencies?.koffi;
  if (wanted === undefined || !/^\d+\.\d+\.\d+$/.test(wanted)) throw new Error(`package.json must pin koffi to an exact version (found ${wanted})`);
  return wanted;
}

/** Relative ESM imports (`from "./x.js"`) of a module, to follow koffi's load path file by file. */
function relativeImports(source: string): string[] {
  return [...source.matchAll(/\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1] ?? "");
}

/** koffi's own JS: package.json, the licence, and the ESM files its entry point reaches (nothing else). */
export function koffiCore(root: string, version: string): PackageFile[] {
  const dir = join(root, "node_modules", "koffi");
  const pkg = readJson<PackageJson & { exports?: { ".": { import: string } } }>(join(dir, "package.json"));
  if (pkg.version !== version) throw new Error(`node_modules/koffi is ${pkg.version}, package.json wants ${version}: run npm ci`);
  const entry = posix.normalize(pkg.exports?.["."].import ?? "./index.js");
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const rel = posix.normalize(queue.shift() ?? "");
    if (seen.has(rel)) continue;
    seen.add(rel);
    const source = readFileSync(join(dir, rel), "utf8");
    for (const spec of relativeImports(source)) queue.push(posix.join(posix.dirname(rel), spec));
  }
  return ["package.json", "LICENSE.txt", ...[...seen].sort()].map((path) => ({ path, mode: 0o644, data: readFileSync(join(dir, path)) }));
}

/** The npm integrity string ("sha512-<base64>") package-lock.json records for an installed package. */
function lockIntegrity(root: string, name: string, version: string): string {
  const lock = readJson<{ packages?: Record<string, { version?: string; integrity?: string }> }>(join(root, "package-lock.json"));
  const entry = lock.packages?.[`node_modules/${name}`];
  if (entry?.version !== version || entry.integrity === undefined) throw new Error(`package-lock.json has no ${name}@${version} with an integrity hash`);
  return entry.integrity;
}

function integrityOf(data: Buffer, algorithm: string): string {
  return `${algorithm}-${createHash(algorithm).update(data).digest("base64")}`;
}

/** `npm pack name@version` into `cacheDir` unless already there; returns the tarball verified against the lock. */
function fetchTarball(root: string, cacheDir: string, name: string, version: string, log: (line: string) => void): Buffer {
  const file = join(cacheDir, `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    log(`fetching ${name}@${version} (npm pack) into ${cacheDir}`);
    const run = spawnSync("npm", ["pack", `${name}@${version}`, "--pack-destination", cacheDir, "--silent"], { encoding: "utf8", timeout: 120_000 });
    if (run.status !== 0 || !existsSync(file)) throw new Error(`npm pack ${name}@${version} failed: ${run.error?.message ?? (run.stderr.trim() || `exit status ${run.status} (offline?)`)}`);
  }
  const data = readFileSync(file);
  const expected = lockIntegrity(root, name, version);
  const actual = integrityOf(data, expected.slice(0, expected.indexOf("-")));
  if (actual !== expected) throw new Error(`${file}: integrity ${actual} differs from package-lock.json's ${expected}; delete it and retry`);
  return data;
}

function filesOfDir(dir: string, prefix = ""): PackageFile[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    const st = statSync(path);
    return st.isDirectory() ? filesOfDir(path, rel) : [{ path: rel, mode: st.mode & 0o111 ? 0o755 : 0o644, data: readFileSync(path) }];
  });
}

/** The addon's path inside @koromix/koffi-linux-<cpu>: the musl build, which OpenWrt's node loads. */
export const muslAddonPath = (arch: Pick<Arch, "cpu">): string => `musl_${arch.cpu}/koffi.node`;

/**
 * What an addon must be to load into OpenWrt's node: a 64-bit little-endian shared object for the CPU, linked
 * against musl (Alpine's name libc.musl-<arch>.so.1, which musl's loader maps onto itself) and no glibc.
 */
export function checkMuslAddon(data: Buffer, arch: Arch, what: string): void {
  const elf = readElf(data, what);
  if (elf.bits !== 64 || !elf.littleEndian) throw new Error(`${what} is not a 64-bit little-endian ELF file`);
  if (elf.type !== 3) throw new Error(`${what} is not a shared object`);
  if (elf.machine !== arch.elfMachine) throw new Error(`${what} is for ELF machine ${elf.machine}, not ${arch.elfMachine}`);
  if (!elf.needed.includes(`libc.musl-${arch.musl}.so.1`)) throw new Error(`${what} does not link musl (needs ${elf.needed.join(", ")})`);
  const glibc = elf.needed.filter((n) => /^(libc\.so\.6|libm\.so\.6|ld-linux)/.test(n));
  if (glibc.length > 0) throw new Error(`${what} links glibc: ${glibc.join(", ")}`);
}

/** What a native package must contain, checked whatever its source. */
export function verifyNative(files: readonly PackageFile[], arch: Arch, version: string): void {
  const get = (path: string): Buffer => {
    const f = files.find((x) => x.path === path);
    if (f === undefined) throw new Error(`${nativePackageName(arch)}: ${path} is missing`);
    return f.data;
  };
  const pkg = JSON.parse(get("package.json").toString("utf8")) as PackageJson & { cpu?: string[] };
  if (pkg.name !== nativePackageName(arch) || pkg.version !== version) throw new Error(`expected ${nativePackageName(arch)}@${version}, found ${pkg.name}@${pkg.version}`);
  if (!pkg.cpu?.includes(arch.cpu)) throw new Error(`${pkg.name} is not for cpu ${arch.cpu}`);
  get("index.js");
  checkMuslAddon(get(muslAddonPath(arch)), arch, `${pkg.name}/${muslAddonPath(arch)}`);
}

/**
 * Every file of `@koromix/koffi-linux-<cpu>@version` (paths relative to the package), from node_modules when
 * this machine's CPU installed it, else from the verified `npm pack` cache. Unchecked: callers verify what they keep.
 */
export function nativePackageFiles(root: string, cacheDir: string, arch: Pick<Arch, "cpu">, version: string, log: (line: string) => void): PackageFile[] {
  const name = nativePackageName(arch);
  const installed = join(root, "node_modules", name);
  if (existsSync(join(installed, "package.json")) && readJson<PackageJson>(join(installed, "package.json")).version === version) return filesOfDir(installed);
  return untar(fetchTarball(root, cacheDir, name, version, log))
    .filter((e) => e.type === "file" && e.path.startsWith("package/"))
    .map((e) => ({ path: e.path.slice("package/".length), mode: e.mode & 0o111 ? 0o755 : 0o644, data: e.data }));
}

/** The files of `@koromix/koffi-linux-<cpu>` that koffi loads on musl: package.json, index.js and the musl addon. */
export function koffiNative(root: string, cacheDir: string, arch: Arch, version: string, log: (line: string) => void): PackageFile[] {
  const files = nativePackageFiles(root, cacheDir, arch, version, log);
  const wanted = ["package.json", "index.js", muslAddonPath(arch)];
  const kept = files.filter((f) => wanted.includes(f.path));
  verifyNative(kept, arch, version);
  return kept.map((f) => (f.path.endsWith(".node") ? { ...f, mode: 0o755 } : { ...f, mode: 0o644 }));
}

export const defaultCacheDir = (root: string): string => join(root, "node_modules", ".cache", "vrrpd-package");
