// track_script `type 'tcp'` against real listeners: a port that accepts is up, a refused one is down with the
// reason, and reliability counts accepting hosts. (The timeout path is the one the ping and http checks test.)
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Server } from "node:net";
import { describe, it } from "node:test";
import { runTcpCheck } from "../../../src/daemon/trackers/tcp-check.ts";

const never = new AbortController().signal;

async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe("native tcp check", () => {
  it("up while the port accepts, down with the reason once it is closed", async () => {
    const { server, port } = await listening();
    const up = await runTcpCheck({ hosts: ["127.0.0.1"], port, reliability: 1 }, 1000, never);
    assert.deepEqual([up.ok, up.stderrTail], [true, `1/1 accepted on port ${port} (need 1)`]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const down = await runTcpCheck({ hosts: ["127.0.0.1"], port, reliability: 1 }, 1000, never);
    assert.equal(down.ok, false);
    assert.match(down.stderrTail, /127\.0\.0\.1 \(ECONNREFUSED\)/);
    assert.ok(down.durationMs < 500, "a refusal ends the run at once");
  });

  it("reliability counts the hosts that accept", async () => {
    const { server, port } = await listening();
    try {
      // 127.0.0.2 is loopback but nothing listens there on this port (the server is bound to 127.0.0.1 only).
      const one = await runTcpCheck({ hosts: ["127.0.0.1", "127.0.0.2"], port, reliability: 1 }, 1000, never);
      const two = await runTcpCheck({ hosts: ["127.0.0.1", "127.0.0.2"], port, reliability: 2 }, 1000, never);
      assert.deepEqual([one.ok, two.ok], [true, false]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
