// netifd as ubus sees it, for tests: the object `network.interface` (notifying its subscribers with
// "interface.update" / "interface.down") and one `network.interface.<name>` object per logical network whose
// `status` answers with the fields real netifd's interface_dump_status() (netifd interface.c) writes: `up`,
// `pending`, `available`, `autostart`, `dynamic`, `uptime` and `l3_device` only while up, `proto`, `device`, ...
import { connectUbus, ubusMethod, type UbusClient, type UbusObject } from "../../src/ubus/client.ts";

export interface NetworkState {
  readonly up: boolean;
  readonly l3_device?: string;
  readonly device?: string;
}

/** The status real netifd answers for a network in this state (a static-proto LAN, or a WAN that is down). */
export function netifdStatus(state: NetworkState): Record<string, unknown> {
  return {
    up: state.up,
    pending: false,
    available: true,
    autostart: true,
    dynamic: false,
    ...(state.up ? { uptime: 42 } : {}),
    ...(state.up && state.l3_device !== undefined ? { l3_device: state.l3_device } : {}),
    proto: "static",
    ...(state.device !== undefined ? { device: state.device } : {}),
    updated: ["addresses"],
    metric: 0,
    dns_metric: 0,
    delegation: true,
    "ipv4-address": [],
    "ipv6-address": [],
    "ipv6-prefix": [],
    "ipv6-prefix-assignment": [],
    route: [],
    "dns-server": [],
    "dns-search": [],
    neighbors: [],
    inactive: { "ipv4-address": [], "ipv6-address": [], route: [], "dns-server": [], "dns-search": [], neighbors: [] },
    data: {},
  };
}

export class FakeNetifd {
  readonly state: Record<string, NetworkState> = {
    lan: { up: true, l3_device: "br-lan", device: "br-lan" },
    wan: { up: false, device: "eth1" },
  };
  client!: UbusClient;
  main!: UbusObject;

  async start(path: string): Promise<void> {
    this.client = await connectUbus(path);
    this.main = await this.client.addObject("network.interface", { dump: ubusMethod({}, () => undefined) });
    for (const name of Object.keys(this.state)) {
      await this.client.addObject(`network.interface.${name}`, { status: ubusMethod({}, () => ({ data: netifdStatus(this.state[name] ?? { up: false }) })) });
    }
  }

  set(name: string, s: NetworkState): void {
    this.state[name] = s;
    this.client.notify(this.main.objid, s.up ? "interface.update" : "interface.down", { interface: name, ...netifdStatus(s) });
  }
}
