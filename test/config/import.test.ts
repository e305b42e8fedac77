// Faithfulness of `vrrpd import` on every keepalived.conf of test/fixtures/keepalived/: each imports, its
// output reads back and validates, and the validated model is what keepalived would run. The expected values
// below are written by hand from keepalived.conf(5) and keepalived's vrrp_complete_instance() rules (priority
// 255 for `state MASTER` without a priority, nopreempt / preempt_delay cleared with `state MASTER`, an
// authentication block without auth_pass ignored, vrrp_script weight 0 = fault, unknown keywords ignored,
// sync-group members that do not exist left out), not copied from the importer's output.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { importKeepalived } from "../../src/config/import/index.ts";
import { checkOutput, findingKeys, keepalivedInstance as ka, readInput, SEED_DIR, summarize, type InstanceSummary } from "./import-helpers.ts";

interface ScriptExpectation {
  script: string;
  intervalMs: number;
  weight: number;
}

interface FixtureExpectation {
  routerId?: string;
  instances: Record<string, InstanceSummary>;
  scripts?: Record<string, ScriptExpectation>;
  groups?: Record<string, { members: string[]; notify: Record<string, string>; smtpAlert: boolean }>;
  /** `line:keyword` of every error finding (nothing else may be an error). */
  errors?: string[];
  /** `line:keyword` of warnings that must be there (others may be too). */
  warnings?: string[];
}

const EXPECTED: Record<string, FixtureExpectation> = {
  "seed-embedded-lnmp.conf": {
    routerId: "lnmp_node1",
    scripts: {
      chk_ntpd: { script: "killall -0 ntpd", intervalMs: 2000, weight: -100 },
      chk_down: { script: "[[ -f /etc/keepalived/down ]] && exit 1 || exit 0", intervalMs: 1000, weight: -100 },
    },
    instances: {
      lnmp: ka({
        device: "eth1", state: "master", vrid: 100, priority: 200, advertMs: 5000, auth: "123456",
        vips: ["192.168.0.200/32"], // no length: a host address
        // track_interface entries are unweighted (fault while down); chk_down takes its script's weight;
        // check_ntpd names no vrrp_script (the seed defines chk_ntpd), so keepalived ignores it.
        tracks: ["interface:eth1 0", "interface:eth2 0", "script:chk_down -100"],
        // keepalived splits the command into words: the trailing blank inside the quotes is no argument.
        notify: { master: "/home/run/notify_master.sh", backup: "/home/run/notify_backup.sh", fault: "/home/run/notify_fault.sh" },
      }),
    },
    warnings: ["47:track_script"],
  },
  "seed-nginx.conf": {
    routerId: "master",
    scripts: { check_nginx: { script: "/etc/keepalived/nginx_check.sh", intervalMs: 2000, weight: -20 } },
    instances: {
      NGINX: ka({ device: "eth0", state: "master", vrid: 51, auth: "123456", vips: ["172.16.100.150/24"], tracks: ["script:check_nginx -20"] }),
    },
    // notification_email_from without a value: keepalived ignores it, so does the import (mail comes from root@host).
    warnings: ["10:notification_email_from"],
  },
  "seed-nodeA-master.conf": {
    routerId: "NodeA",
    instances: { VI_1: ka({ device: "eth0", state: "master", vrid: 51, auth: "1111", vips: ["192.168.8.100/24"] }) },
  },
  "seed-nodeB-backup.conf": {
    routerId: "NodeB",
    instances: { VI_1: ka({ device: "eth0", vrid: 51, priority: 90, auth: "1111", vips: ["192.168.8.100/24"] }) },
  },
  "seed-openwrt-global-defs.conf": {
    routerId: "LVS_DEVEL",
    instances: {},
  },
  "seed-openwrt-http.conf": {
    scripts: { check_running: { script: "/usr/local/bin/check_running", intervalMs: 10_000, weight: 10 } },
    instances: {
      http: ka({ device: "eth0", vrid: 101, priority: 90, advertMs: 3000, auth: "whatever", vips: ["1.1.1.1/32"], tracks: ["script:check_running 10"], smtpAlert: true }),
    },
  },
  "seed-openwrt-static.conf": {
    instances: {},
    warnings: ["4:static_ipaddress", "5:static_ipaddress", "8:static_routes", "9:static_routes"],
  },
  "seed-openwrt-sync-group.conf": {
    instances: {
      http: ka({
        device: "eth0", state: "master", vrid: 51,
        // `autp_pass` is unknown, so the block has no password: keepalived drops the authentication.
        auth: null,
        vips: ["192.168.200.17/24 dev eth1", "192.168.200.18/24 dev eth2 label eth2:1"],
        routes: ["192.168.109.0/24 via 192.168.200.254 dev eth1 src 192.168.100.1", "192.168.110.0/24 via 192.168.200.254 dev eth1", "192.168.111.0/24 dev eth2", "192.168.112.0/24 via 192.168.100.254"],
        tracks: ["interface:eth0 0", "interface:eth1 0"],
        // nopreempt with state MASTER is cleared by keepalived; `preemtp_delay` is unknown.
        preempt: true,
      }),
    },
    groups: {
      VG_1: {
        members: ["http"], // mysql has no vrrp_instance
        notify: { master: "/path/to/to_master.sh", backup: "/path_to/to_backup.sh", fault: "/path/fault.sh VG_1", any: "/path/to/notify.sh" },
        smtpAlert: true,
      },
    },
    errors: ["28:mcast_src_ip"], // the placeholder <IPADDR>
    warnings: ["10:group", "23:dont_track_primary", "34:auth_type", "35:autp_pass", "49:nopreempt", "50:preemtp_delay", "51:debug"],
  },
  "seed-synopsis-global-defs.conf": {
    routerId: "host163",
    instances: {},
    warnings: ["4:notification_email", "12:enable_traps"], // the "..." placeholder among the recipients
  },
  "seed-synopsis-static.conf": {
    instances: {},
    warnings: ["4:static_ipaddress", "5:static_ipaddress", "8:static_routes", "9:static_routes"],
  },
  "seed-synopsis-sync-group-instance.conf": {
    instances: {
      VI_1: ka({
        device: "eth0", state: "master", vrid: 1, auth: "12345678",
        vips: ["10.210.214.253/24 dev eth0 brd 10.210.214.255", "192.168.1.11/24 dev eth1 brd 192.168.1.255"],
        routes: ["172.16.0.0/12 via 10.210.214.1", "192.168.1.0/24 via 192.168.1.1 dev eth1", "0.0.0.0/0 via 202.102.152.1"],
        tracks: ["interface:eth0 0", "interface:eth1 0"], // chk_http_port is not defined in this file
        preempt: true, // nopreempt and preempt_delay 300 are cleared with state MASTER
        smtpAlert: true,
      }),
    },
    groups: {}, // none of inside_network, outside_network, ... exists: keepalived removes the group
    errors: ["25:mcast_src_ip", "50:notify_master", "51:notify_backup", "52:notify_fault", "53:notify"],
    warnings: ["4:vrrp_sync_group", "19:use_vmac", "20:dont_track_primary", "26:lvs_sync_daemon_interface", "45:track_script", "47:nopreempt", "48:preempt_delay", "49:debug"],
  },
  "seed-synopsis-virtual-server.conf": { instances: {}, warnings: ["3:virtual_server"] },
  "seed-synopsis-vrrp-script.conf": {
    scripts: { chk_http_port: { script: "</dev/tcp/127.0.0.1/80", intervalMs: 1000, weight: -10 } },
    instances: {},
    warnings: ["3:script"], // /dev/tcp needs bash
  },
};

const strip = (keys: readonly string[]): string[] => keys.map((k) => k.slice(0, k.lastIndexOf(":")));

describe("import of the seed keepalived.conf files", () => {
  const files = readdirSync(SEED_DIR).filter((f) => f.endsWith(".conf")).sort();

  it("has an expectation for every fixture, and every expectation has its fixture", () => {
    assert.ok(files.length > 0, `no .conf fixtures in ${SEED_DIR}`);
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: what keepalived would run`, () => {
      const path = `${SEED_DIR}${file}`;
      const { result, config } = checkOutput(importKeepalived({ path, text: readInput(path) }));
      assert.equal(config.globals.routerId, expected.routerId);
      assert.deepEqual(summarize(config), expected.instances);
      for (const [name, script] of Object.entries(expected.scripts ?? {})) {
        const got = config.trackScripts[name];
        assert.ok(got !== undefined, `track_script ${name}`);
        assert.deepEqual({ script: got.script, intervalMs: got.intervalMs, weight: got.weight }, script);
      }
      assert.deepEqual(Object.keys(config.trackScripts).sort(), Object.keys(expected.scripts ?? {}).sort());
      const groups = Object.fromEntries(Object.values(config.syncGroups).map((g) => [g.name, { members: [...g.members], notify: { ...g.notify }, smtpAlert: g.smtpAlert }]));
      assert.deepEqual(groups, expected.groups ?? {});
      const keys = findingKeys(result.findings, path);
      assert.deepEqual(strip(keys.filter((k) => k.endsWith(":error"))), expected.errors ?? [], "error findings");
      const warnings = new Set(strip(keys.filter((k) => k.endsWith(":warning"))));
      for (const w of expected.warnings ?? []) assert.ok(warnings.has(w), `expected a warning at ${w}; got ${[...warnings].join(", ")}`);
    });
  }

  it("comments carry no keywords: the same import with every comment removed", () => {
    for (const file of files) {
      const path = `${SEED_DIR}${file}`;
      const text = readInput(path);
      const bare = text.split("\n").map((l) => l.replace(/#.*$/, "")).join("\n");
      assert.equal(importKeepalived({ path, text: bare }).uci, importKeepalived({ path, text }).uci, file);
    }
  });

  it("the master/backup pair differ only where the files differ", () => {
    const [a, b] = ["seed-nodeA-master.conf", "seed-nodeB-backup.conf"].map((f) => summarize(checkOutput(importKeepalived({ path: f, text: readInput(`${SEED_DIR}${f}`) })).config));
    assert.deepEqual({ ...a?.["VI_1"], state: "backup", priority: 90 }, b?.["VI_1"]);
  });
});
