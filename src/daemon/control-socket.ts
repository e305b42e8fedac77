// The local control socket: the API (api.ts) for plain Linux, and a fallback on OpenWrt when ubus is down.
//
// Protocol: newline-delimited JSON. Each request line is `{"method": "...", "args": {...}}` (args optional; an
// optional "id" is echoed); each reply line is `{"status": "ok", "data": {...}}` or
// `{"status": "<error code>", "message": "...", "field": "..."}`, in request order. A line longer than
// maxLineBytes gets a parse_error reply and the connection is closed (the rest of the stream cannot be trusted).
//
// Access control is the file system: the socket is mode 0600, in a directory of mode 0700 when the daemon creates
// it, both root's (the daemon's user's). The socket is created under umask 0177 so it is never reachable with wider permissions, not even for
// the instant between bind() and chmod().
import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import type { ApiReply, VrrpApi } from "./api.ts";
import type { Logger } from "./log.ts";

export const DEFAULT_CONTROL_SOCKET = "/run/vrrpd/control.sock";

export interface ControlSocketOptions {
  readonly path?: string;
  /** Longest request line accepted, in bytes (default 64 KiB; real requests are under 200 bytes). */
  readonly maxLineBytes?: number;
  /** Most simultaneous clients (default 16): a local tool looping on connect cannot exhaust file descriptors. */
  readonly maxClients?: number;
  /** A client silent this long is disconnected (default 30 s). */
  readonly idleTimeoutMs?: number;
}

export interface ControlSocket {
  readonly path: string;
  close(): Promise<void>;
}

/** One reply line (without the newline). */
export function encodeReply(reply: ApiReply, id?: unknown): string {
  const body = reply.status === "ok" ? { status: "ok", data: reply.data } : { status: reply.status, message: reply.message, ...(reply.field !== undefined && { field: reply.field }) };
  return JSON.stringify(id === undefined ? body : { id, ...body });
}

/** Makes the directory 0700 and refuses a path we cannot trust (a symlink, or not a directory). */
/**
 * The socket's directory: one we create is made root-only (0700, whatever the umask). One that exists already
 * keeps its mode: it may be shared (`--control-socket /tmp/x.sock` once made /tmp 0700 and broke every other
 * user of it), and the socket file itself is 0600 from bind() on.
 */
function prepareDirectory(dir: string): void {
  const existed = existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  // Ours, or root's with the sticky bit (like /tmp: nobody else can remove or replace our socket there).
  const sharedButSafe = existed && st.uid === 0 && (st.mode & 0o1000) !== 0;
  if (process.getuid !== undefined && st.uid !== process.getuid() && !sharedButSafe) throw new Error(`${dir} belongs to uid ${st.uid}, not to us`);
  if (!existed) chmodSync(dir, 0o700);
}

/** A stale socket from a crashed run is removed; a live one means another daemon is running. */
async function clearStaleSocket(path: string): Promise<void> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => (probe.destroy(), resolve(true)));
    probe.once("error", () => resolve(false));
  });
  if (alive) throw new Error(`${path} is in use: is another vrrpd running?`);
  unlinkSync(path);
}

export async function startControlSocket(api: VrrpApi, logger: Logger, options: ControlSocketOptions = {}): Promise<ControlSocket> {
  const path = options.path ?? DEFAULT_CONTROL_SOCKET;
  const maxLine = options.maxLineBytes ?? 65536;
  const maxClients = options.maxClients ?? 16;
  const idleMs = options.idleTimeoutMs ?? 30_000;
  prepareDirectory(dirname(path));
  await clearStaleSocket(path);

  const clients = new Set<Socket>();
  const server: Server = createServer((socket) => {
    if (clients.size >= maxClients) {
      socket.end(`${encodeReply({ status: "unknown_error", message: `too many clients (${maxClients})` })}\n`);
      return;
    }
    clients.add(socket);
    socket.on("close", () => clients.delete(socket));
    serve(socket, api, logger, maxLine, idleMs);
  });
  server.on("error", (e) => logger.log("error", `control socket ${path}: ${e.message}`));

  await new Promise<void>((resolve, reject) => {
    const old = process.umask(0o177); // bind() creates the socket file: 0600 from the first instant
    try {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    } finally {
      process.umask(old); // bind is synchronous inside listen(); restore before anything else creates files
    }
  });
  chmodSync(path, 0o600);
  logger.log("debug", `control socket listening on ${path}`);

  return {
    path,
    close: async () => {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      try {
        unlinkSync(path);
      } catch {
        // already gone (server.close() removes it on some Node versions)
      }
    },
  };
}

/** Reads request lines from one client and answers them in order. */
function serve(socket: Socket, api: VrrpApi, logger: Logger, maxLine: number, idleMs: number): void {
  socket.setTimeout(idleMs, () => socket.destroy());
  socket.on("error", () => socket.destroy()); // a client vanishing mid-reply is not our problem
  let buffered: Buffer[] = [];
  let bufferedLen = 0;
  let chain: Promise<void> = Promise.resolve();
  let dead = false;
  const reply = (line: string): void => {
    if (!socket.destroyed) socket.write(`${line}\n`);
  };

  socket.on("data", (chunk: Buffer) => {
    if (dead) return;
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const bytes = Buffer.concat([...buffered, chunk.subarray(start, nl)]);
      buffered = [];
      bufferedLen = 0;
      start = nl + 1;
      if (bytes.length > maxLine) return tooLong();
      const line = bytes.toString("utf8");
      if (line.trim() === "") continue;
      chain = chain.then(() => handleLine(line, api).then(reply));
    }
    const rest = chunk.subarray(start);
    bufferedLen += rest.length;
    if (bufferedLen > maxLine) return tooLong();
    if (rest.length > 0) buffered.push(rest);
  });

  function tooLong(): void {
    dead = true;
    buffered = [];
    logger.log("warning", `control socket: request line over ${maxLine} bytes, closing that connection`);
    chain = chain.then(() => {
      if (!socket.destroyed) socket.end(`${encodeReply({ status: "parse_error", message: `request line exceeds ${maxLine} bytes` })}\n`);
    });
    socket.pause();
  }
}

/** One request line → one reply line. Never rejects. */
export async function handleLine(line: string, api: VrrpApi): Promise<string> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return encodeReply({ status: "parse_error", message: `request is not JSON: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    return encodeReply({ status: "parse_error", message: 'request must be a JSON object {"method": ..., "args": {...}}' });
  }
  const { method, args, id } = request as Record<string, unknown>;
  if (typeof method !== "string") return encodeReply({ status: "invalid_argument", message: 'request needs a string "method"', field: "method" }, id);
  return encodeReply(await api.call(method, args), id);
}
