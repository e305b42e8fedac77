// Logical networks to Linux devices. /etc/config/vrrp names OpenWrt networks (`lan`, `wan`) the way dhcp and
// mwan3 do; the protocol core and the kernel need devices (`br-lan`, `pppoe-wan`). netifd knows the mapping
// and it changes at run time (a PPPoE session comes and goes), so the daemon asks it and calls this again
// whenever it changes. Pure: the lookup is passed in.
import type { CoreConfig } from "../vrrp/model.ts";
import { trackId, type DaemonConfig } from "./model.ts";
import { trackedInterface } from "../vrrp/tracking.ts";

export interface ResolvedCore {
  readonly core: CoreConfig;
  /** Names the lookup did not know, used as device names as written (right on plain Linux). */
  readonly unresolved: readonly string[];
  /**
   * Instances that meet on one device, family and VRID only after resolution (`interface 'lan'` in one,
   * `device 'br-lan'` in another): validation cannot see these, and the engine would let one shadow the other.
   */
  readonly conflicts: readonly string[];
}

/**
 * `device` wins; else `interface` through `deviceOf` (netifd's l3_device); else `interface` as a device.
 * Interface track ids are rewritten the same way, to the `interface:<device>` ids the engine reports.
 */
export function resolveDevices(config: DaemonConfig, deviceOf: (network: string) => string | undefined): ResolvedCore {
  const unresolved = new Set<string>();
  const device = (name: string): string => {
    const found = deviceOf(name);
    if (found === undefined) unresolved.add(name);
    return found ?? name;
  };
  const instances = config.core.instances.map((c) => {
    const meta = Object.hasOwn(config.instances, c.name) ? config.instances[c.name] : undefined;
    const iface = meta?.device ?? (meta?.logicalInterface === undefined ? c.interface : device(meta.logicalInterface));
    const tracks = c.tracks.map((t) => {
      const name = trackedInterface(t.id);
      return name === undefined ? t : { ...t, id: trackId.interface(device(name)) };
    });
    return { ...c, interface: iface, tracks };
  });
  const conflicts: string[] = [];
  const seen = new Map<string, string>();
  for (const c of instances) {
    const key = `${c.interface}/${c.family}/${c.vrid}`;
    const other = seen.get(key);
    if (other === undefined) seen.set(key, c.name);
    else conflicts.push(`instances '${other}' and '${c.name}' both use VRID ${c.vrid} for IPv${c.family} on ${c.interface}`);
  }
  return { core: { ...config.core, instances }, unresolved: [...unresolved], conflicts };
}
