// keepalived.conf text to a syntax tree, following keepalived's read_line() (lib/parser.c, 2.2-2.4): physical
// lines are decommented, `@id` conditionals and `$NAME` definitions are applied, `include` splices other files in
// place (textually, as keepalived does: a block may open in one file and close in another), and braces are split
// off so that `a { b }` reads as four lines. The tree is then built from those lines without any keyword
// knowledge. Every loop is bounded (include depth, total size, lines, expansions, nesting), and problems are
// collected, never thrown.
import {
  applyConditional,
  continueDefinition,
  decomment,
  expandDefinitions,
  includeDirective,
  parseDefinition,
  physicalLine,
  splitAtBrace,
  splitWords,
  standardDefinitions,
} from "./tokenizer.ts";
import type { Definition, ExpandEnv } from "./tokenizer.ts";
import type {
  KeepalivedError,
  KeepalivedErrorCode,
  KeepalivedFile,
  KeepalivedNode,
  KeepalivedParseOptions,
  KeepalivedParseResult,
  KeepalivedWarning,
  KeepalivedWarningCode,
} from "./types.ts";

interface Where {
  readonly file: string;
  readonly line: number;
}

/** One `include` (or the main file): the files its pattern matched, read one after the other. */
interface FileFrame {
  readonly files: readonly KeepalivedFile[];
  readonly site: Where | undefined;
  fileIndex: number;
  /** Read position in the current file, its line number, and where that line ends (after its "\n"). */
  pos: number;
  line: number;
  lineEnd: number;
}

/** The unread lines of a multi-line definition being expanded. */
interface PendingLines extends Where {
  readonly text: string;
  pos: number;
}

const defaults = { maxIncludeDepth: 8, maxBytes: 4 * 1024 * 1024, maxLines: 200_000, maxDepth: 64 };
/** Replacements of `$NAME` over the whole parse; far above any real configuration. */
const expansionBudget = 100_000;
/** Nested multi-line expansions (a definition whose lines use multi-line definitions, and so on). */
const maxPending = 64;
/** keepalived reads lines with fgets() into a 1024-byte buffer: longer lines arrive in 1023-char pieces. */
const fgetsChunk = 1023;

type MutableNode = { -readonly [K in keyof KeepalivedNode]: K extends "children" ? MutableNode[] : KeepalivedNode[K] };

/** An open `{`: where its lines go. A `{` with no keyword before it (or beyond maxDepth) keeps its parent's list. */
interface OpenBlock extends Where {
  readonly children: MutableNode[];
  readonly owner: MutableNode | undefined;
}

/** Builds nodes from logical lines: a `{` opens a block for the keyword line just before it, `}` closes it. */
class TreeBuilder {
  readonly nodes: MutableNode[] = [];
  private readonly open: OpenBlock[] = [];
  private last: MutableNode | undefined;
  /** Open blocks that nest (orphan `{`s do not). */
  private depth = 0;
  private tooDeep = false;

  constructor(
    private readonly maxDepth: number,
    private readonly error: (code: KeepalivedErrorCode, message: string, at: Where) => void,
    private readonly quoteError: (at: Where) => void,
  ) {}

  add(text: string, file: string, line: number): void {
    const at = { file, line };
    const owner = this.last;
    this.last = undefined;
    if (text === "{") {
      if (owner === undefined) {
        this.error("unbalanced-braces", "'{' without a keyword line before it", at);
      } else if (this.depth >= this.maxDepth && !this.tooDeep) {
        this.tooDeep = true;
        this.error("too-deep", `blocks nested deeper than ${this.maxDepth}; deeper blocks are flattened`, at);
      }
      if (owner === undefined || this.depth >= this.maxDepth) {
        this.open.push({ ...at, children: this.current(), owner: undefined });
      } else {
        const children: MutableNode[] = [];
        owner.children = children;
        this.open.push({ ...at, children, owner });
        this.depth++;
      }
    } else if (text === "}") {
      const closed = this.open.pop();
      if (closed === undefined) this.error("unbalanced-braces", "'}' without an open block", at);
      else if (closed.owner !== undefined) this.depth--;
    } else {
      const { words, unmatchedQuote } = splitWords(text);
      if (unmatchedQuote) this.quoteError(at);
      const [keyword, ...args] = words;
      if (keyword === undefined) return;
      this.last = { keyword, args, file, line, raw: text };
      this.current().push(this.last);
    }
  }

  /** Reports every block still open at the end of the input, innermost first. */
  finish(): void {
    for (let b = this.open.pop(); b !== undefined; b = this.open.pop()) {
      const what = b.owner === undefined ? "'{'" : `block '${b.owner.keyword}' (line ${b.owner.line})`;
      this.error("unbalanced-braces", `${what} is never closed: missing '}'`, b);
    }
  }

  private current(): MutableNode[] {
    return this.open[this.open.length - 1]?.children ?? this.nodes;
  }
}

class KeepalivedParser {
  readonly errors: KeepalivedError[] = [];
  readonly warnings: KeepalivedWarning[] = [];
  readonly files: string[] = [];
  readonly tree: TreeBuilder;
  private readonly limits: typeof defaults;
  private readonly defs = standardDefinitions();
  private readonly frames: FileFrame[] = [];
  private readonly pending: PendingLines[] = [];
  private residue: (Where & { readonly text: string }) | undefined;
  private collecting: Definition | undefined;
  private readonly reported = new Set<string>();
  private readonly env: ExpandEnv;
  private bytes = 0;
  private lines = 0;
  private stopped = false;

  constructor(private readonly options: KeepalivedParseOptions) {
    this.limits = {
      maxIncludeDepth: options.maxIncludeDepth ?? defaults.maxIncludeDepth,
      maxBytes: options.maxBytes ?? defaults.maxBytes,
      maxLines: options.maxLines ?? defaults.maxLines,
      maxDepth: options.maxDepth ?? defaults.maxDepth,
    };
    this.env = { file: "", configId: options.configId, budget: expansionBudget };
    this.tree = new TreeBuilder(this.limits.maxDepth, (code, message, at) => this.error(code, message, at), (at) => this.quoteError(at));
  }

  parse(main: KeepalivedFile): void {
    this.pushFrame([main], undefined);
    for (let line = this.nextLine(); line !== undefined; line = this.nextLine()) this.tree.add(line.text, line.file, line.line);
    this.tree.finish();
  }

  /** read_line(): the next logical line, or undefined at the end of the input. */
  private nextLine(): (Where & { text: string }) | undefined {
    while (!this.stopped) {
      const source = this.residue ?? this.takePending() ?? this.readPhysical();
      this.residue = undefined;
      if (source === undefined) return undefined;
      if (++this.lines > this.limits.maxLines) {
        this.stop(`more than ${this.limits.maxLines} lines (includes and expansions counted)`, source);
        return undefined;
      }
      if (this.collecting !== undefined) {
        if (!continueDefinition(this.collecting, source.text)) this.collecting = undefined;
        continue;
      }
      const text = this.preprocess(source.text, source);
      if (text === "") continue;
      const include = includeDirective(text);
      if (include !== undefined) {
        this.include(include.variant, include.pattern, source);
        continue;
      }
      const { head, rest } = splitAtBrace(text);
      if (rest !== undefined) this.residue = { text: rest, file: source.file, line: source.line };
      return { text: head, file: source.file, line: source.line };
    }
    return undefined;
  }

  /** `@id` conditionals, `$NAME=` definitions, `~SEQ`/`~LST` and `$NAME` expansion, in keepalived's order. */
  private preprocess(line: string, at: Where): string {
    let text = line;
    for (let round = 0; ; round++) {
      if (text.startsWith("@")) {
        const kept = this.conditional(text, at);
        if (kept === undefined) return "";
        text = kept;
      }
      const definition = text.startsWith("$") ? parseDefinition(text) : undefined;
      if (definition !== undefined) {
        this.defs.set(definition.name, definition.definition);
        if (definition.definition.multiline) this.collecting = definition.definition;
        return "";
      }
      if (text.startsWith("~SEQ") || text.startsWith("~LST")) {
        this.error("unsupported", `${text.slice(0, 4)} loops are not supported`, at);
        return "";
      }
      if (text.startsWith("~") || !text.includes("$")) return text;
      this.env.file = at.file;
      const expansion = expandDefinitions(text, this.defs, this.env);
      for (const p of expansion.problems) this.error(p.code, p.message, at);
      if (!expansion.changed || expansion.stopped) return expansion.text;
      for (const more of expansion.more) this.pushPending({ text: more, pos: 0, file: at.file, line: at.line });
      // Expanded text is decommented again (keepalived 2.2+), and may itself start with `@` or hold `$`.
      const again = decomment(expansion.text);
      if (again.unterminatedQuote) this.quoteError(at);
      text = again.text;
      if (!(text.startsWith("@") || text.includes("$"))) return text;
      if (round >= 64) {
        this.error("expansion-limit", "definitions keep producing new definitions or conditionals", at);
        return text;
      }
    }
  }

  private conditional(text: string, at: Where): string | undefined {
    const { kept, condition } = applyConditional(text, this.options.configId);
    if (this.options.configId === undefined && condition !== undefined) {
      this.warn("config-id-missing", `'${condition}' evaluated without a config id (keepalived would use the host name)`, at);
    }
    return kept;
  }

  private include(variant: string, pattern: string, at: Where): void {
    const name = `include${variant}`;
    if (pattern === "") return this.error("invalid-include", `'${name}' needs a file pattern`, at);
    if (this.frames.length > this.limits.maxIncludeDepth) {
      return this.error("include-depth", `'${name} ${pattern}': includes nested deeper than ${this.limits.maxIncludeDepth}`, at);
    }
    const reader = this.options.readInclude;
    if (reader === undefined) return this.error("include-failed", `'${name} ${pattern}': no include reader was given`, at);
    let files: readonly KeepalivedFile[];
    try {
      files = reader(pattern, at.file);
    } catch (e) {
      return this.error("include-failed", `'${name} ${pattern}': ${e instanceof Error ? e.message : String(e)}`, at);
    }
    if (files.length > 0) return this.pushFrame(files, at);
    // Like keepalived, an empty wildcard match is fine unless the checked variants ask for a match.
    if (/[*?[{]/.test(pattern) && variant !== "w" && variant !== "a") {
      return this.warn("include-no-match", `'${name} ${pattern}' matches no file`, at);
    }
    this.error("include-not-found", `'${name} ${pattern}': no such file`, at);
  }

  private pushFrame(files: readonly KeepalivedFile[], site: Where | undefined): void {
    const frame: FileFrame = { files, site, fileIndex: -1, pos: 0, line: 0, lineEnd: 0 };
    this.frames.push(frame);
    if (!this.openNextFile(frame)) this.frames.pop();
  }

  /** Moves a frame to its next loadable file; false when none is left. */
  private openNextFile(frame: FileFrame): boolean {
    while (++frame.fileIndex < frame.files.length && !this.stopped) {
      const file = frame.files[frame.fileIndex];
      if (file === undefined) continue;
      const site = frame.site ?? { file: file.path, line: 0 };
      const open = this.frames.some((f) => f !== frame && f.files[f.fileIndex]?.path === file.path);
      if (open) {
        this.error("include-loop", `'${file.path}' includes itself (through ${this.frames.map((f) => f.files[f.fileIndex]?.path).filter((p) => p !== undefined).join(" -> ")})`, site);
        continue;
      }
      this.bytes += file.text.length;
      if (this.bytes > this.limits.maxBytes) {
        this.stop(`more than ${this.limits.maxBytes} characters of configuration (reading '${file.path}')`, site);
        return false;
      }
      this.files.push(file.path);
      frame.pos = 0;
      frame.line = 0;
      frame.lineEnd = 0;
      return true;
    }
    return false;
  }

  /**
   * The next non-blank, decommented line of the current file (continuing with the including file at its end).
   * Like keepalived's fgets(), a line longer than 1023 characters is read as several lines; that also bounds the
   * work done on any one line.
   */
  private readPhysical(): (Where & { text: string }) | undefined {
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (frame === undefined || this.stopped) return undefined;
      const file = frame.files[frame.fileIndex];
      if (file === undefined || frame.pos >= file.text.length) {
        if (!this.openNextFile(frame)) this.frames.pop();
        continue;
      }
      const text = file.text;
      if (frame.pos >= frame.lineEnd) {
        const newline = text.indexOf("\n", frame.pos);
        frame.lineEnd = newline < 0 ? text.length : newline + 1;
        frame.line++;
        if (frame.lineEnd - frame.pos > fgetsChunk) this.warn("line-too-long", `line longer than ${fgetsChunk} characters: keepalived reads it in pieces, as here`, { file: file.path, line: frame.line });
      }
      const at = { file: file.path, line: frame.line };
      const chunk = text.slice(frame.pos, Math.min(frame.lineEnd, frame.pos + fgetsChunk));
      frame.pos += chunk.length;
      const line = physicalLine(chunk);
      if (line === "") {
        // Only a truly empty line ends a multi-line definition (a comment-only line does not).
        if (this.collecting !== undefined && this.collecting.value === "") this.collecting.multiline = false;
        this.collecting = undefined;
        continue;
      }
      const { text: decommented, unterminatedQuote } = decomment(line);
      if (unterminatedQuote) this.quoteError(at);
      if (decommented !== "") return { file: at.file, line: at.line, text: decommented };
    }
  }

  private takePending(): (Where & { text: string }) | undefined {
    const top = this.pending[this.pending.length - 1];
    if (top === undefined) return undefined;
    const newline = top.text.indexOf("\n", top.pos);
    const text = newline < 0 ? top.text.slice(top.pos) : top.text.slice(top.pos, newline);
    if (newline < 0) this.pending.pop();
    else top.pos = newline + 1;
    return { text, file: top.file, line: top.line };
  }

  private pushPending(lines: PendingLines): void {
    if (this.pending.length >= maxPending) return this.error("expansion-limit", "multi-line definitions nested too deeply", lines);
    this.pending.push(lines);
  }

  private stop(message: string, at: Where): void {
    this.error("too-large", message, at);
    this.stopped = true;
  }

  private quoteError(at: Where): void {
    this.error("unterminated-quote", 'unterminated " quote', at);
  }

  /** Pieces of one line (split at braces) are processed one by one; a problem is reported once per line. */
  private error(code: KeepalivedErrorCode, message: string, at: Where): void {
    const key = `${at.line} ${at.file} ${code} ${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.errors.push({ code, message, file: at.file, line: at.line });
  }

  private warn(code: KeepalivedWarningCode, message: string, at: Where): void {
    this.warnings.push({ code, message, file: at.file, line: at.line });
  }
}

/**
 * Parses a keepalived.conf and whatever it includes. File access is the caller's (`options.readInclude`), so
 * this stays pure; without a reader, includes are reported as errors. Never throws.
 */
export function parseKeepalived(main: KeepalivedFile, options: KeepalivedParseOptions = {}): KeepalivedParseResult {
  const parser = new KeepalivedParser(options);
  parser.parse(main);
  return { nodes: parser.tree.nodes, errors: parser.errors, warnings: parser.warnings, files: parser.files };
}
