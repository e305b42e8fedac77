// keepalived's line-level rules (lib/parser.c, 2.2-2.4): comment removal, splitting a line into words, splitting
// braces off into lines of their own, `include` detection and `$NAME` definitions. Pure functions on strings; the
// parser (parser.ts) decides the order they run in, as keepalived's read_line() does.

/** keepalived's word separators (alloc_strvec). */
const WHITE_SPACE = " \t\f\n\r\v";
const isBlank = (c: string | undefined): boolean => c === " " || c === "\t";

// Loops, not /[ \t]+$/: that regex backtracks quadratically on a long run of blanks inside a line.
function trimBlanksEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isBlank(s[end - 1])) end--;
  return end === s.length ? s : s.slice(0, end);
}

function trimBlanksStart(s: string): string {
  let start = 0;
  while (start < s.length && isBlank(s[start])) start++;
  return start === 0 ? s : s.slice(start);
}

/** keepalived reads lines into a 1024-byte buffer: longer lines are split, expansions beyond it are refused. */
export const MAXBUF = 1024;

/**
 * decomment(): strips leading and trailing blanks and the comment, which starts at the first `#` or `!` outside
 * double quotes (anywhere, even mid-word). `\#` and `\!` outside quotes stand for the character itself; other
 * backslashes stay. A trailing backslash is kept, with the blanks before it removed (it continues a multi-line
 * definition). An odd number of quotes is reported, not repaired.
 */
export function decomment(line: string): { text: string; unterminatedQuote: boolean } {
  const s = trimBlanksStart(line);
  // The kept text is built from slices of s, cut only where a `\#` or `\!` loses its backslash: appending it
  // character by character made every line a chain of one-character strings for the garbage collector.
  let out = "";
  let from = 0;
  let quote = false;
  let comment = -1;
  let continued = false;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      if (comment < 0) quote = !quote;
    } else if (c === "\\") {
      const next = s[i + 1];
      if (next === undefined) {
        continued = true;
        break;
      }
      if (!quote && (next === "#" || next === "!")) {
        out += s.slice(from, i);
        from = i + 1;
      }
      i++;
    } else if (!quote && comment < 0 && (c === "#" || c === "!")) {
      comment = out.length + (i - from);
    }
  }
  out += s.slice(from, i);
  let text = trimBlanksEnd(comment < 0 ? out : out.slice(0, comment));
  if (continued) text += "\\";
  return { text, unterminatedQuote: quote };
}

/**
 * alloc_strvec(): words are separated by white space; a word that starts with `"` runs to the next `"` (no
 * escapes, quotes removed, may be empty); an unquoted word also ends at a `"`. An unmatched quote ends the line.
 */
export function splitWords(text: string): { words: string[]; unmatchedQuote: boolean } {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && WHITE_SPACE.includes(text[i] ?? "")) i++;
    if (i >= text.length) return { words, unmatchedQuote: false };
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return { words, unmatchedQuote: true };
      words.push(text.slice(i + 1, close));
      i = close + 1;
    } else {
      const start = i;
      while (i < text.length && !WHITE_SPACE.includes(text[i] ?? "") && text[i] !== '"') i++;
      words.push(text.slice(start, i));
    }
  }
}

/**
 * The first `{` or `}` outside double quotes starts a new line: `a { b }` reads as `a`, `{`, `b`, `}`. Returns the
 * first piece (trailing blanks removed) and what remains, which keepalived processes as the next line.
 */
export function splitAtBrace(text: string): { head: string; rest: string | undefined } {
  let at = -1;
  if (text[0] === "{" || text[0] === "}") {
    at = 0;
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "{" || c === "}") {
        at = i;
        break;
      }
      if (c === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) break;
        i = close;
      }
    }
  }
  if (at < 0) return { head: trimBlanksEnd(text), rest: undefined };
  let cut = at;
  if (at === 0) {
    cut = 1;
    while (isBlank(text[cut])) cut++;
  }
  if (cut >= text.length) return { head: trimBlanksEnd(text), rest: undefined };
  return { head: trimBlanksEnd(text.slice(0, cut)), rest: trimBlanksEnd(text.slice(cut)) };
}

/**
 * `@id rest` keeps `rest` only when id is the config id, `@^id rest` only when it is not; a line with nothing after
 * the id is dropped. Returns the kept text (or undefined) and the `@id` part, for messages (undefined when the
 * line is dropped whatever the id).
 */
export function applyConditional(text: string, configId: string | undefined): { kept: string | undefined; condition: string | undefined } {
  const negated = text[1] === "^";
  const from = negated ? 2 : 1;
  const blank = text.slice(from).search(/[ \t]/);
  if (blank < 0) return { kept: undefined, condition: undefined };
  const id = text.slice(from, from + blank);
  const kept = (configId !== undefined && id === configId) !== negated ? trimBlanksStart(text.slice(from + blank)) : undefined;
  return { kept, condition: text.slice(0, from + blank) };
}

/** fgets() + strlen(): keepalived never sees text after a NUL byte; trailing CR/LF are dropped. */
export function physicalLine(raw: string): string {
  const nul = raw.indexOf("\0");
  let end = nul < 0 ? raw.length : nul;
  while (end > 0 && (raw[end - 1] === "\r" || raw[end - 1] === "\n")) end--;
  return raw.slice(0, end);
}

/** `include PATTERN` and keepalived's checked variants `includer|m|w|b|a` (the whole rest of the line is the pattern). */
export function includeDirective(text: string): { variant: string; pattern: string } | undefined {
  const m = /^include([rmwba]?)(?=[ \t\n\v\f\r]|$)/.exec(text);
  if (m === null) return undefined;
  return { variant: m[1] ?? "", pattern: trimBlanksStart(text.slice(m[0].length + 1)) };
}

export interface Definition {
  value: string;
  multiline: boolean;
  /** keepalived's standard definitions computed at use: the current directory, the config id, a random number. */
  readonly builtin?: "_PWD" | "_INSTANCE" | "_RANDOM";
}

export type Definitions = Map<string, Definition>;

export function standardDefinitions(): Definitions {
  return new Map<string, Definition>([
    ["_PWD", { value: "", multiline: false, builtin: "_PWD" }],
    ["_INSTANCE", { value: "", multiline: false, builtin: "_INSTANCE" }],
    ["_RANDOM", { value: "", multiline: false, builtin: "_RANDOM" }],
    ["_HASH", { value: "#", multiline: false }],
    ["_BANG", { value: "!", multiline: false }],
  ]);
}

/**
 * check_definition(): `$NAME=VALUE` (no blanks before `=`). A value ending in `\` starts a multi-line definition,
 * continued by the following lines while they end in `\` (see `continueDefinition`).
 */
export function parseDefinition(text: string): { name: string; definition: Definition } | undefined {
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)=/.exec(text);
  if (m === null || m[1] === undefined) return undefined;
  const value = trimBlanksStart(text.slice(m[0].length));
  if (!value.endsWith("\\")) return { name: m[1], definition: { value, multiline: false } };
  const first = trimBlanksEnd(value.slice(0, -1));
  return { name: m[1], definition: { value: first === "" ? "" : `${first}\n`, multiline: true } };
}

/** Adds one line to a multi-line definition; returns whether the definition goes on. Blank lines are not added. */
export function continueDefinition(definition: Definition, line: string): boolean {
  const goesOn = line.endsWith("\\");
  const piece = goesOn ? `${trimBlanksEnd(line.slice(0, -1))}\n` : line;
  if (piece.length >= 2 || (piece.length > 0 && !goesOn)) definition.value += piece;
  if (!goesOn && definition.value === "") definition.multiline = false;
  return goesOn;
}

interface Reference {
  readonly name: string;
  /** Index just past the reference. */
  readonly end: number;
  readonly params: string | undefined;
  /** The reference ends the line, the only place a multi-line definition may be used. */
  readonly endsLine: boolean;
}

/** find_definition(): `$NAME` (followed by a blank, `,`, `)` or the end) or `${NAME}` / `${NAME 1 10}`. */
function referenceAt(text: string, dollar: number): Reference | undefined {
  let i = dollar + 1;
  const braces = text[i] === "{";
  if (braces) i++;
  const start = i;
  if (!/[A-Za-z_]/.test(text[i] ?? "")) return undefined;
  while (/[A-Za-z0-9_]/.test(text[++i] ?? "")) {
    /* the name */
  }
  const name = text.slice(start, i);
  if (!braces) {
    if (i < text.length && !" \t,)".includes(text[i] ?? "")) return undefined;
    return { name, end: i, params: undefined, endsLine: i === text.length };
  }
  let first = -1;
  let last = -1;
  for (; text[i] === " " || /[0-9]/.test(text[i] ?? ""); i++) {
    if (text[i] !== " ") {
      if (first < 0) first = i;
      last = i;
    }
  }
  if ((first >= 0 && last + 1 !== i) || text[i] !== "}") return undefined;
  const params = first < 0 ? undefined : text.slice(first, last + 1);
  return { name, end: i + 1, params, endsLine: params === undefined && i + 1 === text.length };
}

export interface ExpandEnv {
  /** The file being read (for `$_PWD`). */
  file: string;
  readonly configId: string | undefined;
  /** Replacements left for the whole parse; shared so that no input can make expansion run long. */
  budget: number;
}

export interface Expansion {
  readonly text: string;
  readonly changed: boolean;
  /** Remaining lines of multi-line definitions used on this line, to be read next (last one first). */
  readonly more: readonly string[];
  readonly problems: readonly { code: "unsupported" | "expansion-limit"; message: string }[];
  /** A limit was hit: keepalived gives up on the line as it stands. */
  readonly stopped: boolean;
}

function builtinValue(def: Definition, env: ExpandEnv): string | undefined {
  if (def.builtin === "_PWD") return env.file.startsWith("/") ? env.file.slice(0, env.file.lastIndexOf("/")) || "/" : undefined;
  if (def.builtin === "_INSTANCE") return env.configId;
  return def.builtin === undefined ? def.value : undefined;
}

/** Per-line cap on replacements: a definition that refers to itself would otherwise expand forever. */
const maxReplacementsPerLine = 256;

/**
 * replace_param(): replaces every `$NAME` / `${NAME}` that names a definition, rescanning the inserted text (so
 * definitions may use definitions). Unknown names stay as written (`$SRC_IP` in a placeholder line is not an
 * error for keepalived either).
 */
export function expandDefinitions(line: string, defs: Definitions, env: ExpandEnv): Expansion {
  let text = line;
  let changed = false;
  const more: string[] = [];
  const problems: { code: "unsupported" | "expansion-limit"; message: string }[] = [];
  let count = 0;
  let stopped = false;
  for (let pos = text.indexOf("$"); pos >= 0 && pos + 1 < text.length; pos = text.indexOf("$", pos)) {
    const ref = referenceAt(text, pos);
    const def = ref === undefined ? undefined : defs.get(ref.name);
    if (ref === undefined || def === undefined || (def.multiline && !ref.endsLine) || (ref.params !== undefined && def.builtin !== "_RANDOM")) {
      pos++;
      continue;
    }
    if (count++ >= maxReplacementsPerLine || env.budget-- <= 0) {
      problems.push({ code: "expansion-limit", message: `definitions expand too often (is $${ref.name} defined in terms of itself?)` });
      stopped = true;
      break;
    }
    const value = builtinValue(def, env);
    if (value === undefined) {
      const why = def.builtin === "_RANDOM" ? "random values are not supported" : def.builtin === "_INSTANCE" ? "it needs the configId option" : "it needs an absolute file path";
      problems.push({ code: "unsupported", message: `$${ref.name} cannot be expanded: ${why}` });
      pos++;
      continue;
    }
    let replacement = value;
    if (def.multiline) {
      const newline = value.indexOf("\n");
      replacement = newline < 0 ? value : value.slice(0, newline);
      if (newline >= 0) more.push(value.slice(newline + 1));
    }
    const next = text.slice(0, pos) + replacement + text.slice(ref.end);
    if (next.length >= MAXBUF) {
      problems.push({ code: "expansion-limit", message: `expanding $${ref.name} would exceed keepalived's ${MAXBUF}-byte line length` });
      stopped = true;
      break;
    }
    text = next;
    changed = true;
    // keepalived stops at a value starting with `~` so that `$X` can stand for a `~SEQ(...)` line.
    if (trimBlanksStart(value).startsWith("~")) break;
  }
  return { text, changed, more, problems, stopped };
}
