// An in-test ubusd: the broker side of ubus-protocol.md, written after ubusd_proto.c / ubusd_event.c /
// ubusd_obj.c, so that the daemon's ubus code can be tested end to end without OpenWrt. It is checked against
// the real captures (ubus-object.test.ts replays the CLI's and daemon's messages and compares what it answers
// with what the real ubusd answered, byte for byte).
//
// Covered: HELLO; PING; ADD_OBJECT (named with signature, anonymous, duplicate path → 2, type-less on a bad
// signature) with the ubus.object.add event; REMOVE_OBJECT; LOOKUP (exact, prefix*, all); INVOKE forwarding
// with USER/GROUP and the seq/peer rules; DATA/STATUS relaying with peer rewritten to the object id and
// ubusd's silent drops; the event object (register, send, no loopback, one delivery per object);
// SUBSCRIBE/UNSUBSCRIBE with NOTIFY {ACTIVE}; NOTIFY with and without NO_REPLY; cleanup on disconnect;
// unknown types → STATUS 1; the 1 MiB limit (disconnect). Not covered: ACLs (everyone is root), monitor, fds.
import { randomInt } from "node:crypto";
import { rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { BlobmsgAttr } from "../../src/ubus/blobmsg.ts";
import { FrameReader } from "../../src/ubus/frame-reader.ts";
import type { UbusAttr, UbusAttrTable, UbusMessage } from "../../src/ubus/message.ts";
import { blobParseAttrs } from "../../src/ubus/blob.ts";
import { UbusAttrId, UbusMsgType as T, UbusStatus as S, attrTable, decodeMessage, encodeMessage, ubusFramePrefixLen } from "../../src/ubus/message.ts";
import { signatureFromBlobmsg } from "../../src/ubus/policy.ts";

export type IdKind = "client" | "object" | "type";

interface Obj {
  readonly id: number;
  readonly conn: BrokerConn;
  readonly path: string | undefined;
  readonly type: { readonly id: number; readonly signature: readonly BlobmsgAttr[]; refs: number } | undefined;
  readonly patterns: string[];
  readonly subscribers: Obj[]; // newest first, as list_add does
  readonly targets: Obj[];
  invokeSeq: number;
  eventSeen: number;
}

export interface BrokerOptions {
  /** Id source (default: random ≥ 1024, unique per kind); the capture replay feeds the recorded ids. */
  readonly ids?: (kind: IdKind) => number;
  readonly user?: string;
  readonly group?: string;
}

export class BrokerConn {
  readonly reader = new FrameReader();
  readonly objects: Obj[] = [];
  closed = false;
  constructor(
    readonly id: number,
    readonly write: (bytes: Uint8Array) => void,
    readonly end: () => void,
  ) {}
}

export class UbusBroker {
  readonly conns = new Set<BrokerConn>();
  readonly objects = new Map<number, Obj>();
  /** Messages that ubusd would drop silently (for assertions). */
  readonly dropped: string[] = [];
  readonly #used = new Set<string>();
  #eventSeq = 0;
  #objEventSeq = 1;
  #types = new Map<number, NonNullable<Obj["type"]>>();
  #server: Server | undefined;
  #sockets = new Set<Socket>();

  constructor(private readonly options: BrokerOptions = {}) {}

  #id(kind: IdKind): number {
    for (;;) {
      const id = this.options.ids?.(kind) ?? randomInt(1024, 0xffffffff);
      if (!this.#used.has(`${kind}:${id}`)) return this.#used.add(`${kind}:${id}`), id;
    }
  }

  /** A new client: HELLO with its id (or the given one). */
  accept(write: (bytes: Uint8Array) => void, end: () => void, clientId?: number): BrokerConn {
    const conn = new BrokerConn(clientId ?? this.#id("client"), write, end);
    this.conns.add(conn);
    this.#send(conn, T.hello, 0, conn.id, []);
    return conn;
  }

  receive(conn: BrokerConn, chunk: Uint8Array): void {
    for (const frame of conn.reader.pushFrames(chunk)) {
      if (!frame.ok) return this.disconnect(conn); // ubusd: bad length → disconnect
      const type = frame.value[1];
      if (type === T.data || type === T.status) {
        this.#response(conn, frame.value);
        continue;
      }
      const r = decodeMessage(frame.value);
      if (!r.ok) {
        this.dropped.push(`undecodable: ${r.error.message}`);
        continue;
      }
      this.#handle(conn, r.value);
    }
  }

  /** ubusd_proto_free_client: every object of the client goes, with its subscriptions and patterns. */
  disconnect(conn: BrokerConn): void {
    if (conn.closed) return;
    conn.closed = true;
    this.conns.delete(conn);
    for (const obj of [...conn.objects]) this.#freeObject(obj);
    conn.end();
  }

  #send(conn: BrokerConn, type: number, seq: number, peer: number, attrs: readonly UbusAttr[]): void {
    if (!conn.closed) conn.write(encodeMessage({ type, seq, peer, attrs }));
  }

  #status(conn: BrokerConn, m: UbusMessage, code: number): void {
    this.#send(conn, T.status, m.seq, m.peer, [{ attr: "status", value: code }]);
  }

  #handle(conn: BrokerConn, m: UbusMessage): void {
    const t = attrTable(m.attrs);
    const handlers: Partial<Record<number, () => number | undefined>> = {
      [T.ping]: () => (this.#send(conn, T.data, m.seq, m.peer, m.attrs), 0),
      [T.addObject]: () => this.#addObject(conn, m, t),
      [T.removeObject]: () => this.#removeObject(conn, m, t),
      [T.lookup]: () => this.#lookup(conn, m, t),
      [T.invoke]: () => this.#invoke(conn, m, t),
      [T.subscribe]: () => this.#subscribe(conn, t),
      [T.unsubscribe]: () => this.#unsubscribe(conn, t),
      [T.notify]: () => this.#notify(conn, m, t),
    };
    const code = handlers[m.type]?.() ?? (m.type in handlers ? undefined : S.invalidCommand);
    if (code !== undefined) this.#status(conn, m, code);
  }

  #addObject(conn: BrokerConn, m: UbusMessage, t: UbusAttrTable): number {
    if (t.objpath !== undefined && [...this.objects.values()].some((o) => o.path === t.objpath)) return S.invalidArgument;
    let type: Obj["type"];
    if (t.signature !== undefined && signatureFromBlobmsg(t.signature).ok && t.signature.every((e) => e.name !== "")) {
      type = { id: this.#id("type"), signature: t.signature, refs: 1 };
      this.#types.set(type.id, type);
    } else if (t.objtype !== undefined) {
      type = this.#types.get(t.objtype);
      if (type) type.refs++;
    }
    const obj: Obj = { id: this.#id("object"), conn, path: t.objpath, type, patterns: [], subscribers: [], targets: [], invokeSeq: 0, eventSeen: 0 };
    this.objects.set(obj.id, obj);
    conn.objects.push(obj);
    if (obj.path !== undefined) this.#objectEvent(obj, "ubus.object.add");
    const attrs: UbusAttr[] = [{ attr: "objid", value: obj.id }];
    if (t.signature !== undefined && type) attrs.push({ attr: "objtype", value: type.id });
    this.#send(conn, T.data, m.seq, m.peer, attrs);
    return S.ok;
  }

  #removeObject(conn: BrokerConn, m: UbusMessage, t: UbusAttrTable): number {
    if (t.objid === undefined) return S.invalidArgument;
    const obj = this.objects.get(t.objid);
    if (!obj) return S.notFound;
    if (obj.conn !== conn) return S.permissionDenied;
    const attrs: UbusAttr[] = [{ attr: "objid", value: obj.id }];
    if (obj.type?.refs === 1) attrs.push({ attr: "objtype", value: obj.type.id });
    this.#send(conn, T.data, m.seq, m.peer, attrs);
    this.#freeObject(obj);
    return S.ok;
  }

  #freeObject(obj: Obj): void {
    // ubusd_free_object: leave what it subscribed to, then tell its subscribers it is gone.
    for (const target of [...obj.targets]) this.#dropSubscription(obj, target);
    for (const s of [...obj.subscribers]) {
      this.#send(s.conn, T.unsubscribe, ++s.invokeSeq, 0, [{ attr: "objid", value: s.id }, { attr: "target", value: obj.id }]);
      this.#dropSubscription(s, obj);
    }
    if (obj.type && --obj.type.refs === 0) this.#types.delete(obj.type.id);
    this.objects.delete(obj.id);
    obj.conn.objects.splice(obj.conn.objects.indexOf(obj), 1);
    if (obj.path !== undefined) this.#objectEvent(obj, "ubus.object.remove");
  }

  #lookup(conn: BrokerConn, m: UbusMessage, t: UbusAttrTable): number {
    const typed = [...this.objects.values()].filter((o) => o.path !== undefined && o.type).sort((a, b) => ((a.path ?? "") < (b.path ?? "") ? -1 : 1));
    let found = typed;
    if (t.objpath !== undefined) {
      if (t.objpath === "") return S.invalidArgument;
      const prefix = t.objpath.endsWith("*") ? t.objpath.slice(0, -1) : undefined;
      found = typed.filter((o) => (prefix !== undefined ? (o.path ?? "").startsWith(prefix) : o.path === t.objpath));
      if (found.length === 0) return S.notFound;
    }
    for (const o of found) {
      this.#send(conn, T.data, m.seq, m.peer, [
        { attr: "objpath", value: o.path ?? "" },
        { attr: "objid", value: o.id },
        { attr: "objtype", value: o.type?.id ?? 0 },
        { attr: "signature", value: o.type?.signature ?? [] },
      ]);
    }
    return S.ok;
  }

  #forward(caller: BrokerConn, to: Obj, m: UbusMessage, method: string, data: UbusAttrTable["data"], noReply: boolean): void {
    const attrs: UbusAttr[] = noReply ? [{ attr: "noReply", value: true }] : [];
    attrs.push({ attr: "objid", value: to.id }, { attr: "method", value: method });
    attrs.push({ attr: "user", value: this.options.user ?? "root" }, { attr: "group", value: this.options.group ?? "root" });
    if (data !== undefined) attrs.push({ attr: "data", value: data });
    this.#send(to.conn, T.invoke, m.seq, caller.id, attrs);
  }

  #invoke(conn: BrokerConn, m: UbusMessage, t: UbusAttrTable): number | undefined {
    if (t.method === undefined || t.objid === undefined) return S.invalidArgument;
    if (t.objid === 1) return this.#eventObject(conn, t.method, t.data);
    const obj = this.objects.get(t.objid);
    if (!obj) return S.notFound;
    this.#forward(conn, obj, m, t.method, t.data, false);
    return undefined;
  }

  /**
   * ubusd_handle_response: relayed only when the replier owns OBJID and the peer is a live client. Like ubusd,
   * it reads only the top-level attributes (ubus_parse_msg): OBJID and STATUS must be int32s, DATA need only be
   * there, its blobmsg content is not looked at (a 255-instance status is relayed, not decoded).
   */
  #response(conn: BrokerConn, raw: Uint8Array): void {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const type = raw[1];
    const seq = view.getUint16(2);
    const peer = view.getUint32(4);
    const attrs = blobParseAttrs(raw, ubusFramePrefixLen, raw.length);
    if (!attrs.ok) return void this.dropped.push(`undecodable: ${attrs.error.message}`);
    // blob_parse: the last occurrence wins (blob_id() ignores the ext bit); an int32 is exactly 4 bytes.
    const int32 = (id: number): number | undefined => {
      const a = attrs.value.filter((x) => x.id === id).pop();
      return a?.data.length === 4 ? new DataView(a.data.buffer, a.data.byteOffset, 4).getUint32(0) : undefined;
    };
    const objid = int32(UbusAttrId.objid);
    const obj = objid !== undefined ? this.objects.get(objid) : undefined;
    const to = [...this.conns].find((c) => c.id === peer);
    const complete = type === T.status ? int32(UbusAttrId.status) !== undefined : attrs.value.some((x) => x.id === UbusAttrId.data);
    if (!obj || obj.conn !== conn || !to || !complete) {
      this.dropped.push(`response seq=${seq} peer=${peer.toString(16)}`);
    } else if (!to.closed) {
      // Relayed as is, only the header's peer rewritten to the object id (ubusd does not re-encode either).
      const out = raw.slice();
      new DataView(out.buffer).setUint32(4, obj.id);
      to.write(out);
    }
  }

  #eventObject(conn: BrokerConn, method: string, data: UbusAttrTable["data"]): number {
    const arg = (name: string): BlobmsgAttr | undefined => data?.find((a) => a.name === name);
    if (method === "register") {
      const object = arg("object");
      const pattern = arg("pattern");
      if (object?.type !== "int32" || pattern?.type !== "string") return S.invalidArgument;
      const id = object.value >>> 0;
      if (id < 1024) return S.permissionDenied;
      const obj = this.objects.get(id);
      if (!obj) return S.notFound;
      if (obj.conn !== conn) return S.permissionDenied;
      obj.patterns.push(pattern.value);
      return S.ok;
    }
    if (method === "send") {
      const id = arg("id");
      const payload = arg("data");
      if (id?.type !== "string" || payload?.type !== "table") return S.invalidArgument;
      if (id.value.startsWith("ubus.")) return S.permissionDenied;
      this.#event(conn, id.value, payload.value);
      return S.ok;
    }
    return S.invalidCommand;
  }

  /** ubusd_send_event: each listening object once, never the sender's own. */
  #event(sender: BrokerConn | undefined, id: string, data: readonly BlobmsgAttr[]): void {
    this.#objEventSeq++;
    for (const obj of this.objects.values()) {
      if (obj.conn === sender || obj.eventSeen === this.#objEventSeq) continue;
      if (!obj.patterns.some((p) => (p.endsWith("*") ? id.startsWith(p.slice(0, -1)) : id === p))) continue;
      obj.eventSeen = this.#objEventSeq;
      this.#send(obj.conn, T.invoke, ++this.#eventSeq & 0xffff, 0, [{ attr: "objid", value: obj.id }, { attr: "method", value: id }, { attr: "data", value: data }]);
    }
  }

  #objectEvent(obj: Obj, id: string): void {
    this.#event(undefined, id, [{ type: "int32", name: "id", value: obj.id }, { type: "string", name: "path", value: obj.path ?? "" }]);
  }

  #activeChanged(target: Obj): void {
    this.#send(target.conn, T.notify, ++target.invokeSeq, 0, [{ attr: "objid", value: target.id }, { attr: "active", value: target.subscribers.length > 0 }]);
  }

  #subscribe(conn: BrokerConn, t: UbusAttrTable): number {
    if (t.objid === undefined || t.target === undefined) return S.invalidArgument;
    const obj = this.objects.get(t.objid);
    if (!obj) return S.notFound;
    if (obj.conn !== conn) return S.invalidArgument;
    const target = this.objects.get(t.target);
    if (!target) return S.notFound;
    if (target.conn === conn) return S.invalidArgument;
    const first = target.subscribers.length === 0;
    target.subscribers.unshift(obj);
    obj.targets.unshift(target);
    if (first) this.#activeChanged(target);
    return S.ok;
  }

  #dropSubscription(subscriber: Obj, target: Obj): void {
    subscriber.targets.splice(subscriber.targets.indexOf(target), 1);
    target.subscribers.splice(target.subscribers.indexOf(subscriber), 1);
    if (target.subscribers.length === 0) this.#activeChanged(target);
  }

  #unsubscribe(conn: BrokerConn, t: UbusAttrTable): number {
    if (t.objid === undefined || t.target === undefined) return S.invalidArgument;
    const obj = this.objects.get(t.objid);
    if (!obj) return S.notFound;
    if (obj.conn !== conn) return S.invalidArgument;
    const target = obj.targets.find((x) => x.id === t.target);
    if (!target) return S.notFound;
    this.#dropSubscription(obj, target);
    return S.ok;
  }

  #notify(conn: BrokerConn, m: UbusMessage, t: UbusAttrTable): number | undefined {
    if (t.method === undefined || t.objid === undefined) return S.invalidArgument;
    const obj = this.objects.get(t.objid);
    if (!obj) return S.notFound;
    if (obj.conn !== conn) return S.permissionDenied;
    const noReply = t.noReply === true;
    if (!noReply) {
      this.#send(conn, T.status, m.seq, m.peer, [{ attr: "objid", value: obj.id }, { attr: "subscribers", value: obj.subscribers.map((s) => s.id) }, { attr: "status", value: 0 }]);
    }
    for (const s of obj.subscribers) this.#forward(conn, s, m, t.method, t.data, noReply);
    return undefined;
  }

  // ---- a UNIX socket in front of it ---------------------------------------------------------------------

  /** Listens on `path`; `dir` (if given) is removed by close(). */
  listen(path: string): Promise<void> {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      const conn = this.accept((b) => void socket.write(b), () => socket.destroy());
      socket.on("data", (chunk: Buffer) => this.receive(conn, chunk));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        this.#sockets.delete(socket);
        this.disconnect(conn);
      });
    });
    const server = this.#server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => resolve());
    });
  }

  /** The connection whose client registered `path` (to inject traffic into it). */
  ownerOf(path: string): BrokerConn | undefined {
    return [...this.objects.values()].find((o) => o.path === path)?.conn;
  }

  /** Stops like a killed ubusd: every client sees EOF; the socket file is removed. */
  async close(socketPath?: string): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (socketPath !== undefined) rmSync(socketPath, { force: true });
  }
}
