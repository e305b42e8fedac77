import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BlobEncodeError } from "../../src/ubus/blob.ts";
import type { BlobmsgAttr } from "../../src/ubus/blobmsg.ts";
import { jsonToBlobmsg } from "../../src/ubus/blobmsg-json.ts";
import { UbusStatus } from "../../src/ubus/message.ts";
import { signatureFromBlobmsg, signatureToBlobmsg, validateArgs } from "../../src/ubus/policy.ts";

const data = (v: Record<string, unknown>): BlobmsgAttr[] => {
  const r = jsonToBlobmsg(v);
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
};

const setPolicy = {
  state: { type: "string", required: true },
  prio: "int8",
  enabled: "bool",
  weight: "double",
  counter: "int64",
  extra: "table",
  list: "array",
  any: "unspec",
} as const;

describe("signature", () => {
  it("one table per method, one int32 BLOBMSG_TYPE_* per argument (bool is INT8)", () => {
    assert.deepEqual(signatureToBlobmsg({ status: {}, set: { state: { type: "string", required: true }, on: "bool", n: "int32" } }), [
      { type: "table", name: "status", value: [] },
      { type: "table", name: "set", value: [
        { type: "int32", name: "state", value: 3 },
        { type: "int32", name: "on", value: 7 },
        { type: "int32", name: "n", value: 5 },
      ] },
    ]);
  });

  it("refuses empty names, which ubusd would turn into an invisible object", () => {
    assert.throws(() => signatureToBlobmsg({ "": {} }), BlobEncodeError);
    assert.throws(() => signatureToBlobmsg({ m: { "": "string" } }), BlobEncodeError);
  });

  it("decoding checks names and shapes", () => {
    assert.deepEqual(signatureFromBlobmsg([{ type: "table", name: "", value: [] }]), { ok: false, error: "signature: method entry without a name" });
    assert.equal(signatureFromBlobmsg([{ type: "string", name: "m", value: "" }]).ok, false);
    assert.equal(signatureFromBlobmsg([{ type: "table", name: "m", value: [{ type: "string", name: "a", value: "" }] }]).ok, false);
  });
});

describe("validateArgs", () => {
  it("returns typed plain values", () => {
    const r = validateArgs(setPolicy, data({
      state: "MASTER", prio: 100, enabled: true, weight: 2, counter: 5, extra: { a: [1] }, list: ["x"], any: null, unknown: 1,
    }));
    assert.ok(r.ok);
    const state: string = r.value.state; // required: not optional in the type
    const prio: number | undefined = r.value.prio;
    assert.equal(state, "MASTER");
    assert.equal(prio, 100);
    assert.deepEqual(r.value, {
      state: "MASTER", prio: 100, enabled: true, weight: 2, counter: 5n, extra: { a: [1] }, list: ["x"], any: null,
    });
  });

  it("optional arguments may be absent", () => {
    assert.deepEqual(validateArgs(setPolicy, data({ state: "BACKUP" })), { ok: true, value: { state: "BACKUP" } });
  });

  it("INVALID_ARGUMENT naming the field and the expected type", () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{}, "state", 'missing required argument "state" (string)'],
      [{ state: 1 }, "state", 'invalid argument "state": expected string, got int32'],
      [{ state: "x", prio: 300 }, "prio", 'invalid argument "prio": expected int8, 300 is out of range'],
      [{ state: "x", prio: "1" }, "prio", 'invalid argument "prio": expected int8, got string'],
      [{ state: "x", enabled: 2 }, "enabled", 'invalid argument "enabled": expected bool, got int32 2'],
      [{ state: "x", weight: "heavy" }, "weight", 'invalid argument "weight": expected double, got string'],
      [{ state: "x", counter: 0.5 }, "counter", 'invalid argument "counter": expected int64, got double'],
      [{ state: "x", extra: [] }, "extra", 'invalid argument "extra": expected table, got array'],
      [{ state: "x", list: {} }, "list", 'invalid argument "list": expected array, got table'],
    ];
    for (const [args, field, message] of cases) {
      assert.deepEqual(validateArgs(setPolicy, data(args)), { ok: false, error: { status: UbusStatus.invalidArgument, field, message } });
    }
  });

  it("numbers arrive in whatever integer type the CLI picked", () => {
    const p = { n: "int32", b: "bool", d: "double", big: "int64" } as const;
    const r = validateArgs(p, [
      { type: "int64", name: "n", value: -5n },
      { type: "int32", name: "b", value: 1 },
      { type: "int64", name: "d", value: 2n ** 40n },
      { type: "int8", name: "big", value: -1 },
    ]);
    assert.deepEqual(r, { ok: true, value: { n: -5, b: true, d: 2 ** 40, big: -1n } });
    const tooBig = validateArgs(p, [{ type: "int64", name: "n", value: 2n ** 31n }]);
    assert.equal(tooBig.ok ? "" : tooBig.error.message, 'invalid argument "n": expected int32, 2147483648 is out of range');
  });

  it("the first of duplicate members wins (blobmsg_parse)", () => {
    const r = validateArgs({ s: "string" }, [{ type: "string", name: "s", value: "first" }, { type: "string", name: "s", value: "second" }]);
    assert.deepEqual(r, { ok: true, value: { s: "first" } });
  });

  it("a missing DATA attribute is INVALID_ARGUMENT, as in libubus", () => {
    const r = validateArgs({}, undefined);
    assert.equal(!r.ok && r.error.status, UbusStatus.invalidArgument);
    assert.equal(!r.ok && r.error.field, "");
  });
});
