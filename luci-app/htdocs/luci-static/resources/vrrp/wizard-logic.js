'use strict';
'require baseclass';
'require vrrp.config-check as check';
'require vrrp.wizard-internet as internet';

/*
 * The gateway failover wizard without DOM or uci: plain functions that test/luci/wizard-logic.test.ts runs in
 * node. The setup is the split-pool pattern: two routers share one virtual IP (VIP) on the LAN, DHCP hands
 * that VIP out as gateway (option 3) and DNS server (option 6), and both routers serve DHCP all the time, each
 * from its own half of the pool, so nothing has to change when the VIP moves. The internet check (a ping
 * track_script) is in vrrp/wizard-internet.js.
 */

/*
 * Priorities per role. 150 and 100 leave room for one tracked uplink: 150 - 60 = 90 is below 100. The internet
 * check weighs the same, so either failure hands over, and of two routers that both lost the internet the one
 * with the higher priority keeps the gateway (weight 0 would put both in Fault: no gateway for the LAN at all).
 */
var ROLES = {
	primary: { priority: 150, other: 'secondary' },
	secondary: { priority: 100, other: 'primary' }
};
var UPLINK_WEIGHT = -(ROLES.primary.priority - ROLES.secondary.priority + 10);
var DEFAULT_VRID = 51;
/* dnsmasq's defaults for a dhcp section without start/limit (OpenWrt dhcp.conf). */
var DEFAULT_POOL = { start: 100, limit: 150 };

function fmt(text) {
	var args = Array.prototype.slice.call(arguments, 1);
	return String(text).replace(/%s/g, function() { return args.length ? String(args.shift()) : ''; });
}

function list(value) {
	if (value == null || value === '')
		return [];
	return Array.isArray(value) ? value.slice() : String(value).trim().split(/\s+/);
}

function parseIPv4(text) {
	var m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(String(text == null ? '' : text).trim());
	if (!m)
		return null;
	var n = 0;
	for (var i = 1; i <= 4; i++) {
		if (+m[i] > 255 || (m[i].length > 1 && m[i].charAt(0) === '0'))
			return null;
		n = n * 256 + (+m[i]);
	}
	return n;
}

function formatIPv4(n) {
	return [ (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255 ].join('.');
}

function maskToPrefix(text) {
	var n = parseIPv4(text);
	if (n == null)
		return null;
	for (var p = 0; p <= 32; p++)
		if (prefixToMask(p) === n)
			return p;
	return null;
}

function prefixToMask(p) {
	return p === 0 ? 0 : (0xffffffff * Math.pow(2, 32 - p)) % 0x100000000;
}

/* A logical network with a static IPv4 address, as the wizard needs it; null for any other network. */
function lanInfo(name, net) {
	if (!net || net.proto !== 'static')
		return null;
	var addrs = list(net.ipaddr);
	for (var i = 0; i < addrs.length; i++) {
		var parts = addrs[i].split('/'),
		    address = parseIPv4(parts[0]),
		    prefix = parts.length > 1 ? (/^\d+$/.test(parts[1]) ? +parts[1] : null) : maskToPrefix(net.netmask || '255.255.255.0');
		if (address == null || prefix == null || prefix > 32)
			continue;
		var size = Math.pow(2, 32 - prefix),
		    network = address - (address % size);
		return {
			name: name,
			address: address,
			prefix: prefix,
			network: network,
			broadcast: network + size - 1,
			/* first and last address a host may have; a /31 or /32 has no room for a VIP */
			first: network + 1,
			last: network + size - 2,
			cidr: formatIPv4(network) + '/' + prefix
		};
	}
	return null;
}

/* Networks the wizard can use: static IPv4, not the loopback. */
function lanCandidates(sections) {
	return sections.filter(function(s) {
		return s['.name'] !== 'loopback';
	}).map(function(s) {
		return lanInfo(s['.name'], s);
	}).filter(function(info) {
		return info != null && info.last - info.first >= 3;
	});
}

function inSubnet(lan, n) {
	return n >= lan.network && n <= lan.broadcast;
}

function checkAddress(lan, text) {
	var n = parseIPv4(text);
	if (n == null)
		return fmt(_('%s is not an IPv4 address'), "'" + text + "'");
	if (!inSubnet(lan, n))
		return fmt(_('%s is not in the subnet of %s (%s)'), text, lan.name, lan.cidr);
	if (n === lan.network)
		return fmt(_('%s is the network address of %s'), text, lan.cidr);
	if (n === lan.broadcast)
		return fmt(_('%s is the broadcast address of %s'), text, lan.cidr);
	return n;
}

/* The virtual IP: a free host address of the LAN, neither router's own. */
function checkVip(lan, vip, peer) {
	if (vip == null || String(vip).trim() === '')
		return _('Enter the address clients will use as their gateway');
	var n = checkAddress(lan, vip);
	if (typeof n === 'string')
		return n;
	if (n === lan.address)
		return fmt(_('%s is this router\'s own address on %s: the virtual IP must be an address neither router has'), vip, lan.name);
	if (peer && parseIPv4(peer) === n)
		return fmt(_('%s is the other router\'s address: the virtual IP must be an address neither router has'), vip);
	var daemon = check.option('instance', 'virtual_ipaddress', vip + '/' + lan.prefix);
	return daemon === true ? true : daemon;
}

/* The other router's own LAN address, for unicast adverts; empty means multicast. */
function checkPeer(lan, peer, vip) {
	if (peer == null || String(peer).trim() === '')
		return true;
	var n = checkAddress(lan, peer);
	if (typeof n === 'string')
		return n;
	if (n === lan.address)
		return fmt(_('%s is this router\'s own address; enter the other router\'s'), peer);
	if (vip && parseIPv4(vip) === n)
		return fmt(_('%s is the virtual IP; enter the other router\'s own address'), peer);
	return true;
}

/* VRID: the daemon's own rule and message (1..255). */
function checkVrid(vrid) {
	if (vrid == null || String(vrid).trim() === '')
		return check.option('instance', 'virtual_router_id', '');
	return check.option('instance', 'virtual_router_id', String(vrid).trim());
}

function poolNumber(text, min, max) {
	var s = String(text == null ? '' : text).trim();
	if (!/^\d+$/.test(s))
		return fmt(_('%s is not a whole number'), "'" + s + "'");
	if (+s < min || +s > max)
		return fmt(_('%s is out of range %s..%s'), s, min, max);
	return +s;
}

function poolRange(lan, pool) {
	return { first: lan.network + pool.start, last: lan.network + pool.start + pool.limit - 1 };
}

function rangeText(r) {
	return formatIPv4(r.first) + ' - ' + formatIPv4(r.last);
}

/*
 * One router's DHCP pool (start and limit as in /etc/config/dhcp: an offset into the subnet and a count): it
 * must stay inside the subnet, leave out both routers and the VIP, and not overlap the other router's pool.
 */
function checkPool(lan, pool, others) {
	var size = lan.broadcast - lan.network,
	    start = poolNumber(pool.start, 1, size - 1),
	    limit = poolNumber(pool.limit, 1, size - 1);
	if (typeof start === 'string')
		return start;
	if (typeof limit === 'string')
		return limit;
	var r = poolRange(lan, { start: start, limit: limit });
	if (r.last > lan.last)
		return fmt(_('The pool %s goes beyond the last usable address of %s (%s)'), rangeText(r), lan.cidr, formatIPv4(lan.last));
	var fixed = [
		[ lan.address, _('this router\'s own address') ],
		[ parseIPv4(others.vip), _('the virtual IP') ],
		[ parseIPv4(others.peer), _('the other router\'s address') ]
	];
	for (var i = 0; i < fixed.length; i++)
		if (fixed[i][0] != null && fixed[i][0] >= r.first && fixed[i][0] <= r.last)
			return fmt(_('The pool %s contains %s (%s)'), rangeText(r), fixed[i][1], formatIPv4(fixed[i][0]));
	if (others.pool) {
		var os = +others.pool.start, ol = +others.pool.limit;
		if (os >= 1 && ol >= 1) {
			var o = poolRange(lan, { start: os, limit: ol });
			if (r.first <= o.last && o.first <= r.last)
				return fmt(_('The pool %s overlaps the other router\'s pool %s: both would hand out the same addresses'), rangeText(r), rangeText(o));
		}
	}
	return true;
}

/* Halves of one shared range: the primary takes the lower half, the secondary the upper. */
function splitPool(shared) {
	var half = Math.floor(shared.limit / 2);
	return {
		primary: { start: shared.start, limit: half },
		secondary: { start: shared.start + half, limit: shared.limit - half }
	};
}

/* Given two pools, the one each role gets: the lower for the primary. */
function poolsForRole(role, a, b) {
	var lower = +a.start <= +b.start ? a : b, upper = lower === a ? b : a;
	return role === 'secondary' ? { own: upper, peer: lower } : { own: lower, peer: upper };
}

/*
 * The pools to start from. A dhcp section the wizard already set up (its gateway option present) holds this
 * router's half, so the peer's is the adjacent one; otherwise the current pool is split.
 */
function initialPools(role, dhcp, configured) {
	var start = dhcp && dhcp.start != null ? +dhcp.start : DEFAULT_POOL.start,
	    limit = dhcp && dhcp.limit != null ? +dhcp.limit : DEFAULT_POOL.limit;
	if (configured) {
		var own = { start: start, limit: limit },
		    peer = role === 'secondary' ? { start: Math.max(1, start - limit), limit: limit } : { start: start + limit, limit: limit };
		return { own: own, peer: peer };
	}
	var halves = splitPool({ start: start, limit: limit });
	return { own: halves[role], peer: halves[ROLES[role].other] };
}

function isGatewayOption(opt) {
	return /^\s*(3|6|option:router|option:dns-server)\s*,/.test(opt);
}

/* dhcp_option with the gateway (3) and DNS server (6) set to the VIP; every other option kept. */
function dhcpOptions(existing, vip) {
	return list(existing).filter(function(o) { return !isGatewayOption(o); }).concat([ '3,' + vip, '6,' + vip ]);
}

/* track_interface with the uplink watched at UPLINK_WEIGHT; other tracked interfaces kept. */
function trackInterfaces(existing, uplink) {
	var kept = list(existing).filter(function(t) { return !uplink || t.split(/\s+/)[0] !== uplink; });
	return uplink ? kept.concat([ uplink + ' weight ' + UPLINK_WEIGHT ]) : kept;
}

/* What an existing setup tells the form: VIP, VRID, role and peer of an instance already on the network. */
function currentSetup(instances, network) {
	var inst = instances.filter(function(s) { return s.interface === network; })[0];
	if (!inst)
		return null;
	var vip = list(inst.virtual_ipaddress)[0] || '';
	return {
		section: inst['.name'],
		vip: vip.split('/')[0].split(/\s+/)[0],
		vrid: inst.virtual_router_id || '',
		role: inst.priority != null && +inst.priority <= ROLES.secondary.priority ? 'secondary' : 'primary',
		peer: list(inst.unicast_peer)[0] || ''
	};
}

/*
 * Everything Save & Apply writes, or the refusals. `input` holds the form values; `ctx` what is there now:
 * lan (lanInfo), dhcpSection (its name, or null to create one named after the network), dhcp (its values),
 * instance (the existing vrrp instance section, or null).
 */
function plan(input, ctx) {
	var lan = ctx.lan, errors = {}, pool = input.pool, peerPool = input.peerPool;
	var results = {
		vip: checkVip(lan, input.vip, input.peer),
		vrid: checkVrid(input.vrid),
		peer: checkPeer(lan, input.peer, input.vip),
		pool: checkPool(lan, pool, { vip: input.vip, peer: input.peer, pool: peerPool }),
		peer_pool: checkPool(lan, peerPool, { vip: input.vip, peer: input.peer, pool: pool })
	};
	if (!ROLES[input.role])
		results.role = _('Choose primary or secondary');
	Object.keys(results).forEach(function(k) {
		if (results[k] !== true)
			errors[k] = results[k];
	});
	Object.assign(errors, internet.errors(input.internet));
	if (Object.keys(errors).length)
		return { errors: errors };

	var role = ROLES[input.role], other = ROLES[role.other],
	    section = ctx.instance ? ctx.instance['.name'] : lan.name,
	    dhcpSection = ctx.dhcpSection || lan.name,
	    vrid = String(input.vrid).trim(),
	    peer = input.peer ? String(input.peer).trim() : '',
	    vip = String(input.vip).trim(),
	    self = formatIPv4(lan.address),
	    ping = internet.plan(input.internet, UPLINK_WEIGHT),
	    existing = ctx.instance || {};
	return {
		errors: null,
		vrrp: {
			section: section,
			set: { enabled: '1', interface: lan.name, virtual_router_id: vrid, priority: String(role.priority), version: '3', advert_int: '1' },
			lists: {
				virtual_ipaddress: [ vip + '/' + lan.prefix ],
				unicast_peer: peer ? [ peer ] : null,
				track_interface: trackInterfaces(existing.track_interface, input.uplink),
				track_script: internet.trackScripts(existing.track_script, ping)
			}
		},
		/* the internet check's track_script, or null: it is off */
		internet: ping,
		dhcp: {
			section: dhcpSection,
			create: !ctx.dhcpSection,
			set: { interface: lan.name, start: String(+pool.start), limit: String(+pool.limit), force: '1' },
			lists: { dhcp_option: dhcpOptions(ctx.dhcp && ctx.dhcp.dhcp_option, vip) }
		},
		dnsmasq: input.authoritativeOff ? { authoritative: '0' } : null,
		/* the existing instance's track scripts also move the priority: the page names them */
		kept: internet.keptScripts(existing.track_script).map(function(t) { return 'track_script ' + t; }),
		/* what the other router's wizard needs, in the same terms */
		other: {
			network: lan.name,
			vip: vip,
			role: role.other,
			priority: other.priority,
			vrid: vrid,
			peer: peer ? self : '',
			uplink: input.uplink || '',
			internet: ping,
			pool: { start: +peerPool.start, limit: +peerPool.limit },
			peerPool: { start: +pool.start, limit: +pool.limit },
			avoid: [ self, vip ]
		}
	};
}

/* Writes a plan through a uci.js-like object (get, set, unset, add, sections), the same calls LuCI's uci makes. */
function applyPlan(uci, p) {
	if (!uci.get('vrrp', 'globals'))
		uci.add('vrrp', 'globals', 'globals');
	uci.set('vrrp', 'globals', 'enabled', '1');
	if (!uci.get('vrrp', p.vrrp.section))
		uci.add('vrrp', 'instance', p.vrrp.section);
	Object.keys(p.vrrp.set).forEach(function(k) { uci.set('vrrp', p.vrrp.section, k, p.vrrp.set[k]); });
	Object.keys(p.vrrp.lists).forEach(function(k) {
		var v = p.vrrp.lists[k];
		if (v && v.length)
			uci.set('vrrp', p.vrrp.section, k, v);
		else
			uci.unset('vrrp', p.vrrp.section, k);
	});
	internet.apply(uci, p.internet);
	if (p.dhcp.create || !uci.get('dhcp', p.dhcp.section))
		uci.add('dhcp', 'dhcp', p.dhcp.section);
	Object.keys(p.dhcp.set).forEach(function(k) { uci.set('dhcp', p.dhcp.section, k, p.dhcp.set[k]); });
	uci.set('dhcp', p.dhcp.section, 'dhcp_option', p.dhcp.lists.dhcp_option);
	if (p.dnsmasq) {
		var dnsmasq = uci.sections('dhcp', 'dnsmasq')[0];
		if (dnsmasq)
			uci.set('dhcp', dnsmasq['.name'], 'authoritative', p.dnsmasq.authoritative);
	}
}

/* The other router's form, as label/value rows. */
function peerInstructions(p) {
	var o = p.other, rows = [
		[ _('LAN network'), o.network ],
		[ _('Virtual IP'), o.vip ],
		[ _('This router is'), o.role === 'secondary' ? _('Secondary') : _('Primary') ],
		[ _('Virtual router ID (VRID)'), o.vrid ],
		[ _('Other router\'s address'), o.peer || _('(empty: multicast)') ],
		[ _('Hand over when this network is down'), o.uplink || _('(none)') ],
		[ _('Hand over when the internet is unreachable'), internet.instruction(o.internet) ],
		[ _('DHCP pool start / size'), o.pool.start + ' / ' + o.pool.limit ],
		[ _('Other router\'s pool start / size'), o.peerPool.start + ' / ' + o.peerPool.limit ]
	];
	return rows;
}

/* The same for the command line: what to run on the other router instead of its wizard. */
function peerCommands(p) {
	var o = p.other, inst = o.network, c = [
		"uci set vrrp.globals=globals",
		"uci set vrrp.globals.enabled='1'",
		"uci set vrrp." + inst + "=instance",
		"uci set vrrp." + inst + ".interface='" + o.network + "'",
		"uci set vrrp." + inst + ".virtual_router_id='" + o.vrid + "'",
		"uci set vrrp." + inst + ".priority='" + o.priority + "'",
		"uci set vrrp." + inst + ".version='3'",
		"uci -q delete vrrp." + inst + ".virtual_ipaddress",
		"uci add_list vrrp." + inst + ".virtual_ipaddress='" + p.vrrp.lists.virtual_ipaddress[0] + "'"
	];
	if (o.peer)
		c.push("uci -q delete vrrp." + inst + ".unicast_peer", "uci add_list vrrp." + inst + ".unicast_peer='" + o.peer + "'");
	/* del_list first, so running the commands twice adds nothing twice */
	var track = o.uplink + ' weight ' + UPLINK_WEIGHT, dhcp = 'dhcp.' + p.dhcp.section;
	if (o.uplink)
		c.push("uci -q del_list vrrp." + inst + ".track_interface='" + track + "'", "uci add_list vrrp." + inst + ".track_interface='" + track + "'");
	c.push(
		"uci set " + dhcp + ".start='" + o.pool.start + "'",
		"uci set " + dhcp + ".limit='" + o.pool.limit + "'",
		"uci set " + dhcp + ".force='1'");
	[ '3,', '6,' ].forEach(function(code) {
		c.push("uci -q del_list " + dhcp + ".dhcp_option='" + code + o.vip + "'", "uci add_list " + dhcp + ".dhcp_option='" + code + o.vip + "'");
	});
	c.push.apply(c, internet.commands(o.internet, inst));
	if (p.dnsmasq)
		c.push("uci set dhcp.@dnsmasq[0].authoritative='0'");
	c.push("uci commit vrrp; uci commit dhcp");
	return c;
}

return baseclass.extend({
	ROLES: ROLES,
	UPLINK_WEIGHT: UPLINK_WEIGHT,
	DEFAULT_VRID: DEFAULT_VRID,
	parseIPv4: parseIPv4,
	formatIPv4: formatIPv4,
	lanInfo: lanInfo,
	lanCandidates: lanCandidates,
	checkVip: checkVip,
	checkPeer: checkPeer,
	checkVrid: checkVrid,
	checkPool: checkPool,
	splitPool: splitPool,
	poolsForRole: poolsForRole,
	initialPools: initialPools,
	dhcpOptions: dhcpOptions,
	trackInterfaces: trackInterfaces,
	currentSetup: currentSetup,
	plan: plan,
	applyPlan: applyPlan,
	peerInstructions: peerInstructions,
	peerCommands: peerCommands
});
