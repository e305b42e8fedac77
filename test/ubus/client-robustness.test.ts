// What keeps a daemon alive behind UbusClient: a bounded send queue, replies that cannot be sent turning into
// an error status (not a caller timeout), and owner callbacks that throw being reported instead of thrown
// into the socket handler.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UbusClient, ubusMethod, type UbusTransport } from "../../src/ubus/client.ts";
import { UbusMsgType, UbusStatus, attrTable, decodeMessage, encodeMessage } from "../../src/ubus/message.ts";

function transport(backlog = 0): { t: UbusTransport; written: Uint8Array[]; setBacklog(n: number): void } {
  const written: Uint8Array[] = [];
  let waiting = backlog;
  return { t: { write: (b) => void written.push(b), close: () => undefined, backlog: () => waiting }, written, setBacklog: (n) => (waiting = n) };
}
const decoded = (b: Uint8Array | undefined): ReturnType<typeof attrTable> & { type: number } => {
  const m = decodeMessage(b ?? new Uint8Array());
  assert.ok(m.ok);
  return { type: m.value.type, ...attrTable(m.value.attrs) };
};
const hello = encodeMessage({ type: UbusMsgType.hello, seq: 0, peer: 0x42 });

describe("UbusClient robustness", () => {
  it("drops messages past the send-queue bound and fails the request at once (NO_MEMORY)", async () => {
    const errors: string[] = [];
    const { t, written, setBacklog } = transport();
    const client = new UbusClient(t, { maxBacklogBytes: 100, onError: (e) => errors.push(e.message), timeoutMs: 50 });
    client.receive(hello);
    setBacklog(95);
    assert.equal((await client.request(UbusMsgType.ping, [])).status, UbusStatus.noMemory);
    assert.equal(client.notify(1234, "state", { x: 1 }), false);
    assert.equal(written.length, 0);
    assert.match(errors.join("\n"), /send queue full \(95 bytes waiting\)/);
    setBacklog(0);
    assert.equal(client.notify(1234, "state", { x: 1 }), true);
    assert.equal(written.length, 1);
  });

  it("a reply too big for one message becomes UNKNOWN_ERROR, not a timeout on the caller's side", () => {
    const errors: string[] = [];
    const { t, written } = transport();
    const client = new UbusClient(t, { onError: (e) => errors.push(e.message) });
    client.receive(hello);
    void client.addObject("vrrp", { big: ubusMethod({}, () => ({ data: { blob: "x".repeat(1_100_000) } })), bad: ubusMethod({}, () => ({ data: { f: () => 1 } })) });
    client.receive(encodeMessage({ type: UbusMsgType.data, seq: 1, peer: 0, attrs: [{ attr: "objid", value: 7 }, { attr: "objtype", value: 8 }] }));
    client.receive(encodeMessage({ type: UbusMsgType.status, seq: 1, peer: 0, attrs: [{ attr: "status", value: 0 }] }));
    written.length = 0;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        for (const [seq, method] of [[5, "big"], [6, "bad"]] as const) {
          client.receive(encodeMessage({ type: UbusMsgType.invoke, seq, peer: 0xc0, attrs: [{ attr: "objid", value: 7 }, { attr: "method", value: method }, { attr: "data", value: [] }] }));
        }
        assert.deepEqual(written.map((b) => decoded(b)).map((m) => [m.type, m.status]), [[UbusMsgType.status, UbusStatus.unknownError], [UbusMsgType.status, UbusStatus.unknownError]]);
        assert.match(errors.join("\n"), /exceeds the 1048576-byte limit/);
        assert.match(errors.join("\n"), /cannot convert a function/);
        resolve();
      }),
    );
  });

  it("owner callbacks that throw are reported, not thrown into the socket handler", async () => {
    const errors: string[] = [];
    const { t, written } = transport();
    const client = new UbusClient(t, { onError: (e) => errors.push(e.message) });
    client.receive(hello);
    const added = client.addObject("vrrp", {}, () => {
      throw new Error("subscriber callback bug");
    });
    client.receive(encodeMessage({ type: UbusMsgType.data, seq: 1, peer: 0, attrs: [{ attr: "objid", value: 7 }, { attr: "objtype", value: 8 }] }));
    client.receive(encodeMessage({ type: UbusMsgType.status, seq: 1, peer: 0, attrs: [{ attr: "status", value: 0 }] }));
    await added;
    const anon = client.addAnonymousObject(() => {
      throw new Error("listener bug");
    }, () => {
      throw new Error("unsubscribe bug");
    });
    client.receive(encodeMessage({ type: UbusMsgType.data, seq: 2, peer: 0, attrs: [{ attr: "objid", value: 9 }] }));
    client.receive(encodeMessage({ type: UbusMsgType.status, seq: 2, peer: 0, attrs: [{ attr: "status", value: 0 }] }));
    await anon;
    written.length = 0;
    assert.doesNotThrow(() => {
      client.receive(encodeMessage({ type: UbusMsgType.notify, seq: 1, peer: 0, attrs: [{ attr: "objid", value: 7 }, { attr: "active", value: true }] }));
      client.receive(encodeMessage({ type: UbusMsgType.invoke, seq: 3, peer: 0, attrs: [{ attr: "objid", value: 9 }, { attr: "method", value: "vrrp.state" }, { attr: "data", value: [] }] }));
      client.receive(encodeMessage({ type: UbusMsgType.unsubscribe, seq: 1, peer: 0, attrs: [{ attr: "objid", value: 9 }, { attr: "target", value: 7 }] }));
    });
    assert.deepEqual(errors, ["subscriber callback bug", "listener bug", "unsubscribe bug"]);
    assert.equal(decoded(written[0]).status, UbusStatus.unknownError); // the event delivery still got its STATUS
  });
});
