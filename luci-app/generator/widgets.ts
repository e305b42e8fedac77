// Hand-written widgets the Instances page places among the schema's options: things that are no option of
// /etc/config/vrrp (a button that calls the daemon), each in a browser module of its own under
// htdocs/luci-static/resources/vrrp/. The schema stays a description of the configuration; the generator checks
// that the tab a widget goes to exists and hands the widget the names of that tab's options, so a mail option
// added to the schema is one the test-mail button knows about without an edit here.
import { SCHEMA, type SectionType } from "../../src/config/schema.ts";
import { jsString } from "./text.ts";

interface TabWidget {
  readonly section: SectionType;
  readonly tab: string;
  /** LuCI class name of the module ('require vrrp.x as alias'). */
  readonly module: string;
  readonly alias: string;
  /** Its function that adds the widget: fn(map, section, tab, optionNames). */
  readonly fn: string;
}

const TAB_WIDGETS: readonly TabWidget[] = [
  // ubus call vrrp test_mail, next to the mail settings it tests.
  { section: "globals", tab: "notifications", module: "vrrp.mail-test", alias: "mailTest", fn: "addButton" },
];

/** 'require' lines the page needs for its widgets. */
export function widgetRequires(): { module: string; alias: string }[] {
  return [...new Map(TAB_WIDGETS.map((w) => [w.module, { module: w.module, alias: w.alias }])).values()];
}

/** The JS statements that add section `type`'s widgets, after its options (`m` the map, `s` the section). */
export function widgetCalls(type: SectionType): string[] {
  return TAB_WIDGETS.filter((w) => w.section === type).map((w) => {
    const spec = SCHEMA[type];
    if (!spec.tabs.some((t) => t.name === w.tab)) throw new Error(`widget ${w.module}: section ${type} has no tab '${w.tab}'`);
    const names = spec.options.filter((o) => o.luci.tab === w.tab).map((o) => jsString(o.name));
    return `${w.alias}.${w.fn}(m, s, ${jsString(w.tab)}, [ ${names.join(", ")} ]);`;
  });
}
