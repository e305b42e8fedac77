// The client, driven two ways:
// 1. replaying the daemon's side of the real captures: ubusd's messages go in, and what the client writes must
//    be byte-identical to what the spec-only client wrote (same ids, since they come from the recording);
// 2. over a real UNIX socket against a small scripted broker, for the paths the captures do not cover.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UbusObject, UbusTransport } from "../../src/ubus/client.ts";
import { UbusClient, connectUbus, ubusMethod } from "../../src/ubus/client.ts";
import { blobmsgToJson } from "../../src/ubus/blobmsg-json.ts";
import { FrameReader } from "../../src/ubus/frame-reader.ts";
import type { UbusAttr, UbusMessage } from "../../src/ubus/message.ts";
import { UbusMsgType, UbusStatus, attrTable, decodeMessage, encodeMessage } from "../../src/ubus/message.ts";
import type { CaptureRecord } from "./captures.ts";
import { hex, loadCaptures } from "./captures.ts";

const captures = loadCaptures();
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const conn1 = (...files: string[]): CaptureRecord[] => files.flatMap((f) => (captures.get(f) ?? []).filter((r) => r.conn === 1));

/** The vrrp object of the spec-only client in the captures. */
function vrrpMethods(log: string[]): Parameters<UbusClient["addObject"]>[1] {
  return {
    status: ubusMethod({}, () => ({
      data: { state: "BACKUP", instances: [{ name: "vi1", vrid: 51, prio: 100 }], calls: 1, big: 1099511627776, ok: true, ratio: 0.5 },
    })),
    set: ubusMethod({ state: { type: "string", required: true } }, (args, ctx) => {
      log.push(`set ${args.state} by ${ctx.user ?? "?"}`);
      return undefined;
    }),
    fail: ubusMethod({}, () => ({ status: UbusStatus.unknownError })),
  };
}

function fakeTransport(): { transport: UbusTransport; written: Uint8Array[] } {
  const written: Uint8Array[] = [];
  return { transport: { write: (b) => written.push(b), close: () => undefined }, written };
}

/** Feeds ubusd's records; for each record the client wrote, provokes it if needed, then compares bytes. */
async function replay(records: CaptureRecord[], client: UbusClient, written: Uint8Array[], provoke: (m: UbusMessage) => void): Promise<void> {
  for (const r of records) {
    if (r.direction === "ubusd->client") {
      client.receive(r.bytes);
      await tick();
      continue;
    }
    if (written.length === 0) {
      const m = decodeMessage(r.bytes);
      assert.ok(m.ok);
      provoke(m.value);
      await tick();
    }
    const got = written.shift();
    assert.ok(got !== undefined, `${r.file}:${r.line}: the client wrote nothing`);
    assert.equal(hex(got), hex(r.bytes), `${r.file}:${r.line}`);
  }
  assert.equal(written.length, 0, "nothing extra written");
}

describe("UbusClient: replaying the captured daemon connection", () => {
  it("register, `ubus call` status/fail/set, event send", async () => {
    const { transport, written } = fakeTransport();
    const client = new UbusClient(transport);
    const log: string[] = [];
    let obj: Promise<UbusObject> | undefined;
    let event: Promise<void> | undefined;
    await replay(conn1("call-status.log", "call-method-error.log", "event-send-listen.log"), client, written, (m) => {
      const t = attrTable(m.attrs);
      if (m.type === UbusMsgType.addObject) obj = client.addObject("vrrp", vrrpMethods(log));
      else if (t.method === "send") event = client.sendEvent("vrrp.state", { state: "MASTER" });
      else assert.fail(`unexpected ${m.type}`);
    });
    assert.equal(client.clientId, 0x79711a7a);
    const o = await obj;
    assert.deepEqual([o?.path, o?.objid, o?.objtype, o?.hasSubscribers], ["vrrp", 0x65481a68, 0xaf65ea5d, false]);
    await event;
    assert.deepEqual(log, ["set MASTER by root"]);
  });

  it("subscribe: tracks ACTIVE, notifies with NO_REPLY", async () => {
    const { transport, written } = fakeTransport();
    const client = new UbusClient(transport);
    const active: boolean[] = [];
    let obj: UbusObject | undefined;
    await replay(conn1("subscribe-notify-noreply.log"), client, written, (m) => {
      const t = attrTable(m.attrs);
      if (m.type === UbusMsgType.addObject) {
        void client.addObject("vrrp", vrrpMethods([]), (a) => active.push(a)).then((o) => (obj = o));
      } else if (t.method === "send") void client.sendEvent("vrrp.state", { state: "FAULT" });
      else if (m.type === UbusMsgType.notify && obj !== undefined) {
        assert.equal(obj.hasSubscribers, true);
        client.notify(obj.objid, "state", { state: "FAULT" });
      } else assert.fail(`unexpected ${m.type}`);
    });
    assert.deepEqual(active, [true, false]);
    assert.equal(obj?.hasSubscribers, false);
  });
});

/** A scripted ubusd on a UNIX socket: HELLO, ADD_OBJECT, event send; the test sends INVOKEs through it. */
class Broker {
  readonly dir = mkdtempSync(join(tmpdir(), "vrrpd-ubus-"));
  readonly path = join(this.dir, "ubus.sock");
  readonly server: Server;
  socket: Socket | undefined;
  readonly received: UbusMessage[] = [];
  #waiters: (() => void)[] = [];
  silent = false;

  constructor() {
    this.server = createServer((socket) => {
      this.socket = socket;
      const reader = new FrameReader();
      socket.write(encodeMessage({ type: UbusMsgType.hello, seq: 0, peer: 0xc0ffee }));
      socket.on("data", (chunk) => {
        for (const r of reader.push(chunk)) {
          assert.ok(r.ok);
          this.received.push(r.value);
          this.#answer(r.value);
        }
        for (const w of this.#waiters.splice(0)) w();
      });
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.path, resolve));
  }

  send(type: number, seq: number, peer: number, attrs: UbusAttr[]): void {
    // Byte by byte: the client must reassemble.
    for (const b of encodeMessage({ type, seq, peer, attrs })) this.socket?.write(Uint8Array.of(b));
  }

  #answer(m: UbusMessage): void {
    if (this.silent) return;
    const status = (code: number): void => this.send(UbusMsgType.status, m.seq, m.peer, [{ attr: "status", value: code }]);
    if (m.type === UbusMsgType.addObject) {
      this.send(UbusMsgType.data, m.seq, m.peer, [{ attr: "objid", value: 0x1234 }, { attr: "objtype", value: 0x5678 }]);
      status(0);
    } else if (m.type === UbusMsgType.invoke && m.peer === 1) status(0);
  }

  /** Waits until the client has written `n` messages in total. */
  async until(n: number): Promise<UbusMessage[]> {
    while (this.received.length < n) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.received.slice(0, n);
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise((resolve) => this.server.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe("UbusClient: over a UNIX socket", () => {
  it("serves calls, validates arguments, answers errors as libubus does", async () => {
    const broker = new Broker();
    await broker.listen();
    const client = await connectUbus(broker.path, { timeoutMs: 2000 });
    assert.equal(client.clientId, 0xc0ffee);
    const obj = await client.addObject("vrrp", {
      ...vrrpMethods([]),
      slow: ubusMethod({ n: "int32" }, async (args) => {
        await tick();
        return { data: { doubled: (args.n ?? 0) * 2 } };
      }),
    });
    assert.deepEqual([obj.objid, obj.objtype], [0x1234, 0x5678]);

    const invoke = (seq: number, method: string, data: UbusAttr[] = [{ attr: "data", value: [] }], objid = 0x1234): void =>
      broker.send(UbusMsgType.invoke, seq, 0xcafe, [{ attr: "objid", value: objid }, { attr: "method", value: method }, ...data]);
    invoke(10, "status");
    invoke(11, "set", [{ attr: "data", value: [{ type: "int32", name: "state", value: 1 }] }]);
    invoke(12, "nosuch");
    invoke(13, "status", [], 0x1234);
    invoke(14, "status", undefined, 0x9999);
    invoke(15, "slow", [{ attr: "data", value: [{ type: "int64", name: "n", value: 21n }] }]);
    invoke(16, "set", [{ attr: "noReply", value: true }, { attr: "data", value: [{ type: "string", name: "state", value: "x" }] }]);
    invoke(17, "toString");

    // After the ADD_OBJECT; sorted by seq because the async reply may overtake later calls (stable sort keeps
    // each DATA before its STATUS).
    const got = (await broker.until(10)).slice(1).sort((a, b) => a.seq - b.seq);
    const summary = got.map((m) => {
      const t = attrTable(m.attrs);
      return `${m.type === UbusMsgType.data ? "DATA" : "STATUS"} seq=${m.seq} peer=${m.peer.toString(16)} objid=${t.objid?.toString(16)}` +
        (t.status !== undefined ? ` status=${t.status}` : ` ${JSON.stringify(blobmsgToJson(t.data ?? []))}`);
    });
    assert.deepEqual(summary, [
      'DATA seq=10 peer=cafe objid=1234 {"state":"BACKUP","instances":[{"name":"vi1","vrid":51,"prio":100}],"calls":1,"big":1099511627776,"ok":true,"ratio":0.5}',
      "STATUS seq=10 peer=cafe objid=1234 status=0",
      "STATUS seq=11 peer=cafe objid=1234 status=2", // state must be a string
      "STATUS seq=12 peer=cafe objid=1234 status=3",
      "STATUS seq=13 peer=cafe objid=1234 status=2", // no DATA attribute
      "STATUS seq=14 peer=cafe objid=9999 status=4",
      'DATA seq=15 peer=cafe objid=1234 {"doubled":42}', // an async handler
      "STATUS seq=15 peer=cafe objid=1234 status=0",
      "STATUS seq=17 peer=cafe objid=1234 status=3", // inherited Object.prototype members are not methods; 16 had NO_REPLY
    ]);

    await client.sendEvent("vrrp.state", { state: "MASTER" });
    const closed = new Promise<Error | undefined>((resolve) => (client.onClose = resolve));
    client.close();
    assert.equal(await closed, undefined);
    await broker.close();
  });

  it("requests time out, and fail with CONNECTION_FAILED when the connection drops", async () => {
    const broker = new Broker();
    await broker.listen();
    const client = await connectUbus(broker.path, { timeoutMs: 50 });
    broker.silent = true;
    assert.deepEqual(await client.request(UbusMsgType.ping, []), { status: UbusStatus.timeout, data: [] });
    const pending = client.request(UbusMsgType.ping, []);
    await broker.until(2);
    broker.socket?.destroy();
    assert.equal((await pending).status, UbusStatus.connectionFailed);
    await assert.rejects(client.addObject("x", {}), /Connection failed/);
    await broker.close();
  });

  it("a fatal framing error from the peer closes the connection", async () => {
    const broker = new Broker();
    await broker.listen();
    const client = await connectUbus(broker.path);
    const closed = new Promise<Error | undefined>((resolve) => (client.onClose = resolve));
    broker.socket?.write(Uint8Array.from([0, 2, 0, 1, 0, 0, 0, 0, 0, 0x20, 0, 0])); // top blob of 2 MiB
    assert.match(String(await closed), /exceeds/);
    await broker.close();
  });

  it("connecting to a missing socket rejects", async () => {
    await assert.rejects(connectUbus("/nonexistent/ubus.sock"), /Connection failed/);
  });
});
