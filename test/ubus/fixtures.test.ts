// Golden vectors: every message of every real capture (ubusd, the ubus CLI, the C examples, a spec-only client)
// must decode, print the same as the capture tool's decoded lines, and re-encode to the same bytes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BlobmsgAttr } from "../../src/ubus/blobmsg.ts";
import { blobmsgToJson, jsonToBlobmsg } from "../../src/ubus/blobmsg-json.ts";
import { blobmsgFormatJson } from "../../src/ubus/blobmsg-format.ts";
import { FrameReader } from "../../src/ubus/frame-reader.ts";
import type { UbusAttr, UbusMessage } from "../../src/ubus/message.ts";
import { UbusMsgType, attrTable, decodeMessage, encodeMessage, ubusMsgTypeName } from "../../src/ubus/message.ts";
import { signatureFromBlobmsg, signatureToBlobmsg } from "../../src/ubus/policy.ts";
import type { CaptureRecord } from "./captures.ts";
import { hex, loadCaptures, readOut } from "./captures.ts";

const captures = loadCaptures();
const all = [...captures.values()].flat();

function decodeOk(r: CaptureRecord): UbusMessage {
  const d = decodeMessage(r.bytes);
  if (!d.ok) assert.fail(`${r.file}:${r.line}: ${d.error.code}: ${d.error.message}`);
  return d.value;
}

// ---- a renderer in the capture tool's format (Python-style JSON view), to compare with its decoded lines ----
const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
const attrIds: Record<string, number> = {
  status: 1, objpath: 2, objid: 3, method: 4, objtype: 5, signature: 6, data: 7,
  target: 8, active: 9, noReply: 10, subscribers: 11, user: 12, group: 13,
};
const hex32 = (v: number): string => "0x" + (v >>> 0).toString(16).padStart(8, "0");

function pyValue(a: BlobmsgAttr): string {
  switch (a.type) {
    case "table":
      return pyTable(a.value);
    case "array":
      return "[" + a.value.map(pyValue).join(", ") + "]";
    case "string":
      return JSON.stringify(a.value);
    case "int8":
      return a.value !== 0 ? "true" : "false";
    case "double":
      return Number.isInteger(a.value) ? a.value.toFixed(1) : String(a.value);
    case "unspec":
      return "null";
    default:
      return a.value.toString();
  }
}
const pyTable = (members: readonly BlobmsgAttr[]): string =>
  "{" + members.map((m) => `${JSON.stringify(m.name)}: ${pyValue(m)}`).join(", ") + "}";

function renderAttr(a: UbusAttr): string {
  if (a.attr === "raw") return `RAW(${a.id}): ${a.reason}`;
  const label = `  UBUS_ATTR_${snake(a.attr)}(${attrIds[a.attr] ?? "?"}): `;
  switch (a.attr) {
    case "objpath": case "method": case "user": case "group":
      return label + JSON.stringify(a.value);
    case "data": case "signature":
      return label + pyTable(a.value);
    case "active": case "noReply":
      return label + (a.value ? "1" : "0");
    case "subscribers":
      return label + "[" + a.value.map((id) => `'0x${id.toString(16)}'`).join(", ") + "]";
    case "status": case "objid": case "objtype": case "target":
      return label + `${hex32(a.value)} (${a.value | 0})`;
    default:
      return label + "(monitor attribute)";
  }
}

function render(m: UbusMessage, size: number): string[] {
  return [
    `ver=${m.version} type=${m.type}(${snake(ubusMsgTypeName(m.type) ?? "?")}) seq=${m.seq} peer=${hex32(m.peer)}`,
    `  top-level blob: id=0 len=${size - 8}`,
    ...m.attrs.map(renderAttr),
  ];
}

describe("ubus captures: every message", () => {
  it("found the captures", () => {
    assert.ok(captures.size >= 6, `only ${captures.size} capture files`);
    assert.ok(all.length > 150, `only ${all.length} records`);
  });

  for (const [file, records] of captures) {
    it(`${file}: decodes, matches the decoded lines, re-encodes byte-identically (${records.length} messages)`, () => {
      for (const r of records) {
        const m = decodeOk(r);
        assert.ok(!m.attrs.some((a) => a.attr === "raw"), `${file}:${r.line}: an attribute failed its type check`);
        if (r.decoded.length > 0) assert.deepEqual(render(m, r.bytes.length), r.decoded, `${file}:${r.line}`);
        assert.equal(hex(encodeMessage(m)), hex(r.bytes), `${file}:${r.line}: re-encoding differs`);
      }
    });

    it(`${file}: the frame reader splits each connection's stream into the same messages`, () => {
      const streams = new Map<string, CaptureRecord[]>();
      for (const r of records) {
        const key = `${r.conn} ${r.direction}`;
        streams.set(key, [...(streams.get(key) ?? []), r]);
      }
      for (const [key, rs] of streams) {
        const stream = Buffer.concat(rs.map((r) => r.bytes));
        const reader = new FrameReader();
        // 7-byte chunks: every header and most attributes end up split.
        const got: UbusMessage[] = [];
        for (let i = 0; i < stream.length; i += 7) {
          for (const res of reader.push(stream.subarray(i, i + 7))) {
            if (!res.ok) assert.fail(`${file} ${key}: ${res.error.message}`);
            got.push(res.value);
          }
        }
        assert.equal(reader.pending, 0);
        assert.deepEqual(got, rs.map(decodeOk), `${file} ${key}`);
      }
    });
  }
});

const find = (file: string, pred: (m: UbusMessage, r: CaptureRecord) => boolean): UbusMessage => {
  const hits = (captures.get(file) ?? []).filter((r) => pred(decodeOk(r), r));
  assert.equal(hits.length >= 1, true, `${file}: no matching record`);
  return decodeOk(hits[0] as CaptureRecord);
};

describe("ubus captures: content", () => {
  const statusReply = find("call-status.log", (m, r) => m.type === UbusMsgType.data && r.direction === "client->ubusd");

  it("the status reply table decodes to the values the CLI printed", () => {
    const t = attrTable(statusReply.attrs);
    assert.equal(t.objid, 0x65481a68);
    assert.deepEqual(blobmsgToJson(t.data ?? []), {
      state: "BACKUP",
      instances: [{ name: "vi1", vrid: 51, prio: 100 }],
      calls: 1,
      big: 1099511627776,
      ok: true,
      ratio: 0.5,
    });
    const types = (t.data ?? []).map((a) => a.type);
    assert.deepEqual(types, ["string", "array", "int32", "int64", "int8", "double"]);
  });

  it("the status reply prints as `ubus call` prints it (tab-indented, %lf doubles)", () => {
    const expected = [
      "{",
      '\t"state": "BACKUP",',
      '\t"instances": [',
      "\t\t{",
      '\t\t\t"name": "vi1",',
      '\t\t\t"vrid": 51,',
      '\t\t\t"prio": 100',
      "\t\t}",
      "\t],",
      '\t"calls": 1,',
      '\t"big": 1099511627776,',
      '\t"ok": true,',
      '\t"ratio": 0.500000',
      "}",
    ].join("\n");
    assert.equal(blobmsgFormatJson(attrTable(statusReply.attrs).data ?? [], { indent: 0 }), expected);
  });

  it("the same reply built from JSON is byte-identical to what the spec-only client sent", () => {
    const data = jsonToBlobmsg({
      state: "BACKUP",
      instances: [{ name: "vi1", vrid: 51, prio: 100 }],
      calls: 1,
      big: 1099511627776,
      ok: true,
      ratio: 0.5,
    });
    assert.ok(data.ok);
    const bytes = encodeMessage({
      type: UbusMsgType.data,
      seq: statusReply.seq,
      peer: statusReply.peer,
      attrs: [{ attr: "objid", value: 0x65481a68 }, { attr: "data", value: data.value }],
    });
    assert.equal(hex(bytes), hex(encodeMessage(statusReply)));
  });

  it("ADD_OBJECT built from a policy matches the captured registration", () => {
    const add = find("call-status.log", (m) => m.type === UbusMsgType.addObject);
    const sig = signatureToBlobmsg({ status: {}, set: { state: "string" }, fail: {} });
    const bytes = encodeMessage({
      type: UbusMsgType.addObject, seq: 1, peer: 0,
      attrs: [{ attr: "objpath", value: "vrrp" }, { attr: "signature", value: sig }],
    });
    assert.equal(hex(bytes), hex(encodeMessage(add)));
    const lookupReply = find("call-status.log", (m) => m.type === UbusMsgType.data && attrTable(m.attrs).signature !== undefined);
    assert.deepEqual(signatureFromBlobmsg(attrTable(lookupReply.attrs).signature ?? []), {
      ok: true, value: { status: {}, set: { state: 3 }, fail: {} },
    });
  });

  it("events print as `ubus listen` printed them", () => {
    const cases: [string, string, string][] = [
      ["event-send-listen.log", "vrrp.state", "event-send-listen.out"],
      ["example-server-call-with-fd.log", "foo.bar", "example-server-listen.out"],
    ];
    for (const [file, id, out] of cases) {
      const ev = find(file, (m, r) => r.direction === "ubusd->client" && m.type === UbusMsgType.invoke && attrTable(m.attrs).method === id);
      assert.equal(ev.peer, 0, "event deliveries carry peer 0");
      const t = attrTable(ev.attrs);
      assert.equal(t.user, undefined, "no USER on event deliveries");
      assert.equal(`{ "${id}": ${blobmsgFormatJson(t.data ?? [])} }\n`, readOut(out));
    }
    const send = find("event-send-listen.log", (m) => m.type === UbusMsgType.invoke && attrTable(m.attrs).method === "send");
    assert.equal(send.peer, 1);
    assert.deepEqual(blobmsgToJson(attrTable(send.attrs).data ?? []), { id: "vrrp.state", data: { state: "MASTER" } });
  });

  it("notify without reply: NO_REPLY is first in the forwarded INVOKE, and prints as `ubus subscribe` printed it", () => {
    const file = "subscribe-notify-noreply.log";
    const notify = find(file, (m, r) => m.type === UbusMsgType.notify && r.direction === "client->ubusd");
    assert.deepEqual(attrTable(notify.attrs), {
      objid: 0x4ae935ad, method: "state", data: [{ type: "string", name: "state", value: "FAULT" }], noReply: true,
    });
    const fwd = find(file, (m) => m.type === UbusMsgType.invoke && attrTable(m.attrs).noReply === true);
    assert.equal(fwd.attrs[0]?.attr, "noReply");
    assert.equal(`{ "state": ${blobmsgFormatJson(attrTable(fwd.attrs).data ?? [])} }\n`, readOut("subscribe-notify-noreply.out"));
    const active = (captures.get(file) ?? []).map(decodeOk).filter((m) => m.type === UbusMsgType.notify && m.peer === 0);
    assert.deepEqual(active.map((m) => attrTable(m.attrs).active), [true, false]);
  });

  it("notify with reply: STATUS carries SUBSCRIBERS", () => {
    const st = find("notify-with-reply.log", (m) => attrTable(m.attrs).subscribers !== undefined);
    assert.deepEqual(attrTable(st.attrs), { objid: 0x64a2931a, subscribers: [0x01af2ce2], status: 0 });
  });

  it("error replies carry the status code and the object id", () => {
    const fail = find("call-method-error.log", (m, r) => m.type === UbusMsgType.status && r.conn === 1 && m.peer !== 0);
    assert.deepEqual(attrTable(fail.attrs), { status: 9, objid: 0x65481a68 });
  });

  it("the STATUS that carried an fd is an ordinary message (fds travel out of band)", () => {
    const withFd = all.filter((r) => r.withFd);
    assert.equal(withFd.length, 2);
    for (const r of withFd) assert.equal(decodeOk(r).type, UbusMsgType.status);
  });

  it("`ubus monitor` printed what our JSON mapping produces", () => {
    const monitor = readOut("monitor-call-status.out");
    const data = jsonToBlobmsg({
      state: "MASTER", instances: [{ name: "vi1", vrid: 51, prio: 100 }], calls: 7, big: 1099511627776, ok: true, ratio: 0.5,
    });
    assert.ok(data.ok);
    assert.ok(monitor.includes(`"data":${blobmsgFormatJson(data.value)}}`));
    const sig = blobmsgFormatJson(signatureToBlobmsg({ status: {}, set: { state: "string" }, fail: {} }));
    assert.ok(monitor.includes(`"signature":${sig}}`));
  });
});
