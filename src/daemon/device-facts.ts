// What `vrrpd check-config` needs to know about this machine (src/config/live-devices.ts decides what to say):
// which network devices exist, and on OpenWrt which names are logical networks that netifd resolves. Read once,
// at check time; the running daemon does not use this (it waits for devices instead).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DeviceFacts } from "../config/live-devices.ts";
import { parseUci } from "../config/uci/parser.ts";

export interface HostPaths {
  /** Where devices are listed (Linux's sysfs). */
  readonly sysClassNet?: string;
  /** The UCI directory whose `network` file lists OpenWrt's networks, when the config is a single file. */
  readonly etcConfig?: string;
}

/** `config interface 'NAME'` sections of a UCI network file; undefined when there is no such file (plain Linux). */
function readNetworks(file: string): Set<string> | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = parseUci({ path: file, text: readFileSync(file, "utf8") });
  return new Set(parsed.package.sections.flatMap((s) => (s.type === "interface" && s.name !== undefined ? [s.name] : [])));
}

/**
 * `configPath` is check-config's -c: a UCI directory holds its own `network` file; beside a single file
 * (/etc/config/vrrp, or a draft in /tmp) the machine's /etc/config/network is the one netifd runs.
 */
export function hostDeviceFacts(configPath: string, paths: HostPaths = {}): DeviceFacts {
  const sysClassNet = paths.sysClassNet ?? "/sys/class/net";
  const isDir = existsSync(configPath) && statSync(configPath).isDirectory();
  const file = join(isDir ? configPath : (paths.etcConfig ?? "/etc/config"), "network");
  const names = readNetworks(file);
  return {
    // "." and ".." are directories of sysfs itself, never devices (Linux refuses both names).
    deviceExists: (name) => name !== "." && name !== ".." && !name.includes("/") && existsSync(join(sysClassNet, name)),
    ...(names === undefined ? {} : { networks: { names, file } }),
  };
}
