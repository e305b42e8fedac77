// `vrrpd --help`, `vrrpd help [COMMAND]`, `vrrpd COMMAND --help` and unknown commands, through the real entry
// point (main.ts exits the process, so each case is a child process).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function vrrpd(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/daemon/main.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("vrrpd help", () => {
  for (const args of [["--help"], ["-h"], ["help"]]) {
    it(`vrrpd ${args.join(" ")} prints the usage on stdout and exits 0`, () => {
      const r = vrrpd(...args);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^usage: vrrpd <command>/);
      assert.match(r.stdout, /check-config/);
      assert.equal(r.stderr, "");
    });
  }

  for (const command of ["run", "check-config", "import", "version", "status", "switchover", "set-priority", "reset-counters", "reload", "handoff"]) {
    it(`vrrpd ${command} --help and vrrpd help ${command} print that command's usage and exit 0`, () => {
      for (const args of [[command, "--help"], [command, "-h"], ["help", command]]) {
        const r = vrrpd(...args);
        assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^usage: vrrpd ${command}\\b`), args.join(" "));
        assert.equal(r.stderr, "");
      }
    });
  }

  it("an unknown command exits 2 with a suggestion and where to find the usage", () => {
    const r = vrrpd("stauts");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "stauts"/);
    assert.match(r.stderr, /did you mean "status"\?/);
    assert.match(r.stderr, /vrrpd --help/);
    assert.equal(r.stdout, "");
  });

  it("an unknown command with nothing close gets no suggestion, still exit 2", () => {
    const r = vrrpd("frobnicate");
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /did you mean/);
  });

  it("help for an unknown command exits 2 with a suggestion", () => {
    const r = vrrpd("help", "chek-config");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did you mean "check-config"\?/);
  });

  it("no command at all prints the usage on stderr and exits 2", () => {
    const r = vrrpd();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage: vrrpd <command>/);
  });
});
