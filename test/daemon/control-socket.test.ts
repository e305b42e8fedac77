// The control socket over a real UNIX socket in a temp dir: permissions, every method, bad input.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { METHODS } from "../../src/daemon/api-contract.ts";
import { conform } from "../../src/daemon/api-schema.ts";
import { controlRequest, ControlUnreachable } from "../../src/daemon/control-client.ts";
import { startControlSocket, type ControlSocket } from "../../src/daemon/control-socket.ts";
import { lanInstances, quiet, startTestDaemon, until, type TestDaemon } from "./api-fixture.ts";

/** Writes raw bytes, collects reply lines until `lines` arrived or the server closed. */
function exchange(path: string, payload: string | Buffer, lines: number): Promise<{ replies: Record<string, unknown>[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = "";
    let closed = false;
    const done = (): void => resolve({ replies: text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>), closed });
    socket.on("connect", () => socket.write(payload));
    socket.on("data", (d: Buffer) => {
      text += d.toString();
      if (text.split("\n").length - 1 >= lines) {
        socket.destroy();
        done();
      }
    });
    socket.on("close", () => {
      closed = true;
      done();
    });
    socket.on("error", reject);
  });
}

describe("control socket", () => {
  let dir: string;
  let path: string;
  let daemon: TestDaemon;
  let control: ControlSocket;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-control-"));
    path = join(dir, "run", "vrrpd", "control.sock");
    daemon = await startTestDaemon({ instances: lanInstances(1, 200) });
    await until("master", () => daemon.runtime.status().instances[0]?.state === "master");
    control = await startControlSocket(daemon.api, quiet, { path, maxLineBytes: 1024 });
  });
  after(async () => {
    await control.close();
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is root-only: socket 0600 in a 0700 directory", () => {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.ok(statSync(path).isSocket());
    assert.equal(statSync(join(dir, "run", "vrrpd")).mode & 0o777, 0o700);
  });

  it("in a directory it did not create (like /tmp), leaves that directory's mode alone", async () => {
    // `vrrpd run --control-socket /tmp/x.sock` chmodded /tmp to 0700 and broke every other user of /tmp.
    const shared = mkdtempSync(join(tmpdir(), "vrrpd-shared-"));
    chmodSync(shared, 0o1777);
    const other = await startControlSocket(daemon.api, quiet, { path: join(shared, "control.sock") });
    try {
      assert.equal(statSync(shared).mode & 0o7777, 0o1777);
      assert.equal(statSync(join(shared, "control.sock")).mode & 0o777, 0o600, "the socket itself stays root-only");
    } finally {
      await other.close();
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it("serves every method, with replies that conform to the contract", async () => {
    const call = async (method: keyof typeof METHODS, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const r = await controlRequest(path, method, args);
      assert.equal(r.status, "ok", JSON.stringify(r));
      const data = (r as { data: Record<string, unknown> }).data;
      assert.deepEqual(conform(METHODS[method].reply, data), [], method);
      return data;
    };
    assert.equal(((await call("status", {}))["instances"] as Record<string, Record<string, unknown>>)["lan"]?.["state"], "master");
    assert.ok("lan" in ((await call("status", { instance: "lan" }))["instances"] as object));
    assert.equal((await call("set_priority", { instance: "lan", priority: 150 }))["effective_priority"], 150);
    assert.equal((await call("set_priority", { instance: "lan", priority: null }))["priority_override"], null);
    assert.deepEqual(await call("reset_counters", {}), { instances: ["lan"] });
    assert.ok("config" in (await call("reload", {})));
    assert.deepEqual(await call("switchover", { instance: "lan", hold_off: 0 }), { instance: "lan", state: "backup", hold_off: 0 });
    await until("master again", () => daemon.runtime.status().instances[0]?.state === "master");
  });

  it("answers errors with the code, the message and the field", async () => {
    assert.deepEqual(await controlRequest(path, "status", { instance: "wan" }), { status: "not_found", message: 'no instance named "wan"', field: "instance" });
    const r = await controlRequest(path, "set_priority", { instance: "lan", priority: "max" });
    assert.equal(r.status, "invalid_argument");
    assert.equal(r.field, "priority");
    assert.equal((await controlRequest(path, "shutdown", {})).status, "method_not_found");
  });

  it("bad JSON, a non-object, a missing method: an error reply each, the connection goes on; ids are echoed", async () => {
    const { replies, closed } = await exchange(path, '{nope\n[1,2]\n{"args":{}}\n\n{"method":"status","args":{"instance":"lan"},"id":7}\n', 4);
    assert.equal(closed, false);
    assert.deepEqual(replies.map((r) => r["status"]), ["parse_error", "parse_error", "invalid_argument", "ok"]);
    assert.match(String(replies[0]?.["message"]), /not JSON/);
    assert.equal(replies[3]?.["id"], 7);
  });

  it("requests split across writes and several per write are answered in order", async () => {
    const socket = connect(path);
    const got: string[] = [];
    await new Promise<void>((resolve) => socket.on("connect", resolve));
    socket.on("data", (d: Buffer) => got.push(...d.toString().split("\n").filter((l) => l !== "")));
    socket.write('{"method":"sta');
    await new Promise((r) => setTimeout(r, 20));
    socket.write('tus","id":1}\n{"method":"reset_counters","id":2}\n{"method":"x","id":3}\n');
    await until("three replies", () => got.length === 3);
    socket.destroy();
    assert.deepEqual(got.map((l) => (JSON.parse(l) as { id: number }).id), [1, 2, 3]);
  });

  it("an over-long line gets parse_error and the connection is closed; the server lives on", async () => {
    const { replies, closed } = await exchange(path, Buffer.alloc(5000, 0x61), 1);
    assert.equal(replies[0]?.["status"], "parse_error");
    assert.match(String(replies[0]?.["message"]), /exceeds 1024 bytes/);
    assert.ok(closed || replies.length === 1);
    assert.equal((await controlRequest(path, "status", {})).status, "ok");
  });

  it("refuses to start over a live socket, replaces a stale one, refuses a non-socket", async () => {
    await assert.rejects(startControlSocket(daemon.api, quiet, { path }), /in use/);
    // A crashed daemon: a process that bound the socket and exited without removing it.
    const stalePath = join(dir, "stale.sock");
    execFileSync(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(stalePath)}, () => process.exit(0))`]);
    assert.ok(statSync(stalePath).isSocket());
    const second = await startControlSocket(daemon.api, quiet, { path: stalePath });
    assert.equal((await controlRequest(second.path, "status", {})).status, "ok");
    await second.close();
    writeFileSync(join(dir, "plain"), "");
    await assert.rejects(startControlSocket(daemon.api, quiet, { path: join(dir, "plain") }), /not a socket/);
  });

  it("the client reports an absent daemon as unreachable", async () => {
    await assert.rejects(controlRequest(join(dir, "none.sock"), "status"), ControlUnreachable);
  });
});
