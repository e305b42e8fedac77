// Property tests for validation: random sections, option names and values (schema names mixed with typos,
// interesting values mixed with arbitrary text) never make validate throw; a configuration is returned exactly
// when there is no error; what it returns is accepted by the protocol core; and rendering it back to UCI gives
// the same configuration. Seeds are fixed so CI is deterministic; raise FUZZ_RUNS locally to search harder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { renderUci } from "../../src/config/render.ts";
import { SCHEMA, SECTION_TYPES } from "../../src/config/schema.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import type { UciOption, UciPackage, UciSection } from "../../src/config/uci/types.ts";
import { writeUciPackage } from "../../src/config/uci/writer.ts";
import { validate, validateParsed, type ValidationResult } from "../../src/config/validate.ts";
import { Engine } from "../../src/vrrp/engine.ts";
import { fuzzParameters, fuzzRuns } from "../fuzz-settings.ts";

const RUNS = fuzzRuns(1500);
const FILE = "/etc/config/vrrp";

const optionNames = [...new Set(SECTION_TYPES.flatMap((t) => SCHEMA[t].options.map((o) => o.name)))];
const names = ["lan", "lan6", "wan", "chk", "g", "globals", "__proto__", "constructor", "toString"];
const interesting = [
  "0", "1", "2", "3", "yes", "off", "100", "150", "255", "256", "-20", "0.05", "0.01", "1.5", "41", "MASTER", "backup", "PASS", "secret12", "123456789",
  "192.0.2.1/24", "192.0.2.2", "fe80::1/64", "fd00::1/64", "fd00::2", "fe80::2", "224.0.0.18", "ff02::12", "192.0.2.1/24 dev br-lan label br-lan:vip",
  "fd00::1/64 label x", "198.51.100.0/24 via 192.0.2.254 dev eth1 metric 10 table 100", "default via fe80::fe", "blackhole 10.0.0.0/8",
  "wan", "wan weight -20", "wan weight 10 reverse", "chk", "chk weight 0", "lan weight", "lan", "lan6", "__proto__", "constructor", "br-lan", "/bin/true",
  "", " ", "a b c", "info", "debug", "/var/run/x.sock", "nobody nogroup", "strict", "make-before-break", "STRICT",
];

const value = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...interesting) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
const optionName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...optionNames) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z_]{1,12}$/) });
const option = fc.record({ name: optionName, list: fc.boolean(), values: fc.array(value, { minLength: 1, maxLength: 3 }) });
const section = fc.record({
  type: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...SECTION_TYPES) }, { weight: 1, arbitrary: fc.constantFrom("instnce", "peer", "x") }),
  name: fc.option(fc.constantFrom(...names), { nil: undefined }),
  options: fc.array(option, { maxLength: 10 }),
});

/** Lays random sections out as the parser would produce them (last `option` of a name wins, lines counted). */
function toPackage(raw: readonly { type: string; name: string | undefined; options: readonly { name: string; list: boolean; values: readonly string[] }[] }[]): UciPackage {
  let line = 0;
  const used = new Set<string>();
  const sections: UciSection[] = [];
  for (const s of raw) {
    const name = s.name !== undefined && !used.has(s.name) ? s.name : undefined;
    if (name !== undefined) used.add(name);
    const location = { file: FILE, line: ++line };
    const byName = new Map<string, UciOption>();
    for (const o of s.options) {
      const items = o.values.map((v) => ({ value: v, location: { file: FILE, line: ++line } }));
      const first = items[0];
      if (first === undefined) continue;
      byName.set(o.name, o.list ? { kind: "list", name: o.name, items, location: first.location } : { kind: "option", name: o.name, value: first.value, location: first.location });
    }
    const base = { type: s.type, options: [...byName.values()], location };
    sections.push(name === undefined ? base : { ...base, name });
  }
  return { name: "vrrp", file: FILE, sections };
}

function assertWellBehaved(r: ValidationResult): void {
  const hasError = r.findings.some((f) => f.severity === "error");
  assert.equal(r.config === undefined, hasError, "a config exactly when there is no error");
  for (const f of r.findings) {
    // The message is built only on failure: stringifying every finding of every input was a twentieth of the run.
    if (!(f.line >= 1 && f.message.length > 0)) assert.fail(`bad finding ${JSON.stringify(f)}`);
    assert.ok(f.severity === "error" || f.severity === "warning");
  }
}

const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === "location" ? undefined : x))) as unknown;

describe("validate fuzz", () => {
  it("never throws, and returns a config exactly when there is no error", () => {
    fc.assert(
      fc.property(fc.array(section, { maxLength: 6 }), (raw) => {
        assertWellBehaved(validate([toPackage(raw)]));
      }),
      fuzzParameters(0x5eed_c0f1, 1500),
    );
  });

  it("gives the core configurations it accepts, and rendering them back gives the same configuration", () => {
    // Mostly-valid instances, so that many runs reach a config.
    const likely = fc.record({ name: fc.constantFrom(...optionNames), list: fc.boolean(), values: fc.array(fc.constantFrom(...interesting), { minLength: 1, maxLength: 2 }) });
    const instanceLike = fc.record({
      type: fc.constant("instance"),
      name: fc.option(fc.constantFrom("lan", "lan6", "wan", "__proto__"), { nil: undefined }),
      options: fc.tuple(fc.constantFrom("lan", "wan", "eth0"), fc.integer({ min: 1, max: 255 }), fc.array(likely, { maxLength: 4 })).map(([iface, vrid, extra]) => [
        { name: "interface", list: false, values: [iface] },
        { name: "virtual_router_id", list: false, values: [String(vrid)] },
        { name: "virtual_ipaddress", list: true, values: ["192.0.2.1/24"] },
        ...extra,
      ]),
    });
    const scriptLike = fc.record({
      type: fc.constant("track_script"),
      name: fc.constantFrom("chk", "wan"),
      options: fc.array(likely, { maxLength: 3 }).map((extra) => [{ name: "script", list: false, values: ["/bin/true"] }, ...extra]),
    });
    let configs = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 4, arbitrary: instanceLike }, { weight: 1, arbitrary: scriptLike }, { weight: 1, arbitrary: section }), { minLength: 1, maxLength: 4 }), (raw) => {
        const r = validate([toPackage(raw)]);
        assertWellBehaved(r);
        if (r.config === undefined) return;
        configs++;
        new Engine(r.config.core).start(0);
        const { package: pkg, notes } = renderUci(r.config);
        assert.deepEqual(notes, []);
        const again = validate([pkg]);
        assert.equal(again.findings.filter((f) => f.severity === "error").length, 0, JSON.stringify(again.findings));
        assert.deepEqual(strip(again.config), strip(r.config));
      }),
      fuzzParameters(0x0c0f_16ed, 1500),
    );
    assert.ok(configs > RUNS / 10, `only ${configs} runs produced a config`);
  });

  it("survives arbitrary text through the UCI parser", () => {
    fc.assert(
      fc.property(fc.array(section, { maxLength: 4 }), fc.string({ maxLength: 40 }), (raw, noise) => {
        const text = writeUciPackage(toPackage(raw)) + noise;
        assertWellBehaved(validateParsed(parseUci({ path: FILE, text })));
      }),
      fuzzParameters(0x7e47, 1500),
    );
  });
});
