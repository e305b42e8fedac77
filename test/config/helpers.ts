// Shared by the config tests: UCI text in, findings as `file:line: section.option: message` strings out.
import { formatFinding, type Finding } from "../../src/config/finding.ts";
import type { DaemonConfig } from "../../src/config/model.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import { validateParsed, type ValidationResult } from "../../src/config/validate.ts";

export const FILE = "/etc/config/vrrp";

/** Joins lines so tests can write a config as an array and count line numbers easily (line 1 = first). */
export function uci(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

export function check(text: string, file = FILE): ValidationResult {
  return validateParsed(parseUci({ path: file, text }));
}

export const errors = (r: ValidationResult): string[] => r.findings.filter((f) => f.severity === "error").map(formatFinding);
export const warnings = (r: ValidationResult): string[] => r.findings.filter((f) => f.severity === "warning").map(formatFinding);

/** The config, failing the test with every finding when there is none. */
export function configOf(text: string): DaemonConfig {
  const r = check(text);
  if (r.config === undefined) throw new Error(`expected a config, got:\n${r.findings.map(formatFinding).join("\n")}`);
  return r.config;
}

/** The first finding whose formatted text starts with `prefix` (file:line: section.option:). */
export function findingAt(r: ValidationResult, prefix: string): Finding | undefined {
  return r.findings.find((f) => formatFinding(f).startsWith(prefix));
}

/** A minimal valid instance, as lines, to build cases on. */
export function instance(name: string, ...extra: string[]): string[] {
  return [`config instance '${name}'`, "\toption interface 'lan'", "\toption virtual_router_id '51'", "\tlist virtual_ipaddress '192.0.2.1/24'", ...extra];
}
