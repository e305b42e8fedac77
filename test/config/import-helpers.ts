// Shared by the importer tests: run an import, check its output reads back and validates, and summarise the
// validated model in a compact, comparable form (what the daemon would run, not what the importer wrote).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatFinding, type Finding } from "../../src/config/finding.ts";
import type { ImportResult } from "../../src/config/import/index.ts";
import type { DaemonConfig, NotifyScripts } from "../../src/config/model.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import { validateParsed, type ValidationResult } from "../../src/config/validate.ts";
import type { VirtualAddress, VirtualRoute } from "../../src/vrrp/model.ts";

export const SEED_DIR = fileURLToPath(new URL("../fixtures/keepalived/", import.meta.url));
export const FIXTURE_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Reads a test input; a missing file fails the test with its path (the seeds live outside the repository). */
export function readInput(path: string): string {
  assert.ok(existsSync(path), `missing test input ${path} (the keepalived seeds are in test/fixtures/keepalived/)`);
  return readFileSync(path, "utf8");
}

export interface Checked {
  readonly result: ImportResult;
  readonly validation: ValidationResult;
  readonly config: DaemonConfig;
}

/** The import's UCI text must parse without errors and validate without errors. */
export function checkOutput(result: ImportResult): Checked {
  const parsed = parseUci({ path: "/etc/config/vrrp", text: result.uci });
  assert.deepEqual(parsed.errors, [], "the produced UCI text does not parse back cleanly");
  // The returned tree is the text's tree, line numbers included (validation findings point into the output).
  assert.deepEqual(parsed.package.sections, result.package.sections);
  const validation = validateParsed(parsed);
  const errors = validation.findings.filter((f) => f.severity === "error").map(formatFinding);
  assert.deepEqual(errors, [], `the produced /etc/config/vrrp does not validate:\n${result.uci}`);
  assert.ok(validation.config !== undefined);
  return { result, validation, config: validation.config };
}

const vipText = (v: VirtualAddress): string =>
  [`${v.address}/${v.prefixLength}`, v.device && `dev ${v.device}`, v.label && `label ${v.label}`, v.scope && `scope ${v.scope}`, v.broadcast && `brd ${v.broadcast}`]
    .filter((w) => w !== undefined && w !== "")
    .join(" ");

const routeText = (r: VirtualRoute): string =>
  [r.type, r.destination, r.gateway && `via ${r.gateway}`, r.device && `dev ${r.device}`, r.source && `src ${r.source}`, r.metric !== undefined && `metric ${r.metric}`, r.table !== undefined && `table ${r.table}`]
    .filter((w) => typeof w === "string" && w !== "")
    .join(" ");

/** One instance as the daemon runs it. */
export interface InstanceSummary {
  device: string | undefined;
  state: "master" | "backup";
  vrid: number;
  priority: number;
  advertMs: number;
  version: 2 | 3;
  preempt: boolean;
  preemptDelayMs: number;
  accept: boolean;
  /** The VRRPv2 password, or null for no authentication. */
  auth: string | null;
  vips: string[];
  excluded: string[];
  routes: string[];
  peers: string[];
  source: string | undefined;
  /** `interface:eth1 0`, `script:chk 10 reverse`: after keepalived's tracking rules. */
  tracks: string[];
  notify: NotifyScripts;
  smtpAlert: boolean;
}

export function summarize(config: DaemonConfig): Record<string, InstanceSummary> {
  const out: Record<string, InstanceSummary> = {};
  for (const c of config.core.instances) {
    const meta = config.instances[c.name];
    out[c.name] = {
      device: meta?.device,
      state: c.initialState,
      vrid: c.vrid,
      priority: c.priority,
      advertMs: c.advertIntervalMs,
      version: c.version,
      preempt: c.preempt,
      preemptDelayMs: c.preemptDelayMs,
      accept: c.acceptMode,
      auth: c.authType === 1 ? c.authPassword : null,
      vips: c.virtualAddresses.filter((v) => v.excluded !== true).map(vipText),
      excluded: c.virtualAddresses.filter((v) => v.excluded === true).map(vipText),
      routes: c.virtualRoutes.map(routeText),
      peers: [...c.unicastPeers],
      source: c.sourceAddress,
      tracks: c.tracks.map((t) => `${t.id} ${t.weight}${t.reverse ? " reverse" : ""}`),
      notify: { ...meta?.notify },
      smtpAlert: meta?.smtpAlert ?? false,
    };
  }
  return out;
}

/** keepalived's documented defaults for an instance (keepalived.conf(5)), so a table row lists only what differs. */
export function keepalivedInstance(fields: Partial<InstanceSummary> & Pick<InstanceSummary, "vrid">): InstanceSummary {
  return {
    device: undefined,
    state: "backup",
    priority: 100,
    advertMs: 1000,
    version: 2,
    preempt: true,
    preemptDelayMs: 0,
    accept: true,
    auth: null,
    vips: [],
    excluded: [],
    routes: [],
    peers: [],
    source: undefined,
    tracks: [],
    notify: {},
    smtpAlert: false,
    ...fields,
  };
}

/** `line:keyword:severity` of each finding, for set comparisons. */
export const findingKeys = (findings: readonly Finding[], file: string): string[] =>
  findings.filter((f) => f.file === file).map((f) => `${f.line}:${f.section}:${f.severity}`);

/** The 1-based line of the first line at or after `from` (a line number or a text the line contains) that starts with `keyword`. */
export function lineOf(text: string, keyword: string, from: number | string = 1): number {
  const lines = text.split("\n");
  const start = typeof from === "number" ? from : lines.findIndex((l) => l.includes(from)) + 1;
  assert.ok(start >= 1, `no line containing '${String(from)}'`);
  const re = new RegExp(`^\\s*${keyword.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\s|$)`);
  for (let i = start - 1; i < lines.length; i++) if (re.test(lines[i] ?? "")) return i + 1;
  assert.fail(`no line starting with '${keyword}' from line ${start}`);
}
