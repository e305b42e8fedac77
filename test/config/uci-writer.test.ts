// The writer produces what `uci export` / `uci commit` produce, and whatever it writes reads back as the same tree:
// parse(write(parse(x))) == parse(x), checked on examples and with fast-check on generated packages and texts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseUci } from "../../src/config/uci/parser.ts";
import type { UciOption, UciPackage, UciSection } from "../../src/config/uci/types.ts";
import { quoteUciValue, writeUciPackage } from "../../src/config/uci/writer.ts";
import { fuzzParameters } from "../fuzz-settings.ts";

const FILE = "/etc/config/export";
const at = { file: FILE, line: 1 };

/** The tree without locations: what must survive a write and a read. */
function content(pkg: UciPackage): unknown {
  return pkg.sections.map((s) => ({
    type: s.type,
    name: s.name,
    options: s.options.map((o) => (o.kind === "option" ? [o.name, o.value] : [o.name, o.items.map((i) => i.value)])),
  }));
}

function reparse(pkg: UciPackage): UciPackage {
  const r = parseUci({ path: pkg.file, text: writeUciPackage(pkg) });
  assert.deepEqual(r.errors, [], writeUciPackage(pkg));
  return r.package;
}

const option = (name: string, value: string): UciOption => ({ kind: "option", name, value, location: at });
const list = (name: string, ...values: string[]): UciOption => ({ kind: "list", name, items: values.map((value) => ({ value, location: at })), location: at });

describe("uci writer: libuci's export format", () => {
  it("matches libuci's export test reference byte for byte", () => {
    const pkg: UciPackage = {
      name: "export",
      file: FILE,
      sections: [{ type: "type", name: "section", options: [option("opt", "val"), list("list_opt", "val0", "val1")], location: at }],
    };
    assert.equal(writeUciPackage(pkg, { header: true }), "package export\n\nconfig type 'section'\n\toption opt 'val'\n\tlist list_opt 'val0'\n\tlist list_opt 'val1'\n\n");
    assert.equal(writeUciPackage(pkg), "\nconfig type 'section'\n\toption opt 'val'\n\tlist list_opt 'val0'\n\tlist list_opt 'val1'\n\n");
  });

  it("writes anonymous sections without a name and an empty package as one newline", () => {
    const pkg: UciPackage = { name: "p", file: FILE, sections: [{ type: "instance", options: [], location: at }] };
    assert.equal(writeUciPackage(pkg), "\nconfig instance\n\n");
    assert.equal(writeUciPackage({ name: "p", file: FILE, sections: [] }), "\n");
  });

  it("quotes values with '\\'' for single quotes, and keeps newlines inside the quotes", () => {
    assert.equal(quoteUciValue("it's"), "'it'\\''s'");
    assert.equal(quoteUciValue(""), "''");
    assert.equal(quoteUciValue("a\nb"), "'a\nb'");
  });

  it("quotes a section type only when it would not read back bare (libuci writes them bare)", () => {
    const types = ["instance", "my-type.v2", "a'b", "a#b", "a;b", 'a"b', "a\\b"];
    const pkg: UciPackage = { name: "p", file: FILE, sections: types.map((type): UciSection => ({ type, options: [], location: at })) };
    const text = writeUciPackage(pkg);
    assert.match(text, /\nconfig instance\n\nconfig my-type\.v2\n\nconfig 'a'\\''b'\n/);
    assert.deepEqual(reparse(pkg).sections.map((s) => s.type), types);
  });
});

describe("uci writer: round trips", () => {
  const examples = [
    "config globals 'globals'\n\toption enabled '0' # comment\n\nconfig instance 'lan'\n\tlist vip 10.0.0.1\n\tlist vip \"10.0.0.2\"\n",
    "c t\no a 'x'\"y\"z\nl b ''\nl b 'it'\\''s'\nconfig t\n",
    "config t\n\toption multi 'line 1\nline 2\n'\n\toption back 'a\\b'\n\toption dq \"q\\\"uote\\\\\"\n",
    "config t 'a'\noption x 1\nconfig u\nconfig t 'a'\noption y 2\nlist x 3\n",
    "config t\noption x ' leading and trailing '\noption tab '\t'\noption cr 'a\r\nb'\n",
    "config weird-type!@$%^&*()\n",
  ];
  for (const text of examples) {
    it(`parse(write(parse(x))) == parse(x) for ${JSON.stringify(text).slice(0, 60)}`, () => {
      const first = parseUci({ path: FILE, text }).package;
      assert.deepEqual(content(reparse(first)), content(first));
      // Writing is a fixed point after one round.
      assert.equal(writeUciPackage(reparse(first)), writeUciPackage(first));
    });
  }

  // Generated packages: valid names, values of any characters but NUL. libuci cannot store an empty option value
  // or two options of one name, so those are not generated; sections names are unique for the same reason.
  const uciName = fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/);
  const uciType = fc.oneof(uciName, fc.stringMatching(/^[!-~]{1,6}$/));
  const anyValue = fc.string({ unit: fc.oneof(fc.constantFrom("'", '"', "\\", "#", ";", "\n", "\r", "\t", " ", "$"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 12 })
    .map((s) => s.replaceAll("\0", ""));
  const generatedOption: fc.Arbitrary<UciOption> = fc.oneof(
    fc.tuple(uciName, anyValue.filter((v) => v !== "")).map(([name, value]) => option(name, value)),
    fc.tuple(uciName, fc.array(anyValue, { minLength: 1, maxLength: 4 })).map(([name, values]) => list(name, ...values)),
  );
  const generatedSection = fc
    .tuple(uciType, fc.option(uciName, { nil: undefined }), fc.uniqueArray(generatedOption, { selector: (o) => o.name, maxLength: 5 }))
    .map(([type, name, options]): UciSection => (name === undefined ? { type, options, location: at } : { type, name, options, location: at }));
  const generatedPackage = fc
    .uniqueArray(generatedSection, { selector: (s) => s.name ?? Symbol(), maxLength: 5 })
    .map((sections): UciPackage => ({ name: "export", file: FILE, sections }));

  it("generated packages read back identically (fast-check)", () => {
    fc.assert(
      fc.property(generatedPackage, (pkg) => {
        assert.deepEqual(content(reparse(pkg)), content(pkg));
      }),
      fuzzParameters(0x0c1e0001, 1000),
    );
  });

  // Arbitrary text, including broken files: whatever tree the parser builds must survive a write and a read.
  // Two shapes: a soup of syntax fragments, and line-structured text that mostly parses.
  const soup = fc.string({
    unit: fc.constantFrom("config ", "option ", "list ", "package ", "c ", "o ", "l ", "t ", "name ", "'", '"', "\\", "#", ";", "\n", "\r\n", " ", "\t", "x", "-", "é", "\0"),
    maxLength: 40,
  });
  const word = fc.oneof(
    uciName,
    anyValue.map(quoteUciValue),
    anyValue.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`),
    fc.constantFrom("'a b'", "a\\ b", "''", "#c", "v;", "'q';", "\\", "'x'\"y\"z", "my-type", "'multi\nline'"),
  );
  const value = fc.oneof(word, word.map((w) => `${w}${w}`));
  const end = fc.constantFrom("\n", "\n", "\n", "\r\n", " # c\n", "\\\n", "; ", "\t\n");
  const noise = fc
    .tuple(fc.constantFrom("config", "option", "list", "c", "o", "l", "package", "#"), fc.array(word, { maxLength: 3 }), end)
    .map(([cmd, args, e]) => `${cmd} ${args.join(" ")}${e}`);
  const config = fc.tuple(fc.oneof(uciName, fc.constantFrom("'quoted type'", "a-b", "x.y")), fc.option(fc.oneof(uciName, uciName.map(quoteUciValue)), { nil: "" }), end)
    .map(([type, name, e]) => `config ${type} ${name}${e}`);
  const setting = fc.tuple(fc.constantFrom("\toption", "\tlist", "o", "l"), fc.constantFrom("a", "b", "c", "d"), value, end)
    .map(([cmd, name, v, e]) => `${cmd} ${name} ${v}${e}`);
  const lines = fc.tuple(config, fc.array(fc.oneof({ arbitrary: setting, weight: 6 }, { arbitrary: config, weight: 2 }, { arbitrary: noise, weight: 1 }), { maxLength: 14 }))
    .map(([first, rest]) => first + rest.join(""));
  for (const [what, text, seed] of [["soup", soup, 0x0c1e0002], ["line-structured text", lines, 0x0c1e0003]] as const) {
    it(`parse(write(parse(text))) == parse(text) for ${what} (fast-check)`, () => {
      fc.assert(
        fc.property(text, (t) => {
          const first = parseUci({ path: FILE, text: t }).package;
          assert.deepEqual(content(reparse(first)), content(first));
        }),
        fuzzParameters(seed, 1000),
      );
    });
  }
});
