// Log lines carry their own time unless syslog (procd) or the journal (systemd) stamps them, so a lag warning can
// be matched with a packet capture.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { wantsTimestamps } from "../../src/daemon/log.ts";

describe("log timestamps", () => {
  it("on by default, off under the journal, VRRPD_LOG_TIMESTAMPS decides", () => {
    assert.equal(wantsTimestamps({}), true);
    assert.equal(wantsTimestamps({ JOURNAL_STREAM: "8:12345" }), false);
    assert.equal(wantsTimestamps({ VRRPD_LOG_TIMESTAMPS: "0" }), false);
    assert.equal(wantsTimestamps({ JOURNAL_STREAM: "8:12345", VRRPD_LOG_TIMESTAMPS: "1" }), true);
    assert.equal(wantsTimestamps({ VRRPD_LOG_TIMESTAMPS: "maybe" }), true);
  });

  it("a stamped line starts with its UTC time to the millisecond", () => {
    const script = `import { stderrWriter } from "./src/daemon/log.ts"; stderrWriter(true, () => new Date(Date.UTC(2026, 11, 6, 21, 3, 4, 5)))("warning: late"); stderrWriter(false)("info: plain");`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, "2026-12-06T21:03:04.005Z warning: late\ninfo: plain\n");
  });
});
