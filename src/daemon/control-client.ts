// The client side of the control socket (control-socket.ts): one request, one reply line.
import { connect } from "node:net";

export type ControlReply =
  | { readonly status: "ok"; readonly data: Record<string, unknown> }
  | { readonly status: string; readonly message?: string; readonly field?: string };

export class ControlUnreachable extends Error {
  override readonly name = "ControlUnreachable";
}

/** Sends `{method, args}` and resolves with the reply; rejects with ControlUnreachable when nobody answers. */
export function controlRequest(path: string, method: string, args: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      f();
    };
    const timer = setTimeout(() => finish(() => reject(new ControlUnreachable(`no reply from ${path} within ${timeoutMs} ms`))), timeoutMs);
    socket.on("connect", () => socket.write(`${JSON.stringify({ method, args })}\n`));
    socket.on("error", (e) => finish(() => reject(new ControlUnreachable(`cannot reach vrrpd at ${path}: ${e.message}`))));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      const nl = all.indexOf(10);
      if (nl === -1) return;
      finish(() => {
        try {
          const reply: unknown = JSON.parse(all.subarray(0, nl).toString("utf8"));
          if (typeof reply !== "object" || reply === null || typeof (reply as { status?: unknown }).status !== "string") throw new Error("reply has no status");
          resolve(reply as ControlReply);
        } catch (e) {
          reject(new ControlUnreachable(`bad reply from ${path}: ${e instanceof Error ? e.message : String(e)}`));
        }
      });
    });
    socket.on("end", () => finish(() => reject(new ControlUnreachable(`${path} closed the connection without a reply`))));
  });
}
