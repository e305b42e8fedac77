// Readiness of a non-blocking fd, delivered on the libuv loop (the main thread), via koffi.node.poll (uv_poll_t).
// koffi 3.3.4 ships this API typed but undocumented, and its CHANGELOG says it may change, so nothing else in the
// code base names it: if it changes or goes, only this file is rewritten (plan B: a tiny N-API addon with uv_poll,
// or a worker-thread poll(2) loop). Level-triggered: the callback fires again while data is left unread.
import koffi from "koffi";
import { SyscallError } from "./libc.ts";

export interface ReadableWatch {
  /** Stops watching. uv_poll_stop runs synchronously (epoll_ctl DEL), so the fd may be closed right after. */
  close(): void;
  /** Don't keep the process alive for this fd alone (tests, or a daemon that is shutting down). */
  unref(): void;
  ref(): void;
}

type PollHandle = ReturnType<typeof koffi.node.poll>;

/**
 * koffi's PollHandle is an ObjectWrap with no self-reference: once JS drops it, GC finalizes it and the poll stops
 * without a word (the raw-socket failure mode in linux-platform.md §1). Today our sockets are kept alive by the
 * chain "persistent callback -> socket -> watch -> handle", but that is an accident of how callers write their
 * callbacks, so an open watch is pinned here explicitly until close(), like an active libuv handle.
 */
const active = new Set<PollHandle>();

/**
 * Calls `onReadable` on the main thread whenever `fd` is readable. Exceptions thrown by the callback and poll errors
 * go to `onError`: a throw inside a libuv callback would otherwise be an uncaught exception and end the daemon.
 */
export function watchReadable(fd: number, onReadable: () => void, onError: (error: Error) => void): ReadableWatch {
  let open = true;
  let errorsInARow = 0;
  let handle: PollHandle | null = null;
  const read = (): void => {
    try {
      onReadable();
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  // The .d.ts says `(events)`, but koffi 3.3.4 calls back with `(status, events)` (src/koffi/src/uv.cc OnPoll):
  // status is 0 or a negative libuv error (-errno on Linux). Read both shapes so a fix in either place is harmless.
  const callback = (...args: unknown[]): void => {
    if (!open || handle === null) return;
    const status = typeof args[0] === "number" ? args[0] : 0;
    const events = (typeof args[0] === "number" ? args[1] : args[0]) as { readable?: boolean } | undefined;
    if (status < 0) {
      // libuv (uv__poll_io) turns POLLERR into UV_EBADF *and stops the handle*. A pending socket error raises
      // POLLERR: netlink's ENOBUFS on overrun (netlink(7)), AF_PACKET's ENETDOWN when the bound link goes down
      // (packet(7)). Reading consumes that error (the reader sees it from recv), so read, then poll again.
      // A real EBADF makes start() throw; an error that reading does not clear gives up after a bound.
      read();
      if (!open) return;
      if (++errorsInARow > MAX_ERRORS_IN_A_ROW) {
        onError(new SyscallError("uv_poll", -status, `fd ${fd}: POLLERR persists, no longer polled`));
        return;
      }
      try {
        handle.start({ readable: true }, callback as never);
      } catch (error) {
        onError(new SyscallError("uv_poll", -status, `fd ${fd}: cannot poll again: ${(error as Error).message}`));
      }
      return;
    }
    errorsInARow = 0;
    if (events?.readable !== false) read();
  };
  handle = koffi.node.poll(fd, { readable: true }, callback as never) as PollHandle | null;
  if (handle === null) throw new Error(`readiness: koffi.node.poll refused fd ${fd}`);
  const pinned = handle;
  active.add(pinned);
  return {
    close(): void {
      if (!open) return;
      open = false;
      active.delete(pinned);
      pinned.close();
    },
    unref: () => pinned.unref(),
    ref: () => pinned.ref(),
  };
}

const MAX_ERRORS_IN_A_ROW = 100;
