// A ubus client on top of the pure codec: publish objects, answer calls, send events and notifications.
//
// The protocol logic works over a minimal transport (write bytes / close), fed through receive() and closed(),
// so it can be driven by recorded traffic in tests; connectUbus() glues it to a UNIX socket (the only node:net
// use in src/ubus). What it does follows libubus (see ubus-protocol.md §8, §9):
// - own requests are numbered 1, 2, ... per connection and matched to replies by (seq, peer);
// - an INVOKE is answered DATA {OBJID, DATA} (if the handler returned data) then STATUS {STATUS, OBJID}, both
//   echoing the INVOKE's seq and peer, and no STATUS when it carried NO_REPLY;
// - notifications are always sent with NO_REPLY (ubusd then answers nothing);
// - a fatal framing error closes the connection (as ubusd does); reconnecting is the owner's job (connection.ts);
// - nothing here may throw into the socket's event handlers: encode failures and full send queues are reported
//   through onError and turned into a status, never an exception (a daemon must survive a bad reply or peer).
import { createConnection } from "node:net";
import type { Result } from "../lib/result.ts";
import type { BlobmsgAttr } from "./blobmsg.ts";
import type { JsonConvertError } from "./blobmsg-json.ts";
import { jsonToBlobmsg } from "./blobmsg-json.ts";
import { FrameReader } from "./frame-reader.ts";
import { encodeJsonMessageSliced } from "./json-message.ts";
import type { UbusAttr, UbusAttrTable, UbusMessage } from "./message.ts";
import { UbusMsgType, UbusStatus, attrTable, encodeMessage, ubusMaxMsglen, ubusSystemObjectEvent } from "./message.ts";
import { signatureToBlobmsg } from "./policy.ts";
import type { InvokeContext, UbusAnyHandler, UbusClientOptions, UbusMethod, UbusObject, UbusReply, UbusResponse, UbusTransport } from "./client-types.ts";
import { UbusError } from "./client-types.ts";

export type { InvokeContext, UbusAnyHandler, UbusClientOptions, UbusMethod, UbusObject, UbusReply, UbusResponse, UbusTransport } from "./client-types.ts";
export { UbusError, ubusMethod } from "./client-types.ts";

interface Published extends UbusObject {
  methods: Readonly<Record<string, UbusMethod>>;
  hasSubscribers: boolean;
  onSubscribers: ((active: boolean) => void) | undefined;
  onAny: UbusAnyHandler | undefined;
  /** ubusd's UNSUBSCRIBE {OBJID us, TARGET}: the object we subscribed to went away. */
  onUnsubscribed: ((target: number) => void) | undefined;
}

interface Pending {
  readonly data: UbusAttrTable[];
  readonly resolve: (r: UbusResponse) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

function tableData(data: Readonly<Record<string, unknown>>, what: string): readonly BlobmsgAttr[] {
  const r = jsonToBlobmsg(data);
  if (!r.ok) throw new UbusError(UbusStatus.invalidArgument, `${what}: ${r.error.path}: ${r.error.message}`);
  return r.value;
}

export class UbusClient {
  readonly #transport: UbusTransport;
  readonly #reader = new FrameReader();
  readonly #timeoutMs: number;
  readonly #maxBacklog: number;
  readonly #onError: (error: Error) => void;
  readonly #replySliceMs: number;
  readonly #pending = new Map<string, Pending>();
  readonly #objects = new Map<number, Published>();
  #seq = 0;
  #clientId: number | undefined;
  #closed = false;
  #helloWaiters: ((id: number | undefined) => void)[] = [];
  /** Called once when the connection is gone (EOF, error, fatal framing error, or close()). */
  onClose: ((error?: Error) => void) | undefined;

  constructor(transport: UbusTransport, options: UbusClientOptions = {}) {
    this.#transport = transport;
    this.#timeoutMs = options.timeoutMs ?? 30000;
    this.#maxBacklog = options.maxBacklogBytes ?? ubusMaxMsglen;
    this.#onError = options.onError ?? (() => undefined);
    this.#replySliceMs = options.replySliceMs ?? 2;
  }

  /** False once the connection is gone: the owner must make a new client. */
  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Our client id from HELLO (for logs only: it changes on every connection). */
  get clientId(): number | undefined {
    return this.#clientId;
  }

  /** Resolves with the client id once HELLO has arrived; rejects if the connection closes first. */
  ready(): Promise<number> {
    const lost = (): UbusError => new UbusError(UbusStatus.connectionFailed, "ubus connection");
    if (this.#clientId !== undefined) return Promise.resolve(this.#clientId);
    if (this.#closed) return Promise.reject(lost());
    return new Promise((resolve, reject) => this.#helloWaiters.push((id) => (id !== undefined ? resolve(id) : reject(lost()))));
  }

  /** Feed bytes read from the socket. */
  receive(chunk: Uint8Array): void {
    for (const r of this.#reader.push(chunk)) {
      if (r.ok) this.#safely(() => this.#dispatch(r.value));
      else if (r.error.fatal) return this.closed(new Error(`ubus stream: ${r.error.message}`));
      else this.#onError(new Error(`ubus message dropped: ${r.error.message}`));
    }
  }

  /** The transport reports EOF or an error. Fails every pending request with CONNECTION_FAILED. */
  closed(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
    for (const [key, p] of this.#pending) {
      clearTimeout(p.timer);
      this.#pending.delete(key);
      p.resolve({ status: UbusStatus.connectionFailed, data: p.data });
    }
    for (const w of this.#helloWaiters.splice(0)) w(undefined);
    this.#safely(() => this.onClose?.(error));
  }

  close(): void {
    this.closed();
  }

  /** Runs code that may call back into the owner: whatever it throws is reported, never thrown into the socket. */
  #safely(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.#onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Encodes and writes one message; false (reported through onError) when it could not be sent. */
  #send(type: number, seq: number, peer: number, attrs: readonly UbusAttr[]): boolean {
    if (this.#closed) return false;
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage({ type, seq, peer, attrs });
    } catch (e) {
      this.#onError(new Error(`ubus message type ${type} not sent: ${e instanceof Error ? e.message : String(e)}`));
      return false;
    }
    return this.#write(bytes, type);
  }

  /** Writes an encoded message unless the send queue is over its bound. */
  #write(bytes: Uint8Array, type: number): boolean {
    if (this.#closed) return false;
    const backlog = this.#transport.backlog?.() ?? 0;
    if (backlog + bytes.length > this.#maxBacklog) {
      this.#onError(new Error(`ubus send queue full (${backlog} bytes waiting): message type ${type} dropped`));
      return false;
    }
    this.#transport.write(bytes);
    return true;
  }

  #nextSeq(): number {
    this.#seq = (this.#seq + 1) & 0xffff;
    return this.#seq;
  }

  /** Sends a request and collects its DATA replies until the STATUS (or the timeout: TIMEOUT). */
  request(type: number, attrs: readonly UbusAttr[], peer = 0): Promise<UbusResponse> {
    if (this.#closed) return Promise.resolve({ status: UbusStatus.connectionFailed, data: [] });
    const seq = this.#nextSeq();
    const key = `${seq}:${peer}`;
    const data: UbusAttrTable[] = [];
    const done = new Promise<UbusResponse>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(key);
        resolve({ status: UbusStatus.timeout, data });
      }, this.#timeoutMs);
      this.#pending.set(key, { data, resolve, timer });
    });
    if (!this.#send(type, seq, peer, attrs)) this.#settle(key, UbusStatus.noMemory);
    return done;
  }

  #settle(key: string, status: number): void {
    const p = this.#pending.get(key);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.#pending.delete(key);
    p.resolve({ status, data: p.data });
  }

  /** ADD_OBJECT with a signature built from the methods' policies. */
  async addObject(path: string, methods: Readonly<Record<string, UbusMethod>>, onSubscribers?: (active: boolean) => void): Promise<UbusObject> {
    const signature = signatureToBlobmsg(Object.fromEntries(Object.entries(methods).map(([name, m]) => [name, m.policy])));
    const r = await this.request(UbusMsgType.addObject, [{ attr: "objpath", value: path }, { attr: "signature", value: signature }]);
    if (r.status !== UbusStatus.ok) throw new UbusError(r.status, `add object "${path}"`);
    const { objid, objtype } = r.data[0] ?? {};
    // STATUS 0 without OBJTYPE means ubusd did not accept the signature: the object would be invisible.
    if (objid === undefined || objtype === undefined) throw new UbusError(UbusStatus.invalidArgument, `add object "${path}": no object type`);
    const obj: Published = { path, objid, objtype, methods, hasSubscribers: false, onSubscribers, onAny: undefined, onUnsubscribed: undefined };
    this.#objects.set(objid, obj);
    return obj;
  }

  /**
   * ADD_OBJECT with an empty body: an anonymous object (not listed, not lookup-able), the endpoint libubus uses
   * for event listeners and subscribers. Every INVOKE to it goes to `onAny`.
   */
  async addAnonymousObject(onAny: UbusAnyHandler, onUnsubscribed?: (target: number) => void): Promise<UbusObject> {
    const r = await this.request(UbusMsgType.addObject, []);
    if (r.status !== UbusStatus.ok) throw new UbusError(r.status, "add anonymous object");
    const objid = r.data[0]?.objid;
    if (objid === undefined) throw new UbusError(UbusStatus.invalidArgument, "add anonymous object: no object id");
    const obj: Published = { path: "", objid, objtype: 0, methods: {}, hasSubscribers: false, onSubscribers: undefined, onAny, onUnsubscribed };
    this.#objects.set(objid, obj);
    return obj;
  }

  async removeObject(objid: number): Promise<void> {
    this.#objects.delete(objid);
    const r = await this.request(UbusMsgType.removeObject, [{ attr: "objid", value: objid }]);
    if (r.status !== UbusStatus.ok) throw new UbusError(r.status, `remove object ${objid}`);
  }

  /** `ubus send`: ubusd answers OK whether or not anyone listens. */
  async sendEvent(id: string, data: Readonly<Record<string, unknown>>): Promise<void> {
    const value = tableData(data, `event ${id}`);
    const r = await this.request(UbusMsgType.invoke, [
      { attr: "objid", value: ubusSystemObjectEvent },
      { attr: "method", value: "send" },
      { attr: "data", value: [{ type: "string", name: "id", value: id }, { type: "table", name: "data", value }] },
    ], ubusSystemObjectEvent);
    if (r.status !== UbusStatus.ok) throw new UbusError(r.status, `send event ${id}`);
  }

  /** Notifies the subscribers of one of our objects (NO_REPLY: nothing comes back). */
  notify(objid: number, type: string, data: Readonly<Record<string, unknown>>): boolean {
    const value = tableData(data, `notify ${type}`);
    return this.#send(UbusMsgType.notify, this.#nextSeq(), objid, [
      { attr: "objid", value: objid },
      { attr: "method", value: type },
      { attr: "data", value },
      { attr: "noReply", value: true },
    ]);
  }

  #dispatch(m: UbusMessage): void {
    const t = attrTable(m.attrs);
    switch (m.type) {
      case UbusMsgType.hello:
        this.#clientId = m.peer;
        for (const w of this.#helloWaiters.splice(0)) w(m.peer);
        return;
      case UbusMsgType.data:
      case UbusMsgType.status: {
        const key = `${m.seq}:${m.peer}`;
        const p = this.#pending.get(key);
        if (p === undefined) return; // late reply after a timeout
        if (m.type === UbusMsgType.data) return void p.data.push(t);
        clearTimeout(p.timer);
        this.#pending.delete(key);
        p.resolve({ status: t.status ?? UbusStatus.unknownError, data: p.data });
        return;
      }
      case UbusMsgType.invoke:
        return this.#invoke(m, t);
      case UbusMsgType.notify: {
        const obj = t.objid !== undefined ? this.#objects.get(t.objid) : undefined;
        if (obj !== undefined && t.active !== undefined) {
          obj.hasSubscribers = t.active;
          obj.onSubscribers?.(t.active);
        }
        return;
      }
      case UbusMsgType.unsubscribe: {
        const obj = t.objid !== undefined ? this.#objects.get(t.objid) : undefined;
        if (obj !== undefined && t.target !== undefined) obj.onUnsubscribed?.(t.target);
        return;
      }
      default:
        return; // unknown types: ignored, as libubus does
    }
  }

  /** DATA {OBJID, DATA explain()} for a reply that could not be sent; a failure here is only reported. */
  #sendExplanation(m: UbusMessage, objid: number, method: string, explain: () => Readonly<Record<string, unknown>>): void {
    try {
      this.#send(UbusMsgType.data, m.seq, m.peer, [{ attr: "objid", value: objid }, { attr: "data", value: tableData(explain(), `explanation of ${method}`) }]);
    } catch (e) {
      this.#onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #invoke(m: UbusMessage, t: UbusAttrTable): void {
    const { objid, method } = t;
    if (objid === undefined || method === undefined) return; // ubusd never forwards these; a reply could not be routed
    const sendStatus = (status: number): void => {
      if (t.noReply !== true) this.#send(UbusMsgType.status, m.seq, m.peer, [{ attr: "status", value: status }, { attr: "objid", value: objid }]);
    };
    const reply = (status: number, data?: Readonly<Record<string, unknown>>, replyFailed?: UbusMethod["replyFailed"]): void => {
      if (data === undefined) return sendStatus(status);
      // Straight from JSON to bytes, and in slices: replies are the big messages (a 255-instance status is
      // ~320 KiB), and encoding one must not hold up the event loop, where the protocol's timers run.
      // A small reply is sent at once; a big one once its last slice is encoded.
      const send = (bytes: Result<Uint8Array, JsonConvertError>): void => {
        if (!bytes.ok) {
          const reason = `${bytes.error.path === "$" ? "" : `${bytes.error.path}: `}${bytes.error.message}`;
          this.#onError(new Error(`reply to ${method}: ${reason}`));
          status = UbusStatus.unknownError; // e.g. a reply over 1 MiB: the caller gets an error, not a timeout
          if (replyFailed !== undefined) this.#sendExplanation(m, objid, method, () => replyFailed(reason));
        } else if (!this.#write(bytes.value, UbusMsgType.data)) {
          status = UbusStatus.unknownError;
        }
        sendStatus(status);
      };
      const failed = (e: unknown): void => {
        this.#onError(new Error(`reply to ${method}: ${e instanceof Error ? e.message : String(e)}`));
        sendStatus(UbusStatus.unknownError);
      };
      try {
        const bytes = encodeJsonMessageSliced({ type: UbusMsgType.data, seq: m.seq, peer: m.peer, attrs: [{ attr: "objid", value: objid }] }, data, this.#replySliceMs);
        if (bytes instanceof Promise) bytes.then(send, failed);
        else send(bytes);
      } catch (e) {
        failed(e); // a getter in the reply threw
      }
    };
    const obj = this.#objects.get(objid);
    if (obj === undefined) return reply(UbusStatus.notFound);
    const ctx: InvokeContext = { objid, method, ...(t.user !== undefined && { user: t.user }), ...(t.group !== undefined && { group: t.group }) };
    if (obj.onAny !== undefined) {
      try {
        const r = obj.onAny(method, t.data, ctx);
        return reply(r?.status ?? UbusStatus.ok, r?.data);
      } catch (e) {
        this.#onError(e instanceof Error ? e : new Error(String(e)));
        return reply(UbusStatus.unknownError);
      }
    }
    const handler = obj.methods[method];
    if (handler === undefined || !Object.hasOwn(obj.methods, method)) return reply(UbusStatus.methodNotFound);
    if (t.data === undefined) return reply(UbusStatus.invalidArgument);
    const fail = (e: unknown): void => {
      this.#onError(e instanceof Error ? e : new Error(String(e)));
      reply(UbusStatus.unknownError);
    };
    const done = (r: UbusReply | undefined): void => reply(r?.status ?? UbusStatus.ok, r?.data, handler.replyFailed);
    try {
      const r = handler.invoke(t.data, ctx);
      if (r instanceof Promise) r.then(done, fail);
      else done(r); // synchronous handlers answer before the next message is processed
    } catch (e) {
      fail(e);
    }
  }
}

export interface ConnectOptions extends UbusClientOptions {
  /**
   * How long to wait for HELLO (default 5 s). ubusd sends it at once; a socket that accepts and stays silent is
   * not ubusd (or a hung one), and waiting on it forever would stall reconnection.
   */
  readonly helloTimeoutMs?: number;
}

/** Connects to ubusd's UNIX socket and waits for HELLO. */
export async function connectUbus(path = "/var/run/ubus/ubus.sock", options: ConnectOptions = {}): Promise<UbusClient> {
  const socket = createConnection(path);
  const client = new UbusClient({ write: (b) => socket.write(b), close: () => socket.destroy(), backlog: () => socket.writableLength }, options);
  socket.on("data", (chunk: Buffer) => client.receive(chunk));
  socket.on("error", (e) => client.closed(e));
  socket.on("close", () => client.closed());
  const helloTimeoutMs = options.helloTimeoutMs ?? 5000;
  const timer = setTimeout(() => client.closed(new Error(`no HELLO from ${path} within ${helloTimeoutMs} ms`)), helloTimeoutMs);
  try {
    await client.ready();
  } finally {
    clearTimeout(timer);
  }
  return client;
}
