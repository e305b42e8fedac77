// files/etc/init.d/vrrpd's behaviour, which the package test only parses: run under dash (as strict as busybox
// ash) the way rc.common runs it, with a recording stand-in for procd and functions.sh (fixtures/), the UCI
// values read by vrrpd's own parser and PROG the daemon bundled as it ships. The assertions are what the script
// asks procd to do: which instance with which parameters, which triggers, which signal.
import assert from "node:assert/strict";
import { accessSync, constants, existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { parseBool } from "../../src/config/values/scalar.ts";
import { OpenwrtRoot, type Run } from "./openwrt-root.ts";

// Two instances on lan, one on wan, and a disabled one on a third network.
const VALID = `config globals 'globals'
	option enabled '1'
	option router_id 'gw-a'

config instance 'lan'
	option interface 'lan'
	option virtual_router_id '51'
	option priority '150'
	list virtual_ipaddress '192.0.2.1/24'

config instance 'lan_voice'
	option interface 'lan'
	option virtual_router_id '52'
	list virtual_ipaddress '192.0.2.2/24'

config instance 'wan'
	option interface 'wan'
	option virtual_router_id '53'
	list virtual_ipaddress '198.51.100.1/24'

config instance 'guest'
	option enabled '0'
	option interface 'guest'
	option virtual_router_id '54'
	list virtual_ipaddress '203.0.113.1/24'
`;
const withGlobalsEnabled = (value: string): string => VALID.replace("option enabled '1'", `option enabled '${value}'`);
const INVALID = VALID.replace("option virtual_router_id '52'", "option virtual_router_id '300'");

const INSTANCE = [
  ["procd_open_instance", "main"],
  ["procd_set_param", "command", "/usr/sbin/vrrpd", "run", "-c", "/etc/config/vrrp"],
  ["procd_set_param", "respawn"],
  ["procd_set_param", "stdout", "1"],
  ["procd_set_param", "stderr", "1"],
  ["procd_set_param", "env", "VRRPD_LOG_TIMESTAMPS=0"],
  ["procd_set_param", "term_timeout", "60"],
  ["procd_close_instance"],
];
const TRIGGERS = [
  ["procd_add_reload_trigger", "vrrp"],
  ["procd_add_reload_interface_trigger", "lan"],
  ["procd_add_reload_interface_trigger", "wan"],
];

let root: OpenwrtRoot;
before(async () => {
  root = await OpenwrtRoot.create();
});
after(() => root.remove());

/** Sources the init script as rc.common does (after the stand-in), then runs `commands`; procd records only. */
function initScript(config: string, commands: string, env: Record<string, string> = {}): Run {
  root.write("etc/config/vrrp", config, 0o600);
  const r = root.run(`initscript=${root.path("etc/init.d/vrrpd")}\n. "$initscript"\n${commands}`, env);
  return { ...r, records: r.records.filter((x) => x[0] !== "extra_command") };
}

describe("files/etc/init.d/vrrpd under dash, with procd and functions.sh stand-ins", () => {
  test("sourcing it registers `check`, which runs the daemon's checker on the config", () => {
    const r = root.run(`. ${root.path("etc/init.d/vrrpd")}\nprintf '%s\\n' "$EXTRA_COMMANDS"`);
    assert.deepEqual(r.records, [["extra_command", "check", "Validate /etc/config/vrrp with the daemon's own checker"]]);
    assert.equal(r.stdout, "check\n");
    const check = initScript(VALID, "check");
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /^\/etc\/config\/vrrp: 0 error\(s\), \d+ warning\(s\), 3 instance\(s\)$/m); // guest is disabled
    assert.equal(initScript(INVALID, "check").status, 1);
  });

  test("start_service: instance main runs `vrrpd run -c CONFIG`, respawned, output to syslog, 60 s to hand over", () => {
    const r = initScript(VALID, "start_service");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.records, INSTANCE);
    assert.equal(r.stderr, "");
    assert.ok(existsSync(root.path("var/run/vrrpd")));
    accessSync(root.path("usr/sbin/vrrpd"), constants.X_OK); // what procd would exec is the installed wrapper
  });

  test("service_triggers: reload on a commit of 'vrrp', and once per network of an enabled instance", () => {
    const r = initScript(VALID, "service_triggers");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.records, TRIGGERS); // lan once although two instances use it; not guest (disabled)
  });

  test("restart hands off first (vrrpd handoff), then stop and start, so the next daemon resumes as master", () => {
    // PROG stands in for the daemon's CLI (the recorded calls); start_service then runs it too (check-config).
    const r = initScript(VALID, `vrrpd_stub() { _standin_record vrrpd "$@"; }\nPROG=vrrpd_stub\nrestart`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.records.slice(0, 5), [["vrrpd", "handoff"], ["stop"], ["procd_kill", "vrrpd", ""], ["start"], ["procd_open_service", "vrrpd"]]);
  });

  test("restart when no daemon answers (not running): the failed hand-off does not stop the restart", () => {
    const r = initScript(VALID, `vrrpd_stub() { _standin_record vrrpd "$@"; [ "$1" != handoff ]; }\nPROG=vrrpd_stub\nrestart`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.records.slice(0, 4), [["vrrpd", "handoff"], ["stop"], ["procd_kill", "vrrpd", ""], ["start"]]);
  });

  test("reload_service while procd runs the instance: SIGHUP to it, nothing restarted", () => {
    const r = initScript(VALID, "reload_service", { PROCD_RUNNING: "1" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.records, [
      ["procd_running", "vrrpd", "main"],
      ["procd_send_signal", "vrrpd", "main", "HUP"],
    ]);
  });

  test("reload_service when it does not run: start, which adds the instance and the triggers", () => {
    const r = initScript(VALID, "reload_service");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.records, [["procd_running", "vrrpd", "main"], ["start"], ["procd_open_service", "vrrpd"], ...INSTANCE, ["procd_close_service"], ...TRIGGERS]);
  });

  test("globals.enabled '0': start_service adds no instance; reload of a running one starts nothing, so procd stops it", () => {
    const disabled = withGlobalsEnabled("0");
    const start = initScript(disabled, "start_service");
    assert.equal(start.status, 0, start.stderr);
    assert.deepEqual(start.records, []);
    const reload = initScript(disabled, "reload_service", { PROCD_RUNNING: "1" });
    assert.equal(reload.status, 0, reload.stderr);
    assert.deepEqual(reload.records, [["start"], ["procd_open_service", "vrrpd"], ["procd_close_service"], ...TRIGGERS]);
  });

  test("globals.enabled: every spelling the daemon accepts means the same here; no globals section means enabled", () => {
    // Anything else (a typo, another case) reads as the default, enabled: then the checker refuses the file.
    // One shell loads them in turn, and config_load leaves an earlier load's values: no globals section first.
    const spellings = ["1", "on", "true", "yes", "enabled", "0", "off", "false", "no", "disabled", "True", "OFF", "maybe"];
    const cases: [string, boolean][] = [
      [VALID.replace(/^config globals[^]*?\n\n/, ""), true],
      ...spellings.map((v): [string, boolean] => {
        const daemon = parseBool(v);
        return [withGlobalsEnabled(v), daemon.ok ? daemon.value : true];
      }),
    ];
    cases.forEach(([config, _], i) => root.write(`etc/cases/${i}/vrrp`, config));
    const r = root.run(
      `. ${root.path("etc/init.d/vrrpd")}\nfor i in ${cases.map((_, i) => i).join(" ")}; do UCI_CONFIG_DIR=${root.path("etc/cases")}/$i; vrrp_enabled && echo on || echo off; done`,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), cases.map(([, on]) => (on ? "on" : "off")));
  });

  test("an invalid config: start_service fails, adds no instance, and the daemon's findings reach stderr and the log", () => {
    const r = initScript(INVALID, "start_service");
    assert.notEqual(r.status, 0);
    assert.equal(r.records.filter((x) => x[0] !== "logger").length, 0, JSON.stringify(r.records));
    const line = INVALID.split("\n").indexOf("\toption virtual_router_id '300'") + 1;
    const finding = `/etc/config/vrrp:${line}: lan_voice.virtual_router_id: 300 is out of range 1..255`;
    assert.ok(r.stderr.split("\n").includes(finding), r.stderr);
    assert.deepEqual(r.records.find((x) => x[3] === finding), ["logger", "vrrpd", "daemon.err", finding]);
    for (const x of r.records) assert.deepEqual(x.slice(0, 3), ["logger", "vrrpd", "daemon.err"]);
  });

  test("an invalid config on reload: no signal and no start, so the running daemon keeps its configuration", () => {
    const r = initScript(INVALID, "reload_service", { PROCD_RUNNING: "1" });
    assert.notEqual(r.status, 0);
    assert.deepEqual(r.records.filter((x) => x[0] !== "logger"), []);
    assert.match(r.stderr, /lan_voice\.virtual_router_id: 300 is out of range/);
  });
});
