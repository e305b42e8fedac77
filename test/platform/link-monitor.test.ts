// LinkMonitor in a namespace: carrier and admin down/up, a veth deleted and re-created (new ifindex, same name,
// as netifd does with bridges), a bridge, and address add/remove, all seen as events.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { NetnsLab, skipWithoutNetns, type AgentEvent } from "./netns.ts";
import { need, setUpPair, type Pair } from "./topology.ts";

interface LinkEvent {
  readonly type: string;
  readonly link?: { readonly ifindex: number; readonly name: string; readonly up: boolean; readonly lowerUp: boolean; readonly operstate: string };
  readonly address?: { readonly ifindex: number; readonly address: string; readonly prefixLength: number; readonly label?: string };
}

const monitorEvent = (e: AgentEvent): LinkEvent | undefined => (e.type === "monitor" ? (e.event as LinkEvent) : undefined);

describe("LinkMonitor in a namespace", () => {
  const lab = new NetnsLab();
  let pair: Pair | undefined;
  let seen = 0; // events before this index belong to earlier steps

  before(async () => {
    pair = await setUpPair(lab);
    if (pair === undefined) return;
    const links = await pair.agentA.call<{ name: string; up: boolean }[]>("monitor.open");
    assert.ok(links.some((l) => l.name === "va" && l.up), "the initial dump has va, up");
  });
  after(() => lab.cleanup());

  /** The next monitor event (after the previous step's) that matches; bounded. */
  async function next(match: (event: LinkEvent) => boolean): Promise<LinkEvent & { atMs: number }> {
    const p = need(pair);
    const start = seen;
    const found = await p.agentA.waitFor((e) => {
      const index = p.agentA.events.indexOf(e);
      const event = monitorEvent(e);
      return index >= start && event !== undefined && match(event);
    });
    seen = p.agentA.events.indexOf(found) + 1;
    return { ...(monitorEvent(found) as LinkEvent), atMs: Number(found.atMs) };
  }

  test("peer down/up is link-down/link-up (carrier), admin down/up too", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const now = (): number => performance.timeOrigin + performance.now();
    let start = now();
    lab.ip(p.nsB, "link", "set", "vb", "down");
    const down = await next((e) => e.type === "link-down" && e.link?.name === "va");
    const downMs = down.atMs - start;
    assert.equal(down.link?.ifindex, p.ifindexA);
    assert.equal(down.link?.operstate, "down"); // veth: peer down means no carrier (RFC 2863 "down" here)
    assert.equal(down.link?.lowerUp, false);
    start = now();
    lab.ip(p.nsB, "link", "set", "vb", "up");
    const up = await next((e) => e.type === "link-up" && e.link?.name === "va");
    assert.equal(up.link?.operstate, "up");
    // Carrier-up goes through the kernel's linkwatch, which batches non-urgent events for up to 1 s.
    t.diagnostic(`peer down -> link-down event: ${downMs.toFixed(1)} ms; peer up -> link-up event: ${(up.atMs - start).toFixed(1)} ms (incl. spawning ip)`);
    lab.ip(p.nsA, "link", "set", "va", "down");
    await next((e) => e.type === "link-down" && e.link?.name === "va");
    start = now();
    lab.ip(p.nsA, "link", "set", "va", "up");
    const adminUp = await next((e) => e.type === "link-up" && e.link?.name === "va");
    t.diagnostic(`admin up -> link-up event: ${(adminUp.atMs - start).toFixed(1)} ms`);
  });

  test("address add and remove are events with ifindex, prefix and label", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    lab.ip(p.nsA, "addr", "add", "192.0.2.150/24", "dev", "va", "label", "va:mon");
    const added = await next((e) => e.type === "address-added" && e.address?.address === "192.0.2.150");
    assert.deepEqual(added.address && { ifindex: added.address.ifindex, prefixLength: added.address.prefixLength, label: added.address.label }, {
      ifindex: p.ifindexA,
      prefixLength: 24,
      label: "va:mon",
    });
    lab.ip(p.nsA, "addr", "del", "192.0.2.150/24", "dev", "va");
    await next((e) => e.type === "address-removed" && e.address?.address === "192.0.2.150");
    lab.ip(p.nsA, "addr", "add", "2001:db8::150/64", "dev", "va", "nodad");
    await next((e) => e.type === "address-added" && e.address?.address === "2001:db8::150");
  });

  test("a veth deleted and re-created is link-deleted then link-created with a new ifindex", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    lab.ip(p.nsA, "link", "del", "va");
    const deleted = await next((e) => e.type === "link-deleted" && e.link?.name === "va");
    assert.equal(deleted.link?.ifindex, p.ifindexA);
    lab.veth(p.nsA, "va", p.nsB, "vb");
    const created = await next((e) => e.type === "link-created" && e.link?.name === "va");
    assert.notEqual(created.link?.ifindex, p.ifindexA);
    assert.equal(created.link?.ifindex, lab.ifindex(p.nsA, "va"));
    await next((e) => e.type === "link-up" && e.link?.name === "va");
  });

  test("a bridge recreated (netifd reload) gets a new ifindex under the same name", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const indexes: number[] = [];
    for (let round = 0; round < 2; round++) {
      lab.ip(p.nsA, "link", "add", "br-lan", "type", "bridge");
      const created = await next((e) => e.type === "link-created" && e.link?.name === "br-lan");
      indexes.push(created.link?.ifindex ?? -1);
      lab.ip(p.nsA, "link", "del", "br-lan");
      await next((e) => e.type === "link-deleted" && e.link?.name === "br-lan");
    }
    assert.notEqual(indexes[0], indexes[1]);
  });

  test("lost notifications (ENOBUFS) are reported as overrun, then the re-dump emits what changed", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const small = await lab.agent(p.nsA);
    await small.call("monitor.open", { receiveBufferBytes: 4096 });
    const blocked = small.call("block", { ms: 500 }).catch((error: unknown) => error);
    const names = Array.from({ length: 40 }, (_, i) => `br${i}`);
    lab.ipBatch(p.nsA, names.map((name) => `link add ${name} type bridge`));
    assert.equal(await blocked, true);
    await small.waitFor((e) => monitorEvent(e)?.type === "overrun");
    // Every bridge is known afterwards, whether its own notification survived or the re-dump found it.
    for (const name of names) await small.waitFor((e) => monitorEvent(e)?.type === "link-created" && monitorEvent(e)?.link?.name === name);
    // Not deleted here: 40 bridge deletions take ~1.3 s (an RCU grace period each); the namespace goes at cleanup.
  });
});
