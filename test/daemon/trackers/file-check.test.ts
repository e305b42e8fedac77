// track_script `type 'file'` (keepalived's track_file): the number in the file as strtol reads it, 0 for a missing,
// empty or number-less file, an out-of-range number ignored; init_file; and a change seen through the directory
// watch well before the next interval read.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createLogger } from "../../../src/daemon/log.ts";
import { TrackScripts } from "../../../src/daemon/track-scripts.ts";
import { initialiseTrackFile, parseTrackFileValue, readTrackFile } from "../../../src/daemon/trackers/file-check.ts";
import type { TrackReading } from "../../../src/vrrp/tracking.ts";

const dir = mkdtempSync(join(tmpdir(), "vrrpd-file-check-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the number in a track file", () => {
  it("is read like C's strtol with base 0", () => {
    const cases: [string, number][] = [
      ["42\n", 42], ["  -7 ", -7], ["+5", 5], ["0x1F", 31], ["010", 8], ["08", 0], ["0x", 0], ["12abc", 12],
      ["abc", 0], ["", 0], ["-", 0], ["\t\n 3", 3], ["-0", 0], ["2147483648", 2 ** 31], ["-2147483648", -(2 ** 31)],
    ];
    for (const [text, value] of cases) assert.equal(parseTrackFileValue(text), value, JSON.stringify(text));
    assert.equal(Object.is(parseTrackFileValue("-0"), 0), true);
  });

  it("out of keepalived's range is ignored (undefined: the last value stays)", () => {
    assert.equal(parseTrackFileValue("2147483649"), undefined);
    assert.equal(parseTrackFileValue("-2147483649"), undefined);
    assert.equal(parseTrackFileValue("99999999999999999999999"), undefined);
  });
});

describe("reading a track file", () => {
  it("reads the value, and a missing or empty file or a FIFO counts as 0", async () => {
    const path = join(dir, "value");
    writeFileSync(path, "-12\n");
    assert.deepEqual([(await readTrackFile({ path, initOverwrite: false })).value], [-12]);
    writeFileSync(path, "");
    assert.equal((await readTrackFile({ path, initOverwrite: false })).value, 0);
    const missing = await readTrackFile({ path: join(dir, "missing"), initOverwrite: false });
    assert.deepEqual([missing.value, missing.result.ok, missing.result.stderrTail], [0, true, `${join(dir, "missing")}: missing, counts as 0`]);
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    assert.equal((await readTrackFile({ path: fifo, initOverwrite: false })).value, 0, "a FIFO with no writer does not hold the read");
    writeFileSync(path, "4294967296");
    const out = await readTrackFile({ path, initOverwrite: false });
    assert.deepEqual([out.value, out.result.ok], [undefined, false]);
  });

  it("init_file creates a missing file, leaves an existing one, and overwrites it with overwrite", async () => {
    const path = join(dir, "init");
    assert.equal(await initialiseTrackFile({ path, initOverwrite: false }), undefined, "no init_file: nothing written");
    assert.match((await initialiseTrackFile({ path, initValue: 5, initOverwrite: false })) ?? "", /created/);
    assert.equal(readFileSync(path, "utf8"), "5\n");
    assert.equal(await initialiseTrackFile({ path, initValue: 9, initOverwrite: false }), undefined);
    assert.equal(readFileSync(path, "utf8"), "5\n");
    await initialiseTrackFile({ path, initValue: -3, initOverwrite: true });
    assert.equal(readFileSync(path, "utf8"), "-3\n");
    assert.match((await initialiseTrackFile({ path: join(dir, "fifo"), initValue: 1, initOverwrite: true })) ?? "", /not a regular file/);
  });
});

describe("a file tracker", () => {
  it("initialises its file when the daemon starts, not on a reload (keepalived: never on reload)", async () => {
    const path = join(dir, "init-on-start");
    const spec = { name: "f", script: "", intervalMs: 60_000, timeoutMs: 60_000, rise: 1, fall: 1, initFail: false, file: { path, initValue: 4, initOverwrite: true } };
    const quiet = createLogger("error", () => undefined);
    const reload = new TrackScripts([spec], () => undefined, quiet);
    reload.start();
    await wait(100);
    reload.stop();
    assert.throws(() => readFileSync(path), /ENOENT/, "a reload wrote nothing");
    const readings: TrackReading[] = [];
    const start = new TrackScripts([spec], (_name, reading) => readings.push(reading), quiet);
    start.start(true);
    try {
      for (let i = 0; i < 100 && readings.length < 1; i++) await wait(10);
      assert.deepEqual([readFileSync(path, "utf8"), readings], ["4\n", [4]]);
    } finally {
      start.stop();
    }
  });

  it("init_fail does not apply to a file: nothing is reported before the first read, and its value is what counts", async () => {
    const path = join(dir, "init-fail");
    writeFileSync(path, "2\n");
    const readings: TrackReading[] = [];
    const scripts = new TrackScripts(
      [{ name: "f", script: "", intervalMs: 60_000, timeoutMs: 60_000, rise: 1, fall: 1, initFail: true, file: { path, initOverwrite: false } }],
      (_name, reading) => readings.push(reading),
      createLogger("error", () => undefined),
    );
    scripts.start(true);
    try {
      for (let i = 0; i < 100 && readings.length < 1; i++) await wait(10);
      assert.deepEqual(readings, [2], "no 'down' from init_fail ahead of the value");
    } finally {
      scripts.stop();
    }
  });

  it("reports each new value, sees a change through the watch long before the interval, and counts as unknown before", async () => {
    const path = join(dir, "watched");
    writeFileSync(path, "1\n");
    const readings: TrackReading[] = [];
    const scripts = new TrackScripts(
      [{ name: "f", script: "", intervalMs: 60_000, timeoutMs: 60_000, rise: 1, fall: 1, initFail: false, file: { path, initOverwrite: false } }],
      (_name, reading) => readings.push(reading),
      createLogger("error", () => undefined),
    );
    assert.deepEqual(scripts.status().map((s) => [s.type, s.state, s.value]), [["file", "unknown", null]]);
    scripts.start(true);
    try {
      for (let i = 0; i < 100 && readings.length < 1; i++) await wait(10);
      assert.deepEqual(readings, [1]);
      writeFileSync(`${path}.new`, "-3\n");
      renameSync(`${path}.new`, path); // an atomic replace, as the docs advise
      for (let i = 0; i < 200 && readings.length < 2; i++) await wait(10);
      assert.deepEqual(readings, [1, -3], "the change arrived through the watch (the interval is a minute)");
      rmSync(path);
      for (let i = 0; i < 200 && readings.length < 3; i++) await wait(10);
      assert.deepEqual(readings, [1, -3, 0], "a deleted file counts as 0");
      assert.deepEqual(scripts.status().map((s) => [s.type, s.state, s.value]), [["file", "up", 0]]);
    } finally {
      scripts.stop();
    }
  });
});
