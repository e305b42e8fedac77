// An in-test uhttpd-mod-ubus: the JSON-RPC endpoint `POST /ubus` through which LuCI's rpc.js reaches ubus,
// written after uhttpd's ubus.c (the legacy, non-RESTful path) and talking to the in-test ubusd as a ubus client,
// as uhttpd does.
//
// What it does, after ubus.c:
// - The body (at most UH_UBUS_MAX_POST_SIZE, 64 KiB) is one request object or an array of them (a batch: the
//   replies come back as an array, in order); anything else is a "Parse error" (uh_ubus_data_done).
// - A request needs "jsonrpc": "2.0" and a string "method" (parse_json_rpc). "call" takes "params":
//   [session id, object, function, {args}], all four present and of those types, else "Parse error"
//   (parse_call_params). Then, in this order: LOOKUP of the object ("Object not found", -32000), the ACL check
//   `session access {ubus_rpc_session, object, function}` on rpcd's object, allowed only by {"access": true}
//   ("Access denied", -32002; uh_ubus_allowed), and refusal of args that already carry "ubus_rpc_session"
//   ("Invalid parameters", -32602). uhttpd then ADDS "ubus_rpc_session": <session id> after the caller's args
//   and invokes the method (uh_ubus_send_request). That is the only argument it injects.
// - The legacy reply is always {"jsonrpc": "2.0", "id": <request id or null>, "result": [<ubus status>, <data>]}:
//   the status even when it is an error, and the DATA replies merged into one table, left out when empty
//   (uh_ubus_request_cb). A call the object does not finish in script_timeout (60 s) is -32003.
// - "list" without an array of names lists every object path; with one it maps each object to its methods and
//   their argument types as words ("string", "number", "boolean", "array", "object", "unknown"). It checks no
//   ACL (uh_ubus_send_list). Any other method is "Method not found", -32601.
// - Output is libubox's blobmsg_format_json() of the blob uhttpd built (so doubles print as %lf).
// Left out: the RESTful /ubus/call/<object> and GET /ubus/list, /ubus/subscribe endpoints, the no-auth mode, CORS.
import type { BlobmsgAttr } from "../../src/ubus/blobmsg.ts";
import { blobmsgFormatJson } from "../../src/ubus/blobmsg-format.ts";
import { jsonToBlobmsg, jsonToBlobmsgValue } from "../../src/ubus/blobmsg-json.ts";
import type { UbusClient } from "../../src/ubus/client.ts";
import { UbusMsgType } from "../../src/ubus/message.ts";
import { ubusInvoke, ubusLookup } from "../../src/ubus/requests.ts";

/** UH_UBUS_MAX_POST_SIZE. */
export const MAX_POST_SIZE = 65536;

/** ubus.c json_errors[]. */
export const RPC_ERRORS = {
  parse: { code: -32700, message: "Parse error" },
  request: { code: -32600, message: "Invalid request" },
  method: { code: -32601, message: "Method not found" },
  params: { code: -32602, message: "Invalid parameters" },
  internal: { code: -32603, message: "Internal error" },
  object: { code: -32000, message: "Object not found" },
  session: { code: -32001, message: "Session not found" },
  access: { code: -32002, message: "Access denied" },
  timeout: { code: -32003, message: "ubus request timed out" },
} as const;
type RpcError = keyof typeof RPC_ERRORS;

/** uh_ubus_list_cb: the words uhttpd prints for a signature's BLOBMSG_TYPE_* values. */
const TYPE_WORDS: Readonly<Record<number, string>> = { 7: "boolean", 5: "number", 3: "string", 1: "array", 2: "object" };
const typeWord = (t: number): string => TYPE_WORDS[t] ?? "unknown";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export interface UhttpdUbusOptions {
  /** uhttpd's script_timeout (-t, default 60 s): a call's deadline; the ACL check gets half of it. */
  readonly timeoutMs?: number;
}

/** The JSON-RPC side of uhttpd's ubus plugin, over a connected ubus client. */
export class UhttpdUbus {
  readonly #timeoutMs: number;

  constructor(
    private readonly bus: UbusClient,
    options: UhttpdUbusOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** One POST /ubus: the request body in, the response body out (uhttpd answers HTTP 200 in every case). */
  async post(body: string): Promise<string> {
    if (Buffer.byteLength(body) > MAX_POST_SIZE) return this.#error(undefined, "parse");
    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      return this.#error(undefined, "parse");
    }
    if (isObject(request)) return this.#request(request);
    if (!Array.isArray(request)) return this.#error(undefined, "parse");
    // A batch is worked through one request after the other (uh_ubus_next_batched_request).
    const replies: string[] = [];
    for (const item of request as unknown[]) replies.push(isObject(item) ? await this.#request(item) : this.#error(undefined, "parse"));
    return `[${replies.join(",")}]`;
  }

  async #request(req: Record<string, unknown>): Promise<string> {
    if (req["jsonrpc"] !== "2.0" || typeof req["method"] !== "string") return this.#error(req, "parse");
    if (req["method"] === "list") return this.#list(req);
    if (req["method"] !== "call") return this.#error(req, "method");
    const params = req["params"];
    if (!Array.isArray(params)) return this.#error(req, "parse");
    const [sid, object, fn, args] = params as unknown[];
    if (typeof sid !== "string" || typeof object !== "string" || typeof fn !== "string" || !isObject(args)) return this.#error(req, "parse");
    const target = (await ubusLookup(this.bus, object)).objects.at(-1);
    if (target === undefined) return this.#error(req, "object");
    if (!(await this.#allowed(sid, object, fn))) return this.#error(req, "access");
    // A caller may not choose the session the called object sees.
    if (Object.hasOwn(args, "ubus_rpc_session")) return this.#error(req, "params");
    const data = jsonToBlobmsg(args);
    if (!data.ok) return this.#error(req, "parse");
    const sent: BlobmsgAttr[] = [...data.value, { type: "string", name: "ubus_rpc_session", value: sid }];
    const reply = await this.#withTimeout(
      this.bus.request(UbusMsgType.invoke, [{ attr: "objid", value: target.objid }, { attr: "method", value: fn }, { attr: "data", value: sent }], target.objid),
    );
    if (reply === undefined) return this.#error(req, "timeout");
    // Every DATA reply's members go into one table (uh_ubus_request_data_cb).
    const merged = reply.data.flatMap((d) => d.data ?? []);
    const result: BlobmsgAttr[] = [{ type: "int32", name: "", value: reply.status }];
    if (merged.length > 0) result.push({ type: "table", name: "", value: merged });
    return this.#respond(req, { type: "array", name: "result", value: result });
  }

  /** uh_ubus_allowed: rpcd's `session access`; no session object, no answer or no {"access": true} means no. */
  async #allowed(sid: string, object: string, fn: string): Promise<boolean> {
    const session = (await ubusLookup(this.bus, "session")).objects.at(-1);
    if (session === undefined) return false;
    const r = await this.#withTimeout(ubusInvoke(this.bus, session.objid, "access", { ubus_rpc_session: sid, object, function: fn }), this.#timeoutMs / 2);
    return r?.data.at(-1)?.["access"] === true;
  }

  async #list(req: Record<string, unknown>): Promise<string> {
    const params = req["params"];
    if (!Array.isArray(params)) {
      const all = await ubusLookup(this.bus);
      return this.#respond(req, { type: "array", name: "result", value: all.objects.map((o): BlobmsgAttr => ({ type: "string", name: "", value: o.path })) });
    }
    const objects: BlobmsgAttr[] = [];
    for (const name of params as unknown[]) {
      for (const o of (await ubusLookup(this.bus, String(name))).objects) {
        const methods = Object.entries(o.signature).map(([m, args]): BlobmsgAttr => ({
          type: "table",
          name: m,
          value: Object.entries(args).map(([a, t]): BlobmsgAttr => ({ type: "string", name: a, value: typeWord(t) })),
        }));
        objects.push({ type: "table", name: o.path, value: methods });
      }
    }
    return this.#respond(req, { type: "table", name: "result", value: objects });
  }

  #withTimeout<T>(p: Promise<T>, ms = this.#timeoutMs): Promise<T | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  /** uh_ubus_init_json_rpc_response + the body: {"jsonrpc": "2.0", "id": <as sent, or null>, <body>}. */
  #respond(req: Record<string, unknown> | undefined, body: BlobmsgAttr): string {
    const id = req !== undefined && req["id"] !== undefined ? jsonToBlobmsgValue("id", req["id"]) : undefined;
    const idAttr: BlobmsgAttr = id?.ok === true ? id.value : { type: "unspec", name: "id" };
    return blobmsgFormatJson([{ type: "string", name: "jsonrpc", value: "2.0" }, idAttr, body]);
  }

  #error(req: Record<string, unknown> | undefined, which: RpcError): string {
    const e = RPC_ERRORS[which];
    return this.#respond(req, { type: "table", name: "error", value: [{ type: "int32", name: "code", value: e.code }, { type: "string", name: "message", value: e.message }] });
  }
}
