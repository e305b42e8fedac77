// Sample replies for docs/ubus-api.md. They are data, not prose: test/daemon/api.test.ts holds them against the
// contract, so the documented examples cannot drift from what the daemon really sends.
import { zeroCounters } from "../src/vrrp/counters.ts";

const NOW = 1767229200; // 2026-01-01 01:00:00 UTC

export const SAMPLE_EVENT = {
  instance: "lan",
  state: "master",
  previous_state: "backup",
  reason: "master-down-timer",
  priority: 150,
  device: "br-lan",
  virtual_ipaddress: ["192.168.1.1/24"],
};

export const SAMPLE_STATUS = {
  version: "0.1.0",
  pid: 1234,
  uptime: 3600,
  started_at: NOW - 3600,
  time: NOW,
  config: { file: "/etc/config/vrrp", loaded_at: NOW - 3600, warnings: 0, last_reload_error: null },
  event_loop_lag: { samples: 7210, last_ms: 0.412, max_ms: 3.87, mean_ms: 0.455 },
  instances: {
    lan: {
      state: "master",
      device: "br-lan",
      interface: "lan",
      family: "ipv4",
      version: 3,
      vrid: 51,
      priority: 150,
      effective_priority: 150,
      priority_override: null,
      tracked: [{ id: "interface:eth1", type: "interface", name: "eth1", state: "up", weight: -50, reverse: false, delta: 0, fault: false, value: null }],
      preempt: true,
      master_address: "192.168.1.2",
      master_priority: 150,
      source_address: "192.168.1.2",
      virtual_ipaddress: ["192.168.1.1/24"],
      holding_addresses: true,
      fault_reason: null,
      sync_group: null,
      timers: { advert_int_ms: 1000, master_adver_int_ms: 1000, master_down_interval_ms: 3414.063, skew_time_ms: 414.063, master_down_timer_ms: null, adver_timer_ms: 612.5 },
      counters: { ...zeroCounters(), advert_sent: 3580, advert_rcvd: 12, become_master: 2, release_master: 1 },
      last_transition: { from: "backup", to: "master", reason: "master-down-timer", at: NOW - 3581, age: 3581 },
    },
    wan: {
      state: "backup",
      device: "eth1",
      interface: "wan",
      family: "ipv4",
      version: 3,
      vrid: 52,
      priority: 150,
      effective_priority: 100,
      priority_override: null,
      tracked: [{ id: "script:chk_uplink", type: "script", name: "chk_uplink", state: "down", weight: -50, reverse: false, delta: -50, fault: false, value: null }],
      preempt: true,
      master_address: "203.0.113.3",
      master_priority: 120,
      source_address: "203.0.113.2",
      virtual_ipaddress: ["203.0.113.1/24"],
      holding_addresses: false,
      fault_reason: null,
      sync_group: null,
      timers: { advert_int_ms: 1000, master_adver_int_ms: 1000, master_down_interval_ms: 3210.938, skew_time_ms: 210.938, master_down_timer_ms: 2954.7, adver_timer_ms: null },
      counters: { ...zeroCounters(), advert_sent: 12, advert_rcvd: 3571, become_master: 1, release_master: 1 },
      last_transition: { from: "master", to: "backup", reason: "higher-priority-advert", at: NOW - 3590, age: 3590 },
    },
  },
  sync_groups: {},
  track_scripts: {
    chk_uplink: { type: "script", state: "down", value: null, running: false, runs: 359, failures: 4, timeouts: 1, skipped_overlaps: 0, last_result: { ok: false, exit_code: 1, timed_out: false, duration_ms: 41.2, detail: "" } },
  },
  unknown_vrid: {},
  mail: { enabled: true, sent: 3, failed_attempts: 2, dropped: 0, queued: 0, last_error: "connect ECONNREFUSED 192.0.2.25:25", last_error_at: 1767225500 },
};
