// systemd notifications: the one-line STATUS summary, the notifier's messages, and the datagrams as a reader
// bound by python3 (not our code) receives them, on a path and in the abstract namespace.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ServiceNotifier, statusLine, type DatagramSender } from "../../src/daemon/service-notify.ts";
import { createLogger } from "../../src/daemon/log.ts";
import { sockaddrUn, UnixDatagramSender } from "../../src/platform/linux/unix-datagram.ts";
import { waitUntil } from "../netns/gateway-lab.ts";
import { NotifyReceiver, skipWithoutPython } from "./notify-receiver.ts";

const dir = mkdtempSync(join(tmpdir(), "vrrpd-notify-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("STATUS line", () => {
  it("counts instances per state, masters first and named", () => {
    assert.equal(
      statusLine([
        { name: "lan6", state: "backup" },
        { name: "wan", state: "fault" },
        { name: "lan", state: "master" },
        { name: "dmz", state: "master" },
      ]),
      "4 instances: 2 master (lan, dmz), 1 backup, 1 fault",
    );
    assert.equal(statusLine([{ name: "lan", state: "backup" }]), "1 instance: 1 backup");
    assert.equal(statusLine([]), "no instances");
  });
});

describe("ServiceNotifier", () => {
  const recorder = (): { sender: DatagramSender; sent: string[] } => {
    const sent: string[] = [];
    return { sent, sender: { send: (d) => void sent.push(Buffer.from(d).toString("utf8")), close: () => undefined } };
  };
  const quiet = createLogger("error", () => undefined);

  it("READY=1 carries the status; a repeated status is not sent again; newlines cannot split the field", () => {
    const { sender, sent } = recorder();
    const n = new ServiceNotifier(sender, quiet);
    n.ready("1 instance: 1 backup");
    n.status("1 instance: 1 backup");
    n.status("1 instance: 1 master (lan)");
    n.status("a\nb");
    assert.deepEqual(sent, ["READY=1\nSTATUS=1 instance: 1 backup", "STATUS=1 instance: 1 master (lan)", "STATUS=a b"]);
  });

  it("a reload says RELOADING=1 with the monotonic time in microseconds; a stop says STOPPING=1", () => {
    const { sender, sent } = recorder();
    const n = new ServiceNotifier(sender, quiet);
    const before = process.hrtime.bigint() / 1000n;
    n.reloading();
    n.stopping("stopping (SIGTERM)");
    const m = /^RELOADING=1\nMONOTONIC_USEC=(\d+)$/.exec(sent[0] ?? "");
    assert.ok(m, sent[0]);
    assert.ok(BigInt(m[1] ?? "0") >= before);
    assert.equal(sent[1], "STOPPING=1\nSTATUS=stopping (SIGTERM)");
  });

  it("a failing socket is logged once, not per message", () => {
    const lines: string[] = [];
    const n = new ServiceNotifier({ send: () => new Error("ECONNREFUSED"), close: () => undefined }, createLogger("info", (l) => lines.push(l)));
    n.ready("x");
    n.status("y");
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /^warning: systemd notification failed \(READY=1\): ECONNREFUSED/);
  });
});

describe("sockaddr_un", () => {
  it("a path is NUL-terminated; an abstract name starts with NUL and has no terminator", () => {
    assert.deepEqual([...sockaddrUn("/a").subarray(2)], [0x2f, 0x61, 0]);
    assert.deepEqual([...sockaddrUn("@ab").subarray(2)], [0, 0x61, 0x62]);
    assert.equal(sockaddrUn("/a").length, 5);
    assert.throws(() => sockaddrUn(`/${"x".repeat(107)}`), RangeError);
    assert.throws(() => sockaddrUn("@"), RangeError);
  });
});

describe("UnixDatagramSender to a socket python3 bound", () => {
  for (const [what, path] of [
    ["a path", join(dir, "notify.sock")],
    ["the abstract namespace", `@vrrpd-test-${process.pid}`],
  ] as const) {
    it(`delivers each message as one datagram (${what})`, async (t) => {
      if (skipWithoutPython(t)) return;
      const receiver = new NotifyReceiver(path);
      try {
        await receiver.ready();
        const sender = new UnixDatagramSender(path);
        assert.equal(sender.send(Buffer.from("READY=1\nSTATUS=1 instance: 1 backup")), undefined);
        assert.equal(sender.send(Buffer.from("STATUS=1 instance: 1 master (lan)")), undefined);
        sender.close();
        await waitUntil("two datagrams", () => receiver.messages.length >= 2, 5000);
        assert.deepEqual(receiver.messages, ["READY=1\nSTATUS=1 instance: 1 backup", "STATUS=1 instance: 1 master (lan)"]);
      } finally {
        receiver.stop();
      }
    });
  }

  it("nobody listening is an error value, not an exception", () => {
    const sender = new UnixDatagramSender(join(dir, "nobody.sock"));
    const error = sender.send(Buffer.from("READY=1"));
    sender.close();
    assert.equal(error?.code, "ENOENT");
  });
});
