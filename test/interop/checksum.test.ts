// VRRPv3 over IPv4 has two checksum forms in the field (vrp-protocol reference §1 fact 9, §5.11): RFC 5798 as
// keepalived and FRR read it (with the IPv4 pseudo-header) and RFC 9568 (message only, keepalived's
// `v3_checksum_as_v2`). vrrpd sends the form it is configured for and accepts both. These tests pin both halves
// against the real daemons: vrrpd set to message-only still accepts their pseudo-header adverts, and Debian's
// keepalived 2.2.7 and FRR 8.4.4 (which have no such option) refuse message-only adverts, which is why vrrpd
// must keep the pseudo-header form as its default.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FRR_USER, FrrPeer } from "./frr.ts";
import { withLab } from "./interop-lab.ts";
import { KeepalivedPeer } from "./keepalived.ts";
import { PRIORITY, V3_IPV4_CHECKSUM_AS_V2 as MODE } from "./modes.ts";
import { waitFor, type Peer } from "./peer.ts";
import { FRR_VRRPD, FRR_ZEBRA, skipWithoutInterop } from "./prerequisites.ts";
import { Pairing } from "./scenario.ts";
import { VrrpdPeer } from "./vrrpd.ts";

const PEERS = {
  keepalived: { needs: ["keepalived", "ip", "ping", "tcpdump"], users: [] as string[], refusal: /Invalid VRRPv3 checksum/ },
  FRR: { needs: [FRR_ZEBRA, FRR_VRRPD, "vtysh", "ip", "ping", "tcpdump"], users: [FRR_USER], refusal: /Datagram invalid: Bad VRRP checksum/i },
} as const;

type PeerName = keyof typeof PEERS;

function peer(name: PeerName, ...args: ConstructorParameters<typeof KeepalivedPeer>): Peer {
  return name === "keepalived" ? new KeepalivedPeer(...args) : new FrrPeer(...args);
}

describe("VRRPv3/IPv4 checksum forms", { concurrency: 1 }, () => {
  for (const name of Object.keys(PEERS) as PeerName[]) {
    const { needs, users, refusal } = PEERS[name];

    test(`vrrpd sending message-only checksums accepts ${name}'s pseudo-header adverts`, async (t) => {
      if (skipWithoutInterop(t, needs, users)) return;
      await withLab(async (lab) => {
        const pairing = new Pairing(t, lab, MODE, peer(name, lab, "r1", PRIORITY.master, MODE), new VrrpdPeer(lab, "r2", PRIORITY.backup, MODE));
        await pairing.converge();
        await pairing.gracefulStop();
        const senders = await pairing.checkWire({ expectPriorityZero: true });
        const forms = new Set(senders.flatMap((s) => s.checksums));
        assert.ok(forms.has("IPv4 pseudo-header, actual dst") && forms.has("message only"), `expected both forms on the wire, saw ${[...forms].join(", ")}`);
      });
    });

    test(`${name} refuses vrrpd's message-only checksums (why vrrpd's default is the pseudo-header form)`, async (t) => {
      if (skipWithoutInterop(t, needs, users)) return;
      await withLab(async (lab) => {
        const vrrpd = new VrrpdPeer(lab, "r1", PRIORITY.master, MODE);
        const other = peer(name, lab, "r2", PRIORITY.backup, MODE);
        await vrrpd.start();
        await waitFor("vrrpd to become master", () => vrrpd.holdsVip() && vrrpd.state() === "master", 10_000, 20, () => vrrpd.logTail());
        await other.start();
        other.mark();
        await waitFor(`${name} to refuse vrrpd's adverts`, () => other.complaints().some((l) => refusal.test(l)), 5000, 20, () => other.logTail());
        t.diagnostic(`${name}: ${other.complaints().find((l) => refusal.test(l)) ?? ""}`);
        // Deaf to the master, the backup takes over too: both routers answer for the VIP (split brain).
        await waitFor(`${name} to become master as well`, () => other.holdsVip(), 5000, 20, () => other.logTail());
        t.diagnostic(`${name} became master beside vrrpd: split brain, as expected when the checksum forms disagree`);
      });
    });
  }

  // Regression: src/daemon/runtime.ts used to log every "master-rx-lower-pri" output, i.e. one warning per advert of
  // the other master (10 lines/s at 0.1 s, 100/s at 0.01 s) for as long as a split brain lasted, while dropped
  // adverts were already rate-limited (RFC 9568 §7.1). On OpenWrt that floods logd's ring buffer. Found here (20
  // warnings in 2 s); now logged at most once a minute per instance and sender.
  test("split brain: vrrpd rate-limits its 'lower-priority master' warning instead of logging every advert", async (t) => {
    // FRR as the deaf peer: it keeps advertising every interval (keepalived 2.2.7 as master slows its own adverts
    // down while it receives packets it refuses, so it would hide the flood).
    if (skipWithoutInterop(t, PEERS.FRR.needs, PEERS.FRR.users)) return;
    await withLab(async (lab) => {
      const vrrpd = new VrrpdPeer(lab, "r1", PRIORITY.master, MODE);
      const frr = new FrrPeer(lab, "r2", PRIORITY.backup, MODE);
      await vrrpd.start();
      await waitFor("vrrpd to become master", () => vrrpd.holdsVip() && vrrpd.state() === "master", 10_000, 20, () => vrrpd.logTail());
      await frr.start();
      await waitFor("FRR to become master as well", () => frr.holdsVip(), 5000, 20, () => frr.logTail());
      vrrpd.mark();
      const windowMs = 2000;
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const warnings = vrrpd.logSinceMark(/heard a lower-priority master/);
      t.diagnostic(`vrrpd logged ${warnings.length} "lower-priority master" warnings in ${windowMs} ms of split brain at ${MODE.advertIntS} s adverts`);
      assert.ok(warnings.length <= 2, `vrrpd logged ${warnings.length} warnings in ${windowMs} ms: one per advert of the other master, not rate-limited`);
    });
  });
});
