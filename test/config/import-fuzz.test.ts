// Random and mutated keepalived.conf and /etc/config/keepalived text through both importers: they never throw,
// finish quickly, and always print UCI that reads back without errors (and that the validator accepts as input).
// Fixed seeds keep runs reproducible; FUZZ_RUNS / FUZZ_SEED allow longer sessions.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { importKeepalived, importOpenwrtKeepalived, type ImportResult } from "../../src/config/import/index.ts";
import { GLOBAL_NOT_IMPORTED, INSTANCE_NOT_IMPORTED, TOP_LEVEL_NOT_IMPORTED } from "../../src/config/import/not-imported.ts";
import type { KeepalivedFile } from "../../src/config/keepalived/types.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import { validateParsed } from "../../src/config/validate.ts";
import { fuzzParameters, timedCpuMs } from "../fuzz-settings.ts";
import { FIXTURE_DIR, readInput, SEED_DIR } from "./import-helpers.ts";

/** Inputs per property without FUZZ_RUNS, and the base seed of the five properties (FUZZ_SEED moves it). */
const DEFAULT_RUNS = 600;
const SEED = 20_260_823;
const maxMillis = 2000;

const KEYWORDS = [
  "global_defs", "vrrp_script", "vrrp_instance", "vrrp_sync_group", "static_ipaddress", "static_routes", "include", "group", "state", "interface",
  "virtual_router_id", "priority", "advert_int", "version", "nopreempt", "preempt", "preempt_delay", "accept", "no_accept", "authentication", "auth_type",
  "auth_pass", "virtual_ipaddress", "virtual_ipaddress_excluded", "virtual_routes", "unicast_peer", "unicast_src_ip", "mcast_src_ip", "track_interface",
  "track_script", "script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail", "notify_master", "notify_backup", "notify_fault",
  "notify_stop", "notify", "smtp_alert", "garp_master_delay", "garp_lower_prio_repeat", "lower_prio_no_advert", "strict_mode", "vrrp_strict",
  "sync_group_tracking_weight", "global_tracking", "router_id", "vrrp_version", "script_user", "vrrp_mcast_group4", "vrrp_startup_delay",
  ...Object.keys(GLOBAL_NOT_IMPORTED), ...Object.keys(INSTANCE_NOT_IMPORTED), ...Object.keys(TOP_LEVEL_NOT_IMPORTED),
];
const VALUES = [
  "MASTER", "BACKUP", "eth0", "br-lan", "51", "0", "255", "256", "-1", "1.5", "0.001", "1e3", "192.0.2.1", "192.0.2.1/24", "2001:db8::1/64", "fe80::1",
  "default", "via", "dev", "src", "brd", "+", "label", "eth0:1", "scope", "link", "weight", "-20", "reverse", "PASS", "AH", "<IPADDR>", "...", "\"a b\"",
  "\"unterminated", "'single'", "{", "}", "#", "!", "$DEF", "@id", "vi-1", "VI_1", "x".repeat(40), "true", "off", "😀", "\t", "\\",
];
const UCI_WORDS = [
  "config", "option", "list", "globals", "vrrp_instance", "vrrp_sync_group", "vrrp_script", "ipaddress", "route", "peer", "track_interface", "track_script",
  "name", "interface", "virtual_router_id", "priority", "state", "nopreempt", "virtual_ipaddress", "unicast_peer", "group", "address", "device", "value",
  "weight", "'vip1'", "'lan'", "'0'", "'1'", "'192.0.2.1/24'", "'a b'", "\"x\"", "'#c'", "'{'", "enabled", "alt_config_file", "label_suffix",
];

const token = (words: readonly string[]) => fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 }));
const line = fc.array(token([...KEYWORDS, ...VALUES]), { maxLength: 6 }).map((ws) => ws.join(" "));
const keepalivedText = fc.array(line, { maxLength: 60 }).map((ls) => ls.join("\n"));
/** Well-formed blocks with random keywords and values, so the importer's deeper paths run too. */
const kwLine = fc.tuple(fc.constantFrom(...KEYWORDS), fc.array(fc.constantFrom(...VALUES.filter((v) => v !== "{" && v !== "}")), { maxLength: 4 })).map(([k, vs]) => [k, ...vs].join(" "));
const block = (header: fc.Arbitrary<string>, body: fc.Arbitrary<string>) =>
  fc.tuple(header, fc.array(body, { maxLength: 12 })).map(([h, b]) => [`${h} {`, ...b.map((l) => `  ${l}`), "}"].join("\n"));
const subBlock = block(fc.constantFrom("virtual_ipaddress", "virtual_routes", "track_interface", "track_script", "unicast_peer", "authentication", "group", "track_file"), kwLine);
const name = fc.constantFrom("VI_1", "vi-1", "http", "G", "chk", "x y");
const structuredText = fc
  .array(
    fc.oneof(
      block(fc.constant("global_defs"), kwLine),
      block(name.map((n) => `vrrp_script ${n}`), kwLine),
      block(name.map((n) => `vrrp_instance ${n}`), fc.oneof(kwLine, subBlock)),
      block(name.map((n) => `vrrp_sync_group ${n}`), fc.oneof(kwLine, subBlock)),
    ),
    { maxLength: 8 },
  )
  .map((bs) => bs.join("\n"));
const uciLine = fc.array(token(UCI_WORDS), { maxLength: 4 }).map((ws) => ws.join(" "));
const uciText = fc.array(fc.oneof(uciLine, uciLine.map((l) => `\t${l}`)), { maxLength: 60 }).map((ls) => ls.join("\n"));

function corpus(dir: string, suffix: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => readInput(`${dir}${f}`));
}

/** Delete, duplicate, or replace lines and characters of a real file. */
function mutated(sources: readonly string[]) {
  const edit = fc.tuple(fc.nat(), fc.constantFrom("drop", "dup", "swap", "char", "brace"), fc.string({ maxLength: 8 }));
  return fc.tuple(fc.constantFrom(...sources), fc.array(edit, { minLength: 1, maxLength: 8 })).map(([text, edits]) => {
    const lines = text.split("\n");
    for (const [n, op, s] of edits) {
      const i = n % Math.max(1, lines.length);
      const l = lines[i] ?? "";
      if (op === "drop") lines.splice(i, 1);
      else if (op === "dup") lines.splice(i, 0, l);
      else if (op === "swap") lines[i] = lines[(i * 7 + 3) % lines.length] ?? "";
      else if (op === "char") lines[i] = l.slice(0, n % (l.length + 1)) + s + l.slice((n % (l.length + 1)) + 1);
      else lines[i] = `${l} ${n % 2 === 0 ? "{" : "}"}`;
    }
    return lines.join("\n");
  });
}

function check(what: string, text: string, run: () => ImportResult): void {
  const { result, ms } = timedCpuMs(run, maxMillis);
  assert.ok(ms < maxMillis, `${what} took ${ms.toFixed(0)} ms of CPU time on ${text.length} chars`);
  const parsed = parseUci({ path: "/etc/config/vrrp", text: result.uci });
  assert.deepEqual(parsed.errors, [], `${what}: output does not read back:\n${result.uci}`);
  assert.deepEqual(parsed.package.sections, result.package.sections, `${what}: the returned tree is not the text's`);
  validateParsed(parsed);
  for (const f of result.findings) assert.ok(Number.isInteger(f.line) && f.line >= 0, `${what}: bad finding line ${f.line}`);
}

const reader = (text: string) => (pattern: string): readonly KeepalivedFile[] => (pattern.includes("x") ? [{ path: "/etc/keepalived/inc.conf", text }] : []);
const keepalived = (text: string): void => check("importKeepalived", text, () => importKeepalived({ path: "/etc/keepalived/keepalived.conf", text }, { readInclude: reader(text) }));
const openwrt = (text: string): void => check("importOpenwrtKeepalived", text, () => importOpenwrtKeepalived({ path: "/etc/config/keepalived", text }));

describe("import fuzzing", () => {
  const kaSources = [...corpus(SEED_DIR, ".conf"), ...corpus(FIXTURE_DIR, ".conf")];
  const uciSources = corpus(FIXTURE_DIR, ".uci");

  it("random keepalived.conf text", () => {
    fc.assert(fc.property(keepalivedText, keepalived), fuzzParameters(SEED, DEFAULT_RUNS));
  });

  it("well-formed keepalived.conf blocks with random contents", () => {
    fc.assert(fc.property(structuredText, keepalived), fuzzParameters(SEED + 4, DEFAULT_RUNS));
  });

  it("mutated keepalived.conf files", () => {
    fc.assert(fc.property(mutated(kaSources), keepalived), fuzzParameters(SEED + 1, DEFAULT_RUNS));
  });

  it("random and mutated /etc/config/keepalived text", () => {
    fc.assert(fc.property(fc.oneof(uciText, mutated(uciSources)), openwrt), fuzzParameters(SEED + 2, DEFAULT_RUNS));
  });

  it("keepalived.conf text read as OpenWrt UCI, and the other way round", () => {
    fc.assert(fc.property(fc.oneof(mutated(kaSources), mutated(uciSources)), (text) => {
      keepalived(text);
      openwrt(text);
    }), fuzzParameters(SEED + 3, DEFAULT_RUNS));
  });
});
