// A datagram receiver for sd_notify messages that shares no code with the sender: python3's socket module binds
// the AF_UNIX SOCK_DGRAM socket (a path, or "@name" for the abstract namespace) and prints each datagram as a
// JSON string on a line. It exits by itself after `idleS` seconds without a datagram; stop() kills it by pid.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import type { TestContext } from "node:test";

const RECEIVER = `
import json, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + path[1:] if path.startswith("@") else path)
s.settimeout(float(sys.argv[2]))
print(json.dumps("bound"), flush=True)
while True:
    try:
        data = s.recv(65536)
    except socket.timeout:
        break
    print(json.dumps(data.decode("utf-8")), flush=True)
`;

/** python3 is the independent reader; without it the test cannot check anything (CI installs it). */
export function skipWithoutPython(t: TestContext): boolean {
  const probe = spawnSync("python3", ["-c", "import socket; socket.AF_UNIX"], { encoding: "utf8", timeout: 10_000 });
  if (probe.status === 0) return false;
  const reason = `python3 is not usable (${probe.error?.message ?? probe.stderr.trim()})`;
  if (process.env.CI === "true") assert.fail(`cannot run under CI=true: ${reason}`);
  console.error(`\n!!! SKIPPING ${t.name}: ${reason}. Install python3 to test the systemd notifications. !!!\n`);
  t.skip(reason);
  return true;
}

export class NotifyReceiver {
  readonly messages: string[] = [];
  private readonly child: ChildProcess;
  private readonly bound: Promise<void>;

  constructor(readonly path: string, idleS = 30) {
    this.child = spawn("python3", ["-c", RECEIVER, path, String(idleS)], { stdio: ["ignore", "pipe", "pipe"] });
    let partial = "";
    let stderr = "";
    this.bound = new Promise((resolve, reject) => {
      this.child.stdout?.on("data", (chunk: Buffer) => {
        const lines = (partial + chunk.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          const message = JSON.parse(line) as string;
          if (message === "bound") resolve();
          else this.messages.push(message);
        }
      });
      this.child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      this.child.on("exit", (code) => reject(new Error(`the receiver exited (${code}) before binding: ${stderr}`)));
    });
  }

  ready(): Promise<void> {
    return this.bound;
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.pid !== undefined) process.kill(this.child.pid, "SIGKILL");
  }
}
