// track_script `type 'file'` (keepalived's track_file, trackers/track_file.c): the number in a file, which the
// instances' weights multiply (the core's tracked values, src/vrrp/tracking.ts). keepalived reads the file when
// inotify says it was written, moved or deleted; vrrpd watches the directory with fs.watch (inotify underneath,
// nothing blocks) and also reads at every `interval`, so a file system inotify cannot watch (NFS, FUSE, /proc),
// a directory made after start, or an event lost to a full queue is still read. Reads are asynchronous.
import { watch, type FSWatcher } from "node:fs";
import { constants, lstat, open, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { FileCheck } from "../../config/model.ts";
import type { RunResult } from "../run-process.ts";
import { checkResult } from "./check-end.ts";

/** keepalived reads at most this much (a 128-byte buffer with its NUL). */
const READ_BYTES = 127;
/** keepalived ignores a number beyond these (an int, with +2^31 let through), keeping the last value. */
const LOWEST = -(2 ** 31);
const HIGHEST = 2 ** 31;

/**
 * The number in the file's text as C's strtol(text, NULL, 0) reads it: leading white space, a sign, then 0x/0X hex,
 * a leading 0 octal, else decimal, up to the first character that is not a digit; no digits at all is 0. Undefined
 * when the number is out of keepalived's range (it keeps the last value then).
 */
export function parseTrackFileValue(text: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?/.exec(text.split("\0")[0] ?? "");
  const digits = m?.[2];
  if (digits === undefined) return 0;
  const magnitude = /^0[xX]/.test(digits) ? Number.parseInt(digits.slice(2), 16) : digits.startsWith("0") ? Number.parseInt(digits, 8) : Number(digits);
  const value = m?.[1] === "-" ? -magnitude : magnitude;
  return value < LOWEST || value > HIGHEST ? undefined : value || 0;
}

export interface FileReading {
  readonly result: RunResult;
  /** The value now; undefined when the file held a number out of range (the last value stays). */
  readonly value: number | undefined;
}

/** One read of the file. Missing, unreadable or empty counts as 0, as in keepalived. */
export async function readTrackFile(check: FileCheck): Promise<FileReading> {
  const started = performance.now();
  let text: string;
  try {
    // O_NONBLOCK: a FIFO put there by mistake must not hold the read (keepalived opens it the same way).
    const handle = await open(check.path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(READ_BYTES), 0, READ_BYTES, 0);
      text = buffer.subarray(0, bytesRead).toString("latin1");
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    return { result: checkResult(true, `${check.path}: ${code === "ENOENT" ? "missing" : code}, counts as 0`, false, started), value: 0 };
  }
  const value = parseTrackFileValue(text);
  if (value === undefined) return { result: checkResult(false, `${check.path}: number out of range ignored: ${JSON.stringify(text.trim().slice(0, 40))}`, false, started), value };
  return { result: checkResult(true, `${check.path}: ${value}`, false, started), value };
}

/**
 * keepalived's `init_file VALUE [overwrite]`, done once when the daemon starts (never on a reload): create the file
 * with the value, or with `overwrite` replace what a regular file holds. Returns what it did, for the log.
 */
export async function initialiseTrackFile(check: FileCheck): Promise<string | undefined> {
  if (check.initValue === undefined) return undefined;
  const text = `${check.initValue}\n`;
  try {
    if (!check.initOverwrite) {
      await writeFile(check.path, text, { flag: "wx" }); // EEXIST: an existing file is left as it is
      return `created ${check.path} with ${check.initValue}`;
    }
    const existing = await lstat(check.path).catch(() => undefined);
    if (existing !== undefined && !existing.isFile()) return `${check.path} is not a regular file: not initialised`;
    await writeFile(check.path, text);
    return `wrote ${check.initValue} to ${check.path}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    return `could not initialise ${check.path}: ${(e as Error).message}`;
  }
}

/**
 * Calls `changed` when the file's directory reports a change to the file (written, replaced, deleted). Undefined
 * when the directory cannot be watched (missing, or no inotify): the interval reads still see the file.
 */
export function watchTrackFile(check: FileCheck, changed: () => void): FSWatcher | undefined {
  const name = basename(check.path);
  try {
    const watcher = watch(dirname(check.path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) changed();
    });
    watcher.on("error", () => watcher.close()); // the directory went away: the interval reads carry on
    return watcher;
  } catch {
    return undefined;
  }
}
