// Reads /etc/config/vrrp (a file, or a UCI config directory) and validates it. The only file access of the
// configuration path: src/config itself is pure.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatFinding, type Finding } from "../config/finding.ts";
import type { DaemonConfig } from "../config/model.ts";
import { parseUci, parseUciFiles } from "../config/uci/parser.ts";
import { validateParsed, type ValidateOptions } from "../config/validate.ts";

export interface LoadedConfig {
  readonly path: string;
  readonly config?: DaemonConfig;
  readonly findings: readonly Finding[];
  readonly errors: number;
  readonly warnings: number;
}

export const DEFAULT_CONFIG_PATH = "/etc/config/vrrp";

/** `options.devices` adds checks against this machine (check-config); the daemon loads without them. */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH, options: ValidateOptions = {}): LoadedConfig {
  let result: ReturnType<typeof validateParsed>;
  try {
    if (statSync(path).isDirectory()) {
      // A UCI config directory (/etc/config): libuci skips names with a dot (backups, editor swap files).
      const files = readdirSync(path)
        .filter((name) => !name.includes(".") && statSync(join(path, name)).isFile())
        .map((name) => ({ path: join(path, name), text: readFileSync(join(path, name), "utf8") }));
      result = validateParsed(parseUciFiles(files), options);
    } else {
      result = validateParsed(parseUci({ path, text: readFileSync(path, "utf8") }), options);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const finding: Finding = { severity: "error", file: path, line: 0, section: "", message: `cannot read the configuration: ${message}` };
    return { path, findings: [finding], errors: 1, warnings: 0 };
  }
  const errors = result.findings.filter((f) => f.severity === "error").length;
  return { path, ...(result.config ? { config: result.config } : {}), findings: result.findings, errors, warnings: result.findings.length - errors };
}

export function formatFindings(loaded: LoadedConfig): string[] {
  return loaded.findings.map(formatFinding);
}
