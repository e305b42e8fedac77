// The receive checks, and the memo of the last accepted advert: a repeat skips decoding but never a check whose
// answer could differ (TTL, sender, destination, any changed byte, a new configuration).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdvertFilter } from "../../src/vrrp/advert-filter.ts";
import { encode } from "../../src/vrrp/codec.ts";
import type { ReceivedPacket } from "../../src/vrrp/io.ts";
import { instanceDefaults } from "../../src/vrrp/model.ts";

const config = instanceDefaults({ name: "lan", interface: "eth0", vrid: 51, version: 2, virtualAddresses: [{ address: "192.0.2.100", prefixLength: 24 }], authType: 1, authPassword: "secret" });
const context = { family: 4 as const, src: "192.0.2.2", dst: "224.0.0.18" };
const bytes = encode({ version: 2, vrid: 51, priority: 200, addresses: ["192.0.2.100"], authType: 1, authPassword: "secret", adverIntSec: 1 }, context);
const packet = (overrides: Partial<ReceivedPacket> = {}): ReceivedPacket => ({ interface: "eth0", ttl: 255, bytes, ...context, ...overrides });
const counterOf = (verdict: object): string | undefined => ("counter" in verdict ? String(verdict.counter) : undefined);

describe("AdvertFilter", () => {
  it("accepts a good advert, and its repeat without decoding it again (the same verdict object)", () => {
    const filter = new AdvertFilter(config);
    const first = filter.check(packet());
    assert.equal(counterOf(first), undefined);
    assert.equal(filter.check(packet({ bytes: bytes.slice() })), first);
  });

  it("checks TTL, a changed byte and a different source or destination on every packet", () => {
    const filter = new AdvertFilter(config);
    filter.check(packet());
    assert.equal(counterOf(filter.check(packet({ ttl: 254 }))), "ip_ttl_err");
    const corrupted = bytes.slice();
    corrupted[7] = (corrupted[7] ?? 0) ^ 0xff;
    assert.equal(counterOf(filter.check(packet({ bytes: corrupted }))), "chk_err");
    assert.equal(counterOf(filter.check(packet({ src: "192.0.2.3" }))), undefined, "decoded afresh for another sender");
    assert.equal(counterOf(filter.check(packet())), undefined);
  });

  it("keeps its own copy: a caller that reuses its receive buffer cannot turn a corrupt advert into a repeat", () => {
    const filter = new AdvertFilter(config);
    const buffer = bytes.slice();
    assert.equal(counterOf(filter.check(packet({ bytes: buffer }))), undefined);
    buffer[7] = (buffer[7] ?? 0) ^ 0xff; // the next datagram lands in the same buffer
    assert.equal(counterOf(filter.check(packet({ bytes: buffer }))), "chk_err");
  });

  it("forgets the memo on reconfigure: a new password refuses the advert it accepted before", () => {
    const filter = new AdvertFilter(config);
    assert.equal(counterOf(filter.check(packet())), undefined);
    filter.reconfigure({ ...config, authPassword: "changed" });
    assert.equal(counterOf(filter.check(packet())), "auth_failure");
  });

  it("reports an address list that differs from ours, also on the remembered verdict", () => {
    const filter = new AdvertFilter({ ...config, virtualAddresses: [{ address: "192.0.2.101", prefixLength: 24 }] });
    for (let i = 0; i < 2; i++) {
      const verdict = filter.check(packet());
      assert.ok(!("counter" in verdict));
      assert.match(verdict.addressListProblem ?? "", /lists \[192\.0\.2\.100\]: configured \[192\.0\.2\.101\]/);
    }
  });
});
