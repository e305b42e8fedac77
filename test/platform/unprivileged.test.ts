// What works without root, in the test process's own namespace: netlink dumps and the monitor's initial dump
// (they exercise koffi, readiness through koffi.node.poll and the netlink socket), and ifindex lookups.
// Read-only: nothing here changes the host.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LinkMonitor, Rtnetlink } from "../../src/platform/linux/index.ts";
import { ifIndexToName, ifNameToIndex } from "../../src/platform/linux/libc.ts";

test("Rtnetlink dumps links and addresses of this namespace; lo is there", async () => {
  const netlink = Rtnetlink.open();
  try {
    const links = await netlink.links();
    assert.ok(links.ok, links.ok ? "" : links.error.message);
    const lo = links.value.find((l) => l.name === "lo");
    assert.ok(lo !== undefined);
    assert.equal(ifNameToIndex("lo"), lo.ifindex);
    assert.equal(ifIndexToName(lo.ifindex), "lo");
    const addresses = await netlink.addresses(4);
    assert.ok(addresses.ok);
    assert.ok(addresses.value.every((a) => a.family === 4));
    // Requests are serialized: two dumps in flight at once must both succeed (the kernel would say EBUSY).
    const [a, b] = await Promise.all([netlink.links(), netlink.addresses()]);
    assert.ok(a.ok && b.ok);
  } finally {
    netlink.close();
  }
  const closed = await netlink.links();
  assert.equal(closed.ok ? "" : closed.error.code, "EBADF");
});

test("an unknown interface name is ENODEV, as a value", () => {
  const result = ifNameToIndex("vrrpd-nope0");
  assert.equal(typeof result === "number" ? result : result.code, "ENODEV");
});

test("LinkMonitor opens with the current links and closes cleanly", async () => {
  const monitor = await LinkMonitor.open({ onEvent: () => undefined, onError: (e) => assert.fail(e) });
  try {
    assert.ok(monitor.linkByName("lo") !== undefined);
  } finally {
    monitor.close();
  }
});
