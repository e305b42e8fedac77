// Logical networks through netifd: a stand-in netifd on the in-test broker publishes `network.interface` and
// `network.interface.<name>` (status) and notifies "interface.update"/"interface.down" as netifd's ubus.c does.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { NetifdInterfaces, StaticInterfaces, interfaceInfo, type InterfaceInfo } from "../../src/daemon/netifd.ts";
import { UbusConnection } from "../../src/ubus/connection.ts";
import { quiet, until } from "./api-fixture.ts";
import { FakeNetifd } from "./fake-netifd.ts";
import { UbusBroker } from "./ubus-broker.ts";

describe("NetifdInterfaces", () => {
  let dir: string;
  let path: string;
  let broker: UbusBroker;
  let netifd: FakeNetifd;
  let bus: UbusConnection;
  let resolver: NetifdInterfaces;
  const changes: string[] = [];
  const seen = (logical: string, info: InterfaceInfo): void => void changes.push(`${logical} ${info.device} ${info.up ? "up" : "down"}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-netifd-"));
    path = join(dir, "ubus.sock");
    broker = new UbusBroker();
    await broker.listen(path);
    netifd = new FakeNetifd();
    await netifd.start(path);
    bus = new UbusConnection({ socketPaths: [path], backoffInitialMs: 50 });
    resolver = new NetifdInterfaces(bus, seen, quiet);
    bus.start();
  });
  after(async () => {
    resolver.close();
    bus.stop();
    netifd.client.close();
    await broker.close(path);
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves a logical network to its l3_device and state", async () => {
    assert.deepEqual(await resolver.resolve("lan"), { device: "br-lan", up: true });
    assert.deepEqual(await resolver.resolve("wan"), { device: "eth1", up: false });
    assert.equal(await resolver.resolve("guest"), undefined);
    assert.deepEqual(changes, []);
  });

  it("reports watched networks going down, up, and moving to another device", async () => {
    resolver.watch(["lan", "wan"]);
    netifd.set("lan", { up: false, device: "br-lan" });
    netifd.set("wan", { up: true, l3_device: "pppoe-wan", device: "eth1" });
    netifd.set("lan", { up: true, l3_device: "br-lan2", device: "br-lan2" });
    netifd.set("lan", { up: true, l3_device: "br-lan2", device: "br-lan2" }); // no change: not reported
    netifd.client.notify(netifd.main.objid, "interface.update", { interface: "guest", up: true, l3_device: "br-guest" }); // not watched
    await until("three changes", () => changes.length >= 3);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(changes, ["lan br-lan down", "wan pppoe-wan up", "lan br-lan2 up"]);
  });

  it("re-subscribes when netifd restarts, and reports what changed meanwhile", async () => {
    changes.length = 0;
    netifd.client.close();
    await new Promise((r) => setTimeout(r, 30));
    netifd = new FakeNetifd();
    netifd.state["lan"] = { up: true, l3_device: "br-lan3" };
    await netifd.start(path);
    await until("the move seen after the restart", () => changes.includes("lan br-lan3 up"));
    netifd.set("wan", { up: false, device: "eth1" });
    await until("notifications flow again", () => changes.includes("wan pppoe-wan down"));
  });

  it("re-subscribes after ubusd restarts", async () => {
    changes.length = 0;
    netifd.client.close();
    await broker.close(path);
    broker = new UbusBroker();
    await broker.listen(path);
    netifd = new FakeNetifd();
    netifd.state["lan"] = { up: true, l3_device: "br-lan4" };
    await netifd.start(path);
    await until("reconnected and refreshed", () => changes.includes("lan br-lan4 up"));
    netifd.set("lan", { up: false });
    await until("down seen", () => changes.includes("lan br-lan4 down"));
  });
});

describe("plain Linux and netifd's status format", () => {
  it("StaticInterfaces: names are devices", async () => {
    assert.deepEqual(await new StaticInterfaces().resolve("eth0"), { device: "eth0", up: true });
  });

  it("interfaceInfo prefers l3_device, keeps the last device while down", () => {
    assert.deepEqual(interfaceInfo({ up: true, l3_device: "pppoe-wan", device: "eth1" }), { device: "pppoe-wan", up: true });
    assert.deepEqual(interfaceInfo({ up: false, device: "eth1" }, { device: "pppoe-wan", up: true }), { device: "pppoe-wan", up: false });
    assert.deepEqual(interfaceInfo({ up: false, device: "eth1" }), { device: "eth1", up: false });
    assert.equal(interfaceInfo({ up: false }), undefined);
  });
});
