// The two-router topology most platform tests use: namespaces "a" and "b" joined by a veth pair va <-> vb.
// a: 192.0.2.1/24 (+ 192.0.2.11/24 secondary), 2001:db8::1/64 (+ 2001:db8::11/64); b: 192.0.2.2/24, 2001:db8::2/64.
import assert from "node:assert/strict";
import { NetnsLab, netnsUnavailableReason, type Agent } from "./netns.ts";

export interface Pair {
  readonly lab: NetnsLab;
  readonly nsA: string;
  readonly nsB: string;
  readonly ifindexA: number;
  readonly ifindexB: number;
  readonly linkLocalA: string;
  readonly agentA: Agent;
  readonly agentB: Agent;
}

/** Builds the pair and starts one agent per namespace; undefined when namespaces are unavailable (tests skip). */
export async function setUpPair(lab: NetnsLab): Promise<Pair | undefined> {
  if (netnsUnavailableReason() !== undefined) return undefined;
  const nsA = lab.namespace("a");
  const nsB = lab.namespace("b");
  lab.veth(nsA, "va", nsB, "vb");
  for (const address of ["192.0.2.1/24", "192.0.2.11/24"]) lab.ip(nsA, "addr", "add", address, "dev", "va");
  for (const address of ["2001:db8::1/64", "2001:db8::11/64"]) lab.ip(nsA, "addr", "add", address, "dev", "va", "nodad");
  lab.ip(nsB, "addr", "add", "192.0.2.2/24", "dev", "vb");
  lab.ip(nsB, "addr", "add", "2001:db8::2/64", "dev", "vb", "nodad");
  const [agentA, agentB] = await Promise.all([lab.agent(nsA), lab.agent(nsB)]);
  return {
    lab,
    nsA,
    nsB,
    ifindexA: lab.ifindex(nsA, "va"),
    ifindexB: lab.ifindex(nsB, "vb"),
    linkLocalA: linkLocal(lab, nsA, "va"),
    agentA,
    agentB,
  };
}

export function linkLocal(lab: NetnsLab, ns: string, dev: string): string {
  const [info] = lab.ipJson<{ addr_info: { family: string; scope: string; local: string }[] }[]>(ns, "addr", "show", "dev", dev);
  const found = info?.addr_info.find((a) => a.family === "inet6" && a.scope === "link");
  assert.ok(found !== undefined, `no IPv6 link-local on ${dev} in ${ns}`);
  return found.local;
}

/** The set-up value inside a test that already passed skipWithoutNetns. */
export function need<T>(value: T | undefined): T {
  assert.ok(value !== undefined, "the namespace set-up did not run (see the before hook's error)");
  return value;
}
