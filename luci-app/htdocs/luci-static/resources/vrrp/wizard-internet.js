'use strict';
'require baseclass';
'require vrrp.config-check as check';

/*
 * The gateway wizard's "Hand over when the internet is unreachable": a track_script of type ping that the wizard
 * owns (section TRACK_NAME), listed by the instance it sets up. The WAN link option only sees the cable; this sees
 * a dead upstream behind a link that is up. Plain functions without DOM, run by test/luci/wizard-logic.test.ts.
 */

var TRACK_NAME = 'internet_ping';

/*
 * The hosts mwan3 pings for its `wan` interface by default (openwrt/packages net/mwan3/files/etc/config/mwan3):
 * public resolvers of two operators, up while 2 of the 4 answer, so neither one operator's outage nor one lost
 * echo hands over. The user can replace them, e.g. with the ISP's gateway.
 */
var DEFAULT_HOSTS = [ '1.0.0.1', '1.1.1.1', '208.67.222.222', '208.67.220.220' ];
var DEFAULT_RELIABILITY = 2;

/*
 * A run every 5 s with 2 s to answer (mwan3's interval and timeout); 3 failed runs in a row (about 15 s) hand
 * over, 5 good ones (about 25 s) take back: a short loss does not move the gateway, and a flapping uplink does
 * not move it back and forth.
 */
var TIMING = { interval: '5', timeout: '2', fall: '3', rise: '5' };

function list(value) {
	if (value == null || value === '')
		return [];
	return Array.isArray(value) ? value.slice() : String(value).trim().split(/\s+/);
}

function firstWord(entry) {
	return String(entry).trim().split(/\s+/)[0];
}

/* The hosts: at least one, each an address the daemon takes (its message otherwise). */
function checkHosts(hosts) {
	var items = list(hosts).filter(function(h) { return String(h).trim() !== ''; });
	if (!items.length)
		return _('Enter at least one address to ping');
	for (var i = 0; i < items.length; i++) {
		var r = check.option('track_script', 'host', String(items[i]).trim());
		if (r !== true)
			return r;
	}
	return true;
}

/* How many hosts must answer: the daemon's range, and its whole check against the hosts given (its words). */
function checkReliability(reliability, hosts) {
	var r = check.option('track_script', 'reliability', reliability == null ? '' : String(reliability).trim());
	if (r !== true)
		return r;
	var section = { '.type': 'track_script', '.name': TRACK_NAME, '.anonymous': false, '.index': 0, type: 'ping', host: list(hosts), reliability: String(reliability).trim() };
	var refused = check.check([ section ]).filter(function(f) { return f.severity === 'error' && f.option === 'reliability'; })[0];
	return refused ? refused.message : true;
}

/* What the form starts from: the wizard's check where the instance lists it, else off with mwan3's hosts. */
function current(instance, track) {
	var listed = !!instance && list(instance.track_script).some(function(t) { return firstWord(t) === TRACK_NAME; });
	var hosts = track && track.type === 'ping' ? list(track.host) : [];
	return {
		enabled: listed && hosts.length > 0,
		hosts: hosts.length ? hosts : DEFAULT_HOSTS.slice(),
		reliability: track && track.reliability != null ? String(track.reliability) : String(Math.min(DEFAULT_RELIABILITY, hosts.length || DEFAULT_HOSTS.length))
	};
}

/* The errors of the form's values { enabled, hosts, reliability }, by field; none when the check is off. */
function errors(input) {
	var out = {};
	if (!input || !input.enabled)
		return out;
	var hosts = checkHosts(input.hosts), reliability = hosts === true ? checkReliability(input.reliability, input.hosts) : true;
	if (hosts !== true)
		out.internet_hosts = hosts;
	if (reliability !== true)
		out.internet_reliability = reliability;
	return out;
}

/*
 * What Save & Apply writes for the check, or null when it is off: the section (weight `weight`, the WAN link's,
 * so either failure alone hands over and the router that still reaches the internet keeps the higher priority).
 */
function plan(input, weight) {
	if (!input || !input.enabled)
		return null;
	return {
		section: TRACK_NAME,
		set: { type: 'ping', reliability: String(+input.reliability), interval: TIMING.interval, timeout: TIMING.timeout, fall: TIMING.fall, rise: TIMING.rise, weight: String(weight) },
		hosts: list(input.hosts).map(function(h) { return String(h).trim(); }).filter(Boolean)
	};
}

/* The instance's track_script list: the wizard's check listed (by name: its weight is the section's) or not; others kept. */
function trackScripts(existing, p) {
	var kept = list(existing).filter(function(t) { return firstWord(t) !== TRACK_NAME; });
	return p ? kept.concat([ TRACK_NAME ]) : kept;
}

/* The existing instance's other track scripts, which also move the priority: the page names them. */
function keptScripts(existing) {
	return list(existing).filter(function(t) { return firstWord(t) !== TRACK_NAME; });
}

/*
 * Writes the section through a uci.js-like object, after the instance's list was set. Turned off, the section
 * goes when no instance lists it any more (the daemon warns about a track_script nothing uses).
 */
function apply(uci, p) {
	if (p) {
		if (!uci.get('vrrp', p.section))
			uci.add('vrrp', 'track_script', p.section);
		uci.unset('vrrp', p.section, 'script');
		Object.keys(p.set).forEach(function(k) { uci.set('vrrp', p.section, k, p.set[k]); });
		uci.set('vrrp', p.section, 'host', p.hosts);
		return;
	}
	var used = uci.sections('vrrp', 'instance').some(function(s) {
		return list(s.track_script).some(function(t) { return firstWord(t) === TRACK_NAME; });
	});
	if (!used && uci.get('vrrp', TRACK_NAME))
		uci.remove('vrrp', TRACK_NAME);
}

/* The same for the other router's command line; `inst` is its instance section. */
function commands(p, inst) {
	if (!p)
		return [];
	var s = 'vrrp.' + p.section, c = [ 'uci set ' + s + '=track_script' ];
	Object.keys(p.set).forEach(function(k) { c.push('uci set ' + s + '.' + k + "='" + p.set[k] + "'"); });
	c.push('uci -q delete ' + s + '.host');
	p.hosts.forEach(function(h) { c.push('uci add_list ' + s + ".host='" + h + "'"); });
	/* del_list first, so running the commands twice adds nothing twice */
	c.push('uci -q del_list vrrp.' + inst + ".track_script='" + p.section + "'", 'uci add_list vrrp.' + inst + ".track_script='" + p.section + "'");
	return c;
}

/* The other router's form row. */
function instruction(p) {
	return p ? p.hosts.join(', ') + ' (' + p.set.reliability + ' ' + _('must answer') + ')' : _('(off)');
}

return baseclass.extend({
	TRACK_NAME: TRACK_NAME,
	DEFAULT_HOSTS: DEFAULT_HOSTS,
	TIMING: TIMING,
	checkHosts: checkHosts,
	checkReliability: checkReliability,
	current: current,
	errors: errors,
	plan: plan,
	trackScripts: trackScripts,
	keptScripts: keptScripts,
	apply: apply,
	commands: commands,
	instruction: instruction
});
