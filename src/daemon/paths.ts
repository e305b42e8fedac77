// Where the daemon looks for its files when the command line does not say: OpenWrt's places on a router,
// /etc/vrrpd/ on any other Linux. A router is recognised by /etc/openwrt_release, which every OpenWrt image
// has (base-files); OpenWrt's init script also passes -c /etc/config/vrrp, so a router never depends on this.
import { existsSync } from "node:fs";
import { DEFAULT_CONTROL_SOCKET } from "./control-socket.ts";
import { OPENWRT_PATHS, type RuntimePaths } from "./runtime-config.ts";

export const OPENWRT_RELEASE_FILE = "/etc/openwrt_release";

export interface PlatformPaths extends RuntimePaths {
  readonly platform: "openwrt" | "linux";
  /** The UCI file (same syntax and schema on both). */
  readonly config: string;
  readonly controlSocket: string;
}

export const OPENWRT_PLATFORM_PATHS: PlatformPaths = { platform: "openwrt", config: "/etc/config/vrrp", controlSocket: DEFAULT_CONTROL_SOCKET, ...OPENWRT_PATHS };

/** A server has no /etc/config (that is UCI's directory) nor /etc/hotplug.d (procd's): everything in /etc/vrrpd. */
export const LINUX_PLATFORM_PATHS: PlatformPaths = {
  platform: "linux",
  config: "/etc/vrrpd/vrrp",
  controlSocket: DEFAULT_CONTROL_SOCKET,
  hotplugDir: "/etc/vrrpd/hotplug.d",
  userHook: "/etc/vrrpd/vrrp.user",
};

export function platformPaths(exists: (path: string) => boolean = existsSync): PlatformPaths {
  return exists(OPENWRT_RELEASE_FILE) ? OPENWRT_PLATFORM_PATHS : LINUX_PLATFORM_PATHS;
}

/** For `vrrpd --help`: which default applies here, and why. */
export function describeDefault(paths: PlatformPaths): string {
  return paths.platform === "openwrt" ? `this is OpenWrt: ${OPENWRT_RELEASE_FILE} exists` : `no ${OPENWRT_RELEASE_FILE}, so not OpenWrt; OpenWrt uses /etc/config/vrrp`;
}

/**
 * The list of addresses the daemon holds (held-address-record.ts), beside its control socket and named after it
 * (/run/vrrpd/control.sock: /run/vrrpd/control.held-addresses), so two daemons sharing a directory never share it.
 * The directory is a runtime one only root writes (tmpfs, gone at reboot; systemd keeps it across a restart,
 * RuntimeDirectoryPreserve=restart). The wrappers (files/usr/sbin/vrrpd, files/linux/npm/vrrpd) derive the same
 * name from the --control-socket they are given.
 */
export function heldAddressesPath(controlSocket: string): string {
  return `${controlSocket.replace(/\.sock$/, "")}.held-addresses`;
}

/**
 * The hand-off record (handoff-record.ts), named after the control socket the same way
 * (/run/vrrpd/control.handoff.json): one daemon's planned restart must not stop the wrapper from cleaning up after
 * another daemon's crash in the same directory, nor hand its instances to that daemon's successor.
 */
export function handoffRecordPath(controlSocket: string): string {
  return `${controlSocket.replace(/\.sock$/, "")}.handoff.json`;
}
