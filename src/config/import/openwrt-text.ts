// The keepalived.conf text OpenWrt's init script would write to /tmp/keepalived.conf, line by line, each line
// remembering the UCI line it came from. The text is then read by the real keepalived.conf parser, so quoting,
// comments (`#` or `!` inside a value) and braces behave exactly as they did for keepalived, and the tree is
// mapped back so that every finding points into /etc/config/keepalived.
import type { KeepalivedNode } from "../keepalived/types.ts";
import type { UciLocation } from "../uci/types.ts";

export class GeneratedConf {
  private readonly lines: string[] = [];
  private readonly origins: UciLocation[] = [];

  constructor(private readonly file: string) {}

  line(text: string, at: UciLocation): void {
    // A value with a newline would start a new keepalived line; the shell's printf writes it as it is, too.
    for (const piece of text.split("\n")) {
      this.lines.push(piece);
      this.origins.push(at);
    }
  }

  /** print_elems_indent: `KEY VALUE`, the value in double quotes when it has more than one word. */
  element(keyword: string, value: string, at: UciLocation): void {
    const words = value.split(/[ \t\n]+/).filter((w) => w !== "").length;
    this.line(words > 1 ? `\t${keyword} "${value}"` : `\t${keyword} ${value}`, at);
  }

  get text(): string {
    return `${this.lines.join("\n")}\n`;
  }

  /** Parsed nodes carry generated line numbers; give them the UCI line (and file) instead. */
  remap(nodes: readonly KeepalivedNode[]): KeepalivedNode[] {
    return nodes.map((n) => {
      const at = this.origins[n.line - 1] ?? { file: this.file, line: 0 };
      const base = { keyword: n.keyword, args: n.args, file: at.file, line: at.line, raw: n.raw };
      return n.children === undefined ? base : { ...base, children: this.remap(n.children) };
    });
  }

  /** The same mapping for a parser diagnostic. */
  origin(line: number): UciLocation {
    return this.origins[line - 1] ?? { file: this.file, line: 0 };
  }
}
