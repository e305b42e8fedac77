// One-way datagrams to an AF_UNIX socket, for systemd's notification protocol (sd_notify): node's dgram module
// speaks only UDP, and a native module of our own is what koffi lets us avoid. Only sending: the daemon never
// receives on such a socket.
import { close, socket, sendto, SyscallError } from "./libc.ts";
import { HOST_LITTLE_ENDIAN } from "./sockaddr.ts";
import { EBADF, MSG_DONTWAIT, SOCK_CLOEXEC } from "./constants.ts";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
/** A reader that went away must be an error value, not a SIGPIPE that kills the daemon. */
const MSG_NOSIGNAL = 0x4000;
/** sizeof(struct sockaddr_un): sa_family_t, then sun_path[108]. */
const SUN_PATH_BYTES = 108;

/**
 * struct sockaddr_un for `path`, with the length to pass: a leading "@" names the abstract namespace (a NUL
 * first byte, and the length counts exactly the name, no terminator), as systemd and sd_notify(3) spell it.
 */
export function sockaddrUn(path: string): Uint8Array {
  const abstract = path.startsWith("@");
  const name = Buffer.from(abstract ? path.slice(1) : path, "utf8");
  const pathBytes = abstract ? 1 + name.length : name.length + 1;
  if (name.length === 0 || pathBytes > SUN_PATH_BYTES) throw new RangeError(`AF_UNIX socket path must be 1..${SUN_PATH_BYTES - 1} bytes: ${JSON.stringify(path)}`);
  const bytes = new Uint8Array(2 + pathBytes);
  new DataView(bytes.buffer).setUint16(0, AF_UNIX, HOST_LITTLE_ENDIAN);
  bytes.set(name, abstract ? 3 : 2);
  return bytes;
}

export class UnixDatagramSender {
  private fd: number | undefined;
  private readonly address: Uint8Array;

  constructor(readonly path: string) {
    this.address = sockaddrUn(path);
    this.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }

  /** One datagram; never blocks (a full receive queue is an EAGAIN error value, like any other failure). */
  send(data: Uint8Array): SyscallError | undefined {
    if (this.fd === undefined) return new SyscallError("sendto", EBADF, "socket closed");
    const n = sendto(this.fd, data, MSG_DONTWAIT | MSG_NOSIGNAL, this.address);
    return typeof n === "number" ? undefined : n;
  }

  close(): void {
    if (this.fd !== undefined) close(this.fd);
    this.fd = undefined;
  }
}
