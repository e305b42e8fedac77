// POSIX fnmatch() as rpcd uses it for its ACLs (rpcd session.c): `*` any run of characters (slashes included:
// rpcd never passes FNM_PATHNAME), `?` one character, `[...]` a set with ranges and `!`/`^` negation.
// rpcd matches ubus objects and functions with FNM_NOESCAPE (a backslash is an ordinary character) and the
// login's read/write group lists with flags 0 (a backslash quotes the next character).

export interface FnmatchOptions {
  /** FNM_NOESCAPE. */
  readonly noescape?: boolean;
}

const special = /[.*+?^${}()|[\]\\/]/g;
const literal = (c: string): string => c.replace(special, "\\$&");

/** The bracket expression starting at `pattern[at]` ("["), as a RegExp class, and where it ends; undefined if unclosed. */
function bracket(pattern: string, at: number, noescape: boolean): { cls: string; end: number } | undefined {
  let i = at + 1;
  let negate = false;
  if (pattern[i] === "!" || pattern[i] === "^") {
    negate = true;
    i++;
  }
  let cls = "";
  // A "]" right after "[" or "[!" is a member, not the end.
  for (let first = true; i < pattern.length; first = false) {
    let c = pattern[i] ?? "";
    if (c === "]" && !first) return { cls: `[${negate ? "^" : ""}${cls}]`, end: i + 1 };
    if (c === "\\" && !noescape && i + 1 < pattern.length) c = pattern[++i] ?? "";
    if (pattern[i + 1] === "-" && pattern[i + 2] !== undefined && pattern[i + 2] !== "]") {
      cls += `${literal(c)}-${literal(pattern[i + 2] ?? "")}`;
      i += 3;
    } else {
      cls += literal(c);
      i++;
    }
  }
  return undefined;
}

function toRegExp(pattern: string, noescape: boolean): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] ?? "";
    if (c === "*") {
      re += "[\\s\\S]*";
      i++;
    } else if (c === "?") {
      re += "[\\s\\S]";
      i++;
    } else if (c === "[") {
      const b = bracket(pattern, i, noescape);
      // An unclosed "[" matches itself, as glibc does.
      re += b?.cls ?? "\\[";
      i = b?.end ?? i + 1;
    } else if (c === "\\" && !noescape && i + 1 < pattern.length) {
      re += literal(pattern[i + 1] ?? "");
      i += 2;
    } else {
      re += literal(c);
      i++;
    }
  }
  return new RegExp(`^${re}$`);
}

/** True when `text` matches `pattern` (fnmatch() returning 0). */
export function fnmatch(pattern: string, text: string, options: FnmatchOptions = {}): boolean {
  return toRegExp(pattern, options.noescape === true).test(text);
}
