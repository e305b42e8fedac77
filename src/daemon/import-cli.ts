// `vrrpd import [--from keepalived|openwrt-keepalived] [--config-id ID] FILE`: prints the /etc/config/vrrp that
// does what FILE did under keepalived on stdout, and every finding on stderr as `file:line: keyword: message`
// (errors say `error:`), then the output's own validation findings and a summary. The conversion is pure
// (src/config/import); this file only reads files and formats. Exit codes: 0 imported (warnings at most),
// 1 errors (the output does not do what keepalived did, or does not validate), 2 usage or unreadable file.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { formatFinding, type Finding } from "../config/finding.ts";
import { detectFormat, importConfig, isImportFormat, type ImportFormat } from "../config/import/index.ts";
import type { KeepalivedFile, KeepalivedIncludeReader } from "../config/keepalived/types.ts";
import { parseUci } from "../config/uci/parser.ts";
import { validateParsed } from "../config/validate.ts";

export interface ImportIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Reads a whole file; throws when it cannot. */
  readonly readFile: (path: string) => string;
  /** Lists a directory, for `include` patterns with wildcards; without it such includes match nothing. */
  readonly readDir?: (path: string) => readonly string[];
}

/** The real files and the process's streams, for the `vrrpd` dispatcher. */
export function processImportIo(): ImportIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readFile: (path) => readFileSync(path, "utf8"),
    readDir: (path) => readdirSync(path),
  };
}

export const IMPORT_USAGE = `usage: vrrpd import [--from keepalived|openwrt-keepalived] [--config-id ID] FILE
  Translates a keepalived.conf (or OpenWrt's /etc/config/keepalived) to /etc/config/vrrp on stdout.
  --from         the input format; by default UCI syntax means openwrt-keepalived, anything else keepalived
  --config-id    keepalived's -i: the id that \`@id\` lines are matched against (default: none)
  Findings go to stderr; exit 0 when imported with warnings at most, 1 on errors, 2 on usage errors.
`;

interface Args {
  readonly file: string;
  readonly from?: ImportFormat;
  readonly configId?: string;
}

function parseArgs(argv: readonly string[]): Args | string {
  let from: ImportFormat | undefined;
  let configId: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === "--from") {
      const format = value() ?? "";
      if (!isImportFormat(format)) return `--from wants keepalived or openwrt-keepalived, got '${format}'`;
      from = format;
    } else if (flag === "--config-id") {
      configId = value();
      if (configId === undefined) return "--config-id needs an id";
    } else if (flag.startsWith("-") && flag !== "-") {
      return `unknown option ${flag}`;
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 1) return files.length === 0 ? "FILE is missing" : `one FILE only, got ${files.length}`;
  return { file: files[0] ?? "", ...(from === undefined ? {} : { from }), ...(configId === undefined ? {} : { configId }) };
}

const WILDCARD = /[*?[]/;

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, "\\$&").replaceAll("*", "[^/]*").replaceAll("?", "[^/]");
  return new RegExp(`^${body}$`);
}

/** keepalived resolves a relative include against the including file's directory and sorts wildcard matches. */
function includeReader(io: ImportIo): KeepalivedIncludeReader {
  return (pattern, fromFile) => {
    const path = resolve(dirname(fromFile), pattern);
    const read = (p: string): KeepalivedFile[] => {
      try {
        return [{ path: p, text: io.readFile(p) }];
      } catch {
        return [];
      }
    };
    if (!WILDCARD.test(path)) return read(path);
    const dir = dirname(path);
    if (WILDCARD.test(dir) || io.readDir === undefined) return [];
    let names: readonly string[];
    try {
      names = io.readDir(dir);
    } catch {
      return [];
    }
    const match = globToRegExp(path.slice(dir.length + 1));
    return [...names].filter((n) => match.test(n)).sort().flatMap((n) => read(join(dir, n)));
  };
}

const line = (f: Finding): string => {
  const text = formatFinding(f.severity === "error" ? { ...f, message: `error: ${f.message}` } : f);
  return `${text}\n`;
};

export function runImport(argv: readonly string[], io: ImportIo): number {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr.write(`vrrpd import: ${args}\n${IMPORT_USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = io.readFile(args.file);
  } catch (e) {
    io.stderr.write(`vrrpd import: cannot read ${args.file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const format = args.from ?? detectFormat(text);
  const options = { readInclude: includeReader(io), ...(args.configId === undefined ? {} : { configId: args.configId }) };
  const result = importConfig(format, { path: args.file, text }, options);
  io.stdout.write(result.uci);
  const validation = validateParsed(parseUci({ path: result.package.file, text: result.uci }));
  const findings = [...result.findings, ...validation.findings];
  for (const f of findings) io.stderr.write(line(f));
  const errors = findings.filter((f) => f.severity === "error").length;
  const count = (type: string): number => result.package.sections.filter((s) => s.type === type).length;
  io.stderr.write(
    `${args.file} (${format}): ${count("instance")} instance(s), ${count("track_script")} track script(s), ${count("sync_group")} sync group(s) imported; ` +
      `${errors} error(s), ${findings.length - errors} warning(s)\n`,
  );
  return errors === 0 ? 0 : 1;
}
