// Reads the real ubus captures in test/fixtures/ubus (format described in that directory's README).
// Missing fixtures are an error, not a skip: these are the golden vectors for the codec.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const fixturesDir = fileURLToPath(new URL("../fixtures/ubus/", import.meta.url));

export type Direction = "client->ubusd" | "ubusd->client";

export interface CaptureRecord {
  readonly file: string;
  readonly line: number;
  readonly conn: number;
  readonly direction: Direction;
  readonly withFd: boolean;
  readonly bytes: Uint8Array;
  /** The capture tool's decoded lines (header, top-level blob, one per attribute); empty when it printed none. */
  readonly decoded: readonly string[];
}

const recordRe = /^\[(\d+\.\d+)\] conn#(\d+) (client->ubusd|ubusd->client) (\d+) bytes( {2}\[\+1 fd via SCM_RIGHTS\])?$/;
const hexRe = /^ {4}([0-9a-f]{4}) {2}(.{48})/;

export function parseCapture(file: string, text: string): CaptureRecord[] {
  const lines = text.split("\n");
  const records: CaptureRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = recordRe.exec(lines[i] ?? "");
    if (m === null) continue;
    const size = Number(m[4]);
    const bytes: number[] = [];
    const decoded: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const hex = hexRe.exec(lines[j] ?? "");
      if (hex === null) break;
      if (parseInt(hex[1] ?? "", 16) !== bytes.length) throw new Error(`${file}:${j + 1}: hex offset out of sequence`);
      for (const b of (hex[2] ?? "").trim().split(/ +/)) bytes.push(parseInt(b, 16));
    }
    for (; j < lines.length && (lines[j] ?? "") !== ""; j++) decoded.push(lines[j] ?? "");
    if (bytes.length !== size) throw new Error(`${file}:${i + 1}: ${bytes.length} hex bytes, header says ${size}`);
    records.push({
      file,
      line: i + 1,
      conn: Number(m[2]),
      direction: m[3] as Direction,
      withFd: m[5] !== undefined,
      bytes: Uint8Array.from(bytes),
      decoded,
    });
    i = j;
  }
  return records;
}

/** Every *.log capture, by file name. Throws (failing the test loudly) if the fixtures are not there. */
export function loadCaptures(): Map<string, CaptureRecord[]> {
  if (!existsSync(fixturesDir)) throw new Error(`ubus fixtures not found at ${fixturesDir}`);
  const files = readdirSync(fixturesDir).filter((f) => f.endsWith(".log")).sort();
  if (files.length === 0) throw new Error(`no *.log captures in ${fixturesDir}`);
  const out = new Map<string, CaptureRecord[]>();
  for (const f of files) {
    const records = parseCapture(f, readFileSync(fixturesDir + f, "utf8"));
    if (records.length === 0) throw new Error(`${f}: no records parsed`);
    out.set(f, records);
  }
  return out;
}

/** The first line of one of the CLI output files (*.out). */
export function readOut(name: string): string {
  const path = fixturesDir + name;
  if (!existsSync(path)) throw new Error(`ubus fixture ${path} not found`);
  return readFileSync(path, "utf8");
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
