// keepalived keywords vrrpd has no equivalent for, each with why and what to do instead. Severity "error" marks
// the ones whose loss changes which router is master or whether the routers understand each other's adverts;
// everything else is a warning (the import is faithful for failover, not for that feature).
import type { Severity } from "../finding.ts";

export interface NotImported {
  readonly why: string;
  readonly severity?: Severity;
}

type Table = Readonly<Record<string, NotImported>>;

const of = (why: string, keywords: readonly string[], severity?: Severity): Table =>
  Object.fromEntries(keywords.map((k) => [k, severity === undefined ? { why } : { why, severity }]));

const NO_LVS = "vrrpd does VRRP only; LVS/IPVS load balancing needs keepalived's checker (keepalived --check) or ipvsadm";
const NO_VMAC =
  "vrrpd uses the interface's own MAC address (no macvlan): failover still works through gratuitous ARP / unsolicited NA, but hosts see the router's MAC change";
const NO_FIREWALL = "vrrpd installs no firewall rules; put any rules you need in /etc/config/firewall";
const USE_UBUS = "use the ubus event vrrp.state (`ubus listen vrrp.state`) or a hook in /etc/hotplug.d/vrrp/";
const TRACK_ONLY_SCRIPTS = "only interfaces, scripts, files and processes can be tracked; write a vrrp_script (config track_script) that does this check";

export const GLOBAL_NOT_IMPORTED: Table = {
  ...of("vrrpd sends no SMTP alert for LVS checkers (it does VRRP only)", ["smtp_alert_checker", "no_checker_emails"]),
  ...of("vrrpd has no SNMP agent; state and counters are on ubus (`ubus call vrrp status`) and `vrrpd status`", ["enable_traps", "snmp_socket", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_snmp_checker"]),
  ...of("vrrpd has no D-Bus interface; use ubus (`ubus call vrrp status`)", ["enable_dbus", "dbus_service_name", "dbus_no_interface_name"]),
  ...of(NO_LVS, ["lvs_id", "lvs_sync_daemon", "lvs_flush", "lvs_flush_onstop", "lvs_timeouts", "lvs_notify_fifo", "lvs_notify_fifo_script", "checker_priority", "checker_no_swap", "checker_cpu_affinity", "checker_rt_priority", "checker_rlimit_rttime", "checker_process_name", "checker_log_all_failures", "nftables_ipvs", "ipvs_process_name", "smtp_alert_checker", "bfd_priority", "bfd_no_swap", "bfd_cpu_affinity", "bfd_rt_priority", "bfd_rlimit_rttime", "bfd_process_name"]),
  ...of("vrrpd sends each burst at once and has no rate limit or extra interfaces; tune vrrp_garp_master_repeat / _delay instead", ["vrrp_garp_interval", "vrrp_gna_interval", "vrrp_min_garp", "vrrp_garp_extra_if", "vrrp_garp_extra_if_vmac"]),
  ...of(NO_FIREWALL, ["vrrp_iptables", "vrrp_ipsets", "nftables", "nftables_priority", "nftables_counters", "nftables_ifindex", "disable_local_igmp"]),
  ...of(USE_UBUS, ["vrrp_notify_priority_changes", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script", "fifo_write_vrrp_states_on_reload"]),
  ...of("procd runs vrrpd; it has no real-time scheduling knobs (it reports event-loop lag instead)", ["max_auto_priority", "min_auto_priority_delay", "vrrp_priority", "vrrp_no_swap", "vrrp_cpu_affinity"]),
  ...of("kernel buffer tuning keepalived needs; vrrpd does not", ["vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier"]),
  ...of("not needed: vrrpd follows interfaces as they are created and removed", ["dynamic_interfaces"]),
  ...of("vrrpd reads link state from netlink (netifd on OpenWrt), no polling", ["linkbeat_use_polling"]),
  ...of("vrrpd checks unicast adverts against unicast_peer always", ["vrrp_check_unicast_src"]),
  ...of("vrrpd has no equivalent; adverts are always checked as the RFC says", ["vrrp_skip_check_adv_addr"]),
  ...of("vrrpd has no virtual MAC", ["vmac_prefix", "vmac_addr_prefix"]),
  ...of("vrrpd reloads on `vrrpd reload`, SIGHUP or `service vrrpd reload`; no scheduled or checked reloads", ["reload_check_config", "reload_time_file", "reload_repeat", "reload_file", "include_check", "config_test"]),
  ...of("status is `vrrpd status --json` and `ubus call vrrp status`, not files", ["data_use_instance", "state_file_location", "stats_file_location", "json_file_location", "json_version", "tmp_config_directory"]),
  ...of("run it from an init script or /etc/rc.local; vrrpd's hooks run on transitions only", ["startup_script", "startup_script_timeout", "shutdown_script", "shutdown_script_timeout"]),
  ...of("run one vrrpd per network namespace, each with its own configuration", ["net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance"]),
  ...of("use globals.startup_delay", ["vrrp_delay_after_boot"]),
  ...of("vrrpd needs each instance's interface; keepalived used this only for addresses without one", ["default_interface"]),
  ...of("no vrrpd equivalent", ["log_unknown_vrids", "child_wait_time", "process_names", "process_name", "vrrp_process_name", "use_pid_dir", "set_supplementary_groups", "random_seed", "umask", "vrrp_startup_delay_after_boot", "vrrp_track_process_delay"]),
};

export const INSTANCE_NOT_IMPORTED: Table = {
  ...of(NO_VMAC, ["use_vmac", "use_vmac_addr", "vmac_xmit_base", "use_ipvlan", "vmac_garp_intvl"]),
  ...of("deprecated in keepalived; the family of the virtual addresses decides", ["native_ipv6"]),
  ...of("vrrpd always puts the instance into FAULT while its own interface is down", ["dont_track_primary"]),
  ...of(`vrrpd has no BFD; ${TRACK_ONLY_SCRIPTS} (e.g. a ping of the neighbour)`, ["track_bfd"], "error"),
  ...of("vrrpd sends every instance's adverts to globals.vrrp_mcast_group4/6; set the group there (for all instances) or use unicast_peer", ["mcast_dst_ip"], "error"),
  ...of("vrrpd has no VRF support; give the instance an interface in the default routing table", ["vrf"], "error"),
  ...of("vrrpd has no HMAC authentication (only VRRPv2 PASS): peers that require auth_hmac refuse vrrpd's adverts; drop it on every router, or keep keepalived", ["auth_hmac"], "error"),
  ...of("no policy-routing rules: add `config rule` sections to /etc/config/network instead", ["virtual_rules"], "error"),
  ...of("always on: vrrpd accepts unicast adverts only from the unicast_peer addresses", ["check_unicast_src"]),
  ...of("without unicast_peer vrrpd sends multicast adverts; it never waits in FAULT for peers", ["unicast_fault_no_peer"]),
  ...of("vrrpd sends adverts with TTL / hop limit 255, as the RFCs require", ["unicast_ttl"]),
  ...of("only keepalived before 1.3.6 computed unicast checksums that way", ["old_unicast_checksum"]),
  ...of("vrrpd keeps using the source address while it exists; no separate fault", ["track_src_ip"]),
  ...of("vrrpd sends gratuitous ARP / NA on the instance's interfaces only", ["garp_extra_if", "garp_extra_if_vmac"]),
  ...of("vrrpd's master down timer is always 3 advert intervals (the RFC value); every router of a virtual router must agree, so set the others to 3 too", ["down_timer_adverts"]),
  ...of("no vrrpd equivalent", ["timer_expired_backup", "owner_ignore_adverts", "skip_check_adv_addr", "kernel_rx_buf_size", "linkbeat_use_polling"]),
  ...of("an instance needs at least one virtual_ipaddress in vrrpd (VRRPv3 requires one)", ["no_virtual_ipaddress"]),
  ...of("vrrpd does not change the promote_secondaries sysctl; set net.ipv4.conf.DEV.promote_secondaries=1 in /etc/sysctl.conf if you need it", ["promote_secondaries"]),
  ...of("use globals.log_level 'debug'", ["debug"]),
  ...of(USE_UBUS, ["notify_deleted", "notify_master_rx_lower_pri", "notify_priority_changes"]),
  ...of(NO_LVS, ["lvs_sync_daemon_interface"]),
};

export const SYNC_GROUP_NOT_IMPORTED: Table = {
  ...of(`vrrpd has no BFD; ${TRACK_ONLY_SCRIPTS}`, ["track_bfd"], "error"),
  ...of(USE_UBUS, ["notify_deleted", "notify_priority_changes"]),
};

export const TOP_LEVEL_NOT_IMPORTED: Table = {
  ...of(NO_LVS, ["virtual_server", "virtual_server_group", "real_server", "SSL", "checker"]),
  ...of("defines a BFD session; vrrpd has no BFD (instances that use it are reported)", ["bfd_instance"]),
  ...of("vrrpd has no gratuitous ARP rate limits", ["garp_group"]),
  ...of("vrrpd reads link state from netlink (netifd on OpenWrt), no polling", ["linkbeat_interfaces", "linkbeat_use_polling"]),
  ...of("vrrpd reacts to link changes at once (no debounce); netifd already debounces on OpenWrt", ["interface_up_down_delays"]),
  ...of("static addresses and routes belong in /etc/config/network", ["track_group"]),
};
