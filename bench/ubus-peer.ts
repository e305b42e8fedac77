// The other side of the ubus bench, in a worker thread so that its work (the in-test ubusd, the `ubus` CLI's
// decoding of 250 KiB replies, procd) does not count against the daemon's event loop, which is what is measured.
import { parentPort, workerData } from "node:worker_threads";
import { controlRequest } from "../src/daemon/control-client.ts";
import { connectUbus, ubusMethod } from "../src/ubus/client.ts";
import { ubusInvoke, ubusListen, ubusLookup } from "../src/ubus/requests.ts";
import { UbusBroker } from "../test/daemon/ubus-broker.ts";

export type PeerRequest =
  | { readonly type: "expect-events"; readonly count: number }
  | { readonly type: "status"; readonly transport: "ubus" | "control"; readonly calls: number; readonly controlPath: string }
  | { readonly type: "close" };
export type PeerReply =
  | { readonly type: "ready" }
  | { readonly type: "events"; readonly count: number }
  | { readonly type: "status"; readonly samplesMs: number[]; readonly replyBytes: number }
  | { readonly type: "closed" };

const port = parentPort;
if (port === null) throw new Error("ubus-peer.ts runs as a worker");
const { ubusPath } = workerData as { ubusPath: string };
const post = (m: PeerReply): void => port.postMessage(m);

const broker = new UbusBroker();
await broker.listen(ubusPath);
const procd = await connectUbus(ubusPath);
await procd.addObject("service", { event: ubusMethod({ type: "string", data: "table" }, () => undefined) });
const cli = await connectUbus(ubusPath, { timeoutMs: 60_000 });
let received = 0;
let expected = Infinity;
await ubusListen(cli, "vrrp.state", () => {
  if (++received === expected) post({ type: "events", count: received });
});

async function timeCalls(calls: number, call: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < Math.min(20, calls); i++) await call(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
  return samples;
}

port.on("message", (m: PeerRequest) => {
  void (async () => {
    switch (m.type) {
      case "expect-events":
        received = 0;
        expected = m.count;
        return;
      case "status": {
        const objid = (await ubusLookup(cli, "vrrp")).objects[0]?.objid ?? 0;
        const samplesMs = await timeCalls(m.calls, async () => {
          if (m.transport === "ubus") {
            const r = await ubusInvoke(cli, objid, "status");
            if (r.status !== 0) throw new Error(`ubus status: ${r.status}`);
          } else {
            const r = await controlRequest(m.controlPath, "status");
            if (r.status !== "ok") throw new Error(`control status: ${r.status}`);
          }
        });
        const replyBytes = JSON.stringify(await controlRequest(m.controlPath, "status")).length;
        return post({ type: "status", samplesMs, replyBytes });
      }
      case "close":
        cli.close();
        procd.close();
        await broker.close(ubusPath);
        return post({ type: "closed" });
    }
  })();
});
post({ type: "ready" });
