// Which received adverts an instance acts on (RFC 3768 §7.1, RFC 5798/9568 §7.1), as far as the simulated LAN can
// make them differ: version, the VRRPv2 interval, unicast peers. The simulator never corrupts bytes, and
// authentication and TTL are the same on every node, so those checks always pass here.
import type { InstanceConfig } from "../../../src/vrrp/model.ts";
import type { Delivery } from "../wire-facts.ts";

export function addressedTo(config: InstanceConfig, delivery: Delivery): boolean {
  return config.family === delivery.family && config.vrid === delivery.facts.vrid;
}

export function accepts(config: InstanceConfig, delivery: Delivery): boolean {
  const facts = delivery.facts;
  if (!addressedTo(config, delivery) || facts.version !== config.version || facts.intervalMs <= 0) return false;
  // RFC 3768 §7.1: a VRRPv2 advert whose interval differs from ours MUST be discarded.
  if (config.version === 2 && facts.intervalMs !== config.advertIntervalMs) return false;
  return config.unicastPeers.length === 0 || config.unicastPeers.includes(delivery.src);
}

/**
 * What ends a leaving (stopped or retired) instance's handover: an advert it accepts, or one of the other version
 * (a reload that changed the version re-created the instance, and the successor speaks the new one); the
 * checks that do not depend on the version (unicast peers) still apply.
 */
export function supersedesLeaving(config: InstanceConfig, delivery: Delivery): boolean {
  if (accepts(config, delivery)) return true;
  if (!addressedTo(config, delivery) || delivery.facts.version === config.version || delivery.facts.intervalMs <= 0) return false;
  return config.unicastPeers.length === 0 || config.unicastPeers.includes(delivery.src);
}

