// po/templates/vrrp.pot: every _('...') of the app's JS, plus the menu titles and the ACL description, as LuCI's
// build/i18n-scan.pl collects them (msgids sorted, each with the places it occurs).

export interface Source {
  /** Path as the pot names it, e.g. htdocs/luci-static/resources/view/vrrp/status.js. */
  readonly path: string;
  readonly text: string;
}

/** The JS string literal starting at `at` (a quote), unescaped, and where it ends. */
function readLiteral(text: string, at: number): { value: string; end: number } | undefined {
  const quote = text[at];
  let value = "";
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return { value, end: i + 1 };
    if (c === "\n") return undefined;
    if (c === "\\") {
      const n = text[++i];
      value += n === "n" ? "\n" : n === "t" ? "\t" : (n ?? "");
    } else value += c;
  }
  return undefined;
}

function lineOf(text: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** msgids of one JS file: the first argument of _(), when it is a plain string literal. */
export function jsMessages(source: Source): { msgid: string; ref: string }[] {
  const out: { msgid: string; ref: string }[] = [];
  for (const m of source.text.matchAll(/(?<![\w$.])_\(\s*(['"])/g)) {
    const at = (m.index ?? 0) + m[0].length - 1;
    const lit = readLiteral(source.text, at);
    if (lit !== undefined && lit.value !== "") out.push({ msgid: lit.value, ref: `${source.path}:${lineOf(source.text, at)}` });
  }
  return out;
}

/** Menu titles and ACL descriptions (LuCI translates both). */
export function jsonMessages(source: Source): { msgid: string; ref: string }[] {
  const out: { msgid: string; ref: string }[] = [];
  for (const m of source.text.matchAll(/"(title|description)"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
    out.push({ msgid: JSON.parse(`"${m[2] ?? ""}"`) as string, ref: `${source.path}:${lineOf(source.text, m.index ?? 0)}` });
  }
  return out;
}

const poString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;

export function renderPot(js: readonly Source[], json: readonly Source[]): string {
  const refs = new Map<string, string[]>();
  for (const { msgid, ref } of [...js.flatMap(jsMessages), ...json.flatMap(jsonMessages)]) {
    refs.set(msgid, [...(refs.get(msgid) ?? []), ref]);
  }
  const entries = [...refs.keys()].sort().map((msgid) => `${(refs.get(msgid) ?? []).map((r) => `#: ${r}`).join("\n")}\nmsgid ${poString(msgid)}\nmsgstr ""\n`);
  return `msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8"\n\n${entries.join("\n")}`;
}
