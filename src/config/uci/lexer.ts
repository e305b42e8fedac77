// libuci (file.c) does not tokenize: it reads a line into one buffer and parses it in place. Quotes and backslashes
// are removed by copying characters backwards, words are ended by writing NUL bytes, and an open quote or a
// trailing backslash pulls the next line into the same buffer. A few visible quirks come from that editing (see
// `readWord` and `commandWord`), so this module keeps the same buffer model rather than a token stream: that is
// the simplest way to agree with libuci on every input, including the odd ones.
import type { UciErrorCode } from "./types.ts";

const NUL = 0;
const TAB = 9;
const NEWLINE = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const SQUOTE = 39;
const SEMICOLON = 59;
const BACKSLASH = 92;

/** C's isspace() in the "C" locale, which libuci runs in. */
const isSpace = (c: number): boolean => c === SPACE || (c >= TAB && c <= CR);
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Aborts the current line, like libuci's longjmp out of uci_parse_line. Internal: the parser catches it. */
export class UciSyntaxError extends Error {
  constructor(
    readonly code: UciErrorCode,
    message: string,
    /** Offset in the file text the error points at. */
    readonly offset: number,
  ) {
    // Thrown for every bad line and always caught by the parser, which keeps code, message and offset only: the
    // stack is never read, and capturing it was about 4% of the keepalived import fuzzing's time.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** One logical line of a file, held as libuci holds it (char codes; reading past the end gives NUL). */
export class UciLineBuffer {
  private readonly chars: number[] = [];
  /** For every buffer slot, the offset in `text` it was read from: parsing overwrites chars, never origins. */
  private readonly origins: number[] = [];
  private next = 0;
  private lineStarts: number[] | undefined;
  pos = 0;
  /** NUL bytes met while reading; libuci silently drops the rest of such a line. */
  readonly nulOffsets: number[] = [];

  constructor(readonly text: string) {}

  get hasMoreText(): boolean {
    return this.next < this.text.length;
  }

  /** How many chars libuci read into the buffer (its `buf_filled`); NULs written later do not change it. */
  get length(): number {
    return this.chars.length;
  }

  /** Starts the next logical line (uci_getln at offset 0). */
  startLine(): void {
    this.pos = 0;
    this.fetch(0);
  }

  /**
   * uci_getln: replaces the buffer from `at` on with the next line of the file. After a NUL byte libuci's
   * strlen-based loop keeps appending the following line, and a line that starts with NUL reads as nothing.
   */
  fetch(at: number): void {
    this.chars.length = at;
    this.origins.length = at;
    const text = this.text;
    while (this.next < text.length) {
      const first = this.next;
      let i = first;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === NUL) break;
        this.chars.push(c);
        this.origins.push(i);
        if (c === NEWLINE) {
          this.next = i + 1;
          return;
        }
      }
      if (i >= text.length) {
        this.next = i;
        return;
      }
      this.nulOffsets.push(i);
      const newline = text.indexOf("\n", i);
      this.next = newline < 0 ? text.length : newline + 1;
      if (i === first) return;
    }
  }

  at(index: number): number {
    return this.chars[index] ?? NUL;
  }

  cur(): number {
    return this.at(this.pos);
  }

  /** Writes a char in place; writes past the filled part are NULs onto NULs and change nothing. */
  set(index: number, c: number): void {
    if (index < this.chars.length) this.chars[index] = c;
  }

  /** The C string starting at `index` (up to the next NUL). */
  cString(index: number): string {
    let end = index;
    while (this.at(end) !== NUL) end++;
    return this.slice(index, end);
  }

  slice(from: number, to: number): string {
    let out = "";
    for (let i = from; i < to; i += 4096) out += String.fromCharCode(...this.chars.slice(i, Math.min(to, i + 4096)));
    return out;
  }

  /** The file offset of a buffer slot; past the end, the last char read (so errors stay on their line). */
  offsetAt(index: number): number {
    const last = this.origins.length - 1;
    return this.origins[Math.min(index, last)] ?? this.next;
  }

  lineColumn(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

export function skipWhitespace(b: UciLineBuffer): void {
  while (b.cur() !== NUL && isSpace(b.cur())) b.pos++;
}

/**
 * A backslash outside single quotes: at the end of a line (before "\n", "\r\n" or the end of the buffer) it joins
 * the next line with no separator; before any other char it makes that char literal. Returns whether a literal
 * char follows (at `pos`).
 */
function backslash(b: UciLineBuffer): boolean {
  b.pos++;
  const c = b.cur();
  const atEol = c === NUL || c === NEWLINE || (c === CR && b.at(b.pos + 1) === NEWLINE && b.at(b.pos + 2) === NUL);
  if (!atEol) return true;
  b.fetch(b.pos);
  return false;
}

function copyChar(b: UciLineBuffer, target: number): number {
  b.set(target, b.cur());
  b.pos++;
  return target + 1;
}

/** A quoted part: newlines inside quotes are kept, and an open quote reads on into the next lines. */
function quoted(b: UciLineBuffer, target: number, quote: number): number {
  const opened = b.offsetAt(b.pos);
  b.pos++;
  for (;;) {
    const c = b.cur();
    if (c === quote) {
      b.pos++;
      return target;
    }
    if (c === NUL) {
      b.fetch(b.pos);
      if (b.cur() === NUL) {
        const q = String.fromCharCode(quote);
        throw new UciSyntaxError("unterminated-quote", `unterminated ${q} quote: the file ends before the closing ${q}`, opened);
      }
      continue;
    }
    // Backslashes escape only inside double quotes; in single quotes they are plain text.
    if (c === BACKSLASH && quote === DQUOTE && !backslash(b)) continue;
    target = copyChar(b, target);
  }
}

/**
 * libuci's parse_str: one word, made of unquoted, 'single' and "double" quoted parts written back to back, copied
 * to `start` and NUL-terminated. An unquoted `#` ends the word and the rest of the line (even mid-word: `a#b`
 * is `a`); `;` ends the word and the command. Quirk kept on purpose: the terminating NUL is written where the
 * copy ends, so when nothing was removed from the word (`b;`) it lands on the `;` itself and the commands after
 * it on that line are dropped, while `'b';` or `b ;` keep them.
 */
function readWord(b: UciLineBuffer, start: number): void {
  let target = start;
  let endsCommand = false;
  scan: do {
    const c = b.cur();
    switch (c) {
      case SQUOTE:
      case DQUOTE:
        target = quoted(b, target, c);
        break;
      case HASH:
        b.set(b.pos, NUL);
        break scan;
      case NUL:
        break scan;
      case SEMICOLON:
        endsCommand = true;
        break scan;
      case BACKSLASH:
        if (!backslash(b)) continue scan;
        target = copyChar(b, target);
        break;
      default:
        target = copyChar(b, target);
    }
  } while (b.cur() !== NUL && !isSpace(b.cur()));
  if (b.cur() !== NUL && !endsCommand) b.pos++;
  b.set(target, NUL);
}

export type NameRule = "none" | "name" | "package";

export interface UciArg {
  readonly value: string;
  readonly offset: number;
}

/** libuci's next_arg: skips blanks, reads one word (a lone `;` is an empty word), checks it. */
export function nextArg(b: UciLineBuffer, what: string, required: boolean, rule: NameRule): UciArg {
  skipWhitespace(b);
  const start = b.pos;
  const offset = b.offsetAt(start);
  if (b.cur() === SEMICOLON) {
    b.set(b.pos, NUL);
    b.pos++;
  } else {
    readWord(b, start);
  }
  const value = b.cString(start);
  if (value === "") {
    if (required) throw new UciSyntaxError("missing-argument", `missing ${what}`, offset);
  } else if (rule !== "none" && !isValidName(value, rule === "package")) {
    const allowed = rule === "package" ? "A-Z, a-z, 0-9, _ and -" : "A-Z, a-z, 0-9 and _";
    throw new UciSyntaxError("invalid-name", `invalid ${what} '${value}': libuci allows only ${allowed}`, offset);
  }
  return { value, offset };
}

/** libuci's assert_eol in strict mode (its default): anything but the end of the command is an error. */
export function assertEol(b: UciLineBuffer): void {
  const extra = nextArg(b, "", false, "none");
  if (extra.value !== "") {
    throw new UciSyntaxError("too-many-arguments", `too many arguments: unexpected '${extra.value}'`, extra.offset);
  }
}

export interface UciCommandWord {
  readonly word: string;
  readonly offset: number;
  /** Buffer index just past the word. */
  readonly end: number;
}

/**
 * The command word, found like libuci's strtok(" \t"): only space and tab delimit it, so `config\n` on its own is
 * the word "config\n" (an invalid command, not a missing argument), and a `;` stuck to it is part of it.
 */
export function commandWord(b: UciLineBuffer): UciCommandWord | undefined {
  let i = b.pos;
  while (b.at(i) === SPACE || b.at(i) === TAB) i++;
  if (b.at(i) === NUL) return undefined;
  const start = i;
  while (b.at(i) !== NUL && b.at(i) !== SPACE && b.at(i) !== TAB) i++;
  const word = b.slice(start, i);
  b.set(i, NUL);
  return { word, offset: b.offsetAt(start), end: i };
}

/** Moves past the command word and its delimiter; false when the word ended the buffer (no arguments at all). */
export function enterArguments(b: UciLineBuffer, cmd: UciCommandWord): boolean {
  if (cmd.end + 1 > b.length) return false;
  b.pos = cmd.end + 1;
  return true;
}

/** Section and option names: [A-Za-z0-9_]+ (shell-safe); package names may also contain '-'. */
export function isValidName(s: string, allowDash = false): boolean {
  if (s === "") return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== 95 && !(allowDash && c === 45)) return false;
  }
  return true;
}

/** Section types (and package file names): libuci accepts any printable ASCII except space, not just names. */
export function isValidType(s: string): boolean {
  if (s === "") return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}
