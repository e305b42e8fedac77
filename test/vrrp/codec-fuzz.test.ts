// Property tests for the codec (design-models.md §2.4 items 2, 3 and 6): decode never throws and only answers ok or a
// known DecodeErrorCode, for arbitrary bytes and for mutated valid adverts; every valid advert round-trips. Seeds are
// fixed so CI is deterministic; raise FUZZ_RUNS locally to search harder, and commit any crasher to
// test/vectors/fuzz-regressions/ (replayed below).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatIp } from "../../src/lib/ip.ts";
import type {
  Advertisement,
  DecodeErrorCode,
  DecodeOptions,
  DecodeResult,
  EncodeOptions,
} from "../../src/vrrp/advertisement.ts";
import { decode, encode } from "../../src/vrrp/codec.ts";
import { assertRoundTrip, decodeOptionsOf, fromHex, withValidChecksum } from "./codec-round-trip.ts";
import { fuzzParameters, fuzzRuns } from "../fuzz-settings.ts";

const RUNS = fuzzRuns(3000);

/** Every DecodeErrorCode; the Record makes the compiler flag a code added to the union but not here. */
const CODES: Record<DecodeErrorCode, true> = {
  truncated: true, "bad-length": true, "bad-version": true, "bad-type": true, "bad-checksum": true, "zero-count": true,
  "zero-interval": true, "ipv6-first-not-link-local": true, "v2-over-ipv6": true, "auth-type-mismatch": true,
  "unknown-auth-type": true, "auth-failure": true,
};

const CONTEXTS: readonly DecodeOptions[] = [
  { family: 4, src: "192.0.2.1", dst: "224.0.0.18" },
  { family: 4, src: "192.0.2.1", dst: "192.0.2.2" },
  { family: 6, src: "fe80::1", dst: "ff02::12" },
  { family: 4, src: "192.0.2.1", dst: "224.0.0.18", expectedAuth: { authType: 1, authPassword: "gv-pass" } },
  { family: 4, src: "192.0.2.1", dst: "224.0.0.18", expectedAuth: { authType: 0, authPassword: "" } },
];

/** The fuzz oracle: no exception, a known code with a message, and an accepted packet re-encodes consistently. */
function assertWellBehaved(bytes: Uint8Array, context: DecodeOptions, seen?: Set<string>): DecodeResult {
  const result = decode(bytes, context);
  if (!result.ok) {
    assert.ok(Object.hasOwn(CODES, result.error.code), `unknown code ${result.error.code}`);
    assert.ok(result.error.message.length > 0, "every refusal explains itself");
    seen?.add(result.error.code);
    return result;
  }
  seen?.add("ok");
  const form = result.value.checksumForm === undefined ? {} : { v3Ipv4Checksum: result.value.checksumForm };
  const again = decode(encode(result.value.advert, { ...context, ...form }), context);
  assert.ok(again.ok, "an accepted advert re-encodes to an accepted advert");
  assert.deepEqual(again.value.advert, result.value.advert);
  return result;
}

// --- generators ---------------------------------------------------------------------------------------------------------
const bytesOf = (length: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: length, maxLength: length });
const ipv4 = bytesOf(4).map(formatIp);
const ipv6 = bytesOf(16).map(formatIp);
const linkLocal = bytesOf(16).map((b) => {
  const bytes = b.slice();
  bytes[0] = 0xfe;
  bytes[1] = 0x80 | ((bytes[1] ?? 0) & 0x3f); // anywhere in fe80::/10
  return formatIp(bytes);
});
const utf8Length = (text: string): number => new TextEncoder().encode(text).length;
const password = fc
  .oneof(fc.string({ unit: "grapheme", maxLength: 8 }), fc.string({ unit: "binary-ascii", maxLength: 8 }))
  .filter((p) => utf8Length(p) <= 8 && !p.endsWith("\0")); // trailing NULs are padding, so they cannot round-trip
const auth = fc.oneof(
  fc.constant({ authType: 0 as const, authPassword: "" }),
  password.map((authPassword) => ({ authType: 1 as const, authPassword })),
);
const common = { vrid: fc.integer({ min: 1, max: 255 }), priority: fc.integer({ min: 0, max: 255 }) };
const v2Advert: fc.Arbitrary<Advertisement> = fc
  .record({ ...common, addresses: fc.array(ipv4, { maxLength: 30 }), auth, adverIntSec: fc.integer({ min: 1, max: 255 }) })
  .map(({ auth: a, ...rest }) => ({ version: 2, ...rest, ...a }));
const v3Interval = fc.oneof(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 4095 })); // ≤ 255: byte 4 is 0
const v3Ipv4Advert: fc.Arbitrary<Advertisement> = fc
  .record({ ...common, addresses: fc.array(ipv4, { minLength: 1, maxLength: 30 }), maxAdverIntCs: v3Interval })
  .map((fields) => ({ version: 3, ...fields }));
const v3Ipv6Advert: fc.Arbitrary<Advertisement> = fc
  .record({ ...common, first: linkLocal, rest: fc.array(ipv6, { maxLength: 10 }), maxAdverIntCs: v3Interval })
  .map(({ first, rest, ...fields }) => ({ version: 3, ...fields, addresses: [first, ...rest] }));
const ipv4Options: fc.Arbitrary<EncodeOptions> = fc
  .record({
    src: ipv4,
    dst: fc.oneof(fc.constant("224.0.0.18"), ipv4),
    form: fc.constantFrom(undefined, "pseudo-header" as const, "message-only" as const),
  })
  .map(({ src, dst, form }) => ({ family: 4, src, dst, ...(form === undefined ? {} : { v3Ipv4Checksum: form }) }));
const ipv6Options: fc.Arbitrary<EncodeOptions> = fc
  .record({ src: fc.oneof(linkLocal, ipv6), dst: fc.oneof(fc.constant("ff02::12"), ipv6) })
  .map(({ src, dst }) => ({ family: 6, src, dst }));
/** Any valid advert with an IP context it can travel in: VRRPv2/IPv4, VRRPv3/IPv4, VRRPv3/IPv6. */
const validAdvert = fc.oneof(
  fc.tuple(v2Advert, ipv4Options),
  fc.tuple(v3Ipv4Advert, ipv4Options),
  fc.tuple(v3Ipv6Advert, ipv6Options),
);

type Mutation =
  | { readonly kind: "set"; readonly at: number; readonly value: number }
  | { readonly kind: "flip"; readonly at: number; readonly bit: number }
  | { readonly kind: "truncate"; readonly length: number }
  | { readonly kind: "append"; readonly bytes: Uint8Array }
  | { readonly kind: "recount"; readonly count: number }
  | { readonly kind: "fix-checksum"; readonly form: "message-only" | "pseudo-header" };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Header bytes and the boundary values 0, 1 and 255 are where the field rules are, so they are drawn more often.
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.oneof(fc.nat(7), fc.nat(80)),
    value: fc.oneof(fc.constantFrom(0, 1, 255), fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(80), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("truncate" as const), length: fc.nat(80) }),
  fc.record({ kind: fc.constant("append" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }) }),
  fc.record({ kind: fc.constant("recount" as const), count: fc.nat(4) }),
  // Re-validating the checksum after a change lets mutations reach the checks that come after it.
  fc.record({ kind: fc.constant("fix-checksum" as const), form: fc.constantFrom("message-only" as const, "pseudo-header" as const) }),
);

function mutate(bytes: Uint8Array, m: Mutation, context: DecodeOptions): Uint8Array {
  switch (m.kind) {
    case "set":
    case "flip": {
      if (bytes.length === 0) return bytes;
      const copy = bytes.slice();
      const at = m.at % copy.length;
      copy[at] = m.kind === "set" ? m.value : (copy[at] ?? 0) ^ (1 << m.bit);
      return copy;
    }
    case "truncate":
      return bytes.subarray(0, Math.min(m.length, bytes.length));
    case "append": {
      const longer = new Uint8Array(bytes.length + m.bytes.length);
      longer.set(bytes);
      longer.set(m.bytes, bytes.length);
      return longer;
    }
    case "recount": {
      // A new Count with the message resized to match, so the length checks pass and later checks are reached.
      const version = (bytes[0] ?? 0) >> 4;
      const length = 8 + m.count * (context.family === 4 ? 4 : 16) + (version === 2 ? 8 : 0);
      const resized = new Uint8Array(length);
      resized.set(bytes.subarray(0, length));
      resized[3] = m.count;
      return resized;
    }
    case "fix-checksum":
      return bytes.length >= 8 ? withValidChecksum(bytes, context, m.form) : bytes;
  }
}

describe("codec properties (fast-check, fixed seeds)", () => {
  it(`encode → decode → re-encode round-trips every valid advert (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(validAdvert, ([advert, options]) => {
        assertRoundTrip(advert, options);
      }),
      fuzzParameters(0x5eed01, 3000),
    );
  });

  it(`decode of arbitrary bytes never throws and answers ok or a known code (${RUNS * 2} runs)`, () => {
    const seen = new Set<string>();
    // Half the inputs start with a plausible header (version 2 or 3, any type, a small Count) so they get past the
    // first checks instead of all ending as bad-version.
    const header = fc.tuple(fc.integer({ min: 0x20, max: 0x3f }), fc.nat(255), fc.nat(255), fc.nat(4));
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 96 }),
      fc.tuple(header, fc.uint8Array({ maxLength: 92 })).map(([h, rest]) => Uint8Array.of(...h, ...rest)),
    );
    fc.assert(
      fc.property(input, fc.constantFrom(...CONTEXTS), (bytes, context) => {
        assertWellBehaved(bytes, context, seen);
      }),
      fuzzParameters(0x5eed02, 3000, 2),
    );
    // (At the default count or more, as below: a short run with FUZZ_RUNS may not reach them all.)
    for (const code of ["truncated", "bad-version", "bad-type", "bad-checksum", "bad-length"].filter(() => RUNS >= 3000)) {
      assert.ok(seen.has(code), `random bytes reached ${code}; seen: ${[...seen].join(", ")}`);
    }
  });

  it(`decode of mutated valid adverts never throws and answers ok or a known code (${RUNS} runs)`, () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        validAdvert,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        ([advert, options], mutations, withAuth, refreshChecksum) => {
          const context: DecodeOptions =
            withAuth && advert.version === 2
              ? { ...decodeOptionsOf(options), expectedAuth: { authType: 1, authPassword: "gv-pass" } }
              : decodeOptionsOf(options);
          let bytes = encode(advert, options);
          for (const m of mutations) bytes = mutate(bytes, m, context);
          // Half the time the mutated packet gets a valid checksum, so the field rules behind it are exercised.
          if (refreshChecksum && bytes.length >= 8) bytes = withValidChecksum(bytes, context);
          assertWellBehaved(bytes, context, seen);
        },
      ),
      fuzzParameters(0x5eed03, 3000),
    );
    // The mutations are meant to reach every refusal; a generator change that stops doing so should be noticed
    // (at the default count or more: a short run with FUZZ_RUNS may not reach them all).
    for (const code of Object.keys(CODES).filter((c) => c !== "v2-over-ipv6" && RUNS >= 3000)) {
      assert.ok(seen.has(code), `mutations reached ${code}; seen: ${[...seen].join(", ")}`);
    }
    assert.ok(seen.has("ok"));
  });

  it("VRRPv2 headers over IPv6 are refused, never misread", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 7, maxLength: 64 }), (rest) => {
        const result = assertWellBehaved(Uint8Array.of(0x21, ...rest), { family: 6, src: "fe80::1", dst: "ff02::12" });
        assert.equal(result.ok ? "ok" : result.error.code, "v2-over-ipv6");
      }),
      fuzzParameters(0x5eed04, 3000, 1 / 6),
    );
  });
});

describe("fuzz regression corpus (test/vectors/fuzz-regressions)", () => {
  const directory = join(import.meta.dirname, "..", "vectors", "fuzz-regressions");
  const files = readdirSync(directory).filter((name) => name.endsWith(".hex")).sort();

  it("is not empty", () => assert.ok(files.length > 0));

  for (const name of files) {
    it(`${name} decodes without throwing under every context`, () => {
      const text = readFileSync(join(directory, name), "utf8");
      const bytes = fromHex(text.split("\n").filter((line) => !line.startsWith("#")).join(""));
      for (const context of CONTEXTS) assertWellBehaved(bytes, context);
    });
  }
});
