// Builders for simulated LANs: node addresses from the documentation ranges, one instance per VRID.
import type { IpFamily } from "../../src/vrrp/advertisement.ts";
import { type CoreConfig, type InstanceConfig, instanceDefaults } from "../../src/vrrp/model.ts";
import { SIM_INTERFACE, type SimNodeSpec } from "./simulation.ts";

export const nodeIpv4 = (i: number): string => `192.0.2.${10 + i}`;
export const nodeIpv6LinkLocal = (i: number): string => `fe80::${(0x10 + i).toString(16)}`;

export function vipsFor(family: IpFamily, vrid: number): InstanceConfig["virtualAddresses"] {
  return family === 4
    ? [{ address: `198.51.100.${vrid % 250}`, prefixLength: 24 }]
    : [{ address: `fe80::${(0x1000 + vrid).toString(16)}`, prefixLength: 64 }, { address: `2001:db8::${vrid.toString(16)}`, prefixLength: 64 }];
}

export function simInstance(fields: Partial<InstanceConfig> & { vrid: number }): InstanceConfig {
  const family = fields.family ?? 4;
  return instanceDefaults({
    name: `vr${fields.vrid}-v${family}`,
    interface: SIM_INTERFACE,
    virtualAddresses: vipsFor(family, fields.vrid),
    ...fields,
  });
}

export function simNode(i: number, config: CoreConfig): SimNodeSpec {
  return { name: `r${i}`, ipv4: nodeIpv4(i), ipv6LinkLocal: nodeIpv6LinkLocal(i), config };
}

export const single = (instance: InstanceConfig): CoreConfig => ({ instances: [instance], syncGroups: [] });
