// vrrpd's UCI parser, `uci show` renderer, writer and `uci set` against what the real `uci` printed for the same
// files (test/fixtures/uci/cases, recorded from openwrt/uci; see the README there). Each case is a directory:
// `input` (loaded as package `pkg`), `show` and `export` (the tool's output, or `# exit N: message` when uci
// refused the file), and for edit cases `set` (one `uci set` argument a line) and `commit` (the file afterwards).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setUciValue } from "../../src/config/uci/edit.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import { showUciPackage } from "../../src/config/uci/show.ts";
import type { UciPackage } from "../../src/config/uci/types.ts";
import { writeUciPackage } from "../../src/config/uci/writer.ts";

const CASES = join(import.meta.dirname, "../fixtures/uci/cases");
const read = (dir: string, file: string): string => readFileSync(join(CASES, dir, file), "latin1");

/** `set` lines escape a newline as `\n` and a backslash as `\\` so that one argument stays on one line. */
const unescape = (line: string): string => line.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));

/** Runs the `set` lines as `uci set` would; true when at least one recorded a change (else commit writes nothing). */
function applySets(pkg: UciPackage, lines: readonly string[], results: readonly string[]): { pkg: UciPackage; changed: boolean } {
  let out = pkg;
  let changed = false;
  lines.forEach((line, i) => {
    const r = setUciValue(out, unescape(line));
    assert.equal(r.ok ? "0" : `1 uci: ${r.error}`, results[i], `uci set ${line}`);
    if (r.ok) {
      changed ||= r.changed;
      out = r.package;
    }
  });
  return { pkg: out, changed };
}

/**
 * Where vrrpd deliberately writes something else than libuci: libuci writes section types bare, so a type holding
 * `#` or `'` comes back as another type or as a parse error. vrrpd quotes such types (writer.ts writeType); every
 * other byte of the export must still be libuci's.
 */
const QUOTED_TYPES: Record<string, [bare: string, quoted: string]> = {
  "type-with-hash": ["config a#b ", "config 'a#b' "],
  "type-with-quote": ["config a'\\''b\n", "config 'a'\\''b'\n"],
};

describe("uci: vrrpd agrees with the real uci on the recorded corpus", () => {
  const cases = readdirSync(CASES).sort();
  it("has the corpus", () => assert.ok(cases.length >= 40, `only ${cases.length} cases in ${CASES}`));
  for (const name of cases) {
    it(name, () => {
      // latin1 keeps bytes as they are, as libuci does (it does not decode UTF-8).
      const parsed = parseUci({ path: "/etc/config/pkg", text: read(name, "input") });
      const show = read(name, "show");
      if (show.startsWith("# exit ")) {
        assert.notDeepEqual(parsed.errors, [], `uci refused it (${show.trim()}); vrrpd must report an error`);
        return;
      }
      assert.deepEqual(parsed.errors, []);
      assert.equal(showUciPackage(parsed.package), show, "uci show");
      const deviation = QUOTED_TYPES[name];
      const exported = deviation === undefined ? read(name, "export") : read(name, "export").replace(...deviation);
      assert.equal(writeUciPackage(parsed.package, { header: true }), exported, "uci export");
      if (existsSync(join(CASES, name, "set"))) {
        const sets = read(name, "set").split("\n").filter((l) => l !== "");
        const results = read(name, "set-result").split("\n").filter((l) => l !== "");
        const edited = applySets(parsed.package, sets, results);
        // Without a recorded change `uci commit` leaves the file as it was.
        const written = edited.changed ? writeUciPackage(edited.pkg) : read(name, "input");
        assert.equal(written, read(name, "commit"), "uci set + commit");
      }
    });
  }
});
