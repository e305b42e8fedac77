// The one place that binds libc through koffi. Everything else in src/platform/linux calls these typed wrappers,
// so koffi's `any`-typed surface stays in this file and a change of FFI (or koffi version) touches nothing else.
//
// Error convention: setup calls (socket, bind, setsockopt) throw SyscallError, since the caller cannot go on without
// them; I/O calls (send*, recv*) return the byte count or a SyscallError value, because EAGAIN is normal control flow
// on a non-blocking fd and throwing for it on every wake-up would be noise. Nothing here crashes on an errno.
import koffi, { type LibraryHandle } from "koffi";
import { ENODEV } from "./constants.ts";

/** A failed system call: `code` is the symbolic errno ("EEXIST") callers branch on, `message` is for logs. */
export class SyscallError extends Error {
  override readonly name = "SyscallError";
  readonly code: string;

  constructor(
    readonly syscall: string,
    readonly errno: number,
    detail?: string,
  ) {
    const code = errnoCode(errno);
    super(`${syscall}: ${code} (${strerror(errno)})${detail === undefined ? "" : `: ${detail}`}`);
    this.code = code;
  }
}

type Fn<Args extends unknown[], R> = (...args: Args) => R;
type Ptr = Uint8Array | NativePointer;
/** An opaque koffi pointer from koffi.alloc (stable native memory, unlike a small Uint8Array's V8 heap storage). */
export type NativePointer = { readonly __brand: "koffi pointer" };

/**
 * dlopen(NULL) resolves symbols in the process and the libraries it already loaded, which is glibc on Debian and musl
 * on OpenWrt alike; naming "libc.so.6" would only work on glibc. The explicit names are a fallback for odd builds.
 */
function loadLibc(): LibraryHandle {
  const errors: string[] = [];
  for (const name of [null, "libc.so.6", "libc.so"]) {
    try {
      const lib = koffi.load(name);
      lib.func("int getpid(void)");
      return lib;
    } catch (error) {
      errors.push(`${String(name)}: ${(error as Error).message}`);
    }
  }
  throw new Error(`libc: cannot load the C library through koffi (${errors.join("; ")})`);
}

const lib = loadLibc();
const c = {
  socket: lib.func("int socket(int domain, int type, int protocol)") as Fn<[number, number, number], number>,
  bind: lib.func("int bind(int fd, const void *addr, uint32_t len)") as Fn<[number, Ptr, number], number>,
  setsockopt: lib.func("int setsockopt(int fd, int level, int name, const void *value, uint32_t len)") as Fn<
    [number, number, number, Ptr, number],
    number
  >,
  getsockopt: lib.func("int getsockopt(int fd, int level, int name, void *value, _Inout_ uint32_t *len)") as Fn<
    [number, number, number, Ptr, Uint32Array],
    number
  >,
  getsockname: lib.func("int getsockname(int fd, void *addr, _Inout_ uint32_t *len)") as Fn<
    [number, Ptr, Uint32Array],
    number
  >,
  sendto: lib.func("intptr_t sendto(int fd, const void *buf, size_t n, int flags, const void *addr, uint32_t len)") as Fn<
    [number, Ptr, number, number, Ptr | null, number],
    number
  >,
  recvfrom: lib.func("intptr_t recvfrom(int fd, void *buf, size_t n, int flags, void *addr, _Inout_ uint32_t *len)") as Fn<
    [number, Ptr, number, number, Ptr, Uint32Array],
    number
  >,
  sendmsg: lib.func("intptr_t sendmsg(int fd, const void *msg, int flags)") as Fn<[number, NativePointer, number], number>,
  recvmmsg: lib.func("int recvmmsg(int fd, void *msgvec, unsigned int vlen, int flags, void *timeout)") as Fn<
    [number, NativePointer, number, number, null],
    number
  >,
  close: lib.func("int close(int fd)") as Fn<[number], number>,
  read: lib.func("intptr_t read(int fd, _Out_ void *buf, size_t n)") as Fn<[number, Uint8Array, number], number>,
  timerfdCreate: lib.func("int timerfd_create(int clockid, int flags)") as Fn<[number, number], number>,
  timerfdSettime: lib.func("int timerfd_settime(int fd, int flags, const void *value, void *old)") as Fn<
    [number, number, Uint8Array, null],
    number
  >,
  ifNameToIndex: lib.func("unsigned int if_nametoindex(const char *name)") as Fn<[string], number>,
  ifIndexToName: lib.func("char *if_indextoname(unsigned int index, _Out_ uint8_t *name)") as Fn<[number, Uint8Array], unknown>,
  strerror: lib.func("const char *strerror(int errnum)") as Fn<[number], string>,
  // pthread_*, not sched_setscheduler(2): musl's sched_setscheduler() is a stub that returns ENOSYS (Linux applies
  // the policy per thread, not per process as POSIX says), while pthread_setschedparam() makes the system call for
  // the thread on glibc and musl alike. pthread_t is an unsigned long (glibc) or a pointer (musl): pointer-sized.
  pthreadSelf: lib.func("uintptr_t pthread_self(void)") as Fn<[], number | bigint>,
  pthreadSetschedparam: lib.func("int pthread_setschedparam(uintptr_t thread, int policy, const int *param)") as Fn<
    [number | bigint, number, Int32Array],
    number
  >,
  pthreadGetschedparam: lib.func("int pthread_getschedparam(uintptr_t thread, _Out_ int *policy, _Out_ int *param)") as Fn<
    [number | bigint, Int32Array, Int32Array],
    number
  >,
  // struct rlimit is two rlim_t: 64-bit on LP64 glibc and on musl (the only ABIs koffi ships vrrpd for; see LAYOUT).
  setrlimit: lib.func("int setrlimit(int resource, const uint64_t *limits)") as Fn<[number, BigUint64Array], number>,
};

/** errno of the last call: koffi saves it right after each native call and restores it before returning to JS. */
const lastErrno = (): number => koffi.errno();

const ERRNO_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(koffi.os.errno)) if (!ERRNO_NAMES.has(value)) ERRNO_NAMES.set(value, name);

export function errnoCode(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
}

function strerror(errno: number): string {
  try {
    return c.strerror(errno);
  } catch {
    return "unknown error";
  }
}

/** The SyscallError for the errno of a call that just returned -1. */
export function lastError(syscall: string, detail?: string): SyscallError {
  return new SyscallError(syscall, lastErrno(), detail);
}

function check(syscall: string, result: number, detail?: string): number {
  if (result < 0) throw lastError(syscall, detail);
  return result;
}

export function socket(domain: number, type: number, protocol: number): number {
  return check("socket", c.socket(domain, type, protocol), `domain ${domain} type ${type} protocol ${protocol}`);
}

export function bind(fd: number, address: Uint8Array): void {
  check("bind", c.bind(fd, address, address.length));
}

export function setsockopt(fd: number, level: number, name: number, value: Uint8Array, what: string): void {
  check("setsockopt", c.setsockopt(fd, level, name, value, value.length), what);
}

export function setsockoptInt(fd: number, level: number, name: number, value: number, what: string): void {
  setsockopt(fd, level, name, new Uint8Array(Int32Array.of(value).buffer), what);
}

export function getsockoptInt(fd: number, level: number, name: number, what: string): number {
  const value = new Int32Array(1);
  const length = Uint32Array.of(4);
  check("getsockopt", c.getsockopt(fd, level, name, new Uint8Array(value.buffer), length), what);
  return value[0] ?? 0;
}

/** Fills `address` (sized for the family) and returns its used length. */
export function getsockname(fd: number, address: Uint8Array): number {
  const length = Uint32Array.of(address.length);
  check("getsockname", c.getsockname(fd, address, length));
  return length[0] ?? 0;
}

/** Bytes sent, or the error (EAGAIN included) as a value. */
export function sendto(fd: number, data: Uint8Array, flags: number, address: Uint8Array | null): number | SyscallError {
  const n = c.sendto(fd, data, data.length, flags, address, address?.length ?? 0);
  return n < 0 ? lastError("sendto") : n;
}

/** Bytes received (the source address written to `address`, its length to `addressLength[0]`), or the error. */
export function recvfrom(
  fd: number,
  data: Uint8Array,
  flags: number,
  address: Uint8Array,
  addressLength: Uint32Array,
): number | SyscallError {
  addressLength[0] = address.length;
  const n = c.recvfrom(fd, data, data.length, flags, address, addressLength);
  return n < 0 ? lastError("recvfrom") : n;
}

export function sendmsg(fd: number, msghdr: NativePointer, flags: number): number | SyscallError {
  const n = c.sendmsg(fd, msghdr, flags);
  return n < 0 ? lastError("sendmsg") : n;
}

/**
 * recvmmsg(2) for a drain loop: how many datagrams were received, or -errno. One native call fetches a burst (a
 * master sends all its instances' adverts back to back), and the drain's final EAGAIN builds no SyscallError.
 */
export function recvmmsgOrErrno(fd: number, msgvec: NativePointer, slots: number, flags: number): number {
  const n = c.recvmmsg(fd, msgvec, slots, flags, null);
  return n < 0 ? -lastErrno() : n;
}

/** read(2) into `data`: bytes read, or -errno (EAGAIN on an empty non-blocking fd is not an error object). */
export function readOrErrno(fd: number, data: Uint8Array): number {
  const n = c.read(fd, data, data.length);
  return n < 0 ? -lastErrno() : n;
}

export function timerfdCreate(clockId: number, flags: number): number {
  return check("timerfd_create", c.timerfdCreate(clockId, flags));
}

/** timerfd_settime(2) with a relative `struct itimerspec` the caller laid out; throws (EBADF only, in practice). */
export function timerfdSettime(fd: number, itimerspec: Uint8Array): void {
  check("timerfd_settime", c.timerfdSettime(fd, 0, itimerspec, null));
}

/**
 * The calling thread's scheduling policy and real-time priority (pthread_setschedparam(3)). The pthread functions
 * return the error number instead of setting errno.
 */
export function setOwnScheduling(policy: number, priority: number): void {
  const result = c.pthreadSetschedparam(c.pthreadSelf(), policy, Int32Array.of(priority));
  if (result !== 0) throw new SyscallError("pthread_setschedparam", result, `policy ${policy} priority ${priority}`);
}

export function ownScheduling(): { policy: number; priority: number } {
  const policy = new Int32Array(1);
  const priority = new Int32Array(1);
  const result = c.pthreadGetschedparam(c.pthreadSelf(), policy, priority);
  if (result !== 0) throw new SyscallError("pthread_getschedparam", result);
  return { policy: policy[0] ?? 0, priority: priority[0] ?? 0 };
}

/** setrlimit(2) with a soft and a hard limit (RLIM_INFINITY is 2^64 - 1). */
export function setrlimit(resource: number, soft: bigint, hard: bigint): void {
  check("setrlimit", c.setrlimit(resource, BigUint64Array.of(soft, hard)), `resource ${resource}`);
}

/** close(2) never throws: an fd that cannot be closed is reported, and retrying (even on EINTR) is wrong on Linux. */
export function close(fd: number): SyscallError | undefined {
  return c.close(fd) < 0 ? lastError("close") : undefined;
}

/** if_nametoindex(3): the ifindex in the caller's network namespace, or the error (ENODEV for an unknown name). */
export function ifNameToIndex(name: string): number | SyscallError {
  if (name.length === 0 || name.length >= IFNAMSIZ) return new SyscallError("if_nametoindex", ENODEV, name);
  const index = c.ifNameToIndex(name);
  return index === 0 ? lastError("if_nametoindex", name) : index;
}

export function ifIndexToName(index: number): string | SyscallError {
  const buffer = new Uint8Array(IFNAMSIZ);
  if (c.ifIndexToName(index, buffer) === null) return lastError("if_indextoname", String(index));
  const end = buffer.indexOf(0);
  return new TextDecoder().decode(buffer.subarray(0, end < 0 ? buffer.length : end));
}

const IFNAMSIZ = 16; // <net/if.h>, including the NUL

/** Native memory that does not move: what pointers inside msghdr/iovec must point at. */
export class NativeBuffer {
  readonly pointer: NativePointer;
  readonly address: bigint;
  readonly bytes: Uint8Array;
  private freed = false;

  constructor(readonly length: number) {
    this.pointer = koffi.alloc("uint8_t", length) as NativePointer;
    this.address = koffi.address(this.pointer);
    this.bytes = new Uint8Array(koffi.view(this.pointer, length));
    this.bytes.fill(0);
  }

  /** After free() the `bytes` view dangles: callers drop every reference first (the owners below do). */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    koffi.free(this.pointer);
  }
}

// Struct layouts that contain pointers or size_t differ between 64-bit (x86_64, aarch64) and 32-bit (armhf, i386)
// ABIs, so koffi computes them instead of hard-coded offsets. Pointer-free structs (sockaddr_*, in_pktinfo, ...)
// are the same everywhere and are encoded byte by byte in sockaddr.ts and cmsg.ts.
const iovec = koffi.struct("vrrpd_iovec", { iov_base: "void *", iov_len: "size_t" });
const msghdr = koffi.struct("vrrpd_msghdr", {
  msg_name: "void *",
  msg_namelen: "uint32_t",
  msg_iov: "void *",
  msg_iovlen: "size_t",
  msg_control: "void *",
  msg_controllen: "size_t",
  msg_flags: "int",
});
const mmsghdr = koffi.struct("vrrpd_mmsghdr", { msg_hdr: msghdr, msg_len: "unsigned int" });
const cmsghdr = koffi.struct("vrrpd_cmsghdr", { cmsg_len: "size_t", cmsg_level: "int", cmsg_type: "int" });

export const LAYOUT = {
  pointerBytes: koffi.sizeof("void *"),
  sizeTBytes: koffi.sizeof("size_t"),
  /** tv_sec and tv_nsec of the `timerfd_settime` symbol's struct timespec are `long`s (see timer-fd.ts). */
  longBytes: koffi.sizeof("long"),
  iovec: { size: koffi.sizeof(iovec), base: koffi.offsetof(iovec, "iov_base"), len: koffi.offsetof(iovec, "iov_len") },
  msghdr: {
    size: koffi.sizeof(msghdr),
    name: koffi.offsetof(msghdr, "msg_name"),
    namelen: koffi.offsetof(msghdr, "msg_namelen"),
    iov: koffi.offsetof(msghdr, "msg_iov"),
    iovlen: koffi.offsetof(msghdr, "msg_iovlen"),
    control: koffi.offsetof(msghdr, "msg_control"),
    controllen: koffi.offsetof(msghdr, "msg_controllen"),
    flags: koffi.offsetof(msghdr, "msg_flags"),
  },
  mmsghdr: { size: koffi.sizeof(mmsghdr), len: koffi.offsetof(mmsghdr, "msg_len") },
  cmsghdrBytes: koffi.sizeof(cmsghdr),
} as const;

/** Sizes of the pointer-free structs as koffi lays them out; test/platform checks sockaddr.ts against these. */
export const POINTER_FREE_SIZES = {
  sockaddr_in: koffi.sizeof(koffi.struct({ f: "uint16_t", port: "uint16_t", addr: "uint32_t", zero: koffi.array("uint8_t", 8) })),
  sockaddr_in6: koffi.sizeof(
    koffi.struct({ f: "uint16_t", port: "uint16_t", flow: "uint32_t", addr: koffi.array("uint8_t", 16), scope: "uint32_t" }),
  ),
  sockaddr_ll: koffi.sizeof(
    koffi.struct({ f: "uint16_t", proto: "uint16_t", ifindex: "int", hatype: "uint16_t", pkttype: "uint8_t", halen: "uint8_t", addr: koffi.array("uint8_t", 8) }),
  ),
  sockaddr_nl: koffi.sizeof(koffi.struct({ f: "uint16_t", pad: "uint16_t", pid: "uint32_t", groups: "uint32_t" })),
  ip_mreqn: koffi.sizeof(koffi.struct({ group: "uint32_t", address: "uint32_t", ifindex: "int" })),
  ipv6_mreq: koffi.sizeof(koffi.struct({ group: koffi.array("uint8_t", 16), ifindex: "int" })),
  in_pktinfo: koffi.sizeof(koffi.struct({ ifindex: "int", specDst: "uint32_t", addr: "uint32_t" })),
  in6_pktinfo: koffi.sizeof(koffi.struct({ addr: koffi.array("uint8_t", 16), ifindex: "int" })),
} as const;
