// How a configured script is executed: as argv with no shell, unless the user wrote shell syntax
// (pipes, redirections, variables, globs, &&, ;), in which case /bin/sh -c runs it as written.
export interface Command {
  readonly file: string;
  readonly args: readonly string[];
  readonly shell: boolean;
}

const SHELL_SYNTAX = /[|&;<>()$`*?[\]{}~#\n]/;

export function parseCommand(text: string): Command {
  const trimmed = text.trim();
  if (SHELL_SYNTAX.test(stripQuoted(trimmed))) return { file: "/bin/sh", args: ["-c", trimmed], shell: true };
  const words = splitWords(trimmed);
  return { file: words[0] ?? "", args: words.slice(1), shell: false };
}

/** Split on blanks, honouring single and double quotes and backslash escapes, as a shell would for plain words. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) current += text[++i] ?? "";
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      current += text[++i] ?? "";
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

function stripQuoted(text: string): string {
  return text.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, "");
}
