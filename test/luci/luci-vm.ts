// Runs the LuCI app's real JS files under node:vm, the way openwrt/luci's own view test does
// (luci-app-package-manager/tests): LuCI's API surface is stubbed, and each file is loaded as LuCI's L.require
// loads it (luci.js compileClass): its leading 'require X [as Y]' strings become the arguments of a function
// wrapping the source, `vrrp.*` dependencies are loaded the same way and instantiated, LuCI's own modules are
// the stubs below. The stubs record what the views declare (rpc calls, polls, form fields, modals, uci writes).
// rpc is not a stub but rpc.js's behaviour (harness/luci-rpc.js): calls go out as the JSON-RPC requests rpc.js
// sends to uhttpd and come back as rpc.js hands replies to a view; `ubus` decides who answers them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";

export const RESOURCES = "luci-app/htdocs/luci-static/resources";

/** luci.js's scan of the leading strings: 'use strict' is skipped, 'require X [as Y]' collected, anything else stops it. */
export function requiresOf(source: string): { name: string; as: string }[] {
  const requireMatch = /^require[ \t]+(\S+)(?:[ \t]+as[ \t]+([a-zA-Z_]\S*))?$/;
  const deps: { name: string; as: string }[] = [];
  for (let i = 0, off = -1, quote = -1, esc = false; i < source.length; i++) {
    const chr = source.charCodeAt(i);
    if (esc) esc = false;
    else if (chr === 92) esc = true;
    else if (chr === quote) {
      const s = source.substring(off, i);
      const m = requireMatch.exec(s);
      if (m) deps.push({ name: m[1] ?? "", as: m[2] ?? (m[1] ?? "").replace(/[^a-zA-Z0-9_]/g, "_") });
      else if (!/^use[ \t]+strict$/.test(s)) break;
      off = -1;
      quote = -1;
    } else if (quote === -1 && (chr === 34 || chr === 39)) {
      off = i + 1;
      quote = chr;
    }
  }
  return deps;
}

// ---- a DOM-less E(): nodes are plain objects, enough to find elements and read their text ----

export class VNode {
  readonly listeners: Record<string, (() => unknown)[]> = {};
  constructor(
    public tag: string,
    public attrs: Record<string, unknown>,
    public children: unknown[],
  ) {}
  addEventListener(type: string, fn: () => unknown): void {
    (this.listeners[type] ??= []).push(fn);
  }
}

const flat = (children: unknown): unknown[] =>
  children === undefined || children === null ? [] : Array.isArray(children) ? children.flatMap(flat) : [children];

/** LuCI's E(): E(tag, attrs, children), E(tag, children), and E([nodes], children) for a fragment. */
export function E(tag: unknown, attrs?: unknown, children?: unknown): VNode {
  const hasAttrs = attrs !== null && typeof attrs === "object" && !Array.isArray(attrs) && !isNode(attrs);
  const data = hasAttrs ? children : attrs;
  if (Array.isArray(tag)) return new VNode("#fragment", {}, [...flat(tag), ...flat(data)]);
  return new VNode(String(tag), hasAttrs ? (attrs as Record<string, unknown>) : {}, flat(data));
}

const isNode = (x: unknown): x is VNode => x instanceof VNode;

export function text(node: unknown): string {
  if (node === null || node === undefined) return "";
  if (typeof node !== "object") return String(node);
  if (Array.isArray(node)) return node.map(text).join("");
  return isNode(node) ? node.children.map(text).join(" ") : "";
}

export function findAll(node: unknown, pred: (n: VNode) => boolean): VNode[] {
  if (!isNode(node)) return Array.isArray(node) ? node.flatMap((c) => findAll(c, pred)) : [];
  return [...(pred(node) ? [node] : []), ...node.children.flatMap((c) => findAll(c, pred))];
}

// ---- uci: an in-memory uci.js ----

export type Section = Record<string, unknown> & { ".name": string; ".type": string; ".anonymous": boolean; ".index": number };

export class FakeUci {
  readonly data: Record<string, Record<string, Section>> = {};
  readonly loaded: string[] = [];
  saves = 0;
  /**
   * Changes saved to the router but not applied (rpcd's uci staging), as uci.js's changes() hands them over:
   * { config: [[operation, section, option?, value?], ...] }.
   */
  staged: Record<string, unknown[][]> = {};

  constructor(configs: Record<string, Section[]>) {
    for (const [conf, sections] of Object.entries(configs)) this.data[conf] = Object.fromEntries(sections.map((s) => [s[".name"], { ...s }]));
  }

  load(confs: string | string[]): Promise<string[]> {
    this.loaded.push(...[confs].flat());
    return Promise.resolve([confs].flat());
  }

  changes(): Promise<Record<string, unknown[][]>> {
    return Promise.resolve(JSON.parse(JSON.stringify(this.staged)) as Record<string, unknown[][]>);
  }

  sections(conf: string, type?: string): Section[] {
    return Object.values(this.data[conf] ?? {}).filter((s) => type === undefined || s[".type"] === type).sort((a, b) => a[".index"] - b[".index"]);
  }

  get(conf: string, sid: string, opt?: string): unknown {
    const s = this.data[conf]?.[sid];
    return opt === undefined ? s : s?.[opt];
  }

  set(conf: string, sid: string, opt: string, value: unknown): void {
    const s = this.data[conf]?.[sid];
    if (s === undefined) throw new Error(`uci.set: no section ${conf}.${sid}`);
    s[opt] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }

  unset(conf: string, sid: string, opt: string): void {
    const all = this.data[conf];
    const s = all?.[sid];
    if (all !== undefined && s !== undefined) all[sid] = Object.fromEntries(Object.entries(s).filter(([k]) => k !== opt)) as Section;
  }

  remove(conf: string, sid: string): void {
    const all = this.data[conf];
    if (all !== undefined) this.data[conf] = Object.fromEntries(Object.entries(all).filter(([name]) => name !== sid));
  }

  add(conf: string, type: string, name?: string): string {
    const all = (this.data[conf] ??= {});
    const sid = name ?? `cfg${Object.keys(all).length}`;
    all[sid] = { ".name": sid, ".type": type, ".anonymous": name === undefined, ".index": Object.keys(all).length };
    return sid;
  }

  save(): Promise<void> {
    this.saves++;
    return Promise.resolve();
  }
}

// ---- form: records the fields a view declares; JSONMap keeps values like LuCI's form does ----

export class FormOption {
  readonly values: [string, string][] = [];
  [prop: string]: unknown;
  value(key: string, label?: string): void {
    this.values.push([key, label ?? key]);
  }
  constructor(
    readonly section: FormSection,
    readonly widget: string,
    readonly name: string,
    readonly title: string,
    readonly description: string,
    readonly tab?: string,
  ) {}
  /** What was loaded: uci's value for a uci Map, the data for a JSONMap (form.js AbstractValue.cfgvalue). */
  cfgvalue(sid: string): unknown {
    const map = this.section.map;
    const v = typeof map.config === "string" ? map.uci?.get(map.config, sid, this.name) : map.initial[sid]?.[this.name];
    return v === undefined ? null : Array.isArray(v) ? v : String(v);
  }
  /** The value typed (JSONMap data, or setValue), else what uci holds for a uci Map. */
  formvalue(sid: string): unknown {
    const map = this.section.map;
    const v = map.values[sid]?.[this.name] ?? (typeof map.config === "string" ? map.uci?.get(map.config, sid, this.name) : undefined);
    return v === undefined ? null : Array.isArray(v) ? v : String(v);
  }
  getUIElement(sid: string): { setValue: (v: string) => void; getValue: () => unknown } {
    return {
      setValue: (v) => {
        (this.section.map.values[sid] ??= {})[this.name] = v;
      },
      getValue: () => this.formvalue(sid),
    };
  }
  triggerValidation(): boolean {
    return true;
  }
  /** form.js AbstractValue.depends(field, value): recorded, as [field, value] pairs. */
  readonly dependencies: [string, string][] = [];
  depends(field: string, value: string): void {
    this.dependencies.push([field, value]);
  }
  /** What LuCI would show at the field: true, or the validator's message (a list is checked item by item). */
  check(sid: string): unknown {
    const validate = this["validate"];
    if (typeof validate !== "function") return true;
    const v = this.formvalue(sid);
    for (const item of Array.isArray(v) ? v : [v]) {
      const r: unknown = validate.call(this, sid, item);
      if (r !== true) return r;
    }
    return true;
  }
}

export class FormSection {
  readonly options: FormOption[] = [];
  readonly tabs: [string, string][] = [];
  [prop: string]: unknown;
  constructor(
    readonly map: FormMap,
    readonly kind: string,
    readonly args: unknown[],
  ) {}
  tab(name: string, title: string): void {
    this.tabs.push([name, title]);
  }
  option(cls: { widgetName: string }, name: string, title = "", description = ""): FormOption {
    const o = new FormOption(this, cls.widgetName, name, title, description);
    this.options.push(o);
    return o;
  }
  taboption(tab: string, cls: { widgetName: string }, name: string, title = "", description = ""): FormOption {
    const o = new FormOption(this, cls.widgetName, name, title, description, tab);
    this.options.push(o);
    return o;
  }
}

export class FormMap {
  readonly sections: FormSection[] = [];
  /** Field values by section id (a JSONMap's data; for a uci Map, what the test typed). */
  values: Record<string, Record<string, unknown>> = {};
  /** A JSONMap's data as the view passed it. */
  readonly initial: Record<string, Record<string, unknown>> = {};
  saved = 0;
  constructor(
    readonly config: unknown,
    readonly title: string,
    readonly description: string,
    readonly uci?: FakeUci,
  ) {
    if (config !== null && typeof config === "object") {
      this.values = JSON.parse(JSON.stringify(config)) as Record<string, Record<string, unknown>>;
      this.initial = JSON.parse(JSON.stringify(config)) as Record<string, Record<string, unknown>>;
    }
  }

  /** The section ids a section stands for: its name, or every uci section of its type. */
  sectionIds(s: FormSection): string[] {
    if (s.kind === "GridSection" || s.kind === "TypedSection") return typeof this.config === "string" ? (this.uci?.sections(this.config, String(s.args[0])) ?? []).map((x) => x[".name"]) : [];
    return [String(s.args[0])];
  }
  section(cls: { widgetName: string }, ...args: unknown[]): FormSection {
    const s = new FormSection(this, cls.widgetName, args);
    this.sections.push(s);
    return s;
  }
  lookupOption(name: string, sid: string): [FormOption, string] | null {
    for (const s of this.sections) {
      const o = s.options.find((x) => x.name === name);
      if (o !== undefined && (s.args[0] === sid || s.kind === "GridSection")) return [o, sid];
    }
    return null;
  }
  render(): Promise<VNode> {
    return Promise.resolve(E("div", { class: "cbi-map" }, [E("h2", {}, this.title)]));
  }
  /** Like form.Map#save: every field's validator first (a refusal rejects), then the callback. */
  save(cb?: () => void): Promise<void> {
    for (const s of this.sections) {
      for (const sid of this.sectionIds(s)) {
        for (const o of s.options) {
          const r = o.check(sid);
          if (r !== true) return Promise.reject(new Error(`${sid}.${o.name}: ${String(r)}`));
        }
      }
    }
    try {
      cb?.();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.saved++;
    return Promise.resolve();
  }
}

const widget = (widgetName: string): { widgetName: string } => ({ widgetName });

export function formStub(uci: FakeUci): Record<string, unknown> {
  const Map = function (this: unknown, config: unknown, title: string, description: string) {
    return new FormMap(config, title, description, uci);
  };
  const JSONMap = function (this: unknown, data: unknown, title: string, description: string) {
    return new FormMap(data, title, description);
  };
  return {
    Map,
    JSONMap,
    NamedSection: widget("NamedSection"),
    TypedSection: widget("TypedSection"),
    GridSection: widget("GridSection"),
    ...Object.fromEntries(["Value", "ListValue", "Flag", "DynamicList", "MultiValue", "TextValue", "DummyValue", "Button"].map((n) => [n, widget(n)])),
  };
}

// ---- the rest of LuCI's surface ----

export interface Recorder {
  rpc: { object: string; method: string; params?: string[]; expect?: unknown }[];
  calls: { object: string; method: string; args: Record<string, unknown> }[];
  polls: { fn: () => unknown; interval: number }[];
  modals: { title: string; content: unknown }[];
  notifications: { text: string; cls: string | undefined }[];
  applied: unknown[];
}

export interface LuciEnv {
  readonly context: vm.Context;
  readonly stubs: Record<string, unknown>;
  readonly record: Recorder;
  readonly uci: FakeUci;
  /**
   * What a ubus object answers to a call, when `ubus` is left as it is: a number is a bare status (a failure
   * without explanation, as LuCI's own ubus proxy passes failures on), anything else the data of a successful
   * call. Default: 4, no such object. The views still get it the way rpc.js hands it to them.
   */
  rpcHandler: (object: string, method: string, args: Record<string, unknown>) => unknown;
  /**
   * The JSON-RPC endpoint rpc.js posts to: request body in, response body out. Default: a uhttpd that answers
   * every call with {"result": [status]} or {"result": [0, data]} from rpcHandler. Tests that go all the way to
   * the daemon put the uhttpd stand-in here (uhttpd-ubus.ts).
   */
  ubus: (body: string) => Promise<string>;
  /** rpc.js's session id (LuCI's L.env.sessionid): the default, unauthenticated one unless a test logs in. */
  sessionId: string;
  /** A read-only login (LuCI's nodespec.readonly): L.hasViewPermission() is then false. */
  readonly: boolean;
  load(path: string): unknown;
}

/** LuCI's rpc.js, shared with the browser harness (harness/luci-rpc.js). */
const LUCI_RPC_JS = readFileSync("test/luci/harness/luci-rpc.js", "utf8");
interface LuciRpc {
  declare(spec: object): (...values: unknown[]) => Promise<unknown>;
  setSessionID(sid: string): void;
}
type CreateLuciRpc = (post: (msg: { method: string; params?: unknown[] }) => Promise<unknown>, sessionId: string) => LuciRpc;

/** uhttpd's legacy reply to a call the object answered with `answer` (see LuciEnv.rpcHandler). */
function cannedReply(id: unknown, answer: unknown): string {
  const result = typeof answer === "number" ? [answer] : answer === undefined ? [0] : [0, answer];
  return JSON.stringify({ jsonrpc: "2.0", id: id ?? null, result });
}

export function createLuciEnv(uci: FakeUci = new FakeUci({})): LuciEnv {
  const record: Recorder = { rpc: [], calls: [], polls: [], modals: [], notifications: [], applied: [] };
  const env: LuciEnv = {
    context: vm.createContext({}),
    stubs: {},
    record,
    uci,
    rpcHandler: () => 4,
    ubus: (body) => {
      const msg = JSON.parse(body) as { id?: unknown; params: [string, string, string, Record<string, unknown>] };
      const [, object, method, args] = msg.params;
      return Promise.resolve(env.rpcHandler(object, method, args)).then((answer) => cannedReply(msg.id, answer));
    },
    sessionId: "00000000000000000000000000000000",
    readonly: false,
    load: (path: string) => load(env, path, new Map()),
  };
  const L = {
    bind: (fn: (...a: unknown[]) => unknown, self: unknown, ...args: unknown[]) => fn.bind(self, ...args),
    hasViewPermission: () => !env.readonly,
    resource: (...p: string[]) => `/luci-static/resources/${p.join("/")}`,
    env: {},
  };
  // What a browser has besides LuCI: the bundled daemon code uses TextEncoder.
  Object.assign(env.context, { _: (s: string) => s, N_: (n: number, a: string, b: string) => (n === 1 ? a : b), E, L, console, TextEncoder, TextDecoder, window: {}, document: {} });
  env.stubs["baseclass"] = {
    extend(props: object) {
      const C = function (this: object) {} as unknown as { prototype: object };
      C.prototype = props;
      return C;
    },
  };
  env.stubs["view"] = { extend: (props: object) => props };
  env.stubs["form"] = formStub(uci);
  env.stubs["uci"] = uci;
  // rpc.js itself (harness/luci-rpc.js), posting to env.ubus; each call is recorded as it goes on the wire.
  vm.runInContext(LUCI_RPC_JS, env.context, { filename: "test/luci/harness/luci-rpc.js" });
  const createLuciRpc = (env.context as { window: { createLuciRpc: CreateLuciRpc } }).window.createLuciRpc;
  const post = async (msg: { method: string; params?: unknown[] }): Promise<unknown> => {
    const body = JSON.stringify(msg);
    if (msg.method === "call") {
      const [, object, method, args] = JSON.parse(body).params as [string, string, string, Record<string, unknown>];
      record.calls.push({ object, method, args });
    }
    const text = await env.ubus(body);
    return { ok: true, status: 200, statusText: "OK", json: () => JSON.parse(text) as unknown };
  };
  const rpc = createLuciRpc(post, env.sessionId);
  env.stubs["rpc"] = {
    declare(spec: { object: string; method: string; params?: string[]; expect?: unknown }) {
      record.rpc.push(spec);
      const call = rpc.declare(spec);
      return (...values: unknown[]) => {
        // As rpc.setSessionID() after a login: a test may log in after the view declared its calls.
        rpc.setSessionID(env.sessionId);
        return call(...values);
      };
    },
  };
  env.stubs["poll"] = { add: (fn: () => unknown, interval: number) => record.polls.push({ fn, interval }) };
  env.stubs["dom"] = {
    content(node: VNode, children: unknown) {
      node.children = flat(children);
      return node;
    },
    append(node: VNode, children: unknown) {
      node.children.push(...flat(children));
      return node;
    },
  };
  env.stubs["ui"] = {
    showModal: (title: string, content: unknown) => record.modals.push({ title, content }),
    hideModal: () => undefined,
    addNotification: (_title: unknown, node: unknown, cls?: string) => record.notifications.push({ text: text(node), cls }),
    createHandlerFn: (ctx: Record<string, (...a: unknown[]) => unknown>, fn: string | ((...a: unknown[]) => unknown), ...args: unknown[]) => () =>
      (typeof fn === "string" ? ctx[fn] : fn)?.apply(ctx, args),
    changes: { apply: (checked: unknown) => record.applied.push(checked) },
  };
  env.stubs["tools.widgets"] = { NetworkSelect: widget("NetworkSelect"), DeviceSelect: widget("DeviceSelect") };
  return env;
}

function load(env: LuciEnv, path: string, cache: Map<string, unknown>): unknown {
  const file = join(RESOURCES, `${path}.js`);
  const source = readFileSync(file, "utf8");
  const deps = requiresOf(source);
  const args = deps.map((d) => {
    if (d.name.startsWith("vrrp.")) {
      const name = d.name.replace(/\./g, "/");
      if (!cache.has(name)) {
        const Cls = load(env, name, cache) as new () => unknown;
        cache.set(name, new Cls());
      }
      return cache.get(name);
    }
    if (!(d.name in env.stubs)) throw new Error(`${file}: no stub for 'require ${d.name}'`);
    return env.stubs[d.name];
  });
  const wrapper = `(function(window, document, L${deps.map((d) => `, ${d.as}`).join("")}) { ${source}\n})`;
  const fn = vm.runInContext(wrapper, env.context, { filename: file }) as (...a: unknown[]) => unknown;
  const ctx = env.context as { window: unknown; document: unknown; L: unknown };
  return fn.apply(fn, [ctx.window, ctx.document, ctx.L, ...args]);
}

/** A plain copy, so values from the vm's realm compare with deepStrictEqual. */
export const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
