// One pairing, one lab, the whole life of a VRRP pair: the master comes up, the backup joins and stays backup
// (it accepts the master's adverts), the master loses power (SIGKILL + cut at the switch) and the backup takes
// over after Master_Down_Interval, the master comes back and preempts, then the master is stopped gracefully
// (priority 0) and the backup takes over after Skew_Time while the client pings the VIP every 10 ms.
// The phases are methods of Pairing so shorter tests (checksum.test.ts) can run only some of them.
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { Prober, type ProbeReport } from "../netns/prober.ts";
import { sleep, type InteropLab } from "./interop-lab.ts";
import { advertIntMs, masterDownMs, skewMs, type Mode } from "./modes.ts";
import { waitFor, type Peer } from "./peer.ts";
import { REFUSAL_COUNTERS, VrrpdPeer } from "./vrrpd.ts";
import { describeSender, epochNow, summarise, WireCapture, type Advert, type SenderSummary } from "./wire.ts";

export interface ScenarioOptions {
  /** A warning vrrpd (as backup) must have logged: it tolerates something of the peer's and says so. */
  readonly vrrpdBackupWarns?: { readonly pattern: RegExp; readonly counter: string };
  /** Most probes the client may lose in the graceful handover (only where 0 was seen reliably). */
  readonly gracefulLossBound?: number;
}

export interface Takeover {
  /** From the event (cut, SIGTERM) until the VIP was live on the backup. */
  readonly ms: number;
  readonly probes: ProbeReport;
}

export class Pairing {
  private capture: WireCapture | undefined;
  readonly adv: number;
  /** The backup's Master_Down_Interval and Skew_Time. */
  readonly mdi: number;
  readonly skew: number;

  constructor(
    private readonly t: TestContext,
    private readonly lab: InteropLab,
    readonly mode: Mode,
    readonly master: Peer,
    readonly backup: Peer,
  ) {
    this.adv = advertIntMs(mode);
    this.mdi = masterDownMs(mode, backup.priority);
    this.skew = skewMs(mode, backup.priority);
  }

  note(text: string): void {
    this.t.diagnostic(`${this.mode.name}, ${this.master.daemon} master / ${this.backup.daemon} backup: ${text}`);
  }

  readonly logs = (): string => `${this.master.logTail()}\n${this.backup.logTail()}`;

  /** The master first, then the backup joins; it must stay backup for longer than its Master_Down_Interval. */
  async converge(options: ScenarioOptions = {}): Promise<void> {
    const { master, backup, mode } = this;
    // On the backup's switch port: every advert of both routers crosses it, unicast ones included.
    this.capture = await WireCapture.start(this.lab, backup.router, "pairing");
    await master.start();
    await waitFor(`${master.daemon} to become master`, () => master.holdsVip() && master.state() === "master", 2 * masterDownMs(mode, master.priority) + 10_000, 20, this.logs);
    await backup.start();
    await waitFor(`${backup.daemon} to enter backup`, () => backup.state() === "backup", 10_000, 20, this.logs);
    master.mark();
    backup.mark();
    // A backup that refused the master's adverts would take over within Master_Down_Interval.
    const steadyMs = Math.max(1500, this.mdi + 500);
    for (const until = performance.now() + steadyMs; performance.now() < until; await sleep(50)) {
      assert.ok(master.holdsVip() && !backup.holdsVip(), `steady state: the VIP must be on ${master.router} (${master.daemon}) only; on ${backup.router}: ${backup.holdsVip()}\n${this.logs()}`);
    }
    assert.equal(master.state(), "master", this.logs());
    assert.equal(backup.state(), "backup", this.logs());
    for (const peer of [master, backup]) {
      assert.deepEqual(peer.complaints(), [], `${peer.daemon} complained about the other daemon's packets in steady state`);
    }
    const accepted = backup.accepted();
    if (accepted !== undefined) assert.ok(accepted > 0, `${backup.daemon} accepted no advert`);
    this.note(`converged; steady for ${steadyMs.toFixed(0)} ms with the VIP only on ${master.router}; ${backup.daemon} accepted ${accepted ?? "(not exposed)"} adverts, no complaints`);
    for (const peer of [master, backup]) if (peer instanceof VrrpdPeer) this.checkVrrpdCounters(peer);
    if (options.vrrpdBackupWarns && backup instanceof VrrpdPeer) {
      const { pattern, counter } = options.vrrpdBackupWarns;
      const warned = backup.logSinceStart(pattern);
      assert.ok(warned.length > 0, `vrrpd should log that it tolerates ${pattern}:\n${backup.logTail()}`);
      const count = backup.counters()?.[counter];
      if (count !== undefined) assert.ok(count > 0, `vrrpd should count ${counter}`);
      this.note(`vrrpd tolerated and logged: ${warned[0] ?? ""}${count !== undefined ? ` (${counter} = ${count})` : ""}`);
    }
  }

  /**
   * Power loss of the master: cut at the switch and SIGKILL. Timed on the wire: from the master's last advert the
   * backup saw to its VIP going live must be the backup's Master_Down_Interval, neither shorter nor much longer.
   */
  async powerLoss(): Promise<Takeover> {
    const { master, backup, mdi } = this;
    const probe = await startProbe(this.lab, this.mode);
    const t0 = performance.now();
    this.lab.cutAtSwitch(master.router, true); // silence first: nothing the dying master does reaches the LAN
    await master.crash();
    // The VIP going live is what the client sees; the daemon's own word may lag (a vtysh round trip for FRR).
    await waitFor(`${backup.daemon} to take the VIP after the master's power loss`, () => backup.holdsVip(), mdi + 10_000, 5, this.logs);
    const liveAt = epochNow();
    const ms = performance.now() - t0;
    await waitFor(`${backup.daemon} to report master`, () => backup.state() === "master", 5000, 20, this.logs);
    await sleep(300);
    const probes = await probe.stop();
    const last = this.wire().filter((a) => a.priority === master.priority && a.at < liveAt).pop();
    assert.ok(last, `no advert of ${master.daemon} captured before the cut`);
    const silence = liveAt - last.at;
    this.note(`power loss: ${backup.daemon} took the VIP ${silence.toFixed(0)} ms after the last advert it heard (Master_Down_Interval ${mdi.toFixed(0)} ms), ${ms.toFixed(0)} ms after the cut; client lost ${probes.lost} probes, longest gap ${probes.longestGapMs.toFixed(0)} ms`);
    // Never early. Late by the polling (a few ms per look) and the daemon's own reaction: vrrpd is ~10-40 ms late;
    // keepalived 2.2.7 and FRR 8.4.4 were seen up to about one advert interval late.
    assert.ok(silence >= mdi - 20, `${backup.daemon} took over ${silence.toFixed(0)} ms after the last advert, before Master_Down_Interval ${mdi.toFixed(0)} ms`);
    assert.ok(silence <= mdi + this.adv + 300, `${backup.daemon} took over ${silence.toFixed(0)} ms after the last advert, Master_Down_Interval is ${mdi.toFixed(0)} ms`);
    return { ms, probes };
  }

  /** The master comes back on the LAN and preempts: the backup must let go. */
  async restore(): Promise<void> {
    const { master, backup } = this;
    this.lab.cutAtSwitch(master.router, false);
    const t0 = performance.now();
    await master.start();
    await waitFor(
      `${master.daemon} to preempt after its restart`,
      () => master.holdsVip() && master.state() === "master" && !backup.holdsVip() && backup.state() === "backup",
      2 * masterDownMs(this.mode, master.priority) + 10_000,
      20,
      this.logs,
    );
    this.note(`restarted ${master.daemon} preempted after ${(performance.now() - t0).toFixed(0)} ms (${backup.daemon} released the VIP)`);
  }

  /**
   * SIGTERM to the master: priority 0, the backup takes over after Skew_Time instead of Master_Down_Interval.
   * Timed from the priority-0 advert on the wire, so the stopping daemon's own shutdown latency does not count.
   */
  async gracefulStop(options: ScenarioOptions = {}): Promise<Takeover> {
    const { master, backup, mdi, adv, skew } = this;
    const probe = await startProbe(this.lab, this.mode);
    await sleep(5 * adv); // a few adverts of the (restarted) master on the wire before it leaves
    const stopAt = epochNow();
    const stopping = master.stop();
    let liveAt: number | undefined;
    let releasedAt: number | undefined;
    await waitFor(
      `${backup.daemon} to take over from the stopping ${master.daemon}`,
      () => {
        if (liveAt === undefined && backup.holdsVip()) liveAt = epochNow();
        if (releasedAt === undefined && !master.holdsVip()) releasedAt = epochNow();
        return liveAt !== undefined && releasedAt !== undefined;
      },
      mdi + 10_000,
      5,
      this.logs,
    );
    await waitFor(`${backup.daemon} to report master`, () => backup.state() === "master", 5000, 20, this.logs);
    await sleep(500);
    const probes = await probe.stop();
    await stopping.exited;
    const live = liveAt ?? NaN;
    const released = releasedAt ?? NaN;
    const zeroAdvert = this.wire().find((a) => a.priority === 0 && a.at >= stopAt - 1);
    assert.ok(zeroAdvert, `${master.daemon} sent no priority-0 advert when stopped`);
    const reaction = live - zeroAdvert.at;
    // Both routers are polled in turn (an `ip` call of a few ms each): differences under ~10 ms are noise.
    const overlap = released - live;
    const order = overlap >= 0 ? `both held it for ~${overlap.toFixed(0)} ms` : `nobody held it for ~${(-overlap).toFixed(0)} ms`;
    this.note(
      `graceful stop: priority 0 on the wire ${(zeroAdvert.at - stopAt).toFixed(0)} ms after SIGTERM; VIP live on ${backup.daemon} ${reaction.toFixed(0)} ms later (Skew_Time ${skew.toFixed(0)} ms), ` +
        `released by ${master.daemon} ${(released - zeroAdvert.at).toFixed(0)} ms after its priority 0 (${order}); client lost ${probes.lost} probes, longest gap ${probes.longestGapMs.toFixed(0)} ms`,
    );
    // A timeout-driven takeover could not come before Master_Down_Interval minus one interval.
    assert.ok(reaction < mdi - adv, `${backup.daemon} took over ${reaction.toFixed(0)} ms after the priority-0 advert: not the Skew_Time fast path (Master_Down_Interval ${mdi.toFixed(0)} ms)`);
    const zero = backup.tookOverOnPriorityZero();
    if (zero !== undefined) assert.ok(zero, `${backup.daemon} does not say it took over on a priority-0 advert:\n${backup.logTail()}`);
    if (options.gracefulLossBound !== undefined) {
      assert.ok(probes.lost <= options.gracefulLossBound, `client lost ${probes.lost} probes in the graceful handover (seqs ${probes.lostSeqs.join(",")})`);
    }
    return { ms: live - stopAt, probes };
  }

  private wire(): Advert[] {
    assert.ok(this.capture, "converge() starts the capture");
    return this.capture.snapshot();
  }

  /** What the switch saw: every advert valid in some checksum form, TTL 255, the right version. */
  async checkWire(options: { expectPriorityZero: boolean }): Promise<SenderSummary[]> {
    assert.ok(this.capture, "converge() starts the capture");
    const adverts = await this.capture.stop();
    const senders = summarise(adverts);
    for (const s of senders) this.note(`wire: ${describeSender(s)}`);
    assert.ok(adverts.length > 0, "no advert captured at the switch");
    for (const s of senders) {
      assert.ok(!s.checksums.includes("bad"), `adverts from ${s.src} with a checksum valid in no known form`);
      if (!this.mode.unicast) assert.deepEqual(s.ttls, [255], `adverts from ${s.src} must have TTL/hop limit 255`);
      assert.deepEqual(s.versions, [this.mode.version], `adverts from ${s.src} must be VRRPv${this.mode.version}`);
    }
    if (options.expectPriorityZero) {
      // By sender address: FRR's IPv6 source may change across its restart (see frr.ts), so look at every source.
      const fromMaster = senders.filter((s) => s.priorities.includes(this.master.priority));
      assert.ok(fromMaster.length > 0, `no advert with priority ${this.master.priority} captured`);
      assert.ok(fromMaster.some((s) => s.priorities.includes(0)), `${this.master.daemon} sent no priority-0 advert when stopped`);
    }
    return senders;
  }

  /** No refusal counter may move: from `vrrpd status --json` when the daemon serves it, else from the log. */
  private checkVrrpdCounters(peer: VrrpdPeer): void {
    const counters = peer.counters();
    if (counters === undefined) {
      this.note(`vrrpd on ${peer.router}: no status command or control socket yet; its log shows no refusals`);
      return;
    }
    const moved = REFUSAL_COUNTERS.filter((c) => (counters[c] ?? 0) !== 0).map((c) => `${c}=${counters[c]}`);
    assert.deepEqual(moved, [], `vrrpd on ${peer.router} refused adverts (status --json counters)`);
    this.note(`vrrpd on ${peer.router}: status --json counters: advert_rcvd=${counters.advert_rcvd ?? "?"}, no refusals`);
  }
}

/** Every phase in order. */
export async function runScenario(t: TestContext, lab: InteropLab, mode: Mode, master: Peer, backup: Peer, options: ScenarioOptions = {}): Promise<{ failover: Takeover; graceful: Takeover }> {
  const pairing = new Pairing(t, lab, mode, master, backup);
  await pairing.converge(options);
  const failover = await pairing.powerLoss();
  await pairing.restore();
  const graceful = await pairing.gracefulStop(options);
  await pairing.checkWire({ expectPriorityZero: true });
  return { failover, graceful };
}

async function startProbe(lab: InteropLab, mode: Mode): Promise<Prober> {
  const probe = new Prober(lab, mode.vip);
  await waitFor(`the client to reach ${mode.vip}`, () => probe.replies >= 20, 10_000, 20);
  return probe;
}
