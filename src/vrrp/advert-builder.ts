// Builds the bytes of this router's advertisement, once per destination (the multicast group, or each
// unicast peer), because the VRRPv3 checksum covers a pseudo-header that includes the destination.
import type { Advertisement } from "./advertisement.ts";
import { encode } from "./codec.ts";
import type { Output } from "./io.ts";
import type { InstanceConfig } from "./model.ts";
import { msToCentiseconds, msToSeconds } from "./timers.ts";

export function advertisedAddresses(config: InstanceConfig): string[] {
  return config.virtualAddresses.filter((vip) => !vip.excluded).map((vip) => vip.address);
}

export function buildAdvertisement(config: InstanceConfig, priority: number): Advertisement {
  const addresses = advertisedAddresses(config);
  if (config.version === 2) {
    return {
      version: 2,
      vrid: config.vrid,
      priority,
      addresses,
      authType: config.authType,
      authPassword: config.authType === 1 ? config.authPassword : "",
      adverIntSec: msToSeconds(config.advertIntervalMs),
    };
  }
  return { version: 3, vrid: config.vrid, priority, addresses, maxAdverIntCs: msToCentiseconds(config.advertIntervalMs) };
}

/**
 * The send outputs of one advert. A master sends the same bytes every interval, so the last outputs are kept per
 * configuration (a reload brings a new configuration object) and reused while priority and source are unchanged.
 * Outputs are read-only values, so sharing them between intervals is safe.
 */
export function advertOutputs(config: InstanceConfig, priority: number, src: string): readonly Output[] {
  const last = lastOutputs.get(config);
  if (last !== undefined && last.priority === priority && last.src === src) return last.outputs;
  const outputs = encodeOutputs(config, priority, src);
  lastOutputs.set(config, { priority, src, outputs });
  return outputs;
}

const lastOutputs = new WeakMap<InstanceConfig, { priority: number; src: string; outputs: readonly Output[] }>();

function encodeOutputs(config: InstanceConfig, priority: number, src: string): Output[] {
  const advert = buildAdvertisement(config, priority);
  const destinations = config.unicastPeers.length > 0 ? config.unicastPeers : [config.multicastGroup];
  return destinations.map((dst) => ({
    type: "send",
    instance: config.name,
    interface: config.interface,
    family: config.family,
    src,
    dst,
    bytes: encode(advert, { family: config.family, src, dst, v3Ipv4Checksum: config.v3Ipv4Checksum }),
  }));
}
