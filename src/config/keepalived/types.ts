// The keepalived.conf syntax tree: keyword lines and `{ }` blocks, with includes, `@` conditionals and `$`
// definitions already applied. It knows no keywords; mapping the tree to vrrpd's model is a separate step.

/** One keyword line: `priority 100` is {keyword: "priority", args: ["100"]}; a block adds `children`. */
export interface KeepalivedNode {
  readonly keyword: string;
  readonly args: readonly string[];
  /** Present when a `{ }` block follows the line (possibly on the next line); `[]` for an empty block. */
  readonly children?: readonly KeepalivedNode[];
  readonly file: string;
  readonly line: number;
  /**
   * The line as keepalived hands it to keyword handlers (comments removed, definitions expanded, braces split
   * off). Some handlers re-read it with other quoting rules (scripts accept single quotes and escapes).
   */
  readonly raw: string;
}

export type KeepalivedErrorCode =
  /** A `"` without its closing `"` on the same line. */
  | "unterminated-quote"
  /** A `}` without a block to close, a `{` without a keyword before it, or a block still open at the end. */
  | "unbalanced-braces"
  /** Blocks nested deeper than the parser allows (`maxDepth`). */
  | "too-deep"
  /** An include nested deeper than `maxIncludeDepth`. */
  | "include-depth"
  /** A file that includes itself, directly or through other files. */
  | "include-loop"
  /** An include naming a file that does not exist (a pattern with wildcards that matches nothing is a warning). */
  | "include-not-found"
  /** The injected file reader failed, or no reader was given. */
  | "include-failed"
  /** `include` without a file pattern. */
  | "invalid-include"
  /** Syntax keepalived has but this parser does not implement (`~SEQ`, `~LST`, `${_RANDOM}`, ...). */
  | "unsupported"
  /** `$` definitions that expand too often or beyond keepalived's 1024-byte line length. */
  | "expansion-limit"
  /** The input (all files, expansions included) is larger than the parser's limits. */
  | "too-large";

export type KeepalivedWarningCode =
  /** A line longer than keepalived's 1023-byte read buffer: it is read in pieces (by keepalived and here). */
  | "line-too-long"
  /** An include pattern with wildcards that matched no file (keepalived ignores it too). */
  | "include-no-match"
  /** An `@id` line was evaluated without `configId`; keepalived defaults the id to the host name. */
  | "config-id-missing";

export interface KeepalivedDiagnostic<Code extends string> {
  readonly code: Code;
  readonly message: string;
  readonly file: string;
  readonly line: number;
}

export type KeepalivedError = KeepalivedDiagnostic<KeepalivedErrorCode>;
export type KeepalivedWarning = KeepalivedDiagnostic<KeepalivedWarningCode>;

export interface KeepalivedFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Finds the files an `include PATTERN` names, relative to the including file when the pattern is relative
 * (keepalived changes into the including file's directory). Returns the matches in order; [] for none.
 */
export type KeepalivedIncludeReader = (pattern: string, fromFile: string) => readonly KeepalivedFile[];

export interface KeepalivedParseOptions {
  /** Without a reader every include is an error. */
  readonly readInclude?: KeepalivedIncludeReader;
  /** The id `@id` lines are matched against (keepalived's -i option; it defaults to the host name). */
  readonly configId?: string;
  /** Includes nested deeper than this are refused (default 8). */
  readonly maxIncludeDepth?: number;
  /** Total characters of all files read (default 4 MiB). */
  readonly maxBytes?: number;
  /** Total lines processed, expanded lines included (default 200,000). */
  readonly maxLines?: number;
  /** Block nesting (default 64). */
  readonly maxDepth?: number;
}

export interface KeepalivedParseResult {
  /** Top-level nodes, includes spliced in where they appear. Best effort when there are errors. */
  readonly nodes: readonly KeepalivedNode[];
  readonly errors: readonly KeepalivedError[];
  readonly warnings: readonly KeepalivedWarning[];
  /** Every file read, in order, the main file first. */
  readonly files: readonly string[];
}
