// The ubus object `vrrp` end to end: a real Runtime and API behind UbusConnection + VrrpUbusObject, an in-test
// ubusd (ubus-broker.ts, itself checked against the real captures first) on a UNIX socket, and UbusClients in
// the part of the `ubus` CLI (call, listen, subscribe) and of procd (the `service` object).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { errorSchema, stateEventSchema } from "../../src/daemon/api-contract.ts";
import { BRIEF_INSTANCE_FIELDS, statusBriefSchema, statusSchema } from "../../src/daemon/api-contract-status.ts";
import { conform } from "../../src/daemon/api-schema.ts";
import { VrrpUbusObject } from "../../src/daemon/ubus-object.ts";
import { blobmsgToJson, type JsonObject } from "../../src/ubus/blobmsg-json.ts";
import { connectUbus, ubusMethod, type UbusClient } from "../../src/ubus/client.ts";
import { UbusConnection } from "../../src/ubus/connection.ts";
import { UbusMsgType, encodeMessage } from "../../src/ubus/message.ts";
import { ubusCall, ubusInvoke, ubusListen, ubusLookup, ubusSubscribe } from "../../src/ubus/requests.ts";
import { lanInstances, quiet, startTestDaemon, until, wait, type TestDaemon } from "./api-fixture.ts";
import { replayIntoBroker } from "./broker-replay.ts";
import { UbusBroker } from "./ubus-broker.ts";

describe("the in-test broker reproduces the real ubusd captures", () => {
  const runs = [
    ["call-status.log", "call-method-error.log", "event-send-listen.log"],
    ["subscribe-notify-noreply.log"],
    ["notify-with-reply.log"],
    ["example-server-register.log"],
    ["example-server-call-with-fd.log"],
  ];
  for (const files of runs) {
    it(files.join(" + "), () => {
      const { mismatches, compared } = replayIntoBroker(files);
      assert.ok(compared > 4);
      assert.deepEqual(mismatches, []);
    });
  }
});

describe("ubus object vrrp against the broker", () => {
  let dir: string;
  let path: string;
  let broker: UbusBroker;
  let daemon: TestDaemon;
  let bus: UbusConnection;
  let vrrp: VrrpUbusObject;
  let cli: UbusClient;
  let procd: UbusClient;
  const serviceEvents: JsonObject[] = [];
  const logs: string[] = [];

  const newBroker = async (): Promise<UbusBroker> => {
    const b = new UbusBroker();
    await b.listen(path);
    return b;
  };
  /** procd's `service` object with its `event` method, recording calls. */
  const startProcd = async (): Promise<UbusClient> => {
    const c = await connectUbus(path);
    await c.addObject("service", {
      event: ubusMethod({ type: { type: "string", required: true }, data: "table" }, (args) => {
        serviceEvents.push({ type: args.type, data: args.data ?? {} });
        return undefined;
      }),
    });
    return c;
  };
  const objid = async (c: UbusClient): Promise<number | undefined> => (await ubusLookup(c, "vrrp")).objects[0]?.objid;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-ubus-object-"));
    path = join(dir, "ubus.sock");
    daemon = await startTestDaemon({ instances: lanInstances(1, 200) });
    await until("master", () => daemon.runtime.status().instances[0]?.state === "master");
  });
  after(async () => {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    broker = await newBroker();
    procd = await startProcd();
    bus = new UbusConnection({ socketPaths: [path], backoffInitialMs: 300, backoffMaxMs: 1000, helloTimeoutMs: 500, log: (l, m) => logs.push(`${l}: ${m}`) });
    vrrp = new VrrpUbusObject(bus, daemon.api, quiet);
    daemon.runtime.stateListeners.push(vrrp.onStateEvent);
    bus.start();
    assert.ok(await bus.whenReady(2000), "the daemon registered");
    cli = await connectUbus(path);
  });
  afterEach(async () => {
    daemon.runtime.stateListeners.splice(daemon.runtime.stateListeners.indexOf(vrrp.onStateEvent), 1);
    bus.stop();
    cli.close();
    procd.close();
    await broker.close(path);
    serviceEvents.length = 0;
  });

  it("registers vrrp with the contract's signature (ubus -v list vrrp)", async () => {
    const found = await ubusLookup(cli, "vrrp");
    assert.equal(found.objects.length, 1);
    assert.deepEqual(found.objects[0]?.signature, {
      status: { instance: 3, brief: 7 },
      set_priority: { instance: 3, priority: 5 },
      switchover: { instance: 3, hold_off: 5 },
      reload: {},
      test_mail: {},
      handoff: { within: 5 },
      reset_counters: { instance: 3 },
    });
  });

  it("ubus call vrrp status / set_priority: replies and errors as the contract says", async () => {
    const r = await ubusCall(cli, "vrrp", "status");
    assert.equal(r.status, 0);
    assert.equal(r.data.length, 1);
    assert.deepEqual(conform(statusSchema, r.data[0]), []);
    assert.equal((r.data[0]?.["instances"] as Record<string, JsonObject>)["lan"]?.["state"], "master");

    const missing = await ubusCall(cli, "vrrp", "status", { instance: "wan" });
    assert.equal(missing.status, 4);
    assert.deepEqual(missing.data, [{ error: "not_found", message: 'no instance named "wan"', field: "instance" }]);
    const bad = await ubusCall(cli, "vrrp", "set_priority", { instance: "lan", priority: 300 });
    assert.equal(bad.status, 2);
    assert.deepEqual(conform(errorSchema, bad.data[0]), []);
    assert.equal(bad.data[0]?.["field"], "priority");
    const none = await ubusCall(cli, "vrrp", "set_priority", { instance: "lan", priority: null });
    assert.deepEqual([none.status, none.data[0]?.["priority_override"]], [0, null]);
    const id = await objid(cli);
    assert.equal((await ubusInvoke(cli, id ?? 0, "nosuch")).status, 3);
  });

  it("every method accepts the ubus_rpc_session uhttpd adds to LuCI's calls; any other unknown argument is still refused", async () => {
    const session = { ubus_rpc_session: "0123456789abcdef0123456789abcdef" };
    const status = await ubusCall(cli, "vrrp", "status", { instance: "lan", ...session });
    assert.deepEqual([status.status, Object.keys(status.data[0]?.["instances"] as object)], [0, ["lan"]]);
    const prio = await ubusCall(cli, "vrrp", "set_priority", { instance: "lan", priority: 210, ...session });
    assert.deepEqual([prio.status, prio.data[0]?.["priority_override"]], [0, 210]);
    assert.equal((await ubusCall(cli, "vrrp", "set_priority", { instance: "lan", priority: null, ...session })).status, 0);
    assert.equal((await ubusCall(cli, "vrrp", "reset_counters", session)).status, 0);
    assert.equal((await ubusCall(cli, "vrrp", "reload", session)).status, 0);
    const bad = await ubusCall(cli, "vrrp", "reload", { ...session, ubus_rpc_sesion: "x" });
    assert.deepEqual([bad.status, bad.data[0]], [2, { error: "invalid_argument", message: 'unknown argument "ubus_rpc_sesion" (this method takes none)', field: "ubus_rpc_sesion" }]);
  });

  it("status {brief}: each instance in brief, as the contract says", async () => {
    const r = await ubusCall(cli, "vrrp", "status", { brief: true });
    assert.equal(r.status, 0);
    assert.deepEqual(conform(statusBriefSchema, r.data[0]), []);
    assert.deepEqual(Object.keys((r.data[0]?.["instances"] as Record<string, JsonObject>)["lan"] ?? {}), [...BRIEF_INSTANCE_FIELDS]);
  });

  it("a transition goes out as the vrrp.state event, a notification and a procd service event", async () => {
    const events: JsonObject[] = [];
    const notes: [string, JsonObject][] = [];
    await ubusListen(cli, "vrrp.state", (_id, data) => events.push(data));
    const subscriber = await cli.addAnonymousObject((type, data) => {
      notes.push([type, blobmsgToJson(data ?? [])]);
      return undefined;
    });
    assert.equal((await ubusSubscribe(cli, "vrrp", subscriber)).status, 0);
    await until("the daemon knows it has a subscriber", () => vrrp.subscribed);

    const r = await ubusCall(cli, "vrrp", "switchover", { instance: "lan", hold_off: 0 });
    assert.deepEqual([r.status, r.data[0]?.["state"]], [0, "backup"]);
    await until("switchover and return published", () => events.length >= 2 && serviceEvents.length >= 2 && notes.length >= 2);
    assert.deepEqual(events[0], { instance: "lan", state: "backup", previous_state: "master", reason: "switchover", priority: 200, device: "eth0", virtual_ipaddress: ["198.51.100.1/24"] });
    assert.equal(events[1]?.["state"], "master");
    for (const e of events) assert.deepEqual(conform(stateEventSchema, e), []);
    assert.deepEqual(serviceEvents[0], { type: "vrrp.state", data: events[0] });
    assert.equal(notes[0]?.[0], "state");
    assert.equal(vrrp.stats.failed, 0);
  });

  it("reconnects after ubusd restarts, registers again, and delivers the events queued meanwhile", async () => {
    const before = await objid(cli);
    cli.close();
    procd.close();
    await broker.close(path);
    await until("the daemon noticed", () => bus.client === undefined);
    // The protocol goes on without ubus: a switchover while ubusd is down.
    const r = await daemon.api.call("switchover", { instance: "lan", hold_off: 0 });
    assert.equal(r.status, "ok");
    await until("master again", () => daemon.runtime.status().instances[0]?.state === "master");
    assert.ok(vrrp.stats.queued >= 2);

    broker = await newBroker();
    procd = await startProcd();
    cli = await connectUbus(path);
    const events: JsonObject[] = [];
    await ubusListen(cli, "vrrp.state", (_id, data) => events.push(data));
    assert.ok(await bus.whenReady(3000), "reconnected");
    const after = await objid(cli);
    assert.ok(after !== undefined && after !== before, "a new object id");
    assert.equal(bus.sessions, 2);
    await until("queued events delivered", () => events.length >= 2);
    assert.deepEqual(events.slice(0, 2).map((e) => `${String(e["previous_state"])}>${String(e["state"])}`), ["master>backup", "backup>master"]);
    assert.equal((await ubusCall(cli, "vrrp", "status")).status, 0);
  });

  it("malformed messages are dropped, an oversized one resets the connection, and the daemon keeps serving", async () => {
    const owner = broker.ownerOf("vrrp");
    assert.ok(owner);
    // Sound length, broken content (an attribute overrunning the message): dropped, connection kept.
    owner.write(Uint8Array.from([0, UbusMsgType.data, 0, 99, 0, 0, 0, 0, 0, 0, 0, 12, 0x03, 0, 0, 200, 0, 0, 0, 0]));
    // An unknown message type and an INVOKE for an object we do not have.
    owner.write(encodeMessage({ type: 42, seq: 1, peer: 0 }));
    owner.write(encodeMessage({ type: UbusMsgType.invoke, seq: 7, peer: 0x1234, attrs: [{ attr: "objid", value: 0xdead }, { attr: "method", value: "status" }, { attr: "data", value: [] }] }));
    assert.equal((await ubusCall(cli, "vrrp", "status")).status, 0);
    assert.equal(bus.sessions, 1);
    assert.ok(logs.some((l) => l.includes("ubus message dropped")), logs.join("\n"));

    // A length word announcing 2 MiB: the stream cannot be trusted any more; ubusd's rule is to disconnect.
    owner.write(Uint8Array.from([0, UbusMsgType.data, 0, 1, 0, 0, 0, 0, 0, 0x20, 0, 0]));
    await until("reconnected", () => bus.sessions === 2 && bus.client !== undefined);
    assert.ok(logs.some((l) => l.includes("exceeds")), logs.join("\n"));
    assert.equal((await ubusCall(cli, "vrrp", "status")).status, 0);
  });
});

describe("UbusConnection", () => {
  it("gives up on a socket that never says HELLO and falls back to the next path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vrrpd-ubus-hello-"));
    const silentPath = join(dir, "silent.sock");
    const path = join(dir, "ubus.sock");
    const held = new Set<Socket>();
    const silent: Server = createServer((s) => held.add(s));
    await new Promise<void>((resolve) => silent.listen(silentPath, resolve));
    const broker = new UbusBroker();
    await broker.listen(path);
    const logs: string[] = [];
    const bus = new UbusConnection({ socketPaths: [silentPath, path], helloTimeoutMs: 100, log: (l, m) => logs.push(`${l}: ${m}`) });
    try {
      bus.start();
      assert.ok(await bus.whenReady(2000));
      assert.equal(bus.path, path);
    } finally {
      bus.stop();
      await broker.close(path);
      for (const s of held) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with no ubusd, retries quietly and with backoff; a bounded queue drops the oldest events", async () => {
    const logs: string[] = [];
    const bus = new UbusConnection({ socketPaths: ["/nonexistent/ubus.sock"], backoffInitialMs: 10, backoffMaxMs: 40, log: (l, m) => logs.push(`${l}: ${m}`) });
    const daemon = await startTestDaemon({ instances: lanInstances(1, 100) });
    const vrrp = new VrrpUbusObject(bus, daemon.api, quiet, { maxQueuedEvents: 3 });
    try {
      bus.start();
      await wait(200);
      assert.equal(logs.filter((l) => l.startsWith("info:")).length, 1, logs.join("\n"));
      assert.ok(logs.length >= 4 && logs.length <= 12, `${logs.length} attempts in 200 ms`);
      for (let i = 0; i < 5; i++) vrrp.onStateEvent({ instance: `i${i}`, state: "master", previousState: "backup", reason: "startup", priority: 100, device: "eth0", virtualIpaddress: [] });
      assert.deepEqual(vrrp.stats, { queued: 3, sent: 0, dropped: 2, failed: 0 });
    } finally {
      bus.stop();
      await daemon.stop();
    }
  });
});

describe("a reply over ubusd's 1 MiB limit", () => {
  it("is not sent; the caller gets UNKNOWN_ERROR with the contract's explanation instead of a bare status", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vrrpd-ubus-big-"));
    const path = join(dir, "ubus.sock");
    const broker = new UbusBroker();
    await broker.listen(path);
    const logs: string[] = [];
    const bus = new UbusConnection({ socketPaths: [path], log: (l, m) => logs.push(`${l}: ${m}`) });
    // 1200 instances' worth of status: more than ubusd carries.
    const big = { instances: Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`lan${i}`, { note: "x".repeat(1000) }])) };
    new VrrpUbusObject(bus, { call: () => Promise.resolve({ status: "ok", data: big }) }, quiet, { procdEvents: false });
    const cli = await connectUbus(path);
    try {
      bus.start();
      assert.ok(await bus.whenReady(2000));
      const r = await ubusCall(cli, "vrrp", "status");
      assert.equal(r.status, 9);
      assert.equal(r.data.length, 1);
      assert.deepEqual(conform(errorSchema, r.data[0]), []);
      assert.equal(r.data[0]?.["error"], "unknown_error");
      assert.match(String(r.data[0]?.["message"]), /^the status reply cannot go over ubus: message body of \d+ bytes exceeds the 1048576-byte limit .*"brief": true.*"instance"/);
      assert.ok(logs.some((l) => /^warning: ubus: reply to status: message body of \d+ bytes exceeds/.test(l)), logs.join("\n"));
    } finally {
      cli.close();
      bus.stop();
      await broker.close(path);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
