import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BlobBuf, BlobEncodeError, blobPadLen, blobParseAttrs } from "../../src/ubus/blob.ts";
import type { BlobmsgAttr } from "../../src/ubus/blobmsg.ts";
import { blobmsgDecode, blobmsgEncode, blobmsgHdrlen, blobmsgMaxDepth } from "../../src/ubus/blobmsg.ts";
import { blobmsgToJson, blobmsgValueToJson, jsonToBlobmsg, jsonToBlobmsgValue } from "../../src/ubus/blobmsg-json.ts";
import { blobmsgFormatJson, blobmsgFormatString, formatDoubleLf } from "../../src/ubus/blobmsg-format.ts";

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function decodeOk(bytes: Uint8Array): BlobmsgAttr[] {
  const r = blobmsgDecode(bytes);
  if (!r.ok) assert.fail(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Encodes, checks the bytes, decodes back to the same value. */
function golden(attr: BlobmsgAttr, bytes: string): void {
  assert.equal(hex(blobmsgEncode([attr])), hex(h(bytes)), `${attr.type} "${attr.name}"`);
  assert.deepEqual(decodeOk(h(bytes)), [attr]);
}

describe("blob_attr", () => {
  it("pads to 4 bytes and keeps the raw length in the header", () => {
    for (const [raw, padded] of [[4, 4], [5, 8], [7, 8], [8, 8], [13, 16]] as const) assert.equal(blobPadLen(raw), padded);
    const buf = new BlobBuf(16);
    buf.put(3, Uint8Array.of(1, 2, 3)); // len 7 → 8 bytes on the wire
    buf.put(0x7f, new Uint8Array(300), true); // grows the buffer; max id with the ext bit
    const bytes = buf.bytes();
    assert.equal(hex(bytes.subarray(0, 8)), "0300000701020300");
    assert.equal(hex(bytes.subarray(8, 12)), "ff000130");
    const r = blobParseAttrs(bytes);
    assert.ok(r.ok);
    assert.deepEqual(r.value.map((a) => [a.id, a.extended, a.data.length, a.offset]), [[3, false, 3, 0], [0x7f, true, 300, 8]]);
  });

  it("rejects ids beyond 7 bits and lengths beyond 24 bits", () => {
    assert.throws(() => new BlobBuf().start(128), BlobEncodeError);
    const buf = new BlobBuf();
    const c = buf.start(1);
    buf.writeBytes(new Uint8Array(0x1000000));
    assert.throws(() => buf.end(c), BlobEncodeError);
  });

  it("reports a short tail, a len below 4 and a child running past its container", () => {
    const code = (b: Uint8Array): string => {
      const r = blobParseAttrs(b);
      return r.ok ? "ok" : r.error.code;
    };
    assert.equal(code(h("03000005 01 000000 0000")), "truncated");
    assert.equal(code(h("03000003")), "bad-len");
    assert.equal(code(h("03000009 01020304")), "bad-len"); // needs 12 bytes
    assert.equal(code(h("03000005 01")), "bad-len"); // the padding must fit too
    assert.equal(code(h("03000005 01 ffffff")), "ok"); // padding content is not checked (libubox does not either)
  });
});

describe("blobmsg: every type, golden bytes", () => {
  // The first six are taken from the status reply in test/fixtures/ubus/call-status.log.
  it("string", () => golden({ type: "string", name: "state", value: "BACKUP" }, "83000013 0005 7374617465 00 4241434b555000 00"));
  it("int32", () => golden({ type: "int32", name: "vrid", value: 51 }, "85000010 0004 76726964 0000 00000033"));
  it("int64", () => golden({ type: "int64", name: "big", value: 1099511627776n }, "84000014 0003 626967 00 0000 0000010000000000"));
  it("int8 (bool)", () => golden({ type: "int8", name: "ok", value: 1 }, "8700000d 0002 6f6b 00 000000 01 000000"));
  it("double", () => golden({ type: "double", name: "ratio", value: 0.5 }, "88000014 0005 726174696f 00 3fe0000000000000"));
  it("array of unnamed tables", () =>
    golden(
      {
        type: "array",
        name: "instances",
        value: [{ type: "table", name: "", value: [
          { type: "string", name: "name", value: "vi1" },
          { type: "int32", name: "vrid", value: 51 },
          { type: "int32", name: "prio", value: 100 },
        ] }],
      },
      `81000048 0009 696e7374616e636573 00
         82000038 0000 0000
           83000010 0004 6e616d65 0000 76693100
           85000010 0004 76726964 0000 00000033
           85000010 0004 7072696f 0000 00000064`,
    ));
  it("int16 (signed)", () => golden({ type: "int16", name: "a", value: -2 }, "8600000a 0001 61 00 fffe 0000"));
  it("unspec (null), with an empty name", () => golden({ type: "unspec", name: "" }, "80000008 0000 0000"));
  it("unspec with a payload", () => golden({ type: "unspec", name: "", value: Uint8Array.of(9) }, "80000009 0000 0000 09 000000"));
  it("empty table and empty array", () => {
    golden({ type: "table", name: "status", value: [] }, "82000010 0006 737461747573 00 000000");
    golden({ type: "array", name: "", value: [] }, "81000008 0000 0000");
  });
  it("negative and unsigned-range integers", () => {
    assert.deepEqual(decodeOk(blobmsgEncode([{ type: "int32", name: "", value: 0xffffffff }])), [{ type: "int32", name: "", value: -1 }]);
    assert.deepEqual(decodeOk(blobmsgEncode([{ type: "int8", name: "", value: 255 }])), [{ type: "int8", name: "", value: -1 }]);
    assert.deepEqual(decodeOk(blobmsgEncode([{ type: "int64", name: "", value: 2n ** 64n - 1n }])), [{ type: "int64", name: "", value: -1n }]);
    for (const bad of [
      { type: "int32", name: "x", value: 2 ** 32 },
      { type: "int16", name: "x", value: 1.5 },
      { type: "int8", name: "x", value: -129 },
      { type: "int64", name: "x", value: 2n ** 64n },
      { type: "string", name: "x", value: "a\0b" },
      { type: "string", name: "a\0b", value: "" },
    ] as const) {
      assert.throws(() => blobmsgEncode([bad]), BlobEncodeError, JSON.stringify(bad, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v)));
    }
  });
});

describe("blobmsg: names, padding and strings", () => {
  it("blobmsg_hdrlen rounds 2 + namelen + 1 up to 4", () => {
    assert.deepEqual([0, 1, 2, 5, 6, 9].map(blobmsgHdrlen), [4, 4, 8, 8, 12, 12]);
  });

  it("every name length × every string length: header len, padding, round trip", () => {
    for (let n = 0; n <= 9; n++) {
      for (let s = 0; s <= 9; s++) {
        const attr: BlobmsgAttr = { type: "string", name: "n".repeat(n), value: "s".repeat(s) };
        const bytes = blobmsgEncode([attr]);
        const rawLen = 4 + blobmsgHdrlen(n) + s + 1;
        assert.equal(new DataView(bytes.buffer).getUint32(0) & 0xffffff, rawLen);
        assert.equal(bytes.length, blobPadLen(rawLen));
        assert.ok(bytes.subarray(rawLen).every((b) => b === 0), "zero padding");
        assert.deepEqual(decodeOk(bytes), [attr]);
      }
    }
  });

  it("UTF-8 names and values round-trip", () => {
    const attr: BlobmsgAttr = { type: "table", name: "état", value: [{ type: "string", name: "✓", value: "ünï 🎉" }] };
    assert.deepEqual(decodeOk(blobmsgEncode([attr])), [attr]);
  });

  it("a string ends at its first NUL, as C sees it", () => {
    assert.deepEqual(decodeOk(h("8300000c 0000 0000 61 00 62 00")), [{ type: "string", name: "", value: "a" }]);
  });
});

describe("blobmsg: malformed input is an error, not an exception", () => {
  const cases: [string, string, string][] = [
    ["no ext bit", "05000010 0004 76726964 0000 00000033", "not-extended"],
    ["type 9", "89000008 0000 0000", "bad-type"],
    ["name not NUL-terminated", "85000010 0004 7672696478 00 00000033", "bad-name"],
    ["name header larger than the payload", "85000008 0009 0000", "bad-name"],
    ["payload too short for namelen", "85000005 00 000000", "bad-name"],
    ["int32 of 3 bytes", "8500000b 0000 0000 000033 00", "bad-value"],
    ["int8 of 2 bytes", "8700000a 0000 0000 0101 0000", "bad-value"],
    ["double of 4 bytes", "8800000c 0000 0000 3fe00000", "bad-value"],
    ["string without NUL", "8300000a 0000 0000 6162 0000", "bad-value"],
    ["empty string payload", "83000008 0000 0000", "bad-value"],
    ["table child running past the table", "8200000c 0000 0000 83000010", "bad-len"],
    ["bad element inside an array", "8100000c 0000 0000 03000004", "not-extended"],
  ];
  for (const [what, bytes, code] of cases) {
    it(what, () => {
      const r = blobmsgDecode(h(bytes));
      assert.equal(r.ok ? "ok" : r.error.code, code);
    });
  }

  it(`more than ${blobmsgMaxDepth} nested containers`, () => {
    let v: BlobmsgAttr = { type: "table", name: "", value: [] };
    for (let i = 1; i < blobmsgMaxDepth; i++) v = { type: "array", name: "", value: [v] };
    assert.ok(blobmsgDecode(blobmsgEncode([v])).ok, "exactly at the limit");
    const r = blobmsgDecode(blobmsgEncode([{ type: "array", name: "", value: [v] }]));
    assert.equal(r.ok ? "ok" : r.error.code, "too-deep");
  });
});

describe("JSON → blobmsg (blobmsg_add_json_element rules)", () => {
  const typeOf = (v: unknown): string => {
    const r = jsonToBlobmsgValue("x", v);
    return r.ok ? r.value.type : `error: ${r.error.message}`;
  };

  it("picks the wire type like libubox", () => {
    assert.equal(typeOf(5), "int32");
    assert.equal(typeOf(-0x80000000), "int32");
    assert.equal(typeOf(0x7fffffff), "int32");
    assert.equal(typeOf(0x80000000), "int64");
    assert.equal(typeOf(-0x80000001), "int64");
    assert.equal(typeOf(Number.MAX_SAFE_INTEGER), "int64");
    assert.equal(typeOf(2 ** 62), "int64");
    assert.equal(typeOf(2 ** 63), "double"); // an integer, but too big for int64
    assert.equal(typeOf(0.5), "double");
    assert.equal(typeOf(Number.NaN), "double");
    assert.equal(typeOf(-0), "int32");
    assert.equal(typeOf(2n ** 63n - 1n), "int64");
    assert.equal(typeOf(true), "int8");
    assert.equal(typeOf(null), "unspec");
    assert.equal(typeOf("s"), "string");
    assert.equal(typeOf([]), "array");
    assert.equal(typeOf({}), "table");
  });

  it("refuses what has no blobmsg form, naming where", () => {
    assert.match(typeOf(2n ** 63n), /does not fit in int64/);
    assert.match(typeOf(() => 1), /function/);
    assert.match(typeOf(new Date(0)), /plain objects/);
    assert.match(typeOf("a\0"), /NUL/);
    const r = jsonToBlobmsg({ a: [1, { b: Symbol("x") }] });
    assert.deepEqual(r.ok ? "ok" : r.error.path, "$.a[1].b");
    assert.equal(jsonToBlobmsg([1]).ok, false, "the top level must be an object, as for `ubus call`");
    assert.equal(jsonToBlobmsg("x").ok, false);
  });

  it("skips undefined members and unnames array items", () => {
    const r = jsonToBlobmsg({ a: undefined, b: [true, null] });
    assert.deepEqual(r, { ok: true, value: [{ type: "array", name: "b", value: [
      { type: "int8", name: "", value: 1 }, { type: "unspec", name: "" },
    ] }] });
  });
});

describe("blobmsg → JSON", () => {
  it("int8 is a boolean, int64 a number when safe and a bigint otherwise", () => {
    assert.deepEqual(blobmsgToJson([
      { type: "int8", name: "a", value: 2 },
      { type: "int8", name: "b", value: 0 },
      { type: "int64", name: "c", value: 2n ** 53n - 1n },
      { type: "int64", name: "d", value: 2n ** 60n },
      { type: "int16", name: "e", value: -3 },
      { type: "unspec", name: "f" },
    ]), { a: true, b: false, c: 2 ** 53 - 1, d: 2n ** 60n, e: -3, f: null });
  });

  it("the first of duplicate names wins (blobmsg_parse), and __proto__ is just a key", () => {
    const o = blobmsgToJson([
      { type: "int32", name: "x", value: 1 },
      { type: "int32", name: "x", value: 2 },
      { type: "table", name: "__proto__", value: [{ type: "int32", name: "polluted", value: 1 }] },
    ]);
    assert.equal(o["x"], 1);
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(o, "__proto__")?.value, { polluted: 1 });
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  it("JSON → bytes → JSON is the identity for JSON-representable data", () => {
    const value = { s: "x", n: -7, big: 2 ** 40, f: 1.25, t: true, z: null, a: [1, "two", [3]], o: { deep: { er: {} } } };
    const b = jsonToBlobmsg(value);
    assert.ok(b.ok);
    assert.deepEqual(blobmsgToJson(decodeOk(blobmsgEncode(b.value))), value);
    assert.deepEqual(blobmsgValueToJson({ type: "array", name: "", value: [{ type: "double", name: "", value: 2 }] }), [2]);
  });
});

describe("blobmsg printed like the ubus CLI", () => {
  const data: BlobmsgAttr[] = [
    { type: "string", name: "p", value: "a/b\"c\\\n\t\r\b\f\u0001é" },
    { type: "array", name: "l", value: [{ type: "int32", name: "ignored", value: 1 }, { type: "unspec", name: "" }] },
    { type: "table", name: "e", value: [] },
  ];

  it("compact (ubus listen, ubus call -S)", () => {
    // "/" unescaped: libubox stopped escaping it in 2019 (eeef7b5); the real uhttpd/ubus print "a/b".
    assert.equal(blobmsgFormatJson(data), '{"p":"a/b\\"c\\\\\\n\\t\\r\\b\\u000c\\u0001é","l":[1,null],"e":{}}');
  });

  it("indented (ubus call)", () => {
    assert.equal(blobmsgFormatJson([data[1] as BlobmsgAttr, data[2] as BlobmsgAttr], { indent: 0 }),
      '{\n\t"l": [\n\t\t1,\n\t\tnull\n\t],\n\t"e": {\n\t\t\n\t}\n}');
    assert.equal(blobmsgFormatJson([], { indent: 0 }), "{\n\t\n}", "an empty reply, as the CLI prints it");
  });

  it("a table member without a name prints without a key (as libubox does)", () => {
    assert.equal(blobmsgFormatJson([{ type: "int32", name: "", value: 1 }]), "{1}");
    assert.equal(blobmsgFormatJson([{ type: "int8", name: "", value: 0 }], { array: true }), "[false]");
  });

  it("doubles use printf %lf, including glibc's round-half-even on exact ties (expected values from Python's %f)", () => {
    const cases: [number, string][] = [
      [0.5, "0.500000"], [1 / 3, "0.333333"], [-2.5e-7, "-0.000000"], [-0, "-0.000000"], [123456.7890125, "123456.789012"], [1.25e-5, "0.000013"], [2.5e-6, "0.000003"], [5e-7, "0.000000"],
      [1 / 128, "0.007812"], [3 / 128, "0.023438"], [-1 / 128, "-0.007812"], [2.0000005, "2.000001"],
      [1e21, "1000000000000000000000.000000"], [Infinity, "inf"], [-Infinity, "-inf"], [Number.NaN, "nan"],
    ];
    for (const [x, s] of cases) assert.equal(formatDoubleLf(x), s, String(x));
    assert.equal(blobmsgFormatString("/"), '"/"');
  });
});
