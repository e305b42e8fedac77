// The stability benchmark's judgement of a capture: what counts as a false takeover and as an advert gap. The
// numbers in docs/performance.md rest on these, so they are checked here on hand-made captures.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { advertGapsMs, quantile, takeoverEpisodes, wireAdverts } from "../../bench/stability.ts";

describe("stability benchmark: reading the wire", () => {
  it("parses tcpdump's VRRP lines with their kernel timestamps", () => {
    const lines = [
      "1765054984.101000 IP 192.0.2.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 200, intvl 2cs, length 12",
      "listening on br0, link-type EN10MB (Ethernet), snapshot length 262144 bytes",
      "1765054984.121500 IP 192.0.2.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 2cs, length 12",
    ];
    assert.deepEqual(wireAdverts(lines), [
      { atMs: 1765054984101, src: "192.0.2.1", priority: 200 },
      { atMs: 1765054984121.5, src: "192.0.2.2", priority: 100 },
    ]);
  });

  it("one episode per run of backup adverts; a pause longer than quietMs starts another", () => {
    assert.equal(takeoverEpisodes([], 100), 0);
    assert.equal(takeoverEpisodes([1000, 1020, 1040], 100), 1);
    assert.equal(takeoverEpisodes([1000, 1020, 1200, 1220, 5000], 100), 3);
  });

  it("gaps between consecutive adverts, and nearest-rank quantiles that were observed", () => {
    const gaps = advertGapsMs([0, 20, 40, 140, 160]);
    assert.deepEqual(gaps, [20, 20, 100, 20]);
    assert.equal(quantile(gaps, 0.5), 20);
    assert.equal(quantile(gaps, 0.99), 100);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });
});
