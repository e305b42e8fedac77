// The daemon on OpenWrt with `option interface 'lan'`: it must ask netifd which device `lan` is (br-lan) before
// the first election, not bind to a device literally named `lan` and sit in Fault until a reload (issue #12).
// The daemon runs whole (config file, ubus connection, runtime) over the in-memory data plane and the in-test
// ubusd with a netifd stand-in whose status answers have real netifd's fields.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Daemon } from "../../src/daemon/daemon.ts";
import { loadConfig } from "../../src/daemon/load-config.ts";
import { quiet, until } from "./api-fixture.ts";
import { FakeDataPlane, FakeLan } from "./fake-data-plane.ts";
import { FakeNetifd } from "./fake-netifd.ts";
import { UbusBroker } from "./ubus-broker.ts";

const CONFIG = `
config globals 'globals'
	option enabled '1'

config instance 'gw'
	option interface 'lan'
	option virtual_router_id '51'
	option version '3'
	option advert_int '0.1'
	option priority '150'
	list virtual_ipaddress '198.51.100.1/24'
`;

function startDaemon(dir: string, plane: FakeDataPlane): Promise<Daemon> {
  const path = join(dir, "vrrp");
  writeFileSync(path, CONFIG);
  const loaded = loadConfig(path);
  assert.ok(loaded.config, JSON.stringify(loaded.findings));
  const daemon = new Daemon(loaded.config, loaded.warnings, { configPath: path, controlSocket: join(dir, "control.sock"), ubusSockets: [join(dir, "ubus.sock")] }, plane, quiet);
  return daemon.start().then(() => daemon);
}

describe("Daemon with netifd at start", () => {
  let dir: string;
  let broker: UbusBroker;
  let netifd: FakeNetifd;
  let daemon: Daemon | undefined;
  const plane = new FakeDataPlane(new FakeLan(), "br-lan", "192.0.2.1");

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-daemon-netifd-"));
    broker = new UbusBroker();
    await broker.listen(join(dir, "ubus.sock"));
    netifd = new FakeNetifd();
    await netifd.start(join(dir, "ubus.sock"));
  });
  after(async () => {
    await daemon?.stop();
    netifd.client.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves `lan` to br-lan before the first election and becomes master there", async () => {
    daemon = await startDaemon(dir, plane);
    const first = daemon.status().instances[0];
    assert.equal(first?.interface, "br-lan", "the first configuration already names netifd's device");
    assert.notEqual(first?.state, "fault", `no Fault for a device named 'lan' (${first?.fault ?? ""})`);
    await until("master on br-lan", () => daemon?.status().instances[0]?.state === "master");
    assert.ok(plane.held.has("198.51.100.1"));
  });
});

describe("Daemon when netifd comes up after it (boot order)", () => {
  let dir: string;
  let broker: UbusBroker;
  let netifd: FakeNetifd | undefined;
  let daemon: Daemon | undefined;
  const plane = new FakeDataPlane(new FakeLan(), "br-lan", "192.0.2.1");

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-daemon-netifd-late-"));
    broker = new UbusBroker();
    await broker.listen(join(dir, "ubus.sock"));
  });
  after(async () => {
    await daemon?.stop();
    netifd?.client.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("waits in Fault on the unresolved name, then follows netifd to br-lan once it answers", async () => {
    daemon = await startDaemon(dir, plane);
    assert.equal(daemon.status().instances[0]?.state, "fault", "no device yet: never master on a guess");
    netifd = new FakeNetifd();
    await netifd.start(join(dir, "ubus.sock"));
    await until("the instance moved to br-lan", () => daemon?.status().instances[0]?.interface === "br-lan");
    await until("master on br-lan", () => daemon?.status().instances[0]?.state === "master");
  });
});
