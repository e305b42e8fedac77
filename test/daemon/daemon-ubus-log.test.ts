// What the whole daemon logs about ubus (issue #12, item 7): each line says "ubus: " once. The ubus connection
// prefixes its own messages; the daemon once prefixed them again ("warning: ubus: ubus: reply to status: ...").
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Daemon } from "../../src/daemon/daemon.ts";
import { loadConfig } from "../../src/daemon/load-config.ts";
import { createLogger } from "../../src/daemon/log.ts";
import { UbusMsgType } from "../../src/ubus/message.ts";
import { until } from "./api-fixture.ts";
import { FakeDataPlane, FakeLan } from "./fake-data-plane.ts";
import { UbusBroker } from "./ubus-broker.ts";

const CONFIG = `
config globals 'globals'
	option enabled '1'

config instance 'lan'
	option interface 'eth0'
	option virtual_router_id '51'
	option priority '150'
	list virtual_ipaddress '198.51.100.1/24'
`;

test("the daemon's ubus log lines carry the 'ubus: ' prefix once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vrrpd-ubus-log-"));
  const socket = join(dir, "ubus.sock");
  const broker = new UbusBroker();
  const lines: string[] = [];
  let daemon: Daemon | undefined;
  try {
    await broker.listen(socket);
    writeFileSync(join(dir, "vrrp"), CONFIG);
    const loaded = loadConfig(join(dir, "vrrp"));
    assert.ok(loaded.config, JSON.stringify(loaded.findings));
    daemon = new Daemon(loaded.config, loaded.warnings, { configPath: join(dir, "vrrp"), controlSocket: join(dir, "control.sock"), ubusSockets: [socket] }, new FakeDataPlane(new FakeLan(), "eth0", "192.0.2.1"), createLogger("debug", (l) => lines.push(l)));
    await daemon.start();
    await until("connected", () => lines.some((l) => l.includes("connected to")));
    // A message ubusd would never send: the client reports it through the connection's log, as it does a reply it cannot send.
    broker.ownerOf("vrrp")?.write(Uint8Array.from([0, UbusMsgType.data, 0, 99, 0, 0, 0, 0, 0, 0, 0, 12, 0x03, 0, 0, 200, 0, 0, 0, 0]));
    await until("the dropped message logged", () => lines.some((l) => l.includes("dropped")));
    assert.ok(lines.includes(`info: ubus: connected to ${socket}`), lines.join("\n"));
    assert.deepEqual(lines.filter((l) => l.includes("ubus: ubus:")), []);
  } finally {
    await daemon?.stop();
    await broker.close(socket);
    rmSync(dir, { recursive: true, force: true });
  }
});
