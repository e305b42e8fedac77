// The schema as the Instances page's template needs it: one block per section type, one field per option, with
// the LuCI widget, tab, default and the daemon's validator. Nothing about an option is decided here that the
// schema does not say, except layout: a grid row shows the fields of the first two tabs, the rest are in the
// edit dialog (plus every option the schema marks modalOnly).
import { SCHEMA, SECTION_TYPES, type OptionSpec, type SectionSpec, type SectionType } from "../../src/config/schema.ts";
import { jsString, markdownToHtml, optionTitle } from "./text.ts";

export interface OptionModel {
  readonly tab: string;
  /** `form.Value`, `widgets.NetworkSelect`... */
  readonly widget: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Further statements on `o`, each a line of JS. */
  readonly props: readonly string[];
}

export interface SectionModel {
  readonly type: SectionType;
  readonly named: boolean;
  readonly title: string;
  readonly description: string;
  readonly tabs: readonly { readonly name: string; readonly title: string }[];
  readonly options: readonly OptionModel[];
}

const SECTION_TITLES: Readonly<Record<SectionType, string>> = {
  globals: "Global settings",
  instance: "Instances",
  track_script: "Track scripts",
  sync_group: "Sync groups",
};

const WIDGETS: Readonly<Record<OptionSpec["luci"]["widget"], string>> = {
  Flag: "form.Flag",
  Value: "form.Value",
  ListValue: "form.ListValue",
  DynamicList: "form.DynamicList",
  MultiValue: "form.MultiValue",
  NetworkSelect: "widgets.NetworkSelect",
  DeviceSelect: "widgets.DeviceSelect",
  TextValue: "form.TextValue",
};

function defaultText(spec: OptionSpec): string | undefined {
  if (spec.type.kind === "bool" && spec.default !== undefined) return spec.default === "1" ? "on" : "off";
  if (spec.default !== undefined) return `\`${spec.default}\``;
  if (spec.inherit !== undefined) return `\`${spec.inherit}\` of the global settings`;
  return spec.defaultNote;
}

function description(spec: OptionSpec): string {
  const d = defaultText(spec);
  return markdownToHtml(d === undefined ? spec.description : `${spec.description} Default: ${d}.`);
}

/** Choices of a ListValue: the enum's values, or a small integer range. */
function choices(spec: OptionSpec): string[] {
  if (spec.type.kind === "enum") return [...spec.type.values];
  if (spec.type.kind === "integer" && spec.type.max - spec.type.min <= 16) {
    const { min, max } = spec.type;
    return Array.from({ length: max - min + 1 }, (_, i) => String(min + i));
  }
  throw new Error(`schema: ${spec.name} is a ListValue but has no finite set of values`);
}

function props(type: SectionType, spec: OptionSpec, inGrid: boolean): string[] {
  const p: string[] = [];
  const { widget } = spec.luci;
  if (widget === "Flag") {
    p.push(`o.default = ${jsString(spec.default ?? "0")};`, "o.rmempty = false;");
  } else if (widget === "ListValue") {
    if (spec.default === undefined) p.push(`o.value('', _('Automatic'));`);
    for (const v of choices(spec)) p.push(`o.value(${jsString(v)});`);
    if (spec.default !== undefined) p.push(`o.default = ${jsString(spec.default)};`);
  } else {
    const placeholder = spec.luci.placeholder ?? spec.default;
    if (placeholder !== undefined) p.push(`o.placeholder = ${jsString(placeholder)};`);
    else if (spec.inherit !== undefined) p.push(`o.placeholder = inherited(${jsString(spec.inherit)});`);
  }
  if (widget === "NetworkSelect") p.push("o.nocreate = true;");
  if (widget === "DeviceSelect") p.push("o.noaliases = true;");
  if (spec.type.kind === "section") p.push(`sectionNames(${jsString(spec.type.sectionType)}).forEach(function(n) { o.value(n); });`);
  if (spec.type.kind === "track" && spec.type.target === "track_script") p.push("sectionNames('track_script').forEach(function(n) { o.value(n); });");
  if (spec.required === true) p.push("o.rmempty = false;");
  if (!inGrid) p.push("o.modalonly = true;");
  p.push(`o.validate = validator(${jsString(type)}, ${jsString(spec.name)});`);
  return p;
}

function section(type: SectionType, spec: SectionSpec): SectionModel {
  const gridTabs = new Set(spec.tabs.slice(0, 2).map((t) => t.name));
  return {
    type,
    named: spec.single === true,
    title: SECTION_TITLES[type],
    description: markdownToHtml(spec.description),
    tabs: spec.tabs,
    options: spec.options.map((o) => ({
      tab: o.luci.tab,
      widget: WIDGETS[o.luci.widget],
      name: o.name,
      title: optionTitle(o.name),
      description: description(o),
      props: props(type, o, spec.single === true || (gridTabs.has(o.luci.tab) && o.luci.modalOnly !== true)),
    })),
  };
}

/** Sections in the order of the page: globals first, then as the schema lists them. */
export function sectionModels(): SectionModel[] {
  return SECTION_TYPES.map((type) => section(type, SCHEMA[type]));
}
