// The random LAN of one scenario: 2-4 routers running 1-3 virtual routers (mixed VRRPv2 and v3, IPv4 and IPv6,
// multicast and unicast), with sync groups, tracked interfaces and scripts with weights, owners, preempt_delay,
// `state MASTER`, nopreempt, accept mode and both handover modes. Everything derives from the PRNG.
import type { CoreConfig, InstanceConfig, SyncGroupConfig, TrackRef } from "../../src/vrrp/model.ts";
import type { Prng } from "./prng.ts";
import { nodeIpv4, simInstance } from "./topology.ts";

export const WAN_DEVICE = "wan0";
export const WAN_TRACK = `interface:${WAN_DEVICE}`;
export const SCRIPT_TRACK = "script:chk_gw";

export interface Plan {
  readonly nodeCount: number;
  /** What each node is configured with (index 0 is r1). */
  readonly configs: CoreConfig[];
  /** v3-only LANs run at 20, 100 or 1000 ms; with any v2 instance, 1000 ms. Intervals are this or twice it. */
  readonly baseIntervalMs: number;
  readonly maxDelayMs: number;
}

/** What every node shares about one virtual router (the rest is per node). */
interface Shared {
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly family: 4 | 6;
  readonly advertIntervalMs: number;
  readonly unicast: boolean;
  readonly auth: Partial<InstanceConfig>;
  readonly grouped: boolean;
  readonly ownerNode: number | undefined;
}

export function planCluster(prng: Prng): Plan {
  const nodeCount = prng.chance(0.4) ? 2 : prng.int(3, 4);
  const instanceCount = prng.pick([1, 1, 2, 2, 3]);
  const versions = Array.from({ length: instanceCount }, () => prng.pick([2, 3] as const));
  const baseIntervalMs = versions.includes(2) ? 1000 : prng.pick([20, 100, 1000]);
  const grouped = instanceCount >= 2 && prng.chance(0.4);
  const shared: Shared[] = versions.map((version, k) => {
    const family = version === 2 ? 4 : prng.pick([4, 6] as const);
    return {
      vrid: 51 + k,
      version,
      family,
      advertIntervalMs: prng.chance(0.25) ? 2 * baseIntervalMs : baseIntervalMs,
      unicast: family === 4 && prng.chance(0.25),
      auth: version === 2 && prng.chance(0.3) ? { authType: 1 as const, authPassword: "secret" } : {},
      grouped,
      ownerNode: !grouped && prng.chance(0.15) ? prng.int(0, nodeCount - 1) : undefined,
    };
  });
  const configs = Array.from({ length: nodeCount }, (_, node) => nodeConfig(prng, node, nodeCount, shared));
  return { nodeCount, configs, baseIntervalMs, maxDelayMs: Math.min(2, baseIntervalMs / 20) };
}

function nodeConfig(prng: Prng, node: number, nodeCount: number, shared: readonly Shared[]): CoreConfig {
  // A sync group's members share their priority and weighted tracked objects on a node (see groupMates in
  // scenario-reloads.ts); each member may still track its own objects with weight 0 (Fault, contagious in the group).
  const groupPriority = randomPriority(prng);
  const groupTracks = randomTracks(prng).filter((t) => t.weight !== 0);
  const handover = prng.chance(0.3) ? ("strict" as const) : ("make-before-break" as const);
  const instances = shared.map((s) =>
    simInstance({
      vrid: s.vrid,
      version: s.version,
      family: s.family,
      advertIntervalMs: s.advertIntervalMs,
      priority: s.ownerNode === node ? 255 : s.grouped ? groupPriority : randomPriority(prng),
      preempt: prng.chance(0.85),
      preemptDelayMs: prng.chance(0.2) ? prng.int(1, 3) * s.advertIntervalMs : 0,
      initialState: prng.chance(0.3) ? "master" : "backup",
      acceptMode: prng.chance(0.7),
      handover,
      v3Ipv4Checksum: prng.pick(["pseudo-header", "message-only"] as const),
      tracks: s.grouped ? [...groupTracks, ...faultTracks(prng, groupTracks)] : randomTracks(prng),
      ...s.auth,
      ...(s.unicast ? { unicastPeers: peersOf(node, nodeCount) } : {}),
    }),
  );
  const syncGroups: SyncGroupConfig[] = shared[0]?.grouped ? [{ name: "gw", members: instances.map((i) => i.name) }] : [];
  return { instances, syncGroups };
}

function randomPriority(prng: Prng): number {
  return prng.pick([50, 100, 100, 150, 200, 254, prng.int(1, 254)]);
}

function randomTracks(prng: Prng): TrackRef[] {
  const tracks: TrackRef[] = [];
  if (prng.chance(0.35)) tracks.push({ id: WAN_TRACK, weight: prng.pick([0, -50, 30, -120]), reverse: prng.chance(0.1) });
  if (prng.chance(0.3)) tracks.push({ id: SCRIPT_TRACK, weight: prng.pick([0, -30, 60]), reverse: prng.chance(0.1) });
  return tracks;
}

/** A member's own weight-0 tracked object (one the group does not weigh already), sometimes. */
function faultTracks(prng: Prng, shared: readonly TrackRef[]): TrackRef[] {
  const id = prng.pick([WAN_TRACK, SCRIPT_TRACK]);
  if (!prng.chance(0.3) || shared.some((t) => t.id === id)) return [];
  return [{ id, weight: 0, reverse: prng.chance(0.3) }];
}

function peersOf(node: number, nodeCount: number): string[] {
  return Array.from({ length: nodeCount }, (_, j) => nodeIpv4(j + 1)).filter((_, j) => j !== node);
}

export function intervalsOf(plan: Plan): number[] {
  return plan.configs.flatMap((c) => c.instances.map((i) => i.advertIntervalMs));
}
