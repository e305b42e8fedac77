// docs/configuration.md from the schema (src/config/schema.ts): pure, so the freshness test can compare the
// committed file with what the schema gives now. scripts/gen-config-docs.ts writes it.
import { SCHEMA, SECTION_TYPES, type OptionSpec, type OptionType } from "../src/config/schema.ts";
import { formatSeconds } from "../src/config/values/scalar.ts";

const cell = (text: string): string => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function typeText(t: OptionType): string {
  switch (t.kind) {
    case "bool":
      return "boolean";
    case "integer":
      return `integer ${t.min}..${t.max}`;
    case "duration": {
      const base = `seconds ${formatSeconds(t.minMs)}..${formatSeconds(t.maxMs)}`;
      if (t.byVersion !== undefined) {
        const v = (n: 2 | 3): string => `v${n}: ${formatSeconds(t.byVersion?.[n].minMs ?? 0)}..${formatSeconds(t.byVersion?.[n].maxMs ?? 0)} in steps of ${formatSeconds(t.byVersion?.[n].stepMs ?? 0)}`;
        return `seconds; ${v(2)}; ${v(3)}`;
      }
      return t.stepMs === 1 ? `${base} (ms resolution)` : `${base} in steps of ${formatSeconds(t.stepMs)}`;
    }
    case "enum":
      return t.values.map((v) => `\`${v}\``).join(" or ");
    case "ip":
      return `${t.family === undefined ? "IP" : `IPv${t.family}`} ${t.multicast === true ? "multicast address" : "address"}`;
    case "prefix":
      return `\`ADDR[/LEN]\` ${t.words.map((w) => `[\`${w} X\`]`).join(" ")}`;
    case "route":
      return "`[TYPE] DEST [via GW] [dev DEV] [src ADDR] [metric N] [table N]`";
    case "track":
      return `\`NAME [weight N [reverse]]\`, NAME ${t.target === "interface" ? "a network or device" : "a track_script section"}`;
    case "string":
      return `text${t.patternHint === undefined ? "" : ` (${t.patternHint})`}${t.maxBytes === undefined ? "" : `, at most ${t.maxBytes} bytes`}`;
    case "section":
      return `name of ${/^[aeiou]/.test(t.sectionType) ? "an" : "a"} \`${t.sectionType}\` section`;
  }
}

function defaultText(o: OptionSpec): string {
  if (o.default !== undefined) return `\`${o.default}\``;
  if (o.inherit !== undefined) return `\`globals.${o.inherit}\``;
  if (o.defaultNote !== undefined) return o.defaultNote;
  return o.required === true ? "required" : "unset";
}

function optionRow(o: OptionSpec): string {
  const name = `\`${o.list === true ? "list" : "option"} ${o.name}\``;
  const keepalived = o.keepalived === undefined ? "—" : `\`${o.keepalived}\``;
  return `| ${[name, typeText(o.type), defaultText(o), o.description, keepalived].map(cell).join(" | ")} |`;
}

const PREAMBLE = `# \`/etc/config/vrrp\` reference

<!-- Generated from src/config/schema.ts by \`node --import tsx scripts/gen-config-docs.ts\`. Do not edit by hand:
     test/config/docs-fresh.test.ts fails when this file and the schema disagree. -->

vrrpd reads one UCI file, \`/etc/config/vrrp\`. Option names are keepalived's wherever the meaning is the same, so
a \`keepalived.conf\` translates line by line. A commented example ships as \`files/etc/config/vrrp\` (disabled).

Conventions:

- **Sections refer to each other by section name** (\`config instance 'lan'\` is instance \`lan\` in sync groups,
  ubus and events). An anonymous section is named \`TYPE_N\` (its position among sections of that type) with a
  warning.
- **Booleans** are OpenWrt's: \`1\`, \`yes\`, \`on\`, \`true\`, \`enabled\` and \`0\`, \`no\`, \`off\`, \`false\`, \`disabled\`.
  \`option nopreempt '0'\` means preempt (keepalived's OpenWrt package emitted \`nopreempt\` for any value).
- **Durations** are decimal seconds, as in keepalived (\`advert_int '0.05'\` is 50 ms).
- **Lists** are written as \`list\` lines; an \`option\` line counts as a one-item list.
- **Empty values** (\`option device ''\`) mean unset.

Validation reports every problem at once, as \`file:line: section.option: message\`. Errors keep the daemon from
using the configuration (on reload it keeps the running one); warnings (unknown options and sections, likely
mistakes, keepalived behaviours that surprise) never do.
`;

export function renderConfigDocs(): string {
  const parts = [PREAMBLE];
  for (const type of SECTION_TYPES) {
    const s = SCHEMA[type];
    parts.push(`## \`config ${s.type}\`\n`);
    parts.push(`${s.description}${s.keepalived === undefined ? "" : ` keepalived: \`${s.keepalived}\`.`}\n`);
    parts.push("| option | type | default | description | keepalived |");
    parts.push("|---|---|---|---|---|");
    for (const o of s.options) parts.push(optionRow(o));
    parts.push("");
  }
  return `${parts.join("\n").trimEnd()}\n`;
}
