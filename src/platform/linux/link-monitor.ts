// Watches links and addresses through rtnetlink multicast (RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
// rtnetlink(7)) and turns the kernel's "here is the link's state now" notifications into transitions the daemon
// acts on: up/down (carrier, admin), created/deleted (netifd recreates a bridge with a new ifindex on every
// reload), address added/removed. A link cache, seeded by a dump, is what the transitions are computed against.
//
// The dump is sent on the monitor's own socket after it joined the groups, so no change between the dump and the
// first notification can be missed. Notifications arriving while a dump runs are queued and applied after it.
// On ENOBUFS (we read too slowly, notifications were dropped) the monitor says "overrun", dumps again and emits
// the differences, so the link view is exact again; addresses are not cached, so the daemon re-reads them.
import * as k from "./constants.ts";
import { SyscallError } from "./libc.ts";
import { decodeAck, NLM_F_MULTI, NLMSG_DONE, NLMSG_ERROR, type NetlinkMessage } from "./netlink-message.ts";
import { NetlinkSocket } from "./netlink-socket.ts";
import { decodeAddress, decodeLink } from "./rtnetlink-decode.ts";
import { encodeDumpRequest } from "./rtnetlink-encode.ts";
import * as rt from "./rtnetlink-types.ts";
import type { AddressInfo, LinkInfo } from "./rtnetlink-types.ts";

export type LinkChange = "link-created" | "link-up" | "link-down" | "link-changed" | "link-deleted";

export type MonitorEvent =
  | { readonly type: LinkChange; readonly link: LinkInfo }
  /** RTM_NEWADDR also repeats for flag changes of a known address (e.g. IPv6 DAD finished: no longer tentative). */
  | { readonly type: "address-added" | "address-removed"; readonly address: AddressInfo }
  /** Notifications were lost; link events for the differences follow, and addresses must be re-read. */
  | { readonly type: "overrun" };

export interface LinkMonitorOptions {
  readonly onEvent: (event: MonitorEvent) => void;
  /** Poll errors, a failed re-dump, exceptions thrown by onEvent. The monitor keeps running. */
  readonly onError: (error: Error) => void;
  /** Bound on the initial dump. */
  readonly timeoutMs?: number;
  /** Socket receive buffer; default 1 MiB. Tests shrink it to provoke ENOBUFS. */
  readonly receiveBufferBytes?: number;
}

const GROUPS = rt.RTMGRP_LINK | rt.RTMGRP_IPV4_IFADDR | rt.RTMGRP_IPV6_IFADDR;
const RECEIVE_BUFFER_BYTES = 1 << 20;

export class LinkMonitor {
  private readonly cache = new Map<number, LinkInfo>();
  private readonly socket: NetlinkSocket;
  private dumping: { seq: number; links: Map<number, LinkInfo>; queued: NetlinkMessage[]; initial: boolean } | undefined;
  private seq = 0;
  private started: ((error?: SyscallError) => void) | undefined;
  private closed = false;

  private constructor(private readonly options: LinkMonitorOptions) {
    this.socket = NetlinkSocket.open({
      groups: GROUPS,
      receiveBufferBytes: options.receiveBufferBytes ?? RECEIVE_BUFFER_BYTES,
      onMessages: (messages) => this.onMessages(messages),
      onOverrun: () => this.onOverrun(),
      onError: options.onError,
    });
  }

  /** Resolves once the initial link dump is in; rejects with SyscallError if it fails or times out. */
  static open(options: LinkMonitorOptions): Promise<LinkMonitor> {
    let monitor: LinkMonitor;
    try {
      monitor = new LinkMonitor(options);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new SyscallError("RTM_GETLINK", k.ETIMEDOUT, "initial dump")), options.timeoutMs ?? 2000);
      const finish = (error?: SyscallError): void => {
        clearTimeout(timer);
        monitor.started = undefined;
        if (error === undefined) resolve(monitor);
        else {
          monitor.close();
          reject(error);
        }
      };
      monitor.started = finish;
      monitor.startDump(true);
    });
  }

  /** The cached view: every link the kernel reported, as of the last notification. */
  links(): LinkInfo[] {
    return [...this.cache.values()];
  }

  link(ifindex: number): LinkInfo | undefined {
    return this.cache.get(ifindex);
  }

  /** Names are unique at any moment, but an ifindex may change under the same name (a recreated bridge). */
  linkByName(name: string): LinkInfo | undefined {
    for (const link of this.cache.values()) if (link.name === name) return link;
    return undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  private startDump(initial: boolean): void {
    this.seq = (this.seq + 1) >>> 0 || 1;
    this.dumping = { seq: this.seq, links: new Map(), queued: this.dumping?.queued ?? [], initial };
    const failed = this.socket.send(encodeDumpRequest(rt.RTM_GETLINK, this.seq));
    if (failed !== undefined) this.dumpFailed(failed);
  }

  private dumpFailed(error: SyscallError): void {
    const queued = this.dumping?.queued ?? [];
    this.dumping = undefined;
    if (this.started !== undefined) {
      this.started(error);
      return;
    }
    this.options.onError(error);
    this.apply(queued);
  }

  private onOverrun(): void {
    if (this.closed) return;
    this.emit({ type: "overrun" });
    if (this.dumping === undefined) this.startDump(false);
    else this.startDump(this.dumping.initial); // the running dump may have lost replies too: start over
  }

  private onMessages(messages: NetlinkMessage[]): void {
    const notifications: NetlinkMessage[] = [];
    for (const message of messages) {
      const dump = this.dumping;
      const isReply = message.pid === this.socket.portId && message.seq !== 0;
      if (!isReply) notifications.push({ ...message, payload: message.payload.slice() });
      if (!isReply || dump === undefined || message.seq !== dump.seq) continue;
      if (message.type === NLMSG_DONE) this.dumpDone(dump);
      else if (message.type === NLMSG_ERROR) {
        this.dumpFailed(new SyscallError("RTM_GETLINK", decodeAck(message)?.errno ?? k.EBADF, "link dump"));
      } else if (message.type === rt.RTM_NEWLINK && (message.flags & NLM_F_MULTI) !== 0) {
        const link = decodeLink(message.payload);
        if (link !== undefined) dump.links.set(link.ifindex, link);
      }
    }
    if (this.dumping !== undefined) this.dumping.queued.push(...notifications);
    else this.apply(notifications);
  }

  private dumpDone(dump: NonNullable<LinkMonitor["dumping"]>): void {
    this.dumping = undefined;
    if (dump.initial) {
      for (const link of dump.links.values()) this.cache.set(link.ifindex, link);
    } else {
      for (const [ifindex, link] of this.cache) if (!dump.links.has(ifindex)) this.linkGone(link);
      for (const link of dump.links.values()) this.linkSeen(link);
    }
    this.started?.();
    this.apply(dump.queued);
  }

  private apply(notifications: readonly NetlinkMessage[]): void {
    for (const message of notifications) {
      if (this.closed) return;
      if (message.type === rt.RTM_NEWLINK || message.type === rt.RTM_DELLINK) {
        const link = decodeLink(message.payload);
        if (link === undefined) continue;
        if (message.type === rt.RTM_NEWLINK) this.linkSeen(link);
        else this.linkGone(link);
      } else if (message.type === rt.RTM_NEWADDR || message.type === rt.RTM_DELADDR) {
        const address = decodeAddress(message.payload);
        if (address === undefined) continue;
        this.emit({ type: message.type === rt.RTM_NEWADDR ? "address-added" : "address-removed", address });
      }
    }
  }

  private linkSeen(link: LinkInfo): void {
    const previous = this.cache.get(link.ifindex);
    this.cache.set(link.ifindex, link);
    if (previous === undefined) this.emit({ type: "link-created", link });
    else if (previous.up !== link.up) this.emit({ type: link.up ? "link-up" : "link-down", link });
    else if (changed(previous, link)) this.emit({ type: "link-changed", link });
  }

  private linkGone(link: LinkInfo): void {
    if (!this.cache.delete(link.ifindex)) return;
    this.emit({ type: "link-deleted", link });
  }

  private emit(event: MonitorEvent): void {
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.options.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** The kernel repeats RTM_NEWLINK for things the daemon does not care about (statistics, wireless events). */
function changed(a: LinkInfo, b: LinkInfo): boolean {
  return (
    a.name !== b.name || a.flags !== b.flags || a.operstate !== b.operstate || a.mac !== b.mac || a.mtu !== b.mtu || a.master !== b.master
  );
}
