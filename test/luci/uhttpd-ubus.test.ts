// The uhttpd stand-in (uhttpd-ubus.ts) held to what uhttpd's ubus.c does, over the in-test ubusd with rpcd's
// session ACL: the exact reply texts, what reaches the called object (the caller's args as blobmsg, unchanged,
// plus ubus_rpc_session), the order of the checks, batches and `list`.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { BlobmsgAttr } from "../../src/ubus/blobmsg.ts";
import { connectUbus, type UbusClient } from "../../src/ubus/client.ts";
import { startLuciStack, type LuciStack } from "./luci-stack.ts";
import { MAX_POST_SIZE } from "./uhttpd-ubus.ts";

/** A login granted echo.echo and echo.fail* only, by an ACL file of the test's own. */
const TESTER = { username: "tester", password: "tester", read: ["echo-test"], write: [] };
const ECHO_ACL = { "echo-test": { description: "test", read: { ubus: { echo: ["echo", "fail*"] } } } };

describe("uhttpd's POST /ubus (ubus.c), in-test", () => {
  let dir: string;
  let stack: LuciStack;
  let owner: UbusClient;
  let sid: string;
  const received: BlobmsgAttr[][] = [];
  const post = (body: unknown): Promise<unknown> => stack.uhttpd.post(typeof body === "string" ? body : JSON.stringify(body)).then((t) => JSON.parse(t) as unknown);
  const call = (object: string, method: string, args: unknown, session = sid, id: unknown = 1): Promise<unknown> => post({ jsonrpc: "2.0", id, method: "call", params: [session, object, method, args] });
  const rpcError = (id: unknown, code: number, message: string): unknown => ({ jsonrpc: "2.0", id, error: { code, message } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-uhttpd-"));
    stack = await startLuciStack(dir, [TESTER], [ECHO_ACL]);
    owner = await connectUbus(stack.socket);
    const record = (data: readonly BlobmsgAttr[] | undefined): void => void received.push([...(data ?? [])]);
    await owner.addObject("echo", {
      echo: { policy: { s: "string", n: "int32", b: "bool", a: "array", t: "table", d: "double" }, invoke: (data) => (record(data), { data: { seen: (data ?? []).length } }) },
      fail_with_reason: { policy: {}, invoke: (data) => (record(data), { status: 2, data: { error: "invalid_argument", message: "no" } }) },
      fail_bare: { policy: {}, invoke: (data) => (record(data), { status: 4 }) },
      other: { policy: {}, invoke: (data) => (record(data), {}) },
    });
    sid = await stack.login(TESTER);
  });
  after(async () => {
    owner.close();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("call: the caller's args reach the object unchanged, with ubus_rpc_session added after them, and nothing else", async () => {
    received.length = 0;
    const text = await stack.uhttpd.post(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "call", params: [sid, "echo", "echo", { s: "x", n: 5, big: 5000000000, b: true, z: null, d: 0.5, a: [1], t: { k: "v" } }] }));
    assert.equal(text, '{"jsonrpc":"2.0","id":7,"result":[0,{"seen":9}]}');
    assert.deepEqual(received[0], [
      { type: "string", name: "s", value: "x" },
      { type: "int32", name: "n", value: 5 },
      { type: "int64", name: "big", value: 5000000000n },
      { type: "int8", name: "b", value: 1 },
      { type: "unspec", name: "z" },
      { type: "double", name: "d", value: 0.5 },
      { type: "array", name: "a", value: [{ type: "int32", name: "", value: 1 }] },
      { type: "table", name: "t", value: [{ type: "string", name: "k", value: "v" }] },
      { type: "string", name: "ubus_rpc_session", value: sid },
    ]);
  });

  test("a caller may not pick the session the object sees: Invalid parameters, nothing forwarded", async () => {
    received.length = 0;
    assert.deepEqual(await call("echo", "echo", { ubus_rpc_session: "f".repeat(32) }), rpcError(1, -32602, "Invalid parameters"));
    assert.equal(received.length, 0);
  });

  test("the result is [status, data]: the data comes along with an error status, and is left out when there is none", async () => {
    assert.deepEqual(await call("echo", "fail_with_reason", {}), { jsonrpc: "2.0", id: 1, result: [2, { error: "invalid_argument", message: "no" }] });
    assert.deepEqual(await call("echo", "fail_bare", {}), { jsonrpc: "2.0", id: 1, result: [4] });
  });

  test("the object is looked up first (Object not found), then rpcd decides (Access denied)", async () => {
    assert.deepEqual(await call("nosuch", "echo", {}), rpcError(1, -32000, "Object not found"));
    assert.deepEqual(await call("echo", "other", {}), rpcError(1, -32002, "Access denied"), "echo.other is not granted");
    assert.deepEqual(await call("echo", "echo", {}, "0".repeat(32)), rpcError(1, -32002, "Access denied"), "the unauthenticated session");
    assert.deepEqual(await call("echo", "echo", {}, "not-a-session"), rpcError(1, -32002, "Access denied"), "no such session");
  });

  test("malformed requests: Parse error (with the request's id when there is one), Method not found", async () => {
    const parse = (id: unknown): unknown => rpcError(id, -32700, "Parse error");
    assert.deepEqual(await post("{not json"), parse(null));
    assert.deepEqual(await post("5"), parse(null));
    assert.deepEqual(await post({ jsonrpc: "1.0", id: 3, method: "call" }), parse(3));
    assert.deepEqual(await post({ jsonrpc: "2.0", id: "x", method: "call", params: [sid, "echo", "echo"] }), parse("x"), "the args table is required");
    assert.deepEqual(await post({ jsonrpc: "2.0", method: "call", params: [sid, "echo", "echo", []] }), parse(null), "args must be an object; no id: null");
    assert.deepEqual(await post({ jsonrpc: "2.0", id: 4, method: "subscribe", params: [] }), rpcError(4, -32601, "Method not found"));
    assert.deepEqual(await post(" ".repeat(MAX_POST_SIZE + 1)), parse(null));
  });

  test("a batch is answered in order, one reply per request", async () => {
    const replies = (await post([{ jsonrpc: "2.0", id: 1, method: "call", params: [sid, "echo", "fail_bare", {}] }, 5, { jsonrpc: "2.0", id: 3, method: "list" }])) as unknown[];
    assert.equal(replies.length, 3);
    assert.deepEqual(replies[0], { jsonrpc: "2.0", id: 1, result: [4] });
    assert.deepEqual(replies[1], rpcError(null, -32700, "Parse error"));
    assert.deepEqual((replies[2] as { result: unknown }).result, ["echo", "session"]);
    assert.deepEqual(await post([]), []);
  });

  test("list: the object names, or each named object's methods with argument types in words; no ACL check", async () => {
    assert.deepEqual(await post({ jsonrpc: "2.0", id: 1, method: "list" }), { jsonrpc: "2.0", id: 1, result: ["echo", "session"] });
    const r = (await post({ jsonrpc: "2.0", id: 2, method: "list", params: ["echo"] })) as { result: Record<string, Record<string, unknown>> };
    assert.deepEqual(r.result["echo"]?.["echo"], { s: "string", n: "number", b: "boolean", a: "array", t: "object", d: "unknown" });
    assert.deepEqual(Object.keys(r.result["echo"] ?? {}), ["echo", "fail_with_reason", "fail_bare", "other"]);
  });
});
