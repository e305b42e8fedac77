// A one-shot timer on a timerfd (CLOCK_MONOTONIC, the clock behind performance.now()), delivered on the libuv loop
// like a socket. Why not setTimeout: libuv keeps its loop time in whole milliseconds from CLOCK_MONOTONIC_COARSE
// (one tick behind), so a setTimeout fires 1-2.5 ms after its deadline; measured on a backup, that was most of the
// time between the master's last advert + Master_Down_Interval and our first advert. A timerfd fires within tens
// of microseconds (the thread's timer slack).
import { CLOCK_MONOTONIC, TFD_CLOEXEC, TFD_NONBLOCK } from "./constants.ts";
import { close, LAYOUT, readOrErrno, timerfdCreate, timerfdSettime } from "./libc.ts";
import { writeSize } from "./native-words.ts";
import { watchReadable, type ReadableWatch } from "./readiness.ts";

const NS_PER_MS = 1_000_000;
const NS_PER_S = 1_000_000_000;

export class TimerFd {
  private readonly fd: number;
  private readonly watch: ReadableWatch;
  /** struct itimerspec { it_interval, it_value }, each { tv_sec, tv_nsec } as `long`; it_interval stays 0 (one-shot). */
  private readonly spec = new Uint8Array(4 * LAYOUT.longBytes);
  private readonly specView = new DataView(this.spec.buffer);
  private readonly expirations = new Uint8Array(8);
  private armed = false;
  private closed = false;

  /** Throws SyscallError when the kernel has no timerfd (Linux < 2.6.25). */
  constructor(
    private readonly onExpire: () => void,
    onError: (error: Error) => void,
  ) {
    this.fd = timerfdCreate(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    this.watch = watchReadable(this.fd, () => this.expired(), onError);
    this.watch.unref();
  }

  /**
   * Fire once, `delayMs` (fractional) from now, replacing any earlier arming. Relative, not absolute: the caller's
   * deadline is on performance.now(), whose origin the kernel does not know; the few microseconds between reading
   * that clock and this call only make the timer later, never earlier.
   */
  start(delayMs: number): void {
    if (this.closed) return;
    // 0 would disarm the timer: the earliest expiry is 1 ns.
    const delayNs = Math.max(1, Math.ceil(delayMs * NS_PER_MS));
    const seconds = Math.floor(delayNs / NS_PER_S);
    const word = LAYOUT.longBytes;
    writeSize(this.specView, 2 * word, seconds, word);
    writeSize(this.specView, 3 * word, delayNs - seconds * NS_PER_S, word);
    timerfdSettime(this.fd, this.spec);
    if (!this.armed) this.watch.ref(); // an armed timer keeps the process alive, as setTimeout does
    this.armed = true;
  }

  stop(): void {
    if (this.closed || !this.armed) return;
    this.spec.fill(0);
    timerfdSettime(this.fd, this.spec); // also zeroes an unread expiry count (the kernel's timerfd_setup)
    this.disarmed();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.close();
    close(this.fd);
  }

  private expired(): void {
    // Level-triggered: read the expiration count, or the callback comes again. Nothing to read means a stop()
    // or start() already consumed it: not an expiry of the current arming.
    if (readOrErrno(this.fd, this.expirations) <= 0 || !this.armed) return;
    this.disarmed();
    this.onExpire();
  }

  private disarmed(): void {
    this.armed = false;
    this.watch.unref();
  }
}
