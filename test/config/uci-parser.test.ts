// The UCI grammar as libuci (openwrt/uci file.c, list.c, util.c) implements it, quirks included: each case says
// what libuci does and why the parser must agree (a config that `uci` reads differently from vrrpd is a bug).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findSection, getOption, optionAddress, parseUciAddress, resolveUciAddress, sectionLabel } from "../../src/config/uci/address.ts";
import { parseUci, parseUciFiles } from "../../src/config/uci/parser.ts";
import type { UciPackage, UciParseError } from "../../src/config/uci/types.ts";

const FILE = "/etc/config/vrrp";

type Shape = Record<string, string | string[]>;
/** Sections without locations: [type, name?, {option: value | [items]}]. */
function shape(pkg: UciPackage): [string, string | undefined, Shape][] {
  return pkg.sections.map((s) => [
    s.type,
    s.name,
    Object.fromEntries(s.options.map((o) => [o.name, o.kind === "option" ? o.value : o.items.map((i) => i.value)])),
  ]);
}

function parse(text: string): { sections: ReturnType<typeof shape>; errors: readonly UciParseError[]; pkg: UciPackage } {
  const r = parseUci({ path: FILE, text });
  return { sections: shape(r.package), errors: r.errors, pkg: r.package };
}

/** The value of option `name` in the only section of `text`, asserting no errors. */
function valueOf(text: string, name = "x"): string | string[] | undefined {
  const r = parse(`config t\n${text}`);
  assert.deepEqual(r.errors, [], `errors for ${JSON.stringify(text)}`);
  return r.sections[0]?.[2][name];
}

const codes = (errors: readonly UciParseError[]): string[] => errors.map((e) => `${e.line}:${e.column} ${e.code}`);

describe("uci parser: statements", () => {
  it("reads named and anonymous sections, options and lists with their lines", () => {
    const r = parse("config globals 'globals'\n\toption enabled '1'\n\nconfig instance\n\tlist vip '10.0.0.1'\n\tlist vip '10.0.0.2'\n");
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.sections, [
      ["globals", "globals", { enabled: "1" }],
      ["instance", undefined, { vip: ["10.0.0.1", "10.0.0.2"] }],
    ]);
    const [globals, instance] = r.pkg.sections;
    assert.equal(r.pkg.name, "vrrp");
    assert.deepEqual(globals?.location, { file: FILE, line: 1 });
    assert.deepEqual(globals?.options[0]?.location, { file: FILE, line: 2 });
    assert.equal("name" in (instance ?? {}), false, "anonymous sections carry no generated name");
    const vip = instance?.options[0];
    assert.ok(vip?.kind === "list");
    assert.deepEqual(vip.items.map((i) => i.location.line), [5, 6]);
  });

  it("accepts libuci's one-letter commands c, o, l, p", () => {
    const r = parse("p vrrp\nc t n\no a 1\nl b 2\n");
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.sections, [["t", "n", { a: "1", b: ["2"] }]]);
  });

  it("checks a `package` line but keeps the file name as the package name (uci_load)", () => {
    const r = parse("package other\nconfig t\n");
    assert.deepEqual(r.errors, []);
    assert.equal(r.pkg.name, "vrrp");
    assert.deepEqual(codes(parse("package 'a.b'\n").errors), ["1:9 invalid-name"]);
    assert.deepEqual(codes(parse("package my-pkg x\n").errors), ["1:16 too-many-arguments"]);
  });

  it("ignores an option with an empty value, even over an existing value (uci_set without lookup)", () => {
    assert.deepEqual(parse("config t\n\toption a ''\n\toption b\n").sections, [["t", undefined, {}]]);
    assert.equal(valueOf("option x 'kept'\noption x ''\n"), "kept");
  });

  it("keeps the last value of an option at the option's first position (uci_set replaces in place)", () => {
    const moved = parse("config t\noption a 1\noption b 2\noption a 3\n").pkg.sections[0];
    assert.deepEqual(moved?.options.map((o) => o.name), ["a", "b"]);
    assert.deepEqual(moved?.options[0], { kind: "option", name: "a", value: "3", location: { file: FILE, line: 4 } });
    const same = parse("config t\noption a 1\noption b 2\noption a 1\n").pkg.sections[0];
    assert.deepEqual(same?.options.map((o) => o.name), ["a", "b"]);
    assert.deepEqual(same?.options[0]?.location.line, 2);
  });

  it("turns an option into a list in place when a list of that name follows; an option replaces a list in place", () => {
    const r = parse("config t\noption a 1\noption b 2\nlist a 3\n");
    assert.deepEqual(r.sections, [["t", undefined, { a: ["1", "3"], b: "2" }]]);
    const a = r.pkg.sections[0]?.options[0];
    assert.ok(a?.kind === "list");
    assert.deepEqual(a.items.map((i) => i.location.line), [2, 4]);
    assert.equal(valueOf("list x 1\nlist x 2\noption x 3\n"), "3");
    const replaced = parse("config t\nlist a 1\noption b 2\noption a 3\n").pkg.sections[0];
    assert.deepEqual(replaced?.options.map((o) => o.name), ["a", "b"]);
  });

  it("keeps empty list items", () => {
    assert.deepEqual(valueOf("list x ''\nlist x a\n"), ["", "a"]);
  });

  it("reopens a named section: options merge into the first declaration", () => {
    const r = parse("config t 'a'\noption x 1\nconfig t 'b'\nconfig t 'a'\noption y 2\n");
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.sections, [["t", "a", { x: "1", y: "2" }], ["t", "b", {}]]);
    // A reopened section's repeated option stays where the first declaration put it (issue #12 item 7).
    const again = parse("config t 'a'\noption x 1\noption y 2\nconfig t 'b'\nconfig t 'a'\noption x 3\n").pkg.sections[0];
    assert.deepEqual(again?.options.map((o) => (o.kind === "option" ? `${o.name}=${o.value}` : o.name)), ["x=3", "y=2"]);
  });

  it("rejects redeclaring a named section with another type (strict mode) and keeps the old one current", () => {
    const r = parse("config t 'a'\nconfig u 'a'\noption x 1\n");
    assert.deepEqual(codes(r.errors), ["2:10 section-type-conflict"]);
    assert.match(r.errors[0]?.message ?? "", /declared as 't' on line 1/);
    assert.deepEqual(r.sections, [["t", "a", { x: "1" }]]);
  });

  it("accepts section types with any printable ASCII, unlike names", () => {
    assert.deepEqual(parse("config my-type.v2\n").sections, [["my-type.v2", undefined, {}]]);
    assert.deepEqual(codes(parse("config t 'my-name'\n").errors), ["1:10 invalid-name"]);
    assert.deepEqual(codes(parse("config t\noption my-opt 1\n").errors), ["2:8 invalid-name"]);
  });
});

describe("uci parser: quoting and escapes", () => {
  const cases: [string, string][] = [
    ["option x plain", "plain"],
    ["option x 'single quoted'", "single quoted"],
    ['option x "double quoted"', "double quoted"],
    [`option x 'a'"b"c`, "abc"], // adjacent parts join into one word
    [`option x ab'c d'ef`, "abc def"],
    [`option x '"'`, '"'],
    [`option x "'"`, "'"],
    [`option x 'it'\\''s'`, "it's"], // libuci's own export escaping
    [`option x a\\ b`, "a b"], // backslash makes the next char literal outside quotes
    [`option x \\'q\\'`, "'q'"],
    [`option x \\#x`, "#x"],
    [`option x "a\\"b"`, 'a"b'],
    [`option x "a\\\\b"`, "a\\b"],
    [`option x "tab\\tn"`, "tabtn"], // no C escapes: \t is just t
    [`option x 'back\\slash'`, "back\\slash"], // single quotes keep backslashes
    [`option x "#not a comment"`, "#not a comment"],
    [`option x '; not a separator'`, "; not a separator"],
  ];
  for (const [line, expected] of cases) {
    it(`${line} -> ${JSON.stringify(expected)}`, () => assert.equal(valueOf(line), expected));
  }

  it("keeps newlines inside quotes (multi-line values)", () => {
    assert.equal(valueOf("option x 'line 1\nline 2'\n"), "line 1\nline 2");
    assert.equal(valueOf('option x "a\n\n b"\n'), "a\n\n b");
  });

  it("joins lines on a trailing backslash, with no separator, outside and inside double quotes", () => {
    assert.equal(valueOf("option x foo\\\nbar\n"), "foobar");
    assert.equal(valueOf('option x "foo \\\nbar"\n'), "foo bar");
    assert.equal(valueOf("option x foo\\\r\nbar\r\n"), "foobar");
    assert.equal(valueOf("option x 'foo\\\nbar'\n"), "foo\\\nbar", "single quotes keep both");
  });

  it("ends the word when the continued line starts with blanks (quirk of the join)", () => {
    const r = parse("config t\noption x foo\\\n  bar\n");
    assert.deepEqual(codes(r.errors), ["3:3 too-many-arguments"]);
  });

  it("reads libuci's own multi-line import test data", () => {
    const text =
      "package 'import'\n\nconfig 'type' 'section'\n\toption 'opt' 'val'\n\tlist 'list_opt' 'val0'\n\tlist 'list_opt' 'val1'\n" +
      "\toption mul_line_opt_sq \\''line 1\nline 2 \\\nline 3'\\'\n\toption mul_line_opt_dq \"\\\"Hello, \\\nWorld.\\'\n\"\n";
    const r = parse(text);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.sections, [
      ["type", "section", { opt: "val", list_opt: ["val0", "val1"], mul_line_opt_sq: "'line 1\nline 2 \\\nline 3'", mul_line_opt_dq: "\"Hello, World.'\n" }],
    ]);
    assert.equal(r.pkg.sections[0]?.options[2]?.location.line, 7);
    assert.equal(r.pkg.sections[0]?.options[3]?.location.line, 10);
  });
});

describe("uci parser: comments, blank lines, separators", () => {
  it("skips comment lines, blank lines and trailing comments", () => {
    const text = "# head\n\n   \t\nconfig t 'n' # trailing\n\t# indented\n\toption a 'b' # after value\n\toption c d#e\n\toption f 'g'#h\n";
    const r = parse(text);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.sections, [["t", "n", { a: "b", c: "d", f: "g" }]]);
  });

  it("ends the whole line at a # inside an option name (libuci: `option a#b c` sets nothing)", () => {
    assert.deepEqual(parse("config t\noption a#b c\n").sections, [["t", undefined, {}]]);
  });

  it("reads CRLF files", () => {
    const r = parse("config t 'n'\r\n\toption a 'b'\r\n\toption c d\r\n");
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.sections, [["t", "n", { a: "b", c: "d" }]]);
  });

  it("splits commands at `;` after a quoted or blank-separated word", () => {
    const r = parse("config t 'n'; option a 'b' ;option c d\n");
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.sections, [["t", "n", { a: "b", c: "d" }]]);
  });

  it("drops the rest of the line after `word;` (libuci ends the word with a NUL written over the `;`)", () => {
    const r = parse("config t n; option a b\n");
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.sections, [["t", "n", {}]]);
  });

  it("treats the newline after a surviving trailing `;` as an invalid command", () => {
    assert.deepEqual(codes(parse("config t\noption a 'b';\n").errors), ["2:14 invalid-command"]);
    assert.deepEqual(parse("config t\noption a b;\n").errors, []);
  });
});

describe("uci parser: errors (all reported, parsing goes on)", () => {
  it("reports each bad line with line and column and keeps the good ones", () => {
    const text = [
      "option early 1", // 1: before any section
      "config t 'ok'",
      "\toption a 1",
      "\tfrobnicate x", // 4
      "\toption b-c 2", // 5
      "\toption d 1 2", // 6
      "config 'bad type'", // 7
      "config t 'a.b'", // 8
      "\toption e 3",
      "config\tt\t'x' # fine",
      "\toption f", // 11: no value: ignored, not an error
    ].join("\n");
    const r = parse(`${text}\n`);
    assert.deepEqual(codes(r.errors), [
      "1:1 option-outside-section",
      "4:2 invalid-command",
      "5:9 invalid-name",
      "6:13 too-many-arguments",
      "7:8 invalid-type",
      "8:10 invalid-name",
    ]);
    assert.deepEqual(r.sections, [["t", "ok", { a: "1", e: "3" }], ["t", "x", {}]]);
    for (const e of r.errors) assert.equal(e.file, FILE);
  });

  it("reports an unterminated quote at the quote, after reading to the end of the file", () => {
    assert.deepEqual(codes(parse("config t\noption x 'open\nmore\n").errors), ["2:10 unterminated-quote"]);
    assert.deepEqual(codes(parse('config t\noption x "open\n').errors), ["2:10 unterminated-quote"]);
    assert.match(parse("config t\noption x 'open").errors[0]?.message ?? "", /unterminated ' quote/);
  });

  it("distinguishes a command alone on its line (invalid word 'config\\n') from one at the end of the file", () => {
    assert.deepEqual(codes(parse("config\n").errors), ["1:1 invalid-command"]);
    assert.deepEqual(codes(parse("config").errors), ["1:1 missing-argument"]);
    assert.deepEqual(codes(parse("config t\noption").errors), ["2:1 missing-argument"]);
    assert.deepEqual(codes(parse("config ''\n").errors), ["1:8 missing-argument"]);
    assert.deepEqual(codes(parse("config t\noption '' x\n").errors), ["2:8 missing-argument"]);
  });

  it("reports a NUL byte (libuci would drop the rest of the line and join the next)", () => {
    // "config t" + "option a b": the type becomes "toption", the name "a", and "b" is one word too many.
    const r = parse("config t\0junk\noption a b\n");
    assert.deepEqual(codes(r.errors), ["1:9 nul-byte", "2:10 too-many-arguments"]);
  });
});

describe("uci parser: the OpenWrt examples from the reference notes", () => {
  it("reads the proposed /etc/config/vrrp (openwrt-integration.md 8.1) with its trailing comments", () => {
    const text = `config globals 'globals'
	option enabled '0'
	option router_id 'gw-a'            # default: system hostname
	option log_level 'info'            # syslog through procd stdout/stderr
	option startup_delay '5'           # like vrrp_startup_delay
	option hotplug '1'                 # run /etc/hotplug.d/vrrp/* on transitions

config instance 'lan'                  # section name = instance name used in ubus/events
	option enabled '1'
	option interface 'lan'             # logical network; resolved to l3_device (br-lan)
	option device ''                   # optional netdev override
	option virtual_router_id '51'      # 1..255, same on both routers
	option priority '150'              # 1..254; higher wins
	option state 'BACKUP'              # initial state (MASTER|BACKUP), as keepalived
	option version '3'                 # 2|3
	option advert_int '1'              # seconds (v3 allows fractions)
	option nopreempt '0'               # real bool (unlike keepalived's keyword semantics)
	option preempt_delay '0'
	list virtual_ipaddress '192.168.1.1/24'
	option unicast_src_ip ''           # empty = multicast 224.0.0.18
	list unicast_peer '192.168.1.3'
	option auth_pass ''                # VRRPv2 PASS only; max 8 chars
	option garp_master_delay '5'
	list track_interface 'wan'         # logical nets; down => FAULT (or weight)
	option dhcp_section 'lan'          # dhcp.<section> the LuCI page manages ('' = do not touch)
	option dhcp_gateway '1'            # write dhcp_option 3,<VIP>
	option dhcp_dns '1'                # write dhcp_option 6,<VIP>
`;
    const r = parse(text);
    assert.deepEqual(r.errors, []);
    const [globals, lan] = r.sections;
    assert.deepEqual(globals, ["globals", "globals", { enabled: "0", router_id: "gw-a", log_level: "info", startup_delay: "5", hotplug: "1" }]);
    assert.equal(lan?.[1], "lan");
    // Empty options are not stored by libuci: `option device ''` reads as "not set".
    assert.equal(lan?.[2]["device"], undefined);
    assert.equal(lan?.[2]["unicast_src_ip"], undefined);
    assert.deepEqual(lan?.[2]["virtual_ipaddress"], ["192.168.1.1/24"]);
    assert.equal(lan?.[2]["priority"], "150");
    assert.equal(resolveUciAddress([r.pkg], "vrrp.lan.priority")?.option?.location.line, 13);
  });

  it("reads a keepalived UCI config whose sections refer to each other by `option name`", () => {
    const text = `
config globals 'globals'
	option alt_config_file '/etc/keepalived/keepalived.conf'
	option enabled '1'
	list notification_email 'admin@example.com'

config ipaddress
	option name 'vip1'
	option address '192.168.1.1/24'
	option device 'br-lan'
	option scope 'global'

config vrrp_instance
	option name 'VI_1'
	option state 'BACKUP'
	option interface 'br-lan'
	option virtual_router_id '51'
	option priority '100'
	option nopreempt '0'
	list virtual_ipaddress 'vip1'
	list track_script 'chk'
`;
    const r = parse(text);
    assert.deepEqual(r.errors, []);
    const instance = findSection(r.pkg, { kind: "indexed", type: "vrrp_instance", index: -1 });
    assert.ok(instance !== undefined);
    const vip = getOption(instance, "virtual_ipaddress");
    assert.ok(vip?.kind === "list");
    // The reference points at the section whose `option name` matches, not at a section name.
    const named = (type: string, name: string) =>
      r.pkg.sections.find((s) => s.type === type && s.options.some((o) => o.name === "name" && o.kind === "option" && o.value === name));
    const address = named("ipaddress", vip.items[0]?.value ?? "");
    assert.deepEqual(address && getOption(address, "address"), { kind: "option", name: "address", value: "192.168.1.1/24", location: { file: FILE, line: 9 } });
    assert.equal(sectionLabel(r.pkg, instance), "@vrrp_instance[0]");
    assert.equal(optionAddress(r.pkg, instance, "priority"), "vrrp.@vrrp_instance[0].priority");
  });
});

describe("uci addresses (uci get syntax)", () => {
  const pkg = parse("config a 'x'\nconfig b\noption p 1\nconfig a\nconfig b\noption p 2\n").pkg;

  it("resolves named, indexed, negative and any-type references", () => {
    const get = (path: string): string | undefined => {
      const r = resolveUciAddress([pkg], path);
      return r?.option?.kind === "option" ? r.option.value : r?.section !== undefined ? sectionLabel(pkg, r.section) : r?.package.name;
    };
    assert.equal(get("vrrp.@b[0].p"), "1");
    assert.equal(get("vrrp.@b[-1].p"), "2");
    assert.equal(get("vrrp.@b[1].p"), "2");
    assert.equal(get("vrrp.@b[2].p"), undefined);
    assert.equal(get("vrrp.@b[-3]"), undefined);
    assert.equal(get("vrrp.@[0]"), "x");
    assert.equal(get("vrrp.@[2]"), "@a[1]");
    assert.equal(get("vrrp.@a[]"), "x", "strtol reads an empty index as 0");
    assert.equal(get("vrrp.x"), "x");
    assert.equal(get("vrrp"), "vrrp");
    assert.equal(get("other.x"), undefined);
  });

  it("rejects malformed references", () => {
    for (const bad of ["vrrp.x.y.z", "vrrp.@b", "vrrp.@b[x]", "vrrp.@b[0]x", "vrrp.x.bad-opt", "", "vrrp.a b"]) {
      assert.equal(parseUciAddress(bad), undefined, bad);
    }
    assert.deepEqual(parseUciAddress("vrrp.@instance[-1].priority"), {
      package: "vrrp",
      section: { kind: "indexed", type: "instance", index: -1 },
      option: "priority",
    });
  });
});

describe("uci parser: config directories", () => {
  it("returns one package per file, named after the file, skipping files libuci would not list", () => {
    const r = parseUciFiles([
      { path: "/etc/config/vrrp", text: "config instance 'lan'\n" },
      { path: "/etc/config/dhcp", text: "config dnsmasq\noption x\nbogus\n" },
      { path: "/etc/config/vrrp.bak", text: "config old\n" },
      { path: "/etc/config/.vrrp.swp", text: "\0" },
      { path: "/etc/config/other/vrrp", text: "config dup\n" },
    ]);
    assert.deepEqual(r.packages.map((p) => [p.name, p.file]), [["dhcp", "/etc/config/dhcp"], ["vrrp", "/etc/config/other/vrrp"]]);
    assert.deepEqual(r.skipped.map((s) => s.path), ["/etc/config/.vrrp.swp", "/etc/config/vrrp.bak"]);
    assert.deepEqual(r.errors.map((e) => `${e.file}:${e.line} ${e.code}`), ["/etc/config/dhcp:3 invalid-command", "/etc/config/vrrp:1 duplicate-package"]);
  });
});
