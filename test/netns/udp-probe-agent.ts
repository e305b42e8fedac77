// Runs inside a namespace. `echo PORT`: answer every UDP datagram (on the routers, so whoever holds the VIP
// answers). `probe TARGET PORT INTERVAL_MS`: send a numbered datagram every interval from a drift-free
// schedule and print one JSON line per reply: {"seq":N,"sentAt":ms,"rttMs":ms}. Exits when stdin closes.
import { createSocket } from "node:dgram";

const [mode, ...args] = process.argv.slice(2);
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();

if (mode === "echo") {
  const port = Number(args[0] ?? 7);
  const family = args[1] === "6" ? "udp6" : "udp4";
  const socket = createSocket(family);
  socket.on("message", (msg, from) => socket.send(msg, from.port, from.address));
  socket.bind(port, () => console.log(JSON.stringify({ ready: true })));
} else if (mode === "probe") {
  const [target = "", portText = "7", intervalText = "10"] = args;
  const intervalMs = Number(intervalText);
  const socket = createSocket(target.includes(":") ? "udp6" : "udp4");
  const origin = performance.now();
  let seq = 0;
  socket.on("message", (msg) => {
    const n = msg.readUInt32BE(0);
    const sentAt = msg.readDoubleBE(4);
    console.log(JSON.stringify({ seq: n, sentAt, rttMs: performance.now() - origin - sentAt }));
  });
  const tick = (): void => {
    const buf = Buffer.alloc(12);
    buf.writeUInt32BE(seq, 0);
    buf.writeDoubleBE(performance.now() - origin, 4);
    socket.send(buf, Number(portText), target, () => undefined);
    seq++;
    setTimeout(tick, Math.max(0, origin + seq * intervalMs - performance.now()));
  };
  socket.bind(0, tick);
} else {
  console.error("usage: udp-probe-agent.ts echo PORT [4|6] | probe TARGET PORT INTERVAL_MS");
  process.exit(2);
}
