// The virtual addresses this daemon has put on the host, kept in a small file beside the control socket. After a
// crash (SIGKILL, OOM) they are still on the interfaces; the wrapper that procd and systemd respawn the daemon
// through (files/usr/sbin/vrrpd) reads this file and removes them with `ip addr del` before it execs node, a few
// ms after the respawn, where the daemon itself would get to it only after node has loaded (~100-300 ms later;
// see docs/performance.md). The daemon's own removal at start (Runtime.removeStaleAddresses) still runs after
// it, so an address this file misses is removed all the same, only later.
//
// The format is for a POSIX shell and busybox awk: a header naming the configuration file, then one address a line.
//   vrrpd-held-addresses/1 /etc/config/vrrp
//   br-lan 192.0.2.254/24
// Written whole or not at all (rename), readable only by root, removed when nothing is held. Addresses of an
// instance with virtual routes are not listed: the wrapper cannot remove routes, and the daemon removes an
// instance's stale routes together with its stale addresses, which it finds only if they are still there.
import { rmSync } from "node:fs";
import { writeFileAtomic } from "./handoff-record.ts";
import type { Logger } from "./log.ts";
import type { AddressChange } from "./runtime.ts";

export const HELD_ADDRESSES_FORMAT = "vrrpd-held-addresses/1";

export class HeldAddressRecord {
  /** "device address/prefix" lines, in the order they were added. */
  private readonly lines = new Set<string>();
  private writeQueued = false;
  private failed = false;

  constructor(
    private readonly path: string,
    private readonly configPath: string,
    private readonly logger: Logger,
  ) {}

  /** At start: whatever an earlier daemon listed was dealt with (by the wrapper, or resumed after a hand-off). */
  reset(): void {
    this.lines.clear();
    this.write();
  }

  /** The runtime's address changes: added before the kernel has them, dropped only once it no longer does. */
  apply(change: AddressChange): void {
    if (change.routes.length > 0) return;
    for (const a of change.addresses) {
      const line = `${a.device ?? change.device} ${a.address}/${a.prefixLength}`;
      if (change.held) this.lines.add(line);
      else this.lines.delete(line);
    }
    // One write per turn of the event loop: 255 instances becoming master at once write the file once.
    if (this.writeQueued) return;
    this.writeQueued = true;
    setImmediate(() => this.write());
  }

  /** Before the process exits (a stop, a hand-off): the file as things are now. */
  flush(): void {
    this.write();
  }

  private write(): void {
    this.writeQueued = false;
    try {
      if (this.lines.size === 0) {
        rmSync(this.path, { force: true });
        return;
      }
      writeFileAtomic(this.path, [`${HELD_ADDRESSES_FORMAT} ${this.configPath}`, ...this.lines, ""].join("\n"));
      this.failed = false;
    } catch (error) {
      if (this.failed) return; // said once until a write succeeds again
      this.failed = true;
      this.logger.log("warning", `cannot write ${this.path} (${(error as Error).message}): after a crash the next start removes the stale addresses itself, later`);
    }
  }
}
