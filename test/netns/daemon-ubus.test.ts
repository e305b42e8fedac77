// The whole daemon on OpenWrt's bus, end to end: vrrpd runs in a router namespace, registers `vrrp` on an
// in-test ubusd (test/daemon/ubus-broker.ts, checked byte for byte against real ubusd captures), answers
// `ubus call vrrp status` live, publishes `vrrp.state` on every transition, and switches over on request.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { connectUbus, type UbusClient } from "../../src/ubus/client.ts";
import { ubusCall, ubusListen } from "../../src/ubus/requests.ts";
import { UbusBroker } from "../daemon/ubus-broker.ts";
import { netnsUnavailableReason } from "../platform/netns.ts";
import { GatewayLab, VIP4, waitUntil } from "./gateway-lab.ts";

const uci = (priority: number): string => `config globals 'globals'
	option enabled '1'

config instance 'lan'
	option interface 'lan0'
	option virtual_router_id '51'
	option priority '${priority}'
	option version '3'
	option advert_int '0.1'
	list virtual_ipaddress '${VIP4}/24'
`;

const unavailable = netnsUnavailableReason();
if (unavailable && process.env.CI === "true") throw new Error(`namespace tests cannot run under CI=true: ${unavailable}`);
if (unavailable) console.error(`\n!!! SKIPPING the daemon-on-ubus tests: ${unavailable} !!!\n`);

test("vrrp status, vrrp.state events and switchover over ubus, from the real daemon", { skip: unavailable }, async () => {
  const lab = new GatewayLab();
  const broker = new UbusBroker();
  let client: UbusClient | undefined;
  try {
    const socket = join(lab.dir, "ubus.sock");
    await broker.listen(socket);
    lab.vrrpd("r1", uci(200), ["--ubus-socket", socket]);
    lab.vrrpd("r2", uci(100));
    client = await connectUbus(socket);
    const events: Record<string, unknown>[] = [];
    await ubusListen(client, "vrrp.state", (_id, data) => void events.push(data));
    await waitUntil("r1 master", () => lab.holders(VIP4).join() === "r1", 15_000);
    await waitUntil("the vrrp object", () => [...broker.objects.values()].some((o) => o.path === "vrrp"), 10_000);
    const status = await ubusCall(client, "vrrp", "status", {});
    assert.equal(status.status, 0);
    // As uhttpd forwards LuCI's calls: with the caller's rpcd session id added (uhttpd ubus.c).
    const fromLuci = await ubusCall(client, "vrrp", "status", { ubus_rpc_session: "0123456789abcdef0123456789abcdef" });
    assert.equal(fromLuci.status, 0, JSON.stringify(fromLuci.data));
    const lan = (status.data[0]?.instances as Record<string, Record<string, unknown>> | undefined)?.lan;
    assert.equal(lan?.state, "master");
    assert.deepEqual(lan?.virtual_ipaddress, [`${VIP4}/24`]);
    const reply = await ubusCall(client, "vrrp", "switchover", { instance: "lan", hold_off: 30 });
    assert.equal(reply.status, 0);
    await waitUntil("r2 master", () => lab.holders(VIP4).join() === "r2", 10_000);
    await waitUntil("the state event", () => events.some((e) => e.state === "backup" && e.reason === "switchover"), 5000);
    const event = events.find((e) => e.reason === "switchover");
    assert.deepEqual({ ...event }, { instance: "lan", state: "backup", previous_state: "master", reason: "switchover", priority: 200, device: "lan0", virtual_ipaddress: [`${VIP4}/24`] });
    const bad = await ubusCall(client, "vrrp", "switchover", { instance: "nope" });
    assert.equal(bad.status, 4, "NOT_FOUND for an unknown instance");
  } finally {
    client?.close();
    lab.cleanup();
    await broker.close();
  }
});

