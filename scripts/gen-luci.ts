// Generates the LuCI app's views from the daemon's own descriptions, so the web UI cannot drift from them:
//   src/config/schema.ts        -> view/vrrp/instances.js (every option: widget, tab, default, validator; plus the
//                                  hand-written widgets of luci-app/generator/widgets.ts, e.g. the test-mail button)
//   src/config (the validator)  -> vrrp/config-check.js (bundled: the daemon's checks and messages, in the browser)
//   src/daemon/api-contract.ts  -> view/vrrp/status.js, view/status/include/70_vrrp.js (ubus object, methods, args)
//   all of the app's JS         -> po/templates/vrrp.pot
// through the Mustache templates in luci-app/templates/. The outputs are committed;
// test/luci/generated-fresh.test.ts fails when they are stale.
//   node --import tsx scripts/gen-luci.ts [--check]
import { build } from "esbuild";
import Mustache from "mustache";
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { sectionModels } from "../luci-app/generator/options.ts";
import { renderPot, type Source } from "../luci-app/generator/pot.ts";
import { jsString } from "../luci-app/generator/text.ts";
import { widgetCalls, widgetRequires } from "../luci-app/generator/widgets.ts";
import { SCHEMA } from "../src/config/schema.ts";
import { DEFAULT_HOLD_OFF_S, MAX_HOLD_OFF_S, METHODS, type MethodName } from "../src/daemon/api-contract.ts";
import { VERSION } from "../src/daemon/version.ts";

const ROOT = resolve(import.meta.dirname, "..");
const APP = "luci-app";
const RESOURCES = `${APP}/htdocs/luci-static/resources`;

/** The ubus object the daemon registers (docs/ubus-api.md). */
export const UBUS_OBJECT = "vrrp";
/**
 * The methods the Status page calls. The ACL grants exactly what the views call: these, and test_mail of the
 * Instances page's test-mail button (vrrp/mail-test.js); test/luci/contract.test.ts holds it to that.
 */
export const STATUS_METHODS: readonly MethodName[] = ["status", "switchover", "set_priority", "reload"];
/** Seconds between status polls; LuCI's own default poll interval. */
const POLL_INTERVAL = 5;

export const OUTPUTS = {
  configCheck: `${RESOURCES}/vrrp/config-check.js`,
  instances: `${RESOURCES}/view/vrrp/instances.js`,
  status: `${RESOURCES}/view/vrrp/status.js`,
  wizard: `${RESOURCES}/view/vrrp/wizard.js`,
  overview: `${RESOURCES}/view/status/include/70_vrrp.js`,
  pot: `${APP}/po/templates/vrrp.pot`,
} as const;

const template = (name: string): string => readFileSync(join(ROOT, APP, "templates", `${name}.mustache`), "utf8");
/** Output is JS, not HTML: values are inserted as the view models prepared them. */
const render = (name: string, view: object): string => Mustache.render(template(name), view, {}, { escape: (s: string) => s });

/** The daemon's checks for the browser: an IIFE assigning `vrrpdConfig`, inside LuCI's module function. */
async function checkerBundle(): Promise<string> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, APP, "generator/checker-entry.ts")],
    bundle: true,
    format: "iife",
    globalName: "vrrpdConfig",
    platform: "browser",
    target: "es2017",
    charset: "utf8",
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const js = result.outputFiles[0]?.text;
  if (js === undefined) throw new Error("esbuild produced no output");
  // An IIFE's own "use strict" is redundant inside LuCI's strict module function.
  return js.replace(/^"use strict";\n/, "").trimEnd();
}

function statusModel(): object {
  const methods = STATUS_METHODS.map((method) => {
    const spec = METHODS[method];
    // The page shows every instance in full: it never asks for the brief status (the Overview box does).
    const params = Object.keys(spec.args).filter((arg) => !(method === "status" && arg === "brief"));
    const fn = `call${method.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`;
    return { fn, object: UBUS_OBJECT, method, params: params.length > 0 ? params.map(jsString).join(", ") : false };
  });
  const prio = METHODS.set_priority.args.priority.schema;
  return {
    object: UBUS_OBJECT,
    methods,
    holdOffDefault: DEFAULT_HOLD_OFF_S,
    holdOffMax: MAX_HOLD_OFF_S,
    priorityMin: prio.min,
    priorityMax: prio.max,
    pollInterval: POLL_INTERVAL,
  };
}

function instancesModel(): object {
  // Only the globals other options inherit (GARP and advert defaults), as a JS object literal.
  const inherited = new Set(Object.values(SCHEMA).flatMap((s) => s.options.flatMap((o) => (o.inherit === undefined ? [] : [o.inherit]))));
  const globalDefaults = SCHEMA.globals.options.filter((o) => inherited.has(o.name) && o.default !== undefined).map((o) => `\t${o.name}: ${jsString(o.default ?? "")}`);
  const sections = sectionModels().map((s) => ({
    ...s,
    titleJs: jsString(s.title),
    descriptionJs: jsString(s.description),
    tabs: s.tabs.map((t) => ({ ...t, titleJs: jsString(t.title) })),
    options: s.options.map((o) => ({ ...o, titleJs: jsString(o.title), descriptionJs: jsString(o.description) })),
    widgets: widgetCalls(s.type),
  }));
  return { sections, requires: widgetRequires(), globalDefaults: `{\n${globalDefaults.join(",\n")}\n}` };
}

function wizardModel(): object {
  const vrid = SCHEMA.instance.options.find((o) => o.name === "virtual_router_id")?.type;
  if (vrid?.kind !== "integer") throw new Error("schema: virtual_router_id is not an integer");
  return { vridMin: vrid.min, vridMax: vrid.max };
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).sort().flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every generated file, path (relative to the repository) to content. */
export async function renderLuci(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  out.set(OUTPUTS.configCheck, render("config-check.js", { version: VERSION, bundle: await checkerBundle() }));
  out.set(OUTPUTS.instances, render("instances.js", instancesModel()));
  out.set(OUTPUTS.status, render("status.js", statusModel()));
  out.set(OUTPUTS.wizard, render("wizard.js", wizardModel()));
  out.set(OUTPUTS.overview, render("overview-include.js", { object: UBUS_OBJECT }));

  // The pot covers generated and hand-written JS alike; generated files are read from `out`, not from disk.
  const source = (path: string): Source => ({ path: relative(APP, path), text: out.get(path) ?? readFileSync(join(ROOT, path), "utf8") });
  const js = [...new Set([...filesUnder(`${APP}/htdocs`), ...out.keys()])].filter((p) => p.endsWith(".js")).sort().map(source);
  const json = filesUnder(`${APP}/root`).filter((p) => p.endsWith(".json")).map(source);
  out.set(OUTPUTS.pot, renderPot(js, json));
  return out;
}

async function main(): Promise<void> {
  const files = await renderLuci();
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  for (const [path, text] of files) {
    const full = join(ROOT, path);
    let current: string | undefined;
    try {
      current = readFileSync(full, "utf8");
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    stale.push(path);
    if (!check) {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      console.log(`wrote ${path}`);
    }
  }
  if (check && stale.length > 0) {
    console.error(`stale: ${stale.join(", ")}\nrun: node --import tsx scripts/gen-luci.ts`);
    process.exit(1);
  }
  if (stale.length === 0) console.log("LuCI files are up to date");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
