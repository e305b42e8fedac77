// Both configuration parsers take text an operator wrote (or mangled): random, mutated and generated input must
// never throw and must finish quickly. Fixed seeds keep runs reproducible; FUZZ_RUNS / FUZZ_SEED allow a longer
// exploratory session. A failing input is shrunk by fast-check and saved under fuzz-regressions/, which every run
// replays (files named uci-* go to the UCI parser, keepalived-* to the keepalived parser, anything else to both).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { parseKeepalived } from "../../src/config/keepalived/parser.ts";
import type { KeepalivedFile, KeepalivedNode } from "../../src/config/keepalived/types.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import type { UciPackage } from "../../src/config/uci/types.ts";
import { writeUciPackage } from "../../src/config/uci/writer.ts";
import { fuzzParameters, fuzzTimeoutMs, timedCpuMs } from "../fuzz-settings.ts";

const regressionsDir = fileURLToPath(new URL("./fuzz-regressions/", import.meta.url));
const fixturesDir = fileURLToPath(new URL("../fixtures/keepalived/", import.meta.url));
/** CPU time per input; real files parse in well under a millisecond, so this only catches runaway loops. */
const maxMillis = 2000;

const UCI_FILE = "/etc/config/fuzz";
const KA_MAIN = "/etc/keepalived/keepalived.conf";

// ---------------------------------------------------------------------------------------------------------
// What every input goes through.

function within<T>(what: string, text: string, run: () => T): T {
  const { result, ms } = timedCpuMs(run, maxMillis);
  assert.ok(ms < maxMillis, `${what} took ${ms.toFixed(0)} ms of CPU time on ${text.length} chars`);
  return result;
}

function content(pkg: UciPackage): unknown {
  return pkg.sections.map((s) => [s.type, s.name, s.options.map((o) => (o.kind === "option" ? [o.name, o.value] : [o.name, o.items.map((i) => i.value)]))]);
}

/** Parses, checks the result is well formed, and that the tree survives a write and a read. */
function exerciseUci(text: string): void {
  const r = within("parseUci", text, () => parseUci({ path: UCI_FILE, text }));
  const lines = text.split("\n").length;
  for (const e of r.errors) {
    assert.equal(e.file, UCI_FILE);
    assert.ok(e.line >= 1 && e.line <= lines && e.column >= 1, `bad error position ${JSON.stringify(e)}`);
  }
  for (const s of r.package.sections) {
    assert.ok(s.location.line >= 1 && s.location.line <= lines);
    assert.ok(s.name === undefined || /^[A-Za-z0-9_]+$/.test(s.name));
    for (const o of s.options) assert.match(o.name, /^[A-Za-z0-9_]+$/);
  }
  const again = parseUci({ path: UCI_FILE, text: writeUciPackage(r.package) });
  assert.deepEqual(again.errors, []);
  assert.deepEqual(content(again.package), content(r.package));
}

/** Included files are picked by name so that includes can nest, loop, fail and be missing. */
function readerFor(main: string, corpus: readonly string[]) {
  return (pattern: string, fromFile: string): readonly KeepalivedFile[] => {
    if (pattern.includes("throw")) throw new Error("reader failure");
    if (pattern.includes("loop")) return [{ path: fromFile, text: "looped\n" }, { path: KA_MAIN, text: main }];
    if (pattern.includes("missing") || corpus.length === 0) return [];
    const hash = [...pattern].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
    const count = pattern.includes("*") ? (hash % 3) + 1 : 1;
    return Array.from({ length: count }, (_, i) => ({ path: `/etc/keepalived/${pattern}.${i}`, text: corpus[(hash + i) % corpus.length] ?? "" }));
  };
}

function depthOf(nodes: readonly KeepalivedNode[]): number {
  let max = 0;
  for (const n of nodes) if (n.children !== undefined) max = Math.max(max, 1 + depthOf(n.children));
  return max;
}

function exerciseKeepalived(text: string, corpus: readonly string[] = []): void {
  for (const configId of [undefined, "gw-a"]) {
    const options = { readInclude: readerFor(text, [...corpus, text]), maxBytes: 256 * 1024, maxDepth: 16, ...(configId === undefined ? {} : { configId }) };
    const r = within("parseKeepalived", text, () => parseKeepalived({ path: KA_MAIN, text }, options));
    assert.equal(r.files[0], KA_MAIN);
    for (const d of [...r.errors, ...r.warnings]) {
      assert.ok(d.file === KA_MAIN || r.files.includes(d.file), `diagnostic for an unknown file ${JSON.stringify(d)}`);
      assert.ok(Number.isInteger(d.line) && d.line >= 0);
    }
    assert.ok(depthOf(r.nodes) <= 16);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Saving and replaying failures.

function saveCrasher(prefix: "uci" | "keepalived", text: string): string {
  mkdirSync(regressionsDir, { recursive: true });
  const name = `${prefix}-crash-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.txt`;
  writeFileSync(regressionsDir + name, text);
  return name;
}

function check(prefix: "uci" | "keepalived", arb: fc.Arbitrary<string>, seed: number, exercise: (t: string) => void): void {
  const details = fc.check(fc.property(arb, (t) => exercise(t)), fuzzParameters(seed, 1500));
  if (details.failed) {
    const example = details.counterexample?.[0];
    const saved = example !== undefined ? saveCrasher(prefix, example) : "(none)";
    assert.fail(`${fc.defaultReportMessage(details) ?? "property failed"}\nsaved as fuzz-regressions/${saved}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Inputs.

function loadFixtures(): string[] {
  assert.ok(existsSync(fixturesDir), `keepalived fixtures missing: expected ${fixturesDir}`);
  return readdirSync(fixturesDir).filter((n) => n.endsWith(".conf")).sort().map((n) => readFileSync(fixturesDir + n, "utf8"));
}

const uciCorpus = [
  "config globals 'globals'\n\toption enabled '0'\n\toption router_id 'gw-a'    # comment\n\nconfig instance 'lan'\n\toption priority '150'\n\tlist virtual_ipaddress '192.168.1.1/24'\n\toption device ''\n",
  "package 'import'\n\nconfig 'type' 'section'\n\toption 'opt' 'val'\n\tlist 'list_opt' 'val0'\n\toption mul_line_opt_sq \\''line 1\nline 2 \\\nline 3'\\'\n\toption mul_line_opt_dq \"\\\"Hello, \\\nWorld.\\'\n\"\n",
  "c t n; o a 'b'; l c d\r\nconfig t\n\toption x a\\ b\\\n c\n",
];

const syntaxUnit = (extra: readonly string[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...extra, "'", '"', "\\", "#", "!", ";", "{", "}", "$", "@", "\n", "\r\n", " ", "\t", "\0", "x", "1"), weight: 3 }, { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 1 });

type Edit = readonly [number, number, number, string];
/** Text edits: insert a fragment, delete a span, duplicate a span, or swap two lines. */
function mutate(src: string, edits: readonly Edit[]): string {
  let t = src;
  for (const [op, a, b, fragment] of edits) {
    const i = t.length === 0 ? 0 : a % (t.length + 1);
    const j = Math.min(t.length, i + (b % 40));
    if (op % 4 === 0) t = t.slice(0, i) + fragment + t.slice(i);
    else if (op % 4 === 1) t = t.slice(0, i) + t.slice(j);
    else if (op % 4 === 2) t = t.slice(0, j) + t.slice(i, j) + t.slice(j);
    else {
      const lines = t.split("\n");
      const x = a % lines.length;
      const y = b % lines.length;
      [lines[x], lines[y]] = [lines[y] ?? "", lines[x] ?? ""];
      t = lines.join("\n");
    }
  }
  return t;
}
const edits = (fragments: readonly string[]) =>
  fc.array(fc.tuple(fc.nat(3), fc.nat(), fc.nat(), fc.oneof(fc.constantFrom(...fragments), fc.string({ unit: syntaxUnit([]), maxLength: 6 }))), { minLength: 1, maxLength: 8 });
const mutated = (corpus: readonly string[], fragments: readonly string[]) =>
  fc.tuple(fc.nat(corpus.length - 1), edits(fragments)).map(([i, e]) => mutate(corpus[i] ?? "", e));

const uciFragments = ["config ", "option ", "list ", "package ", "'", '"', "\\\n", "; ", "#", "\0", "c t\n", "o a b\n", "\r"];
const kaFragments = ["{", "}", " { ", "\n}\n", '"', "#", "!", "\\#", "include a.conf\n", "include loop\n", "include x/*.conf\n", "include missing\n", "$X=v\n", "$M=a \\\n", "$X", "${X}", "$M\n", "@gw-a ", "@^gw-a ", "~SEQ(i,1,2) ", "\0", "\r\n"];

const kaWord = fc.oneof(
  fc.constantFrom("vrrp_instance", "VI_1", "state", "MASTER", "priority", "100", "virtual_ipaddress", "10.0.0.1/24", "track_script", "global_defs"),
  fc.constantFrom("{", "}", "{}", '"a b"', '""', '"x', "a\"b c\"", "#c", "!c", "\\#", "$X", "${X}", "${_RANDOM 1 2}", "$_PWD", "$_INSTANCE", "${_HASH}", "$M"),
);
const kaLine = fc.oneof(
  { arbitrary: fc.tuple(kaWord, fc.array(kaWord, { maxLength: 4 })).map(([k, a]) => [k, ...a].join(" ")), weight: 6 },
  { arbitrary: fc.constantFrom("include a.conf", "include conf.d/*.conf", "include loop.conf", "include missing.conf", "include throw", "includew none/*", "include"), weight: 1 },
  { arbitrary: fc.constantFrom("$X=eth0", "$X=$X", "$X=a $X", "$M=line1 \\", "more \\", "last", "", "@gw-a priority 1", "@^gw-a priority 2", "@gw-b", "~SEQ(i,1,3) x $i", "~LST(a,b) y"), weight: 2 },
);
const kaGenerated = fc
  .tuple(fc.array(fc.tuple(kaLine, fc.constantFrom("\n", "\n", "\r\n", " # c\n", " {\n", " }\n", "\\\n")), { maxLength: 25 }))
  .map(([lines]) => lines.map(([l, e]) => l + e).join(""));

// ---------------------------------------------------------------------------------------------------------

describe("fuzz: UCI parser never throws, stays fast and round-trips", { timeout: fuzzTimeoutMs(2, 1500) }, () => {
  it("random text", () => check("uci", fc.string({ unit: syntaxUnit(["config ", "option ", "list ", "c ", "o "]), maxLength: 120 }), 0xc0f10001, exerciseUci));
  it("mutated UCI files", () => check("uci", mutated(uciCorpus, uciFragments), 0xc0f10002, exerciseUci));
  it("mutated keepalived fixtures (any text is input)", () => check("uci", mutated(loadFixtures(), uciFragments), 0xc0f10003, exerciseUci));
  it("a long line, a long quoted value and many lines", () => {
    exerciseUci(`config t\noption x '${"a'\\''b".repeat(20_000)}'\n`);
    exerciseUci(`config t\noption x ${"y\\\n".repeat(20_000)}\n`);
    exerciseUci("config t\n\toption a b\n".repeat(20_000));
  });
});

describe("fuzz: keepalived parser never throws and stays fast", { timeout: fuzzTimeoutMs(2, 1500) }, () => {
  it("random text", () => check("keepalived", fc.string({ unit: syntaxUnit(["include ", "vrrp_instance ", "$X=", "@gw-a "]), maxLength: 160 }), 0xc0f20001, (t) => exerciseKeepalived(t)));
  it("mutated fixtures, with includes picked from the fixtures", () => {
    const fixtures = loadFixtures();
    check("keepalived", mutated(fixtures, kaFragments), 0xc0f20002, (t) => exerciseKeepalived(t, fixtures));
  });
  it("generated configurations with includes, conditionals and definitions", () => {
    const fixtures = loadFixtures();
    check("keepalived", kaGenerated, 0xc0f20003, (t) => exerciseKeepalived(t, fixtures));
  });
});

describe("fuzz regressions", () => {
  const files = existsSync(regressionsDir) ? readdirSync(regressionsDir).filter((n) => n.endsWith(".txt")).sort() : [];
  it("has a regression corpus", () => assert.ok(files.length > 0, `no inputs in ${regressionsDir}`));
  for (const name of files) {
    it(`replays ${name}`, () => {
      const text = readFileSync(regressionsDir + name, "utf8");
      if (!name.startsWith("keepalived-")) exerciseUci(text);
      if (!name.startsWith("uci-")) exerciseKeepalived(text, loadFixtures());
    });
  }
});
