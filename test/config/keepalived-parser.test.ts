// keepalived.conf syntax: every real-world fixture must parse without errors, and each rule of keepalived's
// read_line() (comments, quotes, braces, includes, @ conditionals, $ definitions) is pinned by a small case.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseKeepalived } from "../../src/config/keepalived/parser.ts";
import type { KeepalivedIncludeReader, KeepalivedNode, KeepalivedParseOptions, KeepalivedParseResult } from "../../src/config/keepalived/types.ts";

// The seeds, copied into test/fixtures/keepalived (see test/fixtures/README.md).
const fixturesDir = fileURLToPath(new URL("../fixtures/keepalived/", import.meta.url));
const MAIN = "/etc/keepalived/keepalived.conf";

/** Nodes as compact strings: `keyword arg arg {children}`. */
function show(nodes: readonly KeepalivedNode[]): string[] {
  return nodes.map((n) => [n.keyword, ...n.args.map((a) => JSON.stringify(a))].join(" ") + (n.children ? ` {${show(n.children).join("; ")}}` : ""));
}

function parse(text: string, options: KeepalivedParseOptions = {}): KeepalivedParseResult {
  return parseKeepalived({ path: MAIN, text }, options);
}

function clean(text: string, options: KeepalivedParseOptions = {}): string[] {
  const r = parse(text, options);
  assert.deepEqual(r.errors, [], text);
  return show(r.nodes);
}

const diag = (r: KeepalivedParseResult): string[] => r.errors.map((e) => `${e.file}:${e.line} ${e.code}`);

/** An in-memory file system with `*` / `?` globs; relative patterns resolve against the including file. */
function memoryFs(files: Record<string, string>): KeepalivedIncludeReader {
  return (pattern, fromFile) => {
    const full = pattern.startsWith("/") ? pattern : `${fromFile.slice(0, fromFile.lastIndexOf("/"))}/${pattern}`;
    const re = new RegExp(`^${full.replace(/[.+^$()|\\]/g, "\\$&").replaceAll("*", "[^/]*").replaceAll("?", "[^/]")}$`);
    return Object.keys(files).filter((p) => re.test(p)).sort().map((path) => ({ path, text: files[path] ?? "" }));
  };
}

function fixtures(): { name: string; path: string; text: string }[] {
  assert.ok(existsSync(fixturesDir), `keepalived fixtures missing: expected ${fixturesDir} (test/fixtures/keepalived)`);
  const names = readdirSync(fixturesDir).filter((n) => n.endsWith(".conf")).sort();
  assert.ok(names.length >= 13, `expected the 13 seed fixtures in ${fixturesDir}, found ${names.length}`);
  return names.map((name) => ({ name, path: fixturesDir + name, text: readFileSync(fixturesDir + name, "utf8") }));
}

function fixture(name: string): KeepalivedParseResult {
  const f = fixtures().find((x) => x.name === name);
  assert.ok(f, `fixture ${name} missing`);
  return parseKeepalived({ path: f.path, text: f.text });
}

const child = (nodes: readonly KeepalivedNode[] | undefined, keyword: string): KeepalivedNode => {
  const n = nodes?.find((x) => x.keyword === keyword);
  assert.ok(n, `no ${keyword}`);
  return n;
};

describe("keepalived parser: the seed fixtures", () => {
  it("parses every fixture with no errors and no warnings", () => {
    for (const f of fixtures()) {
      const r = parseKeepalived({ path: f.path, text: f.text });
      assert.deepEqual(r.errors, [], f.name);
      assert.deepEqual(r.warnings, [], f.name);
      assert.ok(r.nodes.length > 0, f.name);
      assert.deepEqual(r.files, [f.path]);
    }
  });

  it("gives the same tree with all comments removed (the README's promise)", () => {
    for (const f of fixtures()) {
      const stripped = f.text.split("\n").map((l) => l.replace(/(^|\s+)#.*$/, "")).join("\n");
      const a = parseKeepalived({ path: f.path, text: f.text });
      const b = parseKeepalived({ path: f.path, text: stripped });
      assert.deepEqual(show(b.nodes), show(a.nodes), f.name);
    }
  });

  it("seed-embedded-lnmp: scripts, tracking blocks, a quoted value with a trailing space", () => {
    const r = fixture("seed-embedded-lnmp.conf");
    assert.deepEqual(r.nodes.map((n) => `${n.keyword}@${n.line}`), ["global_defs@5", "vrrp_script@15", "vrrp_script@21", "vrrp_instance@28"]);
    const down = r.nodes[2];
    assert.deepEqual(child(down?.children, "script").args, ["[[ -f /etc/keepalived/down ]] && exit 1 || exit 0"]);
    const instance = r.nodes[3];
    assert.deepEqual(instance?.args, ["lnmp"]);
    assert.deepEqual(show(child(instance?.children, "track_interface").children ?? []), ["eth1", "eth2"]);
    assert.deepEqual(show(child(instance?.children, "track_script").children ?? []), ["chk_down", "check_ntpd"]);
    assert.deepEqual(child(instance?.children, "notify_fault").args, ["/home/run/notify_fault.sh "]);
    assert.deepEqual(show(child(instance?.children, "authentication").children ?? []), ['auth_type "PASS"', 'auth_pass "123456"']);
    assert.equal(child(instance?.children, "priority").line, 32);
  });

  it("seed-nginx: a block opened two lines after its keyword, a keyword without value", () => {
    const defs = fixture("seed-nginx.conf").nodes[0];
    const email = child(defs?.children, "notification_email");
    assert.equal(email.line, 5);
    assert.deepEqual(show(email.children ?? []), ["admin@sword.com"]);
    assert.deepEqual(child(defs?.children, "notification_email_from").args, []);
  });

  it("seed-openwrt-sync-group: unindented blocks, quoted notify, misspelled keywords kept as written", () => {
    const r = fixture("seed-openwrt-sync-group.conf");
    const [group, instance] = r.nodes;
    assert.deepEqual(group?.args, ["VG_1"]);
    assert.deepEqual(show(child(group?.children, "group").children ?? []), ["http", "mysql"]);
    assert.deepEqual(child(group?.children, "notify_fault").args, ["/path/fault.sh VG_1"]);
    assert.deepEqual(show(child(instance?.children, "authentication").children ?? []), ['auth_type "PASS"', 'autp_pass "1234"']);
    assert.deepEqual(show(child(instance?.children, "virtual_ipaddress").children ?? []), [
      '192.168.200.17/24 "dev" "eth1"',
      '192.168.200.18/24 "dev" "eth2" "label" "eth2:1"',
    ]);
    assert.deepEqual(child(instance?.children, "preemtp_delay").args, ["300"]);
  });

  it("seed-openwrt-static: undefined $NAME placeholders stay as written", () => {
    const routes = fixture("seed-openwrt-static.conf").nodes[1];
    assert.deepEqual(show(routes?.children ?? []), [
      'src "$SRC_IP" "to" "$DST_IP" "dev" "$SRC_DEVICE"',
      'src "$SRC_IP" "to" "$DST_IP" "via" "$GW" "dev" "$SRC_DEVICE"',
    ]);
  });

  it("seed-synopsis files: placeholders and the nested LVS block are plain syntax", () => {
    const vs = fixture("seed-synopsis-virtual-server.conf").nodes[0];
    assert.deepEqual(vs?.args, ["IP", "Port"]);
    const real = child(vs?.children, "real_server");
    assert.deepEqual(real.args, ["<IPADDR>", "<PORT>"]);
    const check = child(real.children, "HTTP_GET|SSL_GET");
    assert.deepEqual(show(child(check.children, "url").children ?? []), ['path "<STRING>"', 'digest "<STRING>"', 'status_code "<INT>"']);
    const instance = fixture("seed-synopsis-sync-group-instance.conf").nodes[1];
    assert.deepEqual(child(instance?.children, "notify_master").args, ["<STRING>|<QUOTED-STRING>"]);
    assert.deepEqual(show(fixture("seed-synopsis-static.conf").nodes[0]?.children ?? []), ['10.210.214.163/24 "brd" "10.210.214.255" "dev" "eth0"', "..."]);
  });

  it("seed-nodeA/nodeB: the pair differs only in router_id, state and priority", () => {
    const strip = (r: KeepalivedParseResult): string[] => show(r.nodes);
    const a = strip(fixture("seed-nodeA-master.conf"));
    const b = strip(fixture("seed-nodeB-backup.conf"));
    const differ = a.flatMap((line, i) => (line === b[i] ? [] : [line.split(" ")[0]]));
    assert.deepEqual(differ, ["global_defs", "vrrp_instance"]);
    assert.deepEqual(a[1]?.replace('"MASTER"', '"BACKUP"').replace('priority "100"', 'priority "90"'), b[1]);
  });
});

describe("keepalived parser: comments and words", () => {
  it("removes # and ! comments anywhere outside double quotes", () => {
    assert.deepEqual(clean("# c\n! c\n  a b # c\nc d! e\nf g#h\ni \"j # k\" l\n"), ['a "b"', 'c "d"', 'f "g"', 'i "j # k" "l"']);
  });

  it("reads \\# and \\! outside quotes as the characters themselves, other backslashes as written", () => {
    assert.deepEqual(clean("pass a\\#b\\!c\nscript \"x\\# y\"\nre a\\d\n"), ['pass "a#b!c"', 'script "x\\\\# y"', 're "a\\\\d"']);
  });

  it("splits words at white space; a word starting with \" runs to the next \"", () => {
    assert.deepEqual(clean('k "a b"  c\t"" d"e f"g\n'), ['k "a b" "c" "" "d" "e f" "g"']);
    assert.deepEqual(clean("k 'single quotes' are plain\n"), ['k "\'single" "quotes\'" "are" "plain"']);
  });

  it("reports an unmatched quote once, with its line, and keeps the words before it", () => {
    const r = parse('a 1\nnotify "/bin/x arg\nb 2\n');
    assert.deepEqual(diag(r), [`${MAIN}:2 unterminated-quote`]);
    assert.deepEqual(show(r.nodes), ['a "1"', 'notify', 'b "2"']);
  });

  it("reads CRLF files and keeps the raw line for keyword handlers", () => {
    const r = parse("vrrp_instance VI_1 {\r\n  notify \"/x y\" 'a b'\r\n}\r\n");
    assert.deepEqual(r.errors, []);
    assert.equal(r.nodes[0]?.children?.[0]?.raw, "notify \"/x y\" 'a b'");
  });
});

describe("keepalived parser: blocks", () => {
  it("nests blocks whatever the brace placement", () => {
    const expected = ['a "x" {b "1"; c {d}}', "e"];
    assert.deepEqual(clean("a x {\n b 1\n c {\n  d\n }\n}\ne\n"), expected);
    assert.deepEqual(clean("a x { b 1\n c { d } }\ne\n"), expected);
    assert.deepEqual(clean("a x\n{\nb 1\nc\n\n{\nd }\n}\ne\n"), expected);
    assert.deepEqual(clean("a x { b 1\nc { d }\n} e\n"), expected);
    assert.deepEqual(clean("a {}\nb { }\n"), ["a {}", "b {}"]);
  });

  it("ignores braces inside double quotes", () => {
    assert.deepEqual(clean('a "{x}" {\n b "}"\n}\n'), ['a "{x}" {b "}"}']);
  });

  it("reports a stray }, a { without keyword and unclosed blocks, and keeps going", () => {
    const r = parse("a {\n b\n}\n}\nc {\n}\n{\n d\n}\ne {\n f {\n");
    assert.deepEqual(diag(r), [`${MAIN}:4 unbalanced-braces`, `${MAIN}:7 unbalanced-braces`, `${MAIN}:11 unbalanced-braces`, `${MAIN}:10 unbalanced-braces`]);
    assert.match(r.errors[2]?.message ?? "", /block 'f' \(line 11\) is never closed/);
    assert.deepEqual(show(r.nodes), ["a {b}", "c {}", "d", "e {f {}}"]);
  });

  it("caps nesting (maxDepth) without recursion: 50,000 levels parse quickly", () => {
    const depth = 50_000;
    const r = parse(`${"k {\n".repeat(depth)}${"}\n".repeat(depth)}`);
    assert.deepEqual(diag(r), [`${MAIN}:65 too-deep`]);
    let levels = 0;
    for (let n: readonly KeepalivedNode[] | undefined = r.nodes; n !== undefined && n.length > 0; n = n[0]?.children) levels++;
    assert.equal(levels, 65, "64 nested blocks, deeper ones flattened into the last");
  });
});

describe("keepalived parser: include", () => {
  const files = {
    "/etc/keepalived/common.conf": "global_defs {\n router_id gw\n}\n",
    "/etc/keepalived/conf.d/10-a.conf": "vrrp_instance A {\n priority 100\n}\n",
    "/etc/keepalived/conf.d/20-b.conf": "vrrp_instance B {\n priority 90\n}\n",
    "/etc/keepalived/auth.inc": "authentication {\n auth_pass secret\n}\n",
    "/etc/keepalived/open.inc": "vrrp_instance C {\n state BACKUP\n",
  };

  it("splices included files in place, relative to the including file, globs in order", () => {
    const r = parse("include common.conf\ninclude /etc/keepalived/conf.d/*.conf\n", { readInclude: memoryFs(files) });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(show(r.nodes), ['global_defs {router_id "gw"}', 'vrrp_instance "A" {priority "100"}', 'vrrp_instance "B" {priority "90"}']);
    assert.deepEqual(r.files, [MAIN, "/etc/keepalived/common.conf", "/etc/keepalived/conf.d/10-a.conf", "/etc/keepalived/conf.d/20-b.conf"]);
    assert.equal(r.nodes[2]?.children?.[0]?.file, "/etc/keepalived/conf.d/20-b.conf");
    assert.equal(r.nodes[2]?.children?.[0]?.line, 2);
  });

  it("includes inside a block, and textually: a block may open in one file and close in another", () => {
    const r = parse("vrrp_instance X {\n include auth.inc\n}\ninclude open.inc\n priority 1\n}\n", { readInclude: memoryFs(files) });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(show(r.nodes), ['vrrp_instance "X" {authentication {auth_pass "secret"}}', 'vrrp_instance "C" {state "BACKUP"; priority "1"}']);
  });

  it("reports a missing file with the include's file and line; a wildcard without match is only a warning", () => {
    const r = parse("a\ninclude missing.conf\ninclude conf.d/*.nothing\nincludew conf.d/*.nothing\nincluder nothing/*\n", { readInclude: memoryFs(files) });
    assert.deepEqual(diag(r), [`${MAIN}:2 include-not-found`, `${MAIN}:4 include-not-found`]);
    assert.deepEqual(r.warnings.map((w) => `${w.line} ${w.code}`), ["3 include-no-match", "5 include-no-match"]);
  });

  it("stops includes nested deeper than maxIncludeDepth (default 8)", () => {
    const chain: Record<string, string> = {};
    for (let i = 1; i <= 12; i++) chain[`/etc/keepalived/${i}.conf`] = `level ${i}\ninclude ${i + 1}.conf\n`;
    const r = parse("level 0\ninclude 1.conf\n", { readInclude: memoryFs(chain) });
    assert.deepEqual(diag(r), ["/etc/keepalived/8.conf:2 include-depth"]);
    assert.equal(r.nodes.length, 9);
    const shallow = parse("level 0\ninclude 1.conf\n", { readInclude: memoryFs(chain), maxIncludeDepth: 2 });
    assert.deepEqual(diag(shallow), ["/etc/keepalived/2.conf:2 include-depth"]);
  });

  it("reports include loops instead of following them", () => {
    const loop = { "/etc/keepalived/a.conf": "a\ninclude b.conf\n", "/etc/keepalived/b.conf": "b\ninclude a.conf\ninclude keepalived.conf\n" };
    const r = parse("main\ninclude a.conf\n", { readInclude: memoryFs({ ...loop, [MAIN]: "ignored" }) });
    assert.deepEqual(diag(r), ["/etc/keepalived/b.conf:2 include-loop", "/etc/keepalived/b.conf:3 include-loop"]);
    assert.deepEqual(show(r.nodes), ["main", "a", "b"]);
    const self = parse("include keepalived.conf\n", { readInclude: memoryFs({ [MAIN]: "x" }) });
    assert.deepEqual(diag(self), [`${MAIN}:1 include-loop`]);
  });

  it("reports a failing or missing reader and an include without pattern", () => {
    const failing = parse("include x\n", {
      readInclude: () => {
        throw new Error("permission denied");
      },
    });
    assert.deepEqual(diag(failing), [`${MAIN}:1 include-failed`]);
    assert.match(failing.errors[0]?.message ?? "", /permission denied/);
    assert.deepEqual(diag(parse("include x\n")), [`${MAIN}:1 include-failed`]);
    assert.deepEqual(diag(parse("include\ninclude   \n", { readInclude: memoryFs(files) })), [`${MAIN}:1 invalid-include`, `${MAIN}:2 invalid-include`]);
  });
});

describe("keepalived parser: @ conditionals and $ definitions", () => {
  it("keeps @id lines for the matching config id and @^id lines for the others", () => {
    const text = "@gw-a priority 200\n@gw-b priority 100\n@^gw-a state BACKUP\n@^gw-b state MASTER\n@gw-a\n";
    assert.deepEqual(clean(text, { configId: "gw-a" }), ['priority "200"', 'state "MASTER"']);
    assert.deepEqual(clean(text, { configId: "gw-b" }), ['priority "100"', 'state "BACKUP"']);
    const r = parse(text);
    assert.deepEqual(show(r.nodes), ['state "BACKUP"', 'state "MASTER"']);
    assert.deepEqual(r.warnings.map((w) => `${w.line} ${w.code}`), ["1 config-id-missing", "2 config-id-missing", "3 config-id-missing", "4 config-id-missing"]);
  });

  it("expands $NAME and ${NAME} where keepalived does, and leaves unknown names alone", () => {
    // `$VIP/24` is not a reference: keepalived wants a blank, `,`, `)` or the end after a bare name.
    const text = "$IF=eth0\n$VIP=10.0.0.1\ninterface $IF\nvip ${VIP}/24 dev ${IF}\nnot $VIP/24\nunknown $NOPE\n$VIP=10.0.0.2\nvip $VIP\n$NET=${VIP}/24\nnet $NET\n";
    assert.deepEqual(clean(text), ['interface "eth0"', 'vip "10.0.0.1/24" "dev" "eth0"', 'not "$VIP/24"', 'unknown "$NOPE"', 'vip "10.0.0.2"', 'net "10.0.0.2/24"']);
  });

  it("expands a definition into several lines and blocks", () => {
    const text = "$AUTH=authentication { \\\n  auth_type PASS \\\n  auth_pass secret\n\nvrrp_instance A {\n  $AUTH\n  }\n}\n";
    const r = parse(text);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(show(r.nodes), ['vrrp_instance "A" {authentication {auth_type "PASS"; auth_pass "secret"}}']);
    assert.equal(r.nodes[0]?.children?.[0]?.children?.[1]?.line, 6);
  });

  it("knows keepalived's standard definitions, and reports the ones it cannot compute", () => {
    assert.deepEqual(clean('k "a${_HASH}b" $_INSTANCE\n', { configId: "gw-a" }), ['k "a#b" "gw-a"']);
    // Expanded text is decommented again, so an unquoted ${_HASH} starts a comment (as in keepalived 2.2+).
    assert.deepEqual(clean("k a ${_HASH} b\n"), ['k "a"']);
    assert.deepEqual(clean("dir $_PWD\n"), ['dir "/etc/keepalived"']);
    const r = parse("k ${_RANDOM 1 10} $_INSTANCE\n");
    assert.deepEqual(r.errors.map((e) => `${e.line} ${e.code} ${e.message}`), [
      "1 unsupported $_RANDOM cannot be expanded: random values are not supported",
      "1 unsupported $_INSTANCE cannot be expanded: it needs the configId option",
    ]);
  });

  it("reports ~SEQ/~LST as unsupported and self-referential definitions as an expansion limit", () => {
    assert.deepEqual(parse("~SEQ(i, 1, 3) vip 10.0.0.$i\n").errors.map((e) => `${e.line} ${e.code}`), ["1 unsupported"]);
    const loop = parse("$A=$A\nk $A\n");
    assert.deepEqual(loop.errors.map((e) => `${e.line} ${e.code}`), ["2 expansion-limit"]);
    const grow = parse("$A=x $A\nk $A\n");
    assert.deepEqual(grow.errors.map((e) => `${e.line} ${e.code}`), ["2 expansion-limit"]);
  });
});

describe("keepalived parser: limits", () => {
  it("refuses input beyond maxBytes and maxLines", () => {
    assert.deepEqual(parse("k v\n".repeat(1000), { maxBytes: 100 }).errors.map((e) => e.code), ["too-large"]);
    const lines = parse("k v\n".repeat(1000), { maxLines: 10 });
    assert.deepEqual(lines.errors.map((e) => e.code), ["too-large"]);
    assert.equal(lines.nodes.length, 10);
  });

  it("reads lines over 1023 characters in pieces, as keepalived's fgets() does, and warns", () => {
    const r = parse(`k ${"x".repeat(1100)}\nnext\n`);
    assert.deepEqual(r.warnings.map((w) => `${w.line} ${w.code}`), ["1 line-too-long"]);
    assert.deepEqual(r.nodes.map((n) => [n.keyword.length, n.args.map((a) => a.length), n.line]), [[1, [1021], 1], [79, [], 1], [4, [], 2]]);
  });
});
