import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { UbusAttr } from "../../src/ubus/message.ts";
import {
  UbusMsgType, UbusStatus, attrTable, decodeMessage, encodeMessage, ubusMsgTypeName, ubusStrerror,
} from "../../src/ubus/message.ts";

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function attrsOf(bytes: string): readonly UbusAttr[] {
  const d = decodeMessage(h(bytes));
  if (!d.ok) assert.fail(`${d.error.code}: ${d.error.message}`);
  assert.equal(hex(encodeMessage(d.value)), hex(h(bytes)), "re-encodes byte-identically");
  return d.value.attrs;
}

describe("ubus message header", () => {
  it("HELLO: header and an empty top blob", () => {
    const bytes = encodeMessage({ type: UbusMsgType.hello, seq: 0, peer: 0x79711a7a });
    assert.equal(hex(bytes), "0000000079711a7a00000004");
    assert.deepEqual(decodeMessage(bytes), { ok: true, value: { version: 0, type: 0, seq: 0, peer: 0x79711a7a, attrs: [] } });
  });

  it("names every message type and status code", () => {
    assert.deepEqual([...Array(13).keys()].map(ubusMsgTypeName), [
      "hello", "status", "data", "ping", "lookup", "invoke", "addObject", "removeObject",
      "subscribe", "unsubscribe", "notify", "monitor", undefined,
    ]);
    assert.equal(ubusStrerror(UbusStatus.methodNotFound), "Method not found");
    assert.equal(ubusStrerror(UbusStatus.systemError), "System error");
    assert.equal(ubusStrerror(42), "Unknown error: 42");
  });

  it("refuses header fields out of range", () => {
    assert.throws(() => encodeMessage({ type: 1, seq: 0x10000, peer: 0 }), RangeError);
    assert.throws(() => encodeMessage({ type: 256, seq: 0, peer: 0 }), RangeError);
    assert.throws(() => encodeMessage({ type: 1, seq: 0, peer: -1 }), RangeError);
    assert.throws(() => encodeMessage({ type: 1, seq: 0, peer: 0, attrs: [{ attr: "objid", value: 2 ** 32 }] }), RangeError);
  });

  it("decode errors: truncated, extra bytes, version", () => {
    const code = (b: Uint8Array): string => {
      const d = decodeMessage(b);
      return d.ok ? "ok" : `${d.error.code}${d.error.fatal ? " (fatal)" : ""}`;
    };
    assert.equal(code(h("0000000079711a7a000000")), "truncated");
    assert.equal(code(h("0000000079711a7a0000000400")), "length-mismatch");
    assert.equal(code(h("0000000079711a7a00000008")), "length-mismatch");
    assert.equal(code(h("0100000079711a7a00000004")), "bad-version");
    assert.equal(code(h("0000000079711a7a00000002")), "bad-len (fatal)");
  });

  it("ignores the top blob's id, as ubusd and libubus do", () => {
    const d = decodeMessage(h("0000000079711a7a85000004"));
    assert.ok(d.ok);
    assert.equal(hex(encodeMessage(d.value)), "0000000079711a7a00000004");
  });
});

describe("ubus attributes", () => {
  it("status is signed, ids are unsigned", () => {
    const t = attrTable(attrsOf("00010001 00000000 00000014 01000008 ffffffff 03000008 af65ea5d"));
    assert.deepEqual(t, { status: -1, objid: 0xaf65ea5d });
  });

  it("the last occurrence wins in the table view (blob_parse)", () => {
    const t = attrTable(attrsOf("00010001 00000000 00000014 01000008 00000001 01000008 00000002"));
    assert.equal(t.status, 2);
  });

  it("attributes failing their type check are kept raw and absent from the table", () => {
    const attrs = attrsOf(`00050002 00000000 00000040
      03000007 656548 00
      04000008 73657421
      0e000008 00000001
      83000008 65481a68
      07000008 05000004
      0b00000c 01000008 00000001
      09000006 0101 0000`);
    assert.deepEqual(attrs.map((a) => (a.attr === "raw" ? `raw ${a.id}: ${a.reason}` : a.attr)), [
      "raw 3: objid: int32 payload of 3 bytes",
      "raw 4: method: string without a terminating NUL",
      "raw 14: unknown attribute id",
      "raw 3: extended bit set on a ubus attribute",
      "raw 7: data: blobmsg element id 5 lacks the extended bit",
      "raw 11: subscribers: entries must be int32 attrs with id 0",
      "raw 9: active: int8 payload of 2 bytes",
    ]);
    assert.deepEqual(attrTable(attrs), {});
  });

  it("every attribute kind round-trips", () => {
    const attrs: UbusAttr[] = [
      { attr: "noReply", value: true },
      { attr: "status", value: 3 },
      { attr: "objpath", value: "vrrp" },
      { attr: "objid", value: 0xffffffff },
      { attr: "method", value: "status" },
      { attr: "objtype", value: 1 },
      { attr: "signature", value: [{ type: "table", name: "set", value: [{ type: "int32", name: "state", value: 3 }] }] },
      { attr: "data", value: [] },
      { attr: "target", value: 0x4ae935ad },
      { attr: "active", value: false },
      { attr: "subscribers", value: [1, 0x80000000] },
      { attr: "user", value: "root" },
      { attr: "group", value: "wheel" },
      { attr: "raw", id: 42, extended: true, data: Uint8Array.of(1, 2, 3), reason: "whatever" },
    ];
    const d = decodeMessage(encodeMessage({ type: UbusMsgType.invoke, seq: 7, peer: 9, attrs }));
    assert.ok(d.ok);
    assert.deepEqual(d.value.attrs.slice(0, -1), attrs.slice(0, -1));
    const raw = d.value.attrs.at(-1);
    assert.ok(raw?.attr === "raw" && raw.id === 42 && raw.extended && hex(raw.data) === "010203");
  });

  it("MONITOR messages use enum ubus_monitor_attr, and carry the monitored message's attributes", () => {
    // As ubusd_monitor_message() builds it: CLIENT, PEER, SEQ, TYPE, SEND, DATA.
    const inner = encodeMessage({
      type: UbusMsgType.invoke, seq: 2, peer: 0x65481a68,
      attrs: [{ attr: "objid", value: 0x65481a68 }, { attr: "method", value: "status" }, { attr: "data", value: [] }],
    });
    const body = inner.subarray(12);
    const monitor = encodeMessage({
      type: UbusMsgType.monitor, seq: 1, peer: 0,
      attrs: [
        { attr: "monitorClient", value: 0x97fe00ba },
        { attr: "monitorPeer", value: 0x4fe38db8 },
        { attr: "monitorSeq", value: 2 },
        { attr: "monitorType", value: UbusMsgType.invoke },
        { attr: "monitorSend", value: false },
        { attr: "raw", id: 5, extended: false, data: body, reason: "" },
      ],
    });
    const d = decodeMessage(monitor);
    assert.ok(d.ok);
    assert.equal(hex(encodeMessage(d.value)), hex(monitor));
    assert.deepEqual(attrTable(d.value.attrs), {
      monitorClient: 0x97fe00ba, monitorPeer: 0x4fe38db8, monitorSeq: 2, monitorType: 5, monitorSend: false,
      monitorData: [{ attr: "objid", value: 0x65481a68 }, { attr: "method", value: "status" }, { attr: "data", value: [] }],
    });
  });
});
